#!/usr/bin/env bash
# Runs the gateway's SDK tests: the official openai and anthropic Python SDKs
# against `stanch serve` in front of a local fake provider.
# Creates a venv under target/, installs pinned packages, builds stanch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cd "$root"
venv="$root/target/py-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check \
    openai==3.51.0 anthropic==2.10.0 pytest==9.2.0
cargo build -q -p stanch-cli
export PYTHONDONTWRITEBYTECODE=1
export STANCH_BIN="$root/target/debug/stanch"
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
