#!/usr/bin/env python3
"""Generate a labelled corpus of realistic debugging artifacts for stanch's accuracy harness.

    python3 bench/accuracy/gen.py --out DIR [--seed 7] [--docs 3000]
        writes DIR/<kind>.txt (documents of one artifact kind, concatenated) and DIR/labels.jsonl
        (one object per planted value: file, start, end [byte offsets, end exclusive], label, type,
        artifact, ctx).

    python3 bench/accuracy/gen.py --profile sparse|dense --bytes N --out DIR [--seed 7] [--labels]
        writes ONE benchmark file DIR/<profile>.log of about N bytes: `sparse` is realistic logs with
        about one secret per 100 KB, `dense` has a secret every few hundred bytes.  With --labels also
        DIR/<profile>.labels.jsonl.

Everything is deterministic for a given seed (and Python 3.11+).  Every label is checked against the
bytes written before the program exits; a mismatch is a bug and exits 1.
"""

import argparse
import bisect
import collections
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import artifacts as A  # noqa: E402
import corpus as C  # noqa: E402

LABELS = ("secret", "pii", "benign")


def render(frag):
    """Fragment -> (bytes, [(start, end, Item)]) with byte offsets relative to the fragment."""
    chunks = []
    spans = []
    off = 0
    for p in C.F(frag):
        if isinstance(p, str):
            b = p.encode("utf-8")
        else:
            b = p.value.encode("utf-8")
            if b:
                spans.append((off, off + len(b), p))
        chunks.append(b)
        off += len(b)
    return b"".join(chunks), spans


def label_obj(fname, kind, start, end, item):
    o = {"file": fname, "start": start, "end": end, "label": item.label, "type": item.type, "artifact": kind}
    if item.ctx:
        o["ctx"] = item.ctx
    return o


# ---------------------------------------------------------------------------
# labelled corpus
# ---------------------------------------------------------------------------

def gen_corpus(out, seed, docs):
    os.makedirs(out, exist_ok=True)
    kinds = list(A.KINDS)
    per_kind = collections.Counter(kinds[i % len(kinds)] for i in range(docs))
    labels = []
    values = {}
    for kind in kinds:
        g = C.G(random.Random("%d:%s" % (seed, kind)))
        fname = kind + ".txt"
        buf = []
        off = 0
        for _ in range(per_kind[kind]):
            data, spans = render(A.KINDS[kind](g))
            for s, e, it in spans:
                labels.append(label_obj(fname, kind, off + s, off + e, it))
                values[(fname, off + s)] = it.value
            buf.append(data)
            off += len(data)
        with open(os.path.join(out, fname), "wb") as f:
            f.write(b"".join(buf))
    labels.sort(key=lambda o: (o["file"], o["start"]))
    with open(os.path.join(out, "labels.jsonl"), "w") as f:
        for o in labels:
            f.write(json.dumps(o, sort_keys=False) + "\n")
    return labels, values


# ---------------------------------------------------------------------------
# benchmark profiles
# ---------------------------------------------------------------------------

FILLER_EVENTS = ["http-in-noauth", "job", "kafka", "llm", "http-in-noauth", "job"]


def filler_doc(g):
    """A burst of ordinary log lines with no secrets (benign ids, timestamps, the odd email)."""
    clk = g.clock()
    fmt = g.deck("fillfmt", ["pino", "python", "logfmt", "nginx", "zap", "java"])
    svc = g.pick(C.SERVICES)
    hn = A.pod(g, svc)
    out = []
    for _ in range(g.n(20, 60)):
        clk.tick(0.001, 2)
        level, msg, fields = A.log_event(g, clk, g.pick(FILLER_EVENTS))
        if fmt == "pino":
            out.append(C.F('{"level":', str(A.PINO_LEVEL[level]), ',"time":', clk.epoch_ms(), ',"pid":1,"hostname":"', hn, '",',
                           A._json_fields(fields), ',"msg":', C.jstr(msg), "}\n"))
        elif fmt == "zap":
            out.append(C.F('{"level":"', level, '","ts":', clk.epoch_f(), ',"logger":"', svc, '","msg":', C.jstr(msg), ",",
                           A._json_fields(fields), "}\n"))
        elif fmt == "python":
            out.append(C.F(clk.py(), " ", level.upper(), " [", g.pick(C.LOGGERS), "] ", msg, ": ", A._kv_render(fields)))
            out.append("\n")
        elif fmt == "logfmt":
            out.append(C.F("time=", clk.iso(3), " level=", level, " msg=", C.logfmt_val(msg), " ", A._kv_render(fields), "\n"))
        elif fmt == "java":
            out.append(C.F(clk.plain(), " ", level.upper().rjust(5), " 1 --- [nio-8080-exec-", str(g.n(1, 9)), "] ", g.pick(A.JAVA_PKGS),
                           ".", g.pick(A.JAVA_CLASSES), " : ", msg, " ", A._kv_render(fields, "colon"), "\n"))
        else:
            out.append(C.F(g.private_ip(), " - - [", clk.clf(), "] \"", g.pick(["GET", "POST"]), " ", g.pick(C.PATHS), " HTTP/1.1\" ",
                           str(g.pick([200, 200, 200, 304, 404])), " ", str(g.n(0, 90000)), " \"-\" \"", g.pick(C.UA), "\" rt=",
                           "%.3f" % g.r.uniform(0, 2), " req_id=", g.uuid(), "\n"))
    if g.chance(0.1):
        out.append(C.F("Traceback (most recent call last):\n  File \"/app/worker/jobs.py\", line ", str(g.n(10, 300)),
                       ", in run\n    result = self.process(batch)\nTimeoutError: batch ", g.uuid(), " exceeded 30s\n"))
    return C.F(out)


def dense_line(g):
    """One short line carrying a secret: CI command, env assignment or header line."""
    k = g.deck("dense", ["ci", "env", "hdr", "url", "ci", "env"])
    if k == "ci":
        return C.F("+ ", A.ci_secret_command(g), "\n")
    if k == "env":
        return A.secret_assignment_any(g, g.pick(["env", "export", "yaml"]))
    if k == "hdr":
        h, v = g.auth_header()
        return C.F(h, ": ", v, "\n")
    name, frag = g.url_secret()
    return C.F(name, "=", frag, "\n")


def gen_profile(out, seed, profile, nbytes, want_labels):
    os.makedirs(out, exist_ok=True)
    g = C.G(random.Random("%d:profile:%s" % (seed, profile)))
    kinds = list(A.KINDS)
    path = os.path.join(out, profile + ".log")
    labels = []
    off = 0
    next_secret = 0
    n_secrets = 0
    with open(path, "wb") as f:
        while off < nbytes:
            if profile == "sparse":
                if off >= next_secret:
                    kind = g.deck("pkind", kinds)
                    frag = A.KINDS[kind](g)
                else:
                    kind, frag = "filler", filler_doc(g)
            else:
                if g.chance(0.45):
                    kind = g.deck("pkind", kinds)
                    frag = A.KINDS[kind](g)
                else:
                    kind = "dense-lines"
                    frag = C.F([dense_line(g) for _ in range(g.n(3, 8))], "\n")
            data, spans = render(frag)
            k = sum(1 for _, _, it in spans if it.label == "secret")
            n_secrets += k
            if profile == "sparse" and k:
                next_secret = off + len(data) + int(k * 100_000 * g.r.uniform(0.5, 1.5))
            if want_labels:
                for s, e, it in spans:
                    labels.append(label_obj(os.path.basename(path), kind, off + s, off + e, it))
            f.write(data)
            off += len(data)
    if want_labels:
        with open(os.path.join(out, profile + ".labels.jsonl"), "w") as f:
            for o in labels:
                f.write(json.dumps(o) + "\n")
    return path, off, n_secrets, labels


# ---------------------------------------------------------------------------
# self-check
# ---------------------------------------------------------------------------

def self_check(out, labels, values=None, copies=True):
    """Every label must cover whole UTF-8 characters, be non-empty, not overlap another label,
    and (when the generator's values are known) match them byte for byte."""
    errors = []
    by_file = collections.defaultdict(list)
    for o in labels:
        by_file[o["file"]].append(o)
    for fname, ls in by_file.items():
        data = open(os.path.join(out, fname), "rb").read()
        prev_end = -1
        for o in sorted(ls, key=lambda x: x["start"]):
            s, e = o["start"], o["end"]
            if not (0 <= s < e <= len(data)):
                errors.append("%s: bad span %d..%d" % (fname, s, e))
                continue
            if s < prev_end:
                errors.append("%s: overlapping labels at %d" % (fname, s))
            prev_end = max(prev_end, e)
            try:
                v = data[s:e].decode("utf-8")
            except UnicodeDecodeError:
                errors.append("%s: span %d..%d splits a UTF-8 character" % (fname, s, e))
                continue
            if v != v.strip() or not v:
                errors.append("%s: span %d..%d has surrounding whitespace (%s)" % (fname, s, e, o["type"]))
            if o["label"] not in LABELS:
                errors.append("%s: unknown label %r" % (fname, o["label"]))
            if values is not None and values.get((fname, s)) != v:
                errors.append("%s: span %d..%d does not hold the planted %s" % (fname, s, e, o["type"]))
        if not copies:
            continue
        # a planted secret or PII value must not also appear in the file outside every label
        spans = sorted((o["start"], o["end"]) for o in ls)
        starts = [a for a, _ in spans]
        seen = set()
        for o in ls:
            if o["label"] == "benign" or o["end"] - o["start"] < 8:
                continue
            v = data[o["start"]:o["end"]]
            if v in seen:
                continue
            seen.add(v)
            i = data.find(v)
            while i != -1:
                k = bisect.bisect_right(starts, i) - 1
                if k < 0 or spans[k][1] < i + len(v):
                    errors.append("%s: unlabelled copy of a %s value at byte %d" % (fname, o["type"], i))
                    break
                i = data.find(v, i + 1)
    return errors


def stats(labels):
    by_label = collections.Counter(o["label"] for o in labels)
    by_type = collections.Counter((o["label"], o["type"]) for o in labels)
    return by_label, by_type


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (use target/…, not the source tree)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--docs", type=int, default=3000, help="documents in the labelled corpus (spread over all artifact kinds)")
    ap.add_argument("--profile", choices=["sparse", "dense"], help="write one benchmark file DIR/<profile>.log instead")
    ap.add_argument("--bytes", type=int, default=10_000_000, help="size of the --profile file (default 10 MB)")
    ap.add_argument("--labels", action="store_true", help="with --profile: also write DIR/<profile>.labels.jsonl")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.time()
    if a.profile:
        path, size, n_secrets, labels = gen_profile(a.out, a.seed, a.profile, a.bytes, a.labels)
        if a.labels:
            errs = self_check(a.out, labels, copies=False)
            if errs:
                print("\n".join(errs[:20]), file=sys.stderr)
                return 1
        if not a.quiet:
            print("%s: %d bytes, %d planted secrets (one per %.0f bytes), %.1fs"
                  % (path, size, n_secrets, size / max(1, n_secrets), time.time() - t0), file=sys.stderr)
        return 0
    labels, values = gen_corpus(a.out, a.seed, a.docs)
    errs = self_check(a.out, labels, values)
    if errs:
        print("self-check failed (%d problems):\n%s" % (len(errs), "\n".join(errs[:20])), file=sys.stderr)
        return 1
    if not a.quiet:
        by_label, by_type = stats(labels)
        size = sum(os.path.getsize(os.path.join(a.out, k + ".txt")) for k in A.KINDS)
        print("%s: %d files, %d bytes, %d labels (%s) in %.1fs" % (
            a.out, len(A.KINDS), size, len(labels),
            ", ".join("%s %d = %.1f%%" % (l, by_label[l], 100 * by_label[l] / len(labels)) for l in LABELS), time.time() - t0),
            file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
