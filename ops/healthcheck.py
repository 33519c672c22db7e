"""Wait until a service is ready to answer: `python -m ops.healthcheck URL [--key K]`.

Ready means the URL answers 200 and, with `--key`, its JSON has that key set (Rasa's
`/status` has `model_id` only once a model is loaded). The systemd units use it as
ExecStartPost, so a unit counts as started only when it can answer; ops/stack.py checks
the same way (stack.Service.is_healthy). Exit 0 when ready, 1 on timeout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ops.stack import Service


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--key", help="JSON key of the answer that must be set")
    parser.add_argument("--token-env", help="environment variable holding a ?token= value")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    url = args.url
    if args.token_env:
        url += ("&" if "?" in url else "?") + "token=" + os.environ.get(args.token_env, "")
    probe = Service("probe", [], url, Path(os.devnull), ready_key=args.key)
    deadline = time.monotonic() + args.timeout
    while not probe.is_healthy():
        if time.monotonic() > deadline:
            print(f"Not ready after {args.timeout:.0f} s: {args.url}", file=sys.stderr)
            return 1
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
