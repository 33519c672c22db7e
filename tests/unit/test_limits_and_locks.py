"""Abuse limits, the in-memory lock store, the session cap and the supervisord config."""

from __future__ import annotations

import asyncio
import configparser
from pathlib import Path

import pytest

from clinic_core.settings import load_settings
from clinic_rasa.channels.limits import BUSY_REPLY, ChannelLimits, Refused
from clinic_rasa.lock_store import InMemoryQueueLockStore


def limits(**env: str) -> ChannelLimits:
    return ChannelLimits(load_settings(env))


def test_new_conversations_per_ip_are_capped_but_known_ones_continue():
    async def scenario():
        guard = limits(NEW_CONVERSATIONS_PER_IP_PER_HOUR="3", RATE_LIMIT_IP_PER_MINUTE="0")
        for n in range(3):
            await guard.check("203.0.113.9", f"conv-{n}")
        with pytest.raises(Refused) as refused:
            await guard.check("203.0.113.9", "conv-new")
        assert refused.value.limit == "new_conversations_ip"
        await guard.check("203.0.113.9", "conv-1")  # an existing conversation goes on
        await guard.check("198.51.100.7", "conv-other")  # another visitor is not affected

    asyncio.run(scenario())


def test_messages_per_ip_and_per_conversation_are_limited():
    async def scenario():
        guard = limits(RATE_LIMIT_IP_PER_MINUTE="5", RATE_LIMIT_CONVERSATION_PER_MINUTE="100")
        for n in range(5):
            await guard.check("203.0.113.1", f"c{n}")
        with pytest.raises(Refused):
            await guard.check("203.0.113.1", "c0")
        guard = limits(RATE_LIMIT_IP_PER_MINUTE="0", RATE_LIMIT_CONVERSATION_PER_MINUTE="2")
        await guard.check("ip", "chatty")
        await guard.check("ip", "chatty")
        with pytest.raises(Refused):
            await guard.check("ip", "chatty")
        await guard.check("ip", "quiet")

    asyncio.run(scenario())


def test_messages_queued_beyond_the_limit_are_refused_early():
    async def scenario():
        guard = limits(MAX_QUEUED_PER_CONVERSATION="2", RATE_LIMIT_CONVERSATION_PER_MINUTE="100")
        with guard.handling("busy"), guard.handling("busy"):
            with pytest.raises(Refused) as refused:
                await guard.check("ip", "busy")
            assert refused.value.reply == BUSY_REPLY
        await guard.check("ip", "busy")  # done: accepted again

    asyncio.run(scenario())


def test_in_memory_lock_serves_every_queued_message_in_order_without_dropping_any():
    store = InMemoryQueueLockStore()
    served = []

    async def message(number: int) -> None:
        async with store.lock("conv", lock_lifetime=0.01):  # lifetime shorter than the wait
            await asyncio.sleep(0.01)
            served.append(number)

    async def scenario():
        await asyncio.gather(*(message(n) for n in range(50)))

    asyncio.run(scenario())
    assert served == list(range(50))
    assert store.waiting("conv") == 0 and store._queues == {}


def test_a_session_is_restarted_after_max_turns_but_never_inside_a_form():
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

    from clinic_rasa.patches.session_cap import capped, turns_in_session

    class Tracker:
        def __init__(self, turns: int, active_loop=None):
            self.events = [SessionStarted(), ActionExecuted("action_listen")]
            self.events += [UserUttered("hi") for _ in range(turns)]
            self.active_loop_name = active_loop

    expired = capped(lambda self, tracker: False, max_turns=20)
    assert turns_in_session(Tracker(7)) == 7
    assert expired(None, Tracker(19)) is False
    assert expired(None, Tracker(20)) is True
    assert expired(None, Tracker(25, active_loop="callback_form")) is False


def test_each_service_is_one_supervised_program_restarted_with_back_off(tmp_path):
    from ops import stack
    from ops.supervise import render_config

    settings = load_settings({"CLINIC_DATA_DIR": str(tmp_path)})
    services = stack.build_services(settings, Path("models/x.tar.gz"), "secret-token")
    config = configparser.RawConfigParser()
    config.read_string(render_config(tmp_path / "run", services))
    programs = [s for s in config.sections() if s.startswith("program:")]
    assert programs == [
        "program:action-server",
        "program:rasa-server",
        "program:web-chat",
        "program:staff-console",
    ]
    for section in programs:
        assert config[section]["autorestart"] == "true"
        assert int(config[section]["startretries"]) >= 3
        assert "secret-token" not in config[section]["command"]
    assert config["supervisord"]["umask"] == "077"
    rasa = next(s for s in services if s.program == "rasa-server")
    assert rasa.ready_key == "model_id" and "/status" in rasa.health_url
    assert "--interface" in rasa.command and "127.0.0.1" in rasa.command
