"""Added latency of `stanch serve`: the same chat-completion request sent
N times straight to the fake provider and N times through the gateway (one
keep-alive connection each, loopback only, bounded count). Prints p50/p99 of
both and of the difference, for a plain JSON answer and for time to first
byte of a streamed one.

    target/py-venv/bin/python crates/stanch-gateway/bench/latency.py [--n 300] [--stanch PATH]

(the venv is the one tests/py/run.sh creates). A debug build on a shared
2-core machine, n=200 (2026-12): JSON answer added p50 0.19 ms, p99 2.0 ms;
streamed time to first byte added p50 1.2 ms, p99 3.9 ms.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "py"))
import fake_provider  # noqa: E402
from conftest import free_port, start_gateway, stop  # noqa: E402

BODY = json.dumps({
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "system", "content": "You are a debugging assistant. " * 20},
        {"role": "user", "content": "Why does this fail? token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 "
                                    "user=bob@acme.io\n" + "2024-05-01 INFO request ok id=42\n" * 40},
    ],
})


def measure(host, port, n, stream):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    body = json.loads(BODY)
    body["stream"] = stream
    data = json.dumps(body)
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("POST", "/v1/chat/completions", data, {"content-type": "application/json",
                                                             "authorization": "Bearer sk-bench"})
        r = conn.getresponse()
        if stream:
            r.read(1)
            out.append(time.perf_counter() - t0)
            r.read()
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
        else:
            r.read()
            out.append(time.perf_counter() - t0)
    conn.close()
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--stanch", default=os.environ.get("STANCH_BIN", str(HERE.parents[2] / "target" / "debug" / "stanch")))
    a = ap.parse_args()
    server, _, url = fake_provider.start()
    port = int(url.rsplit(":", 1)[1])
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"stanch-bench-{os.getpid()}"
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, RUST_LOG="warn")
    proc, base, _ = start_gateway(a.stanch, tmp, env, ["--upstream", url])
    gport = int(base.rsplit(":", 1)[1])
    try:
        for stream in (False, True):
            measure("127.0.0.1", port, 20, stream)
            measure("127.0.0.1", gport, 20, stream)
            direct = measure("127.0.0.1", port, a.n, stream)
            via = measure("127.0.0.1", gport, a.n, stream)
            what = "stream, time to first byte" if stream else "JSON, full answer"
            print(f"{what} (n={a.n}): direct p50 {pct(direct, .5):.2f} ms p99 {pct(direct, .99):.2f} ms; "
                  f"via stanch p50 {pct(via, .5):.2f} ms p99 {pct(via, .99):.2f} ms; "
                  f"added p50 {pct(via, .5) - pct(direct, .5):.2f} ms p99 {pct(via, .99) - pct(direct, .99):.2f} ms")
    finally:
        stop(proc)
        server.shutdown()


if __name__ == "__main__":
    main()
