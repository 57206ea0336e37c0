"""Fixtures: the fake provider, and a real `stanch serve` in front of it.

The gateway binary comes from $STANCH_BIN (run.sh builds it), else
target/debug/stanch. Its JSON logs go to a file the tests read back.
"""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import fake_provider

# The SDKs read credentials and base URLs from the environment; the tests
# must use only the fake ones they pass explicitly.
for _k in list(os.environ):
    if _k.startswith(("ANTHROPIC_", "OPENAI_")):
        del os.environ[_k]

ROOT = Path(__file__).resolve().parents[4]
GH = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
REGISTERED = "reg-Secret-Value-7f3a9c1e2b4d"
CLIENT_KEY = "sk-test-client-own-key-0001"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def fake():
    server, rec, url = fake_provider.start()
    yield rec, url
    server.shutdown()


@pytest.fixture(scope="session")
def gateway(fake, tmp_path_factory):
    """(base URL, log path, canary value, process)."""
    rec, url = fake
    tmp = tmp_path_factory.mktemp("gw")
    stanch = stanch_bin()
    canaries = tmp / "canaries.toml"
    out = subprocess.run([stanch, "canary", "new", "--file", str(canaries), "--note", "pytest"],
                         check=True, capture_output=True, text=True)
    canary = out.stdout.strip()
    env = dict(os.environ, REGISTERED_TOKEN=REGISTERED, RUST_LOG="info")
    env.pop("STANCH_KEY", None)
    proc, base, log = start_gateway(
        stanch, tmp, env,
        ["--upstream", url, "--canary-file", str(canaries), "--taint-env", "REGISTERED_TOKEN"],
    )
    yield base, log, canary, proc
    stop(proc)


def stanch_bin():
    return os.environ.get("STANCH_BIN") or str(ROOT / "target" / "debug" / "stanch")


def start_gateway(stanch, tmp, env, args, port=None):
    """Starts `stanch serve ARGS` (with `--listen 127.0.0.1:PORT` unless
    `port` is given: a config file names it); waits for /healthz."""
    listen = [] if port else ["--listen"]
    port = port or free_port()
    if listen:
        listen.append(f"127.0.0.1:{port}")
    log = tmp / f"gateway-{port}.log"
    proc = subprocess.Popen(
        [stanch, "serve", *listen, *args],
        stdout=subprocess.DEVNULL, stderr=open(log, "wb"), env=env, cwd=tmp,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError("gateway did not start:\n" + log.read_text())
        time.sleep(0.1)
    return proc, base, log


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def rec(fake):
    fake[0].clear()
    return fake[0]
