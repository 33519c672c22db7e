"""The Redis lock store the scaled-out Rasa servers share (clinic_rasa/lock_store.py), on a real Redis."""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator, List

import pytest
from rasa.utils.endpoints import EndpointConfig

from clinic_rasa.lock_store import RedisTicketLockStore
from ops import scaleout
from tests.conftest import free_port, start_services

pytestmark = pytest.mark.scaleout


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    scaleout.ensure_packages()
    run_dir = Path(tempfile.mkdtemp(prefix="clinic-redis-"))
    layout = scaleout.Layout(
        run_dir=run_dir,
        postgres_dir=run_dir,
        proxy_port=0,
        actions_proxy_port=0,
        postgres_port=0,
        redis_port=free_port(),
        rasa_ports=[],
        action_ports=[],
    )
    service = scaleout.redis_service(layout)
    start_services([service], {})
    try:
        yield layout.redis_port
    finally:
        service.stop()


def store(port: int) -> RedisTicketLockStore:
    """A store as a Rasa server creates it from endpoints.yml."""
    return RedisTicketLockStore(
        EndpointConfig(
            url="127.0.0.1", port=str(port), type="clinic_rasa.lock_store.RedisTicketLockStore"
        )
    )


def test_a_message_behind_a_crashed_server_is_served_once_that_servers_ticket_expires(redis_port):
    crashed, alive = store(redis_port), store(redis_port)
    crashed.issue_ticket("visitor-1", lock_lifetime=2)  # taken, then its server died

    async def next_message() -> float:
        started = time.monotonic()
        async with alive.lock("visitor-1", lock_lifetime=2, wait_time_in_seconds=1):
            return time.monotonic() - started

    # Rasa 3.6's own store waits forever here: the waiting ticket expires with the dead one.
    waited = asyncio.run(asyncio.wait_for(next_message(), timeout=10))
    assert 1 <= waited < 5
    assert alive.get_lock("visitor-1") is None  # released, nothing left behind


def test_tickets_issued_by_many_servers_at_once_are_all_kept(redis_port):
    stores = [store(redis_port) for _ in range(12)]
    tickets: List[int] = []
    start = threading.Barrier(len(stores))

    def issue(one: RedisTicketLockStore) -> None:
        start.wait()
        tickets.append(one.issue_ticket("visitor-2", lock_lifetime=30))

    threads = [threading.Thread(target=issue, args=(one,)) for one in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(tickets) == list(range(len(stores)))  # numbered from 0, none twice
    stored = json.loads(stores[0].red.get(stores[0].key_prefix + "visitor-2"))["tickets"]
    assert len(stored) == len(stores)
    for number in tickets:
        stores[0].cleanup("visitor-2", number)
    assert stores[0].get_lock("visitor-2") is None
