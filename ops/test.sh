#!/usr/bin/env bash
# The whole test suite (`make test`): data validation, test conversations, pytest
# (including the web chat's browser tests, which drive Debian's chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH="$PWD"
PY=.venv/bin/python
RASA=.venv/bin/rasa

bash ops/check.sh

echo "==> Validating training data"
"$RASA" data validate --config config.yml --domain domain.yml --data data

echo "==> Training the model if its inputs changed"
"$PY" -m ml.train
MODEL="$("$PY" -m ml.train --print-path)"

echo "==> Test conversations (rasa test, prediction errors fail the run)"
"$RASA" test core --e2e --model "$MODEL" --stories tests/conversations \
  --fail-on-prediction-errors --out var/test-results/conversations

if [ ! -x /usr/bin/chromium ]; then
  echo "==> Installing Debian's chromium for the browser tests (tests/e2e)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "Need root (or sudo) to apt-get install chromium." >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -f tests/e2e/axe/node_modules/axe-core/axe.min.js ]; then
  echo "==> axe-core for the staff console's accessibility checks (pinned in tests/e2e/axe)"
  (cd tests/e2e/axe && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi

echo "==> PostgreSQL, Redis and nginx from Debian for the scale-out tests (installed if missing)"
"$PY" -m ops.scaleout --install-only

echo "==> pytest: the slower tiers (integration, e2e browser tests, scale-out, bench smoke)"
# --durations: the slowest tests are named in every run's log, to keep the whole run under 30 min.
"$PY" -m pytest tests -m "not unit" --durations=15 "$@"
