"""`rasa run` with the HTTP API token taken from the environment (RASA_AUTH_TOKEN).

Rasa 3.6 reads its API token from the `--auth-token` argument only, and a process's
arguments are visible to every user of the machine (`ps`, /proc/<pid>/cmdline). The
launchers start `python -m clinic_rasa.serve run ...` instead: the token is added to
`sys.argv` inside this process, which does not change the command line others see.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    token = os.environ.get("RASA_AUTH_TOKEN")
    if not token and os.environ.get("CLINIC_ENV") == "production":
        sys.exit("RASA_AUTH_TOKEN is not set: in production the HTTP API needs a token.")
    if token and "--auth-token" not in sys.argv:
        sys.argv += ["--auth-token", token]
    sys.argv[0] = "rasa"
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
