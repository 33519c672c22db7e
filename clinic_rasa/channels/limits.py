"""Abuse limits of the chat channels on one machine (aiolimiter's leaky buckets).

In the scaled-out set-up nginx applies the per-IP limits (`limit_req`, `limit_conn` in
ops/nginx.conf.template); these are the equivalent for `make run`, where visitors reach
Rasa directly. A message over a limit is refused at once with a clear answer (HTTP 429 on
the REST webhook, a bot message on the web chat), and never reaches Rasa:

- messages per client IP per minute (RATE_LIMIT_IP_PER_MINUTE, 0 = off);
- messages per conversation per minute (RATE_LIMIT_CONVERSATION_PER_MINUTE);
- new conversations per client IP per hour (NEW_CONVERSATIONS_PER_IP_PER_HOUR, 0 = off);
- messages of one conversation waiting for the previous ones (MAX_QUEUED_PER_CONVERSATION):
  a visitor who sends many messages at once gets their first ones answered and is told
  to wait for the rest, instead of a queue that outlives the conversation lock.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager
from typing import Dict, Iterator, Optional

from aiolimiter import AsyncLimiter

from clinic_core import metrics
from clinic_core.settings import Settings

MAX_TRACKED = 20_000  # keys remembered per limit; the least recently seen are forgotten

RATE_LIMIT_REPLY = (
    "You're sending messages faster than I can answer. Please wait a moment and try again. "
    "If you are in crisis, call or text 988 now, or call 911 in an emergency."
)
BUSY_REPLY = (
    "I'm still answering your earlier messages. Please wait for my reply, then send this "
    "again. If you are in crisis, call or text 988 now, or call 911 in an emergency."
)


class Refused(Exception):
    def __init__(self, limit: str, reply: str) -> None:
        super().__init__(limit)
        self.limit, self.reply = limit, reply


class _Buckets:
    """One leaky bucket per key, at most MAX_TRACKED keys."""

    def __init__(self, max_rate: float, period_s: float) -> None:
        self.max_rate, self.period_s = max_rate, period_s
        self.buckets: "OrderedDict[str, AsyncLimiter]" = OrderedDict()

    async def take(self, key: str) -> bool:
        """Use one unit of `key`'s bucket now; False when it is full (the request is refused)."""
        if self.max_rate <= 0:
            return True
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = AsyncLimiter(self.max_rate, self.period_s)
            if len(self.buckets) > MAX_TRACKED:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(key)
        if not bucket.has_capacity():
            return False
        await bucket.acquire()  # has_capacity() said yes: takes the unit without waiting
        return True


class ChannelLimits:
    """The limits of one Rasa server process, shared by its REST and socket.io channels."""

    _shared: Optional["ChannelLimits"] = None

    def __init__(self, settings: Settings) -> None:
        self.per_ip = _Buckets(settings.messages_per_ip_per_minute, 60)
        self.per_conversation = _Buckets(settings.messages_per_conversation_per_minute, 60)
        self.new_per_ip = _Buckets(settings.new_conversations_per_ip_per_hour, 3600)
        self.max_queued = settings.max_queued_per_conversation
        self.known: "OrderedDict[str, None]" = OrderedDict()
        self.in_flight: Dict[str, int] = {}

    @classmethod
    def shared(cls, settings: Settings) -> "ChannelLimits":
        if cls._shared is None:
            cls._shared = cls(settings)
        return cls._shared

    async def check(self, ip: str, sender_id: str) -> None:
        """Raise Refused if this message is over a limit; otherwise count it."""
        if not await self.per_ip.take(ip):
            raise self._refused("ip", RATE_LIMIT_REPLY)
        if sender_id not in self.known:
            if not await self.new_per_ip.take(ip):
                raise self._refused("new_conversations_ip", RATE_LIMIT_REPLY)
            self.known[sender_id] = None
            if len(self.known) > MAX_TRACKED:
                self.known.popitem(last=False)
        else:
            self.known.move_to_end(sender_id)
        if self.in_flight.get(sender_id, 0) >= self.max_queued > 0:
            raise self._refused("queued_conversation", BUSY_REPLY)
        if not await self.per_conversation.take(sender_id):
            raise self._refused("conversation", RATE_LIMIT_REPLY)

    @contextmanager
    def handling(self, sender_id: str) -> Iterator[None]:
        """Count a message of `sender_id` as waiting or being handled while inside."""
        self.in_flight[sender_id] = self.in_flight.get(sender_id, 0) + 1
        try:
            yield
        finally:
            left = self.in_flight[sender_id] - 1
            if left:
                self.in_flight[sender_id] = left
            else:
                del self.in_flight[sender_id]

    @staticmethod
    def _refused(limit: str, reply: str) -> Refused:
        metrics.RATE_LIMITED.labels(limit=limit).inc()
        return Refused(limit, reply)
