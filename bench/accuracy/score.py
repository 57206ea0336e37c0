#!/usr/bin/env python3
"""Score stanch (and optionally gitleaks and Kingfisher) against a labelled corpus from gen.py.

    python3 bench/accuracy/score.py --corpus DIR --stanch PATH [--peers DIR] [--markdown OUT.md]
                                    [--json OUT.json] [--check]

For every DIR/*.txt the tools are run on the file and their findings mapped to byte spans:
  stanch      STANCH_KEY=<fixed> PATH scan --format jsonl FILE  (start/end are byte offsets)
  gitleaks    gitleaks stdin --report-format json --report-path F --exit-code 0 < FILE
  kingfisher  kingfisher scan FILE --no-validate --no-dedup --format json --output F
Peers report a secret string and a line; the string is located in the file near that line
(falling back to the reported columns, then to the whole reported lines).

Scoring, per label from DIR/labels.jsonl:
  secret / pii   CAUGHT when a finding overlaps the label; for stanch also FULLY COVERED when the
                 union of findings covers every byte of it.
  benign         KEPT when no finding of severity >= low overlaps it (peers have no severity: any
                 finding counts).  stanch reports IP addresses at severity info, so they stay kept.

--check exits 1 when stanch is under 99.5 % secret recall, 99 % PII recall or 99.9 % benign kept.
Reports never contain the planted values: only types, files, lines and rule ids.
"""

import argparse
import bisect
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

STANCH_KEY = "5f3c9a1e7b2d4c6f8a0e1b3d5c7f9a2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
THRESHOLDS = {"secret": 99.5, "pii": 99.0, "benign": 99.9}
TOOLS = ["stanch", "gitleaks", "kingfisher"]


class Finding:
    __slots__ = ("start", "end", "rule", "severity", "category", "approx")

    def __init__(self, start, end, rule, severity=None, category=None, approx=False):
        self.start, self.end, self.rule, self.severity, self.category, self.approx = start, end, rule, severity, category, approx


# ---------------------------------------------------------------------------
# running tools
# ---------------------------------------------------------------------------

def run_stanch(exe, path):
    env = dict(os.environ, STANCH_KEY=STANCH_KEY)
    env.pop("STANCH_CONFIG", None)
    t0 = time.time()
    p = subprocess.run([exe, "scan", "--format", "jsonl", path], capture_output=True, env=env)
    dt = time.time() - t0
    if p.returncode not in (0, 1):
        raise SystemExit("stanch failed on %s (exit %d): %s" % (path, p.returncode, p.stderr.decode(errors="replace")[:2000]))
    out = []
    for line in p.stdout.decode().splitlines():
        if not line.strip():
            continue
        o = json.loads(line)
        out.append(Finding(o["start"], o["end"], o["rule"], o.get("severity"), o.get("category")))
    return out, dt


class Locator:
    """Maps (string, line, column) reports back to byte spans of a file."""

    def __init__(self, data):
        self.data = data
        self.starts = [0]
        i = data.find(b"\n")
        while i != -1:
            self.starts.append(i + 1)
            i = data.find(b"\n", i + 1)
        self.fallbacks = 0
        self.located = 0

    def line_start(self, line):  # 1-based line
        line = max(1, min(line, len(self.starts)))
        return self.starts[line - 1]

    def line_end(self, line):
        line = max(1, min(line, len(self.starts)))
        return self.starts[line] - 1 if line < len(self.starts) else len(self.data)

    def find(self, s, line, col=None, end_line=None):
        """Span of string s reported on `line` (1-based); None if it cannot be found."""
        if not s:
            return None
        b = s.encode("utf-8", errors="surrogatepass") if isinstance(s, str) else s
        lo = self.line_start(line - 2)
        hi = self.line_end((end_line or line) + b.count(b"\n") + 2)
        best = None
        i = self.data.find(b, lo, hi + 1)
        target = self.line_start(line) + (col or 0)
        while i != -1:
            if best is None or abs(i - target) < abs(best - target):
                best = i
            i = self.data.find(b, i + 1, hi + 1)
        if best is None:
            return None
        self.located += 1
        return best, best + len(b)

    def cols(self, line, start_idx, end_line, end_idx):
        """Span from 0-based byte columns (clamped to the lines); None when the columns make no sense."""
        if start_idx is None or end_idx is None:
            return None
        a = self.line_start(line) + max(0, start_idx)
        b = min(self.line_start(end_line) + max(0, end_idx), self.line_end(end_line))
        if b <= a:
            return None
        self.fallbacks += 1
        return a, b

    def lines(self, line, end_line=None):
        self.fallbacks += 1
        return self.line_start(line), self.line_end(end_line or line)


def run_gitleaks(exe, path, data, loc):
    with tempfile.TemporaryDirectory() as td:
        rep = os.path.join(td, "r.json")
        t0 = time.time()
        with open(path, "rb") as f:
            # default rules: no GITLEAKS_CONFIG*, and run in an empty directory so no .gitleaks.toml/.gitleaksignore applies
            env = {k: v for k, v in os.environ.items() if not k.startswith("GITLEAKS_")}
            p = subprocess.run([exe, "stdin", "--no-banner", "--log-level", "error", "--report-format", "json", "--report-path", rep,
                                "--exit-code", "0"], stdin=f, capture_output=True, env=env, cwd=td)
        dt = time.time() - t0
        if p.returncode != 0:
            raise SystemExit("gitleaks failed on %s: %s" % (path, p.stderr.decode(errors="replace")[:2000]))
        rows = json.load(open(rep)) if os.path.getsize(rep) else []
    out = []
    for o in rows:
        line, end_line = o.get("StartLine", 1), o.get("EndLine") or o.get("StartLine", 1)
        span = loc.find(o.get("Secret"), line, None, end_line) or loc.find(o.get("Match"), line, None, end_line)
        if span is None:
            # not in the text as reported (gitleaks decoded it, e.g. from base64): use the columns, which
            # gitleaks gives 1-based on line 1 and shifted by one (the preceding newline) after it
            sc, ec = o.get("StartColumn"), o.get("EndColumn")
            if sc is not None and ec is not None:
                sc = sc - 1 if line == 1 else sc - 2
                ec = ec if end_line == 1 else ec - 1
            span = loc.cols(line, sc, end_line, ec) or loc.lines(line, end_line)
            out.append(Finding(span[0], span[1], o.get("RuleID", "?"), approx=True))
        else:
            out.append(Finding(span[0], span[1], o.get("RuleID", "?")))
    return out, dt


def run_kingfisher(exe, path, data, loc):
    with tempfile.TemporaryDirectory() as td:
        rep = os.path.join(td, "r.json")
        t0 = time.time()
        p = subprocess.run([exe, "scan", os.path.abspath(path), "--no-validate", "--no-dedup", "--format", "json", "--output", rep],
                           capture_output=True, env=dict(os.environ, NO_COLOR="1"), cwd=td)
        dt = time.time() - t0
        if not os.path.exists(rep):
            raise SystemExit("kingfisher failed on %s (exit %d): %s" % (path, p.returncode, p.stderr.decode(errors="replace")[-2000:]))
        doc = json.load(open(rep)) if os.path.getsize(rep) else {}
    rows = doc.get("findings", []) if isinstance(doc, dict) else doc
    out = []
    for o in rows:
        rule = (o.get("rule") or {}).get("id") or (o.get("rule") or {}).get("name") or "?"
        fnd = o.get("finding") or o
        line = fnd.get("line") or 1
        col = fnd.get("column_start")
        strings = [fnd.get("snippet")] + [v for v in (fnd.get("dependent_captures") or {}).values() if isinstance(v, str)]
        for i, s in enumerate(strings):
            span = loc.find(s, line, col if i == 0 else None)
            if span is None and i == 0:
                # decoded (e.g. base64) match: Kingfisher's 0-based columns, end inclusive
                ce = fnd.get("column_end")
                span = loc.cols(line, col, line, ce + 1 if ce is not None else None) or loc.lines(line)
                out.append(Finding(span[0], span[1], rule, approx=True))
            elif span is not None:
                out.append(Finding(span[0], span[1], rule))
    return out, dt


# ---------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------

class Index:
    def __init__(self, findings):
        self.f = sorted(findings, key=lambda x: x.start)
        self.starts = [x.start for x in self.f]
        # for speed: findings never span more than this many bytes
        self.maxlen = max((x.end - x.start for x in self.f), default=0)

    def over(self, s, e):
        lo = bisect.bisect_left(self.starts, s - self.maxlen)
        hi = bisect.bisect_left(self.starts, e)
        return [f for f in self.f[lo:hi] if f.end > s]


def covered(fs, s, e):
    pos = s
    for f in sorted(fs, key=lambda x: x.start):
        if f.start > pos:
            return False
        pos = max(pos, f.end)
        if pos >= e:
            return True
    return pos >= e


def line_of(loc, off):
    return bisect.bisect_right(loc.starts, off)


def pct(a, b):
    return 100.0 * a / b if b else float("nan")


def fmt_pct(a, b, digits=1):
    return "%.*f" % (digits, pct(a, b)) if b else "–"


def score(corpus, stanch, peers_dir):
    labels = collections.defaultdict(list)
    for line in open(os.path.join(corpus, "labels.jsonl")):
        o = json.loads(line)
        labels[o["file"]].append(o)
    files = sorted(f for f in os.listdir(corpus) if f.endswith(".txt"))
    tools = ["stanch"]
    exes = {"stanch": stanch}
    if peers_dir:
        for t in ("gitleaks", "kingfisher"):
            p = os.path.join(peers_dir, t)
            if os.path.exists(p):
                tools.append(t)
                exes[t] = os.path.abspath(p)
            else:
                print("warning: peer %s not found in %s" % (t, peers_dir), file=sys.stderr)
    results = []          # per label: dict with outcome per tool
    timings = collections.defaultdict(float)
    nfind = collections.Counter()
    approx = collections.Counter()
    total_bytes = 0
    sizes = {}
    for fname in files:
        path = os.path.join(corpus, fname)
        data = open(path, "rb").read()
        total_bytes += len(data)
        sizes[fname] = len(data)
        loc = Locator(data)
        found = {}
        f, dt = run_stanch(exes["stanch"], path)
        found["stanch"], timings["stanch"] = f, timings["stanch"] + dt
        if "gitleaks" in tools:
            f, dt = run_gitleaks(exes["gitleaks"], path, data, loc)
            found["gitleaks"], timings["gitleaks"] = f, timings["gitleaks"] + dt
        if "kingfisher" in tools:
            f, dt = run_kingfisher(exes["kingfisher"], path, data, loc)
            found["kingfisher"], timings["kingfisher"] = f, timings["kingfisher"] + dt
        for t in tools:
            nfind[t] += len(found[t])
            approx[t] += sum(1 for x in found[t] if x.approx)
        idx = {t: Index(found[t]) for t in tools}
        for o in labels.get(fname, []):
            s, e = o["start"], o["end"]
            row = {"file": fname, "line": line_of(loc, s), "type": o["type"], "label": o["label"], "artifact": o["artifact"],
                   "ctx": o.get("ctx")}
            for t in tools:
                fs = idx[t].over(s, e)
                if o["label"] == "benign":
                    if t == "stanch":
                        bad = [x for x in fs if SEVERITY.get(x.severity, 4) >= SEVERITY["low"]]
                    else:
                        bad = fs
                    row[t] = not bad
                    if bad and t == "stanch":
                        row["fp_rules"] = sorted({x.rule for x in bad})
                else:
                    row[t] = bool(fs)
                    if t == "stanch":
                        row["full"] = covered(fs, s, e)
                        row["rules"] = sorted({x.rule for x in fs})
            results.append(row)
    return {"tools": tools, "rows": results, "timings": dict(timings), "findings": dict(nfind), "approx": dict(approx),
            "bytes": total_bytes, "files": files, "sizes": sizes}


def summarize(res):
    tools, rows = res["tools"], res["rows"]
    tot = {}
    for t in tools:
        d = {}
        for lab in ("secret", "pii", "benign"):
            rs = [r for r in rows if r["label"] == lab]
            ok = sum(1 for r in rs if r[t])
            d[lab] = {"n": len(rs), "ok": ok, "pct": round(pct(ok, len(rs)), 3) if rs else None}
        if t == "stanch":
            for lab in ("secret", "pii"):
                rs = [r for r in rows if r["label"] == lab]
                full = sum(1 for r in rs if r.get("full"))
                d[lab]["full"] = full
                d[lab]["full_pct"] = round(pct(full, len(rs)), 3) if rs else None
        d["findings"] = res["findings"].get(t, 0)
        d["approx_spans"] = res["approx"].get(t, 0)
        d["seconds"] = round(res["timings"].get(t, 0.0), 2)
        tot[t] = d
    return tot


def group(rows, key, tools, labels=("secret", "pii")):
    g = collections.OrderedDict()
    for r in sorted(rows, key=lambda r: (r["label"], r[key])):
        if r["label"] not in labels:
            continue
        g.setdefault((r["label"], r[key]), []).append(r)
    out = []
    for (lab, k), rs in g.items():
        row = {"label": lab, key: k, "n": len(rs)}
        for t in tools:
            row[t] = sum(1 for r in rs if r[t])
        row["full"] = sum(1 for r in rs if r.get("full"))
        out.append(row)
    return out


def misses(rows):
    m = collections.OrderedDict()
    for r in rows:
        if r["label"] in ("secret", "pii") and not r["stanch"]:
            m.setdefault((r["label"], r["type"]), []).append(r)
    return sorted(m.items(), key=lambda kv: -len(kv[1]))


def partials(rows):
    m = collections.OrderedDict()
    for r in rows:
        if r["label"] in ("secret", "pii") and r["stanch"] and not r.get("full"):
            m.setdefault((r["type"], ",".join(r.get("rules", []))), []).append(r)
    return sorted(m.items(), key=lambda kv: -len(kv[1]))


def false_positives(rows):
    m = collections.OrderedDict()
    for r in rows:
        if r["label"] == "benign" and not r["stanch"]:
            for rule in r.get("fp_rules", ["?"]):
                m.setdefault((r["type"], rule), []).append(r)
    return sorted(m.items(), key=lambda kv: -len(kv[1]))


def where(rs, n=3):
    return ", ".join("%s:%d%s" % (r["file"], r["line"], " (%s)" % r["ctx"] if r.get("ctx") else "") for r in rs[:n])


# ---------------------------------------------------------------------------
# reports
# ---------------------------------------------------------------------------

def markdown(res, tot, corpus):
    tools, rows = res["tools"], res["rows"]
    L = []
    n = collections.Counter(r["label"] for r in rows)
    L.append("Corpus `%s`: %d files, %d bytes, %d labels (%d secret, %d PII, %d benign).\n"
             % (corpus, len(res["files"]), res["bytes"], len(rows), n["secret"], n["pii"], n["benign"]))
    L.append("| artifact | bytes | secret | PII | benign |")
    L.append("|---|---|---|---|---|")
    by_kind = collections.defaultdict(collections.Counter)
    for r in rows:
        by_kind[r["artifact"]][r["label"]] += 1
    for k in sorted(by_kind):
        c = by_kind[k]
        L.append("| %s | %d | %d | %d | %d |" % (k, res["sizes"].get(k + ".txt", 0), c["secret"], c["pii"], c["benign"]))
    L.append("\n## Totals\n")
    L.append("| tool | secret recall | PII recall | benign kept | findings | scan time |")
    L.append("|---|---|---|---|---|---|")
    for t in tools:
        d = tot[t]
        extra = ""
        if t == "stanch":
            extra = " (fully covered %s %%)" % fmt_pct(d["secret"]["full"], d["secret"]["n"], 2)
        L.append("| %s | %s %% (%d/%d)%s | %s %% (%d/%d) | %s %% (%d/%d) | %d | %.1f s |" % (
            t, fmt_pct(d["secret"]["ok"], d["secret"]["n"], 2), d["secret"]["ok"], d["secret"]["n"], extra,
            fmt_pct(d["pii"]["ok"], d["pii"]["n"], 2), d["pii"]["ok"], d["pii"]["n"],
            fmt_pct(d["benign"]["ok"], d["benign"]["n"], 2), d["benign"]["ok"], d["benign"]["n"], d["findings"], d["seconds"]))
    approx = {t: tot[t]["approx_spans"] for t in tools if tot[t]["approx_spans"]}
    if approx:
        L.append("\nPeer findings whose reported string is not in the text (the peer decoded it, e.g. from base64) were "
                 "placed by the reported columns: %s." % ", ".join("%s %d" % kv for kv in approx.items()))
    L.append("\n## Recall by artifact kind (secrets and PII)\n")
    L.append("| artifact | label | n | " + " | ".join(tools) + " | stanch fully covered |")
    L.append("|---|---|---|" + "---|" * len(tools) + "---|")
    for g in group(rows, "artifact", tools):
        L.append("| %s | %s | %d | %s | %s |" % (g["artifact"], g["label"], g["n"], " | ".join(fmt_pct(g[t], g["n"]) for t in tools),
                                                fmt_pct(g["full"], g["n"])))
    L.append("\n## Secret recall by rendering (header/assignment syntax the value was planted in)\n")
    L.append("| rendering | n | " + " | ".join(tools) + " | stanch fully covered |")
    L.append("|---|---|" + "---|" * len(tools) + "---|")
    ctx_rows = [dict(r, ctx=r.get("ctx") or "(bare)") for r in rows if r["label"] == "secret"]
    for g in group(ctx_rows, "ctx", tools, ("secret",)):
        L.append("| %s | %d | %s | %s |" % (g["ctx"], g["n"], " | ".join(fmt_pct(g[t], g["n"]) for t in tools), fmt_pct(g["full"], g["n"])))
    L.append("\n## Benign kept by artifact kind\n")
    L.append("| artifact | n | " + " | ".join(tools) + " |")
    L.append("|---|---|" + "---|" * len(tools))
    for g in group(rows, "artifact", tools, ("benign",)):
        L.append("| %s | %d | %s |" % (g["artifact"], g["n"], " | ".join(fmt_pct(g[t], g["n"]) for t in tools)))
    L.append("\n## Recall by type (secrets and PII)\n")
    L.append("| type | label | n | " + " | ".join(tools) + " | stanch fully covered |")
    L.append("|---|---|---|" + "---|" * len(tools) + "---|")
    for g in group(rows, "type", tools):
        L.append("| %s | %s | %d | %s | %s |" % (g["type"], g["label"], g["n"], " | ".join(fmt_pct(g[t], g["n"]) for t in tools),
                                                fmt_pct(g["full"], g["n"])))
    L.append("\n## Benign kept by type\n")
    L.append("| type | n | " + " | ".join(tools) + " |")
    L.append("|---|---|" + "---|" * len(tools))
    for g in group(rows, "type", tools, ("benign",)):
        L.append("| %s | %d | %s |" % (g["type"], g["n"], " | ".join(fmt_pct(g[t], g["n"]) for t in tools)))
    L.append("\n## stanch misses (secret/PII labels no finding overlaps)\n")
    ms = misses(rows)
    if ms:
        L.append("| label | type | missed | renderings | first locations |")
        L.append("|---|---|---|---|---|")
        for (lab, typ), rs in ms:
            ctxs = collections.Counter(r.get("ctx") or r["artifact"] for r in rs)
            L.append("| %s | %s | %d | %s | %s |" % (lab, typ, len(rs), ", ".join("%s %d" % kv for kv in ctxs.most_common(4)), where(rs)))
    else:
        L.append("None.")
    L.append("\n## stanch partial coverage (caught, but findings do not cover the whole value)\n")
    ps = partials(rows)
    if ps:
        L.append("| type | rules | count | first locations |")
        L.append("|---|---|---|---|")
        for (typ, rules), rs in ps[:40]:
            L.append("| %s | %s | %d | %s |" % (typ, rules, len(rs), where(rs)))
    else:
        L.append("None.")
    L.append("\n## stanch false positives (benign labels overlapped by a finding of severity >= low)\n")
    fp = false_positives(rows)
    if fp:
        L.append("| benign type | rule | count | first locations |")
        L.append("|---|---|---|---|")
        for (typ, rule), rs in fp:
            L.append("| %s | %s | %d | %s |" % (typ, rule, len(rs), where(rs)))
    else:
        L.append("None.")
    return "\n".join(L) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--stanch", required=True, help="path to the stanch binary")
    ap.add_argument("--peers", help="directory holding gitleaks and kingfisher binaries (e.g. target/peers/bin)")
    ap.add_argument("--markdown", help="write tables to this file")
    ap.add_argument("--json", help="write totals (and per-type/per-kind counts) to this file")
    ap.add_argument("--check", action="store_true", help="exit 1 if stanch is under the recall / kept thresholds")
    a = ap.parse_args(argv)
    if not os.path.exists(a.stanch):
        raise SystemExit("no stanch binary at %s" % a.stanch)
    res = score(a.corpus, os.path.abspath(a.stanch), a.peers)
    tot = summarize(res)
    tools = res["tools"]
    print("%-11s %16s %16s %16s %9s" % ("tool", "secret recall", "PII recall", "benign kept", "time"))
    for t in tools:
        d = tot[t]
        print("%-11s %8s %% %6s %8s %% %6s %8s %% %6s %8.1fs" % (
            t, fmt_pct(d["secret"]["ok"], d["secret"]["n"], 2), "(%d)" % (d["secret"]["n"] - d["secret"]["ok"]),
            fmt_pct(d["pii"]["ok"], d["pii"]["n"], 2), "(%d)" % (d["pii"]["n"] - d["pii"]["ok"]),
            fmt_pct(d["benign"]["ok"], d["benign"]["n"], 2), "(%d)" % (d["benign"]["n"] - d["benign"]["ok"]), d["seconds"]))
    d = tot["stanch"]
    print("stanch fully covered: secrets %s %%, PII %s %%   (numbers in parentheses: labels missed / not kept)"
          % (fmt_pct(d["secret"]["full"], d["secret"]["n"], 2), fmt_pct(d["pii"]["full"], d["pii"]["n"], 2)))
    ms = misses(res["rows"])
    if ms:
        print("stanch top misses: " + ", ".join("%s %d" % (typ, len(rs)) for (lab, typ), rs in ms[:12]))
    fp = false_positives(res["rows"])
    if fp:
        print("stanch top false positives: " + ", ".join("%s/%s %d" % (typ, rule, len(rs)) for (typ, rule), rs in fp[:12]))
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(markdown(res, tot, a.corpus))
    if a.json:
        out = {"corpus": a.corpus, "bytes": res["bytes"], "labels": len(res["rows"]), "tools": tot,
               "by_type": group(res["rows"], "type", tools, ("secret", "pii", "benign")),
               "by_artifact": group(res["rows"], "artifact", tools, ("secret", "pii", "benign")),
               "stanch_misses": [{"label": lab, "type": typ, "count": len(rs),
                                  "where": [{"file": r["file"], "line": r["line"], "ctx": r.get("ctx")} for r in rs[:20]]}
                                 for (lab, typ), rs in ms],
               "stanch_false_positives": [{"type": typ, "rule": rule, "count": len(rs),
                                           "where": [{"file": r["file"], "line": r["line"]} for r in rs[:20]]}
                                          for (typ, rule), rs in fp]}
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)
    if a.check:
        bad = [lab for lab in ("secret", "pii", "benign") if tot["stanch"][lab]["n"] and tot["stanch"][lab]["pct"] < THRESHOLDS[lab]]
        if bad:
            print("check failed: " + ", ".join("%s %.2f %% < %.1f %%" % (lab, tot["stanch"][lab]["pct"], THRESHOLDS[lab]) for lab in bad),
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
