#!/usr/bin/env python3
"""Accuracy of `stanch redact --format jsonl` on LLM request bodies that carry the labelled corpus.

    python3 bench/accuracy/json_score.py --corpus DIR --stanch PATH [--check] [--json OUT.json]

Every DIR/*.txt from gen.py is cut into pieces of about 1.5 KB (whole lines, never inside a label)
and each piece becomes the text of one request body, in turn: an OpenAI chat completion (user
message), an OpenAI Responses call (`input_text` part), an Anthropic message (`text` block), and an
Anthropic `tool_result` after a `tool_use`; half are written with `ensure_ascii` (non-ASCII as
`\\uXXXX`), half without. The bodies are redacted in one run as JSON lines, then:

  - every output line must be valid JSON with the same shape as its input (same keys in the same
    order, same array lengths): any failure fails the run;
  - the piece is read back from the same place and aligned with the original (difflib on bytes;
    redaction only replaces spans), giving the original bytes that were replaced;
  - secret / pii labels are CAUGHT when any of their bytes was replaced; benign labels are KEPT when
    none was (IP addresses are severity info and stay, as in text mode).

--check exits 1 under the text gate's thresholds (99.5 % secret, 99 % PII, 99.9 % benign).
Reports hold counts, types and line numbers, never planted values.
"""

import argparse
import collections
import difflib
import json
import os
import subprocess
import sys
import tempfile
import time

STANCH_KEY = "5f3c9a1e7b2d4c6f8a0e1b3d5c7f9a2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
THRESHOLDS = {"secret": 99.5, "pii": 99.0, "benign": 99.9}
PIECE = 1500


def pieces(data, labels):
    """Cuts `data` (bytes) at line ends near every PIECE bytes, never inside a label."""
    spans = sorted((l["start"], l["end"]) for l in labels)
    cuts, pos, i = [], 0, 0
    while pos < len(data):
        want = pos + PIECE
        if want >= len(data):
            cuts.append((pos, len(data)))
            break
        nl = data.find(b"\n", want)
        end = len(data) if nl < 0 else nl + 1
        # Move past any label that straddles the cut.
        moved = True
        while moved and end < len(data):
            moved = False
            while i < len(spans) and spans[i][1] <= end:
                i += 1
            j = i
            while j < len(spans) and spans[j][0] < end:
                if spans[j][1] > end:
                    nl = data.find(b"\n", spans[j][1])
                    end = len(data) if nl < 0 else nl + 1
                    moved = True
                j += 1
        cuts.append((pos, end))
        pos = end
    return cuts


def body(kind, text):
    if kind == 0:
        return {"model": "gpt-4o", "messages": [
            {"role": "system", "content": "You are a debugging assistant."},
            {"role": "user", "content": text}], "temperature": 0.2}, ("messages", 1, "content")
    if kind == 1:
        return {"model": "gpt-4.1", "input": [
            {"role": "user", "content": [{"type": "input_text", "text": text}]}]}, ("input", 0, "content", 0, "text")
    if kind == 2:
        return {"model": "claude-sonnet-4-5", "max_tokens": 1024, "system": "Find the bug.",
                "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}]}, \
            ("messages", 0, "content", 0, "text")
    return {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": [
        {"role": "user", "content": "Read the log."},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01", "name": "read_file",
                                           "input": {"path": "app.log"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": text}]}]}, \
        ("messages", 2, "content", 0, "content")


def get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def same_shape(a, b):
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_shape(x, y) for x, y in zip(a, b))
    return not isinstance(b, (dict, list))


def replaced_bytes(orig, red):
    """Per byte of `orig`: True if redaction replaced it. Line by line when the line count is
    unchanged (redaction keeps line ends except inside a multi-line secret), else whole."""
    mask = bytearray(len(orig))
    ol, rl = orig.split(b"\n"), red.split(b"\n")
    if len(ol) != len(rl):
        pairs, offs = [(orig, red)], [0]
    else:
        pairs, offs, o = [], [], 0
        for a, b in zip(ol, rl):
            if a != b:
                pairs.append((a, b))
                offs.append(o)
            o += len(a) + 1
    for (a, b), base in zip(pairs, offs):
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for tag, i1, i2, _, _ in sm.get_opcodes():
            if tag in ("replace", "delete"):
                for k in range(i1, i2):
                    mask[base + k] = 1
    return mask


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--stanch", required=True)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args(argv)

    by_file = collections.defaultdict(list)
    for line in open(os.path.join(a.corpus, "labels.jsonl")):
        l = json.loads(line)
        by_file[l["file"]].append(l)

    bodies, meta = [], []  # meta: (file, start, end, path)
    n = 0
    for name in sorted(by_file):
        data = open(os.path.join(a.corpus, name), "rb").read()
        for (s, e) in pieces(data, by_file[name]):
            text = data[s:e].decode("utf-8", errors="surrogateescape")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                continue
            doc, path = body(n % 4, text)
            bodies.append(json.dumps(doc, ensure_ascii=(n % 2 == 0)))
            meta.append((name, s, e, path, doc))
            n += 1

    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "requests.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for b in bodies:
                f.write(b + "\n")
        env = dict(os.environ, STANCH_KEY=STANCH_KEY)
        env.pop("STANCH_CONFIG", None)
        t0 = time.time()
        p = subprocess.run([a.stanch, "redact", "--format", "jsonl", inp], capture_output=True, env=env)
        dt = time.time() - t0
        size = os.path.getsize(inp)
    if p.returncode != 0:
        sys.exit("stanch failed (exit %d): %s" % (p.returncode, p.stderr.decode(errors="replace")[:2000]))
    if p.stderr:
        sys.exit("stanch warned: %s" % p.stderr.decode(errors="replace")[:2000])
    out = p.stdout.decode("utf-8").split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(bodies):
        sys.exit("line count changed: %d in, %d out" % (len(bodies), len(out)))

    stats = collections.Counter()
    missed = collections.Counter()
    bad_shape = 0
    for k, (line, (name, s, e, path, doc)) in enumerate(zip(out, meta)):
        try:
            red_doc = json.loads(line)
        except ValueError as err:
            print("line %d: not JSON after redaction: %s" % (k + 1, err))
            bad_shape += 1
            continue
        if not same_shape(doc, red_doc):
            print("line %d: shape changed" % (k + 1))
            bad_shape += 1
            continue
        orig = get(doc, path).encode("utf-8")
        red = get(red_doc, path).encode("utf-8")
        mask = replaced_bytes(orig, red)
        for l in by_file[name]:
            if l["start"] < s or l["end"] > e:
                continue
            hit = any(mask[l["start"] - s:l["end"] - s])
            kind = l["label"]
            stats[kind] += 1
            if kind == "benign":
                if not hit:
                    stats["benign_ok"] += 1
                else:
                    missed[("benign", l["type"])] += 1
                    if os.environ.get("JSON_SCORE_DEBUG"):
                        print("  debug: benign %s %s in %s@%d, piece json=%s" % (l["type"], l.get("ctx"), name, l["start"], orig.lstrip()[:1] in (b"{", b"[")))
            elif hit:
                stats[kind + "_ok"] += 1
            else:
                missed[(kind, l["type"])] += 1
                if os.environ.get("JSON_SCORE_DEBUG"):
                    print("  debug: missed %s %s in %s@%d" % (l["type"], l.get("ctx"), name, l["start"]))

    pct = lambda k: 100.0 * stats[k + "_ok"] / max(1, stats[k])
    res = {
        "bodies": len(bodies), "bytes": size, "seconds": round(dt, 3),
        "mb_per_s": round(size / dt / 1e6, 1) if dt else None,
        "invalid_or_reshaped": bad_shape,
        "secret_recall": round(pct("secret"), 2), "pii_recall": round(pct("pii"), 2),
        "benign_kept": round(pct("benign"), 2),
        "labels": {k: stats[k] for k in ("secret", "pii", "benign")},
        "missed": {"%s/%s" % k: v for k, v in missed.most_common()},
    }
    print("json-wrapped corpus: %d request bodies, %.1f MB, redacted in %.2f s" % (len(bodies), size / 1e6, dt))
    print("  valid JSON, same shape: %d / %d" % (len(bodies) - bad_shape, len(bodies)))
    print("  secret recall %.2f %% (%d)   pii recall %.2f %% (%d)   benign kept %.2f %% (%d)" % (
        pct("secret"), stats["secret"], pct("pii"), stats["pii"], pct("benign"), stats["benign"]))
    for (kind, typ), v in missed.most_common(15):
        print("  missed %-7s %-32s %d" % (kind, typ, v))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2)
    if a.check:
        fail = bad_shape > 0 or any(pct(k) < t for k, t in THRESHOLDS.items())
        sys.exit(1 if fail else 0)


if __name__ == "__main__":
    main()
