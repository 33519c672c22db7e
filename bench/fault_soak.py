"""Soak with faults: visitors talk to `make run`'s supervised services while one of them is
killed (kill -9) at random, KILL_EVERY seconds after all are up again; then every
conversation is checked.

`python -m bench.fault_soak --visitors 50 --seconds 600` (the issue's 10 minutes; a 60 s run
is `--seconds 60`). The services run under supervisord exactly as `make run` starts them
(ops/stack.build_services + ops/supervise.Supervisor), with the abuse limits off because every
simulated visitor comes from 127.0.0.1. Each visitor follows load.py's scripts (questions, a
call-back request ending in "yes", goodbye); a message that fails is sent again up to 3 times,
2 s apart, as the web chat's "Send again" would. Reported:

- errors: requests that failed (while the single Rasa server restarts, none can succeed);
- lost conversations: conversations with a message that was answered but is missing from the
  tracker store (must be 0);
- duplicate bookings: conversations with more saved call-back requests than form runs
  (must be 0), which the repeated "yes" after a crash would cause without the idempotency key.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import quote

from bench import load
from clinic_core.settings import ABUSE_LIMITS_OFF, load_settings
from clinic_core.storage import get_storage
from ops import stack
from ops.supervise import Supervisor

TOKEN = "fault-soak-token"
PROGRAMS = ("action-server", "rasa-server", "web-chat")


class Run:
    def __init__(self) -> None:
        self.answered: Dict[str, List[str]] = {}
        self.errors: Counter = Counter()
        self.requests = 0
        self.kills: List[tuple] = []


async def visitor(session, url: str, name: str, deadline: float, rng, questions, run: Run) -> None:
    import aiohttp

    number = 0
    while time.monotonic() < deadline:
        number += 1
        sender = f"{name}-c{number}"
        answered = run.answered.setdefault(sender, [])
        for text in load.conversation_script(rng, questions):
            if time.monotonic() >= deadline:
                return
            for _attempt in range(4):  # the first try and 3 "Send again"
                run.requests += 1
                try:
                    async with session.post(
                        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                    ) as response:
                        body = await response.json(content_type=None)
                        if response.status == 200 and isinstance(body, list) and body:
                            answered.append(text)
                            break
                        run.errors[f"HTTP {response.status}"] += 1
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                    run.errors[type(error).__name__] += 1
                await asyncio.sleep(2)


async def killer(
    supervisor: Supervisor, services, deadline: float, every_s: float, rng, run: Run
) -> None:
    """Kill -9 a random service every `every_s` seconds, each time once all are back up (on
    one machine a Rasa server needs a minute or two to load its model: killing it again while
    it starts would only measure an empty machine)."""
    started = time.monotonic()
    while time.monotonic() + every_s < deadline:
        while not all(await asyncio.gather(*(asyncio.to_thread(s.is_healthy) for s in services))):
            await asyncio.sleep(1)
        await asyncio.sleep(every_s * rng.uniform(0.7, 1.3))
        if time.monotonic() >= deadline:
            return
        program = rng.choice(PROGRAMS)
        pid = await asyncio.to_thread(supervisor.pid, program)
        if pid:
            os.kill(pid, signal.SIGKILL)
            run.kills.append((round(time.monotonic() - started, 1), program))


async def lost_conversations(url: str, run: Run) -> Dict[str, str]:
    import aiohttp

    lost: Dict[str, str] = {}
    gate = asyncio.Semaphore(4)

    async def check(session, sender: str, texts: List[str]) -> None:
        async with gate:
            async with session.get(
                f"{url}/conversations/{quote(sender)}/tracker",
                params={"include_events": "ALL", "token": TOKEN},
            ) as reply:
                tracker = await reply.json(content_type=None)
        stored = Counter(e.get("text") for e in tracker["events"] if e.get("event") == "user")
        missing = Counter(texts) - stored
        if missing:
            lost[sender] = f"answered but not stored: {list(missing)}"

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        await asyncio.gather(*(check(session, s, t) for s, t in run.answered.items() if t))
    return lost


async def drive(
    url: str, supervisor: Supervisor, services, visitors: int, seconds: float, every_s: float
):
    import aiohttp

    rng = random.Random(16)
    questions = load.faq_questions()
    run = Run()
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=90)) as session:
        await asyncio.gather(
            killer(supervisor, services, deadline, every_s, random.Random(61), run),
            *(
                visitor(
                    session, url, f"v{n}", deadline, random.Random(rng.random()), questions, run
                )
                for n in range(visitors)
            ),
        )
    return run


def main(argv: Optional[List[str]] = None) -> int:
    from ml import train

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--kill-every", type=float, default=30, help="seconds between kills")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    model = train.train()
    with tempfile.TemporaryDirectory(prefix="fault-soak-") as tmp:
        settings = load_settings(
            {
                "CLINIC_DATA_DIR": str(Path(tmp) / "var"),
                "RASA_PORT": str(load_free_port()),
                "ACTION_PORT": str(load_free_port()),
                "WEB_PORT": str(load_free_port()),
                "RASA_AUTH_TOKEN": TOKEN,
                **ABUSE_LIMITS_OFF,
            }
        )
        services = stack.build_services(settings, model, TOKEN)
        supervisor = Supervisor(
            settings.run_dir / "run", services, stack.service_environment(settings)
        )
        url = f"http://127.0.0.1:{settings.rasa_port}"
        try:
            supervisor.start()
            started = time.monotonic()
            run = asyncio.run(
                drive(url, supervisor, services, args.visitors, args.seconds, args.kill_every)
            )
            elapsed = time.monotonic() - started
            stack.wait_until_healthy(services, supervisor=supervisor)  # all back
            lost = asyncio.run(lost_conversations(url, run))
            bookings = Counter(
                b["conversation_id"] for b in get_storage(settings.database_url).list_bookings()
            )
            duplicates = {c: n for c, n in bookings.items() if n > 1}
        finally:
            supervisor.stop()
    answered = sum(len(t) for t in run.answered.values())
    result = {
        "visitors": args.visitors,
        "seconds": round(elapsed, 1),
        "conversations": len(run.answered),
        "requests": run.requests,
        "answered_messages": answered,
        "errors": dict(run.errors),
        "error_count": sum(run.errors.values()),
        "kills": run.kills,
        "lost_conversations": len(lost),
        "lost_examples": dict(list(lost.items())[:5]),
        "bookings": sum(bookings.values()),
        "duplicate_bookings": len(duplicates),
    }
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1))
    return 0 if not lost and not duplicates else 1


def load_free_port() -> int:
    from bench.servers import free_port

    return free_port()


if __name__ == "__main__":
    raise SystemExit(main())
