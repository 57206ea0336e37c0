#!/usr/bin/env python3
"""A/B two stanch builds on the bench corpora, one after the other.

    python3 bench/ab.py OLD_BINARY NEW_BINARY [RUNS] [sparse,dense]

(`sparse` is sparse.log in the corpus directory; `sparse.jsonl` is that file.)

For each command (env CMDS, `|`-separated, default: scan -j1, scan, redact,
redact -j2) and corpus, runs each binary RUNS times (default 3) and prints the
best wall time, the best CPU time (user + system) and whether the two outputs
are byte-identical. Corpora come from `bash bench/run.sh` (env CORPUS_DIR,
default target/bench/corpus-gen-100000000-20000000). A fixed STANCH_KEY keeps
fingerprints and pseudonyms comparable.
"""
import filecmp
import os
import resource
import subprocess
import sys
import tempfile
import time

old, new = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
corpora = (sys.argv[4] if len(sys.argv) > 4 else "sparse,dense").split(",")
corpus_dir = os.environ.get("CORPUS_DIR", "target/bench/corpus-gen-100000000-20000000")
cmds = (os.environ.get("CMDS") or "scan -j1 --format jsonl|scan --format jsonl|redact|redact -j2").split("|")
env = dict(os.environ, STANCH_KEY="01234567" * 8)
tmp = tempfile.mkdtemp(prefix="stanch-ab-")


def best(binary, args, path, out):
    wall, cpu = float("inf"), float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.monotonic()
        with open(out, "wb") as o:
            subprocess.run([binary, *args.split(), path], stdout=o, stderr=subprocess.DEVNULL, env=env)
        w = time.monotonic() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        c = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        wall, cpu = min(wall, w), min(cpu, c)
    return wall, cpu


for corpus in corpora:
    # `sparse` is sparse.log; a name with an extension is taken as it is.
    path = os.path.join(corpus_dir, corpus if "." in corpus else f"{corpus}.log")
    for args in cmds:
        a = best(old, args, path, os.path.join(tmp, "old"))
        b = best(new, args, path, os.path.join(tmp, "new"))
        same = filecmp.cmp(os.path.join(tmp, "old"), os.path.join(tmp, "new"), shallow=False)
        print(
            f"{corpus:7} {args:26} old {a[0]:.3f}s cpu {a[1]:.3f}   new {b[0]:.3f}s cpu {b[1]:.3f}"
            f"   cpu x{a[1] / b[1]:.2f} {'same output' if same else 'OUTPUT DIFFERS'}",
            flush=True,
        )
