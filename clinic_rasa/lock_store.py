"""A Redis lock store that stays correct when several Rasa servers share conversations.

Rasa 3.6's `redis` lock store has two flaws that matter once a server can crash:

- A message waiting for a conversation's lock holds a ticket with the same lifetime as
  the ticket ahead of it. When the server holding the lock dies, both tickets expire at
  about the same poll, and the waiting message then waits forever (the lock is empty,
  so its number never comes up). Here a waiting message renews its own ticket on every
  poll, so it is served as soon as the dead server's ticket expires.
- Tickets are issued and released with a read followed by a separate write, so two
  servers can overwrite each other's tickets. Here every change is one Redis transaction
  (WATCH/MULTI), retried if another server changed the lock in between.

Use it with LOCK_STORE_TYPE=clinic_rasa.lock_store.RedisTicketLockStore (ops/scaleout.py
does); LOCK_STORE_HOST and LOCK_STORE_PORT work as for `redis`.

Rasa's `in_memory` lock store (one server) has the same waiting-ticket flaw, and polls once
a second: messages queued on one conversation were served one per second and those still
waiting after the lock lifetime were never answered. `InMemoryQueueLockStore` (the default,
LOCK_STORE_TYPE) queues them on an asyncio lock instead: first come, first served, each as
soon as the previous one is done, none dropped. The channels refuse messages beyond
MAX_QUEUED_PER_CONVERSATION early with a clear reply (clinic_rasa/channels/limits.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Dict, Optional, Text, TypeVar

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class RedisTicketLockStore(RedisLockStore):
    """Rasa's Redis ticket lock, with atomic changes and waiting tickets that do not expire."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = endpoint_config.kwargs
        super().__init__(
            host=endpoint_config.url or "localhost",
            port=int(options.get("port") or 6379),
            db=int(options.get("db") or 1),
            password=options.get("password") or None,
        )

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], T]) -> T:
        """Apply `change` to the stored lock in one transaction; an emptied lock is deleted."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = (
                        TicketLock.from_dict(json.loads(raw))
                        if raw
                        else TicketLock(conversation_id)
                    )
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as error:  # noqa: BLE001 - Rasa expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    async def _acquire_lock(
        self, conversation_id: Text, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock = self._change(conversation_id, lambda lock: _keep_waiting(lock, ticket))
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Release the ticket; the lock disappears with its last ticket (in the same transaction)."""
        self.finish_serving(conversation_id, ticket_number)


def _keep_waiting(lock: TicketLock, ticket: int, lifetime: Optional[float] = None) -> TicketLock:
    """Drop expired tickets and renew `ticket`, so only a ticket nobody polls for runs out."""
    lock.remove_expired_tickets()
    expires = time.time() + (lifetime or LOCK_LIFETIME)
    own = next((t for t in lock.tickets if t.number == ticket), None)
    if own is None:  # expired before this poll (a stalled event loop): queue again in order
        lock.tickets = deque(
            sorted([*lock.tickets, Ticket(ticket, expires)], key=lambda t: t.number)
        )
    elif lock.tickets[0].number != ticket:  # still waiting: renew; the holder's is not renewed
        own.expires = expires
    return lock


class InMemoryQueueLockStore(InMemoryLockStore):
    """One server's conversation locks as asyncio locks: waiting messages are served in order,
    at once, and never expire while they wait."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        super().__init__()
        self._queues: Dict[Text, asyncio.Lock] = {}
        self._waiting: Dict[Text, int] = {}

    def waiting(self, conversation_id: Text) -> int:
        """Messages of the conversation being handled or waiting."""
        return self._waiting.get(conversation_id, 0)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        queue = self._queues.setdefault(conversation_id, asyncio.Lock())
        self._waiting[conversation_id] = self._waiting.get(conversation_id, 0) + 1
        try:
            async with queue:  # asyncio.Lock wakes its waiters first in, first out
                yield TicketLock(conversation_id)
        finally:
            left = self._waiting[conversation_id] - 1
            if left:
                self._waiting[conversation_id] = left
            else:
                del self._waiting[conversation_id]
                self._queues.pop(conversation_id, None)
