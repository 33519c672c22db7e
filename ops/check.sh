#!/usr/bin/env bash
# The fast tier (`make check`, first step of `make test`): lint, format check, types, and the
# unit tests (no servers, no trained model). Under a minute on these 2-core machines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH="$PWD"
echo "==> ruff (lint and format check)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy (clinic_core, actions, clinic_rasa, rasa_sdk_plugins, clinic_staff)"
.venv/bin/mypy
echo "==> unit tests"
.venv/bin/python -m pytest -m unit -q -p no:cacheprovider
