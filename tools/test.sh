#!/usr/bin/env bash
# The whole test suite (`make test`): data validation, test conversations, pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH="$PWD"
PY=.venv/bin/python
RASA=.venv/bin/rasa

echo "==> Validating training data"
"$RASA" data validate --config config.yml --domain domain.yml --data data

echo "==> Training the model if its inputs changed"
"$PY" -m tools.train
MODEL="$("$PY" -m tools.train --print-path)"

echo "==> Test conversations (rasa test, prediction errors fail the run)"
"$RASA" test core --model "$MODEL" --stories tests/conversations \
  --fail-on-prediction-errors --out var/test-results/conversations

echo "==> pytest"
"$PY" -m pytest tests "$@"
