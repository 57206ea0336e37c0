#!/usr/bin/env bash
# Whole-process benchmark: stanch against gitleaks and Kingfisher on the same
# files, in the same run. Absolute times drift on shared machines; the ratios
# measured side by side are the numbers to compare with the targets.
#
# Usage: bash bench/run.sh [--quick] [--no-peers] [--no-doc] [--check]
#   --quick     small corpora (20 MB / 4 MB, 200 MB stream), one run each; no doc update
#   --no-peers  measure stanch only
#   --no-doc    do not rewrite the results section of docs/benchmarks.md
#   --check     exit 1 when a target is missed (default: report only)
# Environment (defaults in brackets):
#   SPARSE_BYTES [100000000]  DENSE_BYTES [20000000]  corpus file sizes
#   STREAM_BYTES [2000000000]  STREAM_DENSE_BYTES [100000000]  memory streams (0: skip dense)
#   FILES [4000]  FILES_BYTES [40000000]  a directory of FILES small files cut from the
#                   start of the sparse corpus, scanned as a tree (0: skip)
#   RUNS [3]        runs per command, the fastest reported (same for every tool); a command
#                   stops repeating once its runs add up to SLOW_SECONDS [20]
#   RUN_TIMEOUT [300]  seconds after which one run is killed and reported as a timeout
#   CORPUS [auto]   auto | gen (bench/accuracy/gen.py) | builtin (the criterion bench's generator)
#   BENCH_DIR [target/bench]  corpora, reports and raw results
# Needs: cargo, python3 with pip (peers come from PyPI), /usr/bin/time (installed with
# apt-get when missing), ../shared/peers/install.sh for the peers.
set -euo pipefail

START_TS=$(date +%s)
INVOCATION="bash bench/run.sh${*:+ $*}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

QUICK=0 PEERS=1 DOC=1 CHECK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --no-peers) PEERS=0 ;;
    --no-doc) DOC=0 ;;
    --check) CHECK=1 ;;
    -h | --help)
      sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "run.sh: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  SPARSE_BYTES=${SPARSE_BYTES:-20000000}
  DENSE_BYTES=${DENSE_BYTES:-4000000}
  STREAM_BYTES=${STREAM_BYTES:-200000000}
  STREAM_DENSE_BYTES=${STREAM_DENSE_BYTES:-20000000}
  FILES=${FILES:-1000}
  FILES_BYTES=${FILES_BYTES:-10000000}
  RUNS=${RUNS:-1}
  DOC=0
fi
SPARSE_BYTES=${SPARSE_BYTES:-100000000}
DENSE_BYTES=${DENSE_BYTES:-20000000}
STREAM_BYTES=${STREAM_BYTES:-2000000000}
STREAM_DENSE_BYTES=${STREAM_DENSE_BYTES:-100000000}
RUNS=${RUNS:-3}
SLOW_SECONDS=${SLOW_SECONDS:-20}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
CORPUS=${CORPUS:-auto}
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
WORK="$BENCH_DIR/work"
RESULTS="$BENCH_DIR/results.tsv"
rm -rf "$WORK"
mkdir -p "$WORK"

say() { printf '\n== %s\n' "$*" >&2; }
die() {
  printf 'run.sh: error: %s\n' "$*" >&2
  exit 2
}

# --- 0. tools ----------------------------------------------------------------
say "checking tools"
command -v cargo >/dev/null || die "cargo not found (install Rust first)"
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
if [ "$PEERS" = 1 ]; then
  command -v unzip >/dev/null || missing+=(unzip)
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing with apt-get: ${missing[*]}" >&2
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}; install them and rerun"
  apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
fi

# --- 1. build -------------------------------------------------------------------
say "building stanch (cargo build --release -p stanch-cli)"
cargo build --release -p stanch-cli >&2 || die "release build of stanch-cli failed"
STANCH="$ROOT/target/release/stanch"
[ -x "$STANCH" ] || die "$STANCH missing after the build"
"$STANCH" --help >/dev/null || die "$STANCH --help failed"

# --- 2. peers -------------------------------------------------------------------
GITLEAKS="" KINGFISHER=""
if [ "$PEERS" = 1 ]; then
  say "installing peers (../shared/peers/install.sh target/peers)"
  if [ -f "$ROOT/../shared/peers/install.sh" ] &&
    bin=$(bash "$ROOT/../shared/peers/install.sh" "$ROOT/target/peers" | tail -1); then
    [ -x "$bin/gitleaks" ] && GITLEAKS="$bin/gitleaks"
    [ -x "$bin/kingfisher" ] && KINGFISHER="$bin/kingfisher"
  else
    echo "warning: peers could not be installed; measuring stanch only" >&2
  fi
  [ -n "$GITLEAKS" ] || echo "warning: no gitleaks" >&2
  [ -n "$KINGFISHER" ] || echo "warning: no kingfisher" >&2
fi

# --- 3. corpora -----------------------------------------------------------------
GEN_PY="$ROOT/bench/accuracy/gen.py"
gen_py_ok() {
  [ -f "$GEN_PY" ] && python3 "$GEN_PY" --help 2>/dev/null | grep -q -- '--profile'
}
case "$CORPUS" in
  auto) if gen_py_ok; then CORPUS=gen; else CORPUS=builtin; fi ;;
  gen) gen_py_ok || die "CORPUS=gen but $GEN_PY is missing or has no --profile option" ;;
  builtin) ;;
  *) die "CORPUS must be auto, gen or builtin (got '$CORPUS')" ;;
esac
CDIR="$BENCH_DIR/corpus-$CORPUS-$SPARSE_BYTES-$DENSE_BYTES"
if [ "$CORPUS" = gen ]; then
  GEN_DESC="bench/accuracy/gen.py --profile sparse|dense"
  stamp_src=$(cat "$ROOT"/bench/accuracy/*.py | sha256sum | cut -c1-16)
else
  GEN_DESC="generator in crates/stanch-engine/benches/scan.rs (STANCH_BENCH_WRITE_CORPUS)"
  stamp_src=$(sha256sum "$ROOT/crates/stanch-engine/benches/scan.rs" | cut -c1-16)
fi
stamp="$stamp_src $SPARSE_BYTES $DENSE_BYTES"
if [ -f "$CDIR/stamp" ] && [ "$(cat "$CDIR/stamp")" = "$stamp" ] &&
  [ -f "$CDIR/sparse.log" ] && [ -f "$CDIR/dense.log" ]; then
  say "reusing corpora in $CDIR"
else
  say "generating corpora with $GEN_DESC"
  rm -rf "$CDIR"
  mkdir -p "$CDIR"
  t0=$(date +%s)
  if [ "$CORPUS" = gen ]; then
    for p in sparse dense; do
      if [ "$p" = sparse ]; then n=$SPARSE_BYTES; else n=$DENSE_BYTES; fi
      python3 "$GEN_PY" --profile "$p" --bytes "$n" --out "$CDIR/$p.d" >&2 ||
        die "gen.py --profile $p failed"
      # gen.py writes one big file (plus, maybe, labels): take the largest.
      big=$(find "$CDIR/$p.d" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
      [ -n "$big" ] || die "gen.py --profile $p wrote no file in $CDIR/$p.d"
      mv "$big" "$CDIR/$p.log"
      rm -rf "$CDIR/$p.d"
    done
  else
    exe=$(cargo bench -p stanch-engine --bench scan --no-run --message-format=json 2>/dev/null |
      python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "scan":
        print(m["executable"])' | tail -1) || true
    [ -n "$exe" ] || die "could not build the criterion bench (cargo bench -p stanch-engine --bench scan --no-run)"
    STANCH_BENCH_WRITE_CORPUS="$CDIR" STANCH_BENCH_SPARSE_BYTES="$SPARSE_BYTES" \
      STANCH_BENCH_DENSE_BYTES="$DENSE_BYTES" "$exe" || die "corpus generation failed"
  fi
  echo "$stamp" >"$CDIR/stamp"
  echo "generated in $(($(date +%s) - t0)) s" >&2
fi
SPARSE="$CDIR/sparse.log"
DENSE="$CDIR/dense.log"

# --- 4. measurements --------------------------------------------------------------
# results.tsv: corpus, tool, label, threads, bytes, best wall ns, cpu s, max rss KB, findings,
# runs, status
printf 'corpus\ttool\tlabel\tthreads\tbytes\twall_ns\tcpu_s\trss_kb\tfindings\truns\tstatus\n' \
  >"$RESULTS"
NPROC=$(nproc)

# run_once OUT IN CMD...: one timed run; sets RC, WALL (ns), CPU (s), RSS (KB).
run_once() {
  local out=$1 in=$2 t0 t1 u s
  shift 2
  t0=$(date +%s%N)
  set +e
  # time(1) around timeout(1): the rusage of timeout includes its reaped child's.
  /usr/bin/time -f '%U %S %M' -o "$WORK/time" timeout "$RUN_TIMEOUT" "$@" <"$in" >"$out" \
    2>"$WORK/stderr"
  RC=$?
  set -e
  t1=$(date +%s%N)
  WALL=$((t1 - t0))
  read -r u s RSS < <(tail -1 "$WORK/time")
  CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}

# measure CORPUS TOOL LABEL THREADS FILE OK_RCS COUNT REPORT IN OUT CMD...
#   OK_RCS: exit codes that mean success; IN, OUT: standard input and output;
#   COUNT: how to count the findings in REPORT (jsonl | gitleaks | kingfisher | none).
measure() {
  local corpus=$1 tool=$2 label=$3 threads=$4 file=$5 ok=$6 count=$7 report=$8 in=$9 out=${10}
  shift 10
  local best=0 bcpu=0 maxrss=0 i findings="" status=ok bytes total=0 runs=0
  if [ -d "$file" ]; then
    bytes=$(find "$file" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  else
    bytes=$(stat -c %s "$file")
  fi
  for ((i = 1; i <= RUNS; i++)); do
    [ "$total" -lt $((SLOW_SECONDS * 1000000000)) ] || break
    run_once "$out" "$in" "$@"
    total=$((total + WALL))
    runs=$i
    if [ "$RC" = 124 ]; then
      status="timeout after ${RUN_TIMEOUT} s"
      echo "  $label: killed after ${RUN_TIMEOUT} s (RUN_TIMEOUT)" >&2
      break
    fi
    if ! [[ " $ok " == *" $RC "* ]]; then
      status="exit $RC"
      echo "  $label: FAILED with exit code $RC; stderr:" >&2
      tail -5 "$WORK/stderr" | sed 's/^/    /' >&2
      break
    fi
    if [ "$best" = 0 ] || [ "$WALL" -lt "$best" ]; then
      best=$WALL
      bcpu=$CPU
    fi
    [ "$RSS" -gt "$maxrss" ] && maxrss=$RSS
  done
  if [ "$status" = ok ]; then
    case "$count" in
      jsonl) findings=$(grep -c '' "$report" || true) ;;
      gitleaks) findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])) or []))' "$report") ;;
      kingfisher) findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$report") ;;
    esac
    awk -v l="$label" -v w="$best" -v b="$bytes" -v c="$bcpu" -v r="$maxrss" -v f="$findings" \
      -v n="$runs" 'BEGIN { printf "  %-46s %8.3f s %8.1f MB/s  cpu %6.2f s  max RSS %7.1f MB  %d run(s)  %s\n",
               l, w / 1e9, b / 1e3 / (w / 1e6), c, r / 1024, n, (f == "" ? "" : f " findings") }' >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$corpus" "$tool" "$label" "$threads" \
    "$bytes" "$best" "$bcpu" "$maxrss" "$findings" "$runs" "$status" >>"$RESULTS"
  [ "$status" = ok ]
}

if [ -n "$KINGFISHER" ]; then
  # Kingfisher compiles its rules once and caches them: warm the cache so every
  # measured run is a steady-state run.
  head -c 100000 "$SPARSE" >"$WORK/warm.log"
  "$KINGFISHER" scan "$WORK/warm.log" --no-validate --no-update-check -q --format json \
    --output "$WORK/warm.json" >/dev/null 2>&1 || true
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for corpus in sparse dense; do
  if [ "$corpus" = sparse ]; then f=$SPARSE; else f=$DENSE; fi
  say "$corpus corpus: $f ($(stat -c %s "$f") bytes), best of $RUNS run(s)"
  # Exit 1 means "findings reported".
  # `scan` uses every core by default (a single file is split across them);
  # `-j1` is the one-thread figure the issue's throughput targets ask for.
  measure "$corpus" stanch "stanch scan -j1 --format jsonl FILE" 1 "$f" "0 1" jsonl "$WORK/stanch.jsonl" \
    /dev/null "$WORK/stanch.jsonl" "$STANCH" scan -j1 --format jsonl "$f" ||
    die "stanch scan -j1 failed on $f"
  measure "$corpus" stanch "stanch scan --format jsonl FILE" "$NPROC" "$f" "0 1" jsonl "$WORK/stanch.jsonl" \
    /dev/null "$WORK/stanch.jsonl" "$STANCH" scan --format jsonl "$f" ||
    die "stanch scan failed on $f"
  measure "$corpus" stanch "stanch redact FILE" 1 "$f" "0" none "" /dev/null /dev/null \
    "$STANCH" redact "$f" || die "stanch redact failed on $f"
  measure "$corpus" stanch "stanch redact < FILE" 1 "$f" "0" none "" "$f" /dev/null \
    "$STANCH" redact || die "stanch redact (stdin) failed on $f"
  measure "$corpus" stanch "stanch redact -j$NPROC < FILE" "$NPROC" "$f" "0" none "" "$f" /dev/null \
    "$STANCH" redact -j"$NPROC" || die "stanch redact -j$NPROC (stdin) failed on $f"
  if [ -n "$GITLEAKS" ]; then
    gl=("$GITLEAKS" stdin --no-banner --log-level error --report-format json
      --report-path "$WORK/gitleaks.json" --exit-code 0)
    measure "$corpus" gitleaks "gitleaks stdin < FILE" "$NPROC" "$f" "0" gitleaks \
      "$WORK/gitleaks.json" "$f" /dev/null "${gl[@]}" || true
    # One-thread variants on the sparse corpus only: the peer-ratio targets are about it.
    [ "$corpus" = dense ] ||
      measure "$corpus" gitleaks "GOMAXPROCS=1 gitleaks stdin < FILE" 1 "$f" "0" gitleaks \
        "$WORK/gitleaks.json" "$f" /dev/null env GOMAXPROCS=1 "${gl[@]}" || true
  fi
  if [ -n "$KINGFISHER" ]; then
    kf=("$KINGFISHER" scan "$f" --no-validate --no-update-check -q --format json
      --output "$WORK/kingfisher.json")
    # Exit 200 means "findings reported".
    measure "$corpus" kingfisher "kingfisher scan FILE --no-validate" "$NPROC" "$f" "0 200 205" \
      kingfisher "$WORK/kingfisher.json" /dev/null /dev/null "${kf[@]}" || true
    [ "$corpus" = dense ] ||
      measure "$corpus" kingfisher "kingfisher scan FILE --no-validate --jobs 1" 1 "$f" "0 200 205" \
        kingfisher "$WORK/kingfisher.json" /dev/null /dev/null "${kf[@]}" --jobs 1 || true
  fi
done

# JSON lines: the sparse corpus as LLM request bodies, redacted as JSON (walked, key context)
# next to the same file redacted as text.
SPARSE_JSONL="$CDIR/sparse.jsonl"
if ! [ -f "$SPARSE_JSONL" ] || [ "$SPARSE_JSONL" -ot "$SPARSE" ]; then
  python3 "$ROOT/bench/accuracy/wrap_jsonl.py" "$SPARSE" "$SPARSE_JSONL" ||
    die "wrap_jsonl.py failed"
fi
say "sparse corpus as JSON lines (request bodies): $SPARSE_JSONL ($(stat -c %s "$SPARSE_JSONL") bytes)"
measure sparse-jsonl stanch "stanch redact --format jsonl FILE" 1 "$SPARSE_JSONL" "0" none "" \
  /dev/null /dev/null "$STANCH" redact --format jsonl "$SPARSE_JSONL" ||
  die "stanch redact --format jsonl failed"
measure sparse-jsonl stanch "stanch redact --format text FILE" 1 "$SPARSE_JSONL" "0" none "" \
  /dev/null /dev/null "$STANCH" redact --format text "$SPARSE_JSONL" ||
  die "stanch redact --format text failed"

# Many small files (a repository, a CI workspace): the start of the sparse corpus cut at
# line ends into FILES files of about the same size, 100 per directory, scanned as a tree.
FILES=${FILES:-4000}
FILES_BYTES=${FILES_BYTES:-40000000}
if [ "$FILES" != 0 ]; then
  FDIR="$CDIR/files-$FILES-$FILES_BYTES"
  if ! [ -d "$FDIR" ] || [ "$FDIR" -ot "$SPARSE" ]; then
    rm -rf "$FDIR"
    python3 - "$SPARSE" "$FDIR" "$FILES" "$FILES_BYTES" <<'PY' || die "cutting $SPARSE into files failed"
import os, sys
src, out, n, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = open(src, "rb").read(total)
size, pos = len(data) // n, 0
for i in range(n):
    if i == n - 1:
        end = len(data)
    else:
        nl = data.find(b"\n", max(pos, (i + 1) * size))
        end = len(data) if nl < 0 else nl + 1
    d = os.path.join(out, f"d{i // 100:03}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05}.log"), "wb") as f:
        f.write(data[pos:end])
    pos = end
PY
  fi
  say "many small files: $FDIR ($FILES files, $(find "$FDIR" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }') bytes)"
  measure files stanch "stanch scan -j1 --format jsonl DIR" 1 "$FDIR" "0 1" jsonl "$WORK/stanch.jsonl" \
    /dev/null "$WORK/stanch.jsonl" "$STANCH" scan -j1 --format jsonl "$FDIR" ||
    die "stanch scan -j1 failed on $FDIR"
  measure files stanch "stanch scan --format jsonl DIR" "$NPROC" "$FDIR" "0 1" jsonl "$WORK/stanch.jsonl" \
    /dev/null "$WORK/stanch.jsonl" "$STANCH" scan --format jsonl "$FDIR" ||
    die "stanch scan failed on $FDIR"
  if [ -n "$GITLEAKS" ]; then
    measure files gitleaks "gitleaks dir DIR" "$NPROC" "$FDIR" "0" gitleaks "$WORK/gitleaks.json" \
      /dev/null /dev/null "$GITLEAKS" dir "$FDIR" --no-banner --log-level error --report-format json \
      --report-path "$WORK/gitleaks.json" --exit-code 0 || true
  fi
  if [ -n "$KINGFISHER" ]; then
    measure files kingfisher "kingfisher scan DIR --no-validate" "$NPROC" "$FDIR" "0 200 205" \
      kingfisher "$WORK/kingfisher.json" /dev/null /dev/null "$KINGFISHER" scan "$FDIR" --no-validate \
      --no-update-check -q --format json --output "$WORK/kingfisher.json" || true
  fi
fi

# --- 5. memory: redact a long stream without writing it to disk -----------------------
# stream_redact NAME FILE BYTES: pipes FILE repeated up to BYTES into `stanch redact`.
stream_redact() {
  local name=$1 file=$2 want=$3 size copies bytes t0 t1 u s rss cpu ps
  size=$(stat -c %s "$file")
  copies=$(((want + size - 1) / size))
  bytes=$((copies * size))
  say "memory: stanch redact on a ${bytes}-byte stream ($copies x $name corpus through a pipe)"
  t0=$(date +%s%N)
  set +e
  for ((i = 0; i < copies; i++)); do cat "$file"; done |
    /usr/bin/time -f '%U %S %M' -o "$WORK/time" "$STANCH" redact >/dev/null 2>"$WORK/stderr"
  ps=("${PIPESTATUS[@]}")
  set -e
  t1=$(date +%s%N)
  if [ "${ps[1]}" != 0 ]; then
    tail -5 "$WORK/stderr" >&2
    die "stanch redact on the $name stream exited ${ps[1]}"
  fi
  read -r u s rss < <(tail -1 "$WORK/time")
  cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
  printf 'stream-%s\tstanch\tstanch redact < STREAM\t1\t%s\t%s\t%s\t%s\t\t1\tok\n' \
    "$name" "$bytes" "$((t1 - t0))" "$cpu" "$rss" >>"$RESULTS"
  awk -v r="$rss" -v b="$bytes" -v w="$((t1 - t0))" -v c="$cpu" \
    'BEGIN { printf "  max RSS %.1f MB, %.1f MB/s, %.1f s (cpu %.2f s)\n", r / 1024, b / 1e3 / (w / 1e6), w / 1e9, c }' >&2
}
stream_redact sparse "$SPARSE" "$STREAM_BYTES"
# Memory also grows with the density of findings: a shorter dense stream shows how.
[ "$STREAM_DENSE_BYTES" = 0 ] || stream_redact dense "$DENSE" "$STREAM_DENSE_BYTES"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 6. report ---------------------------------------------------------------------
say "report"
ver() { "$@" 2>/dev/null | head -1 || echo unknown; }
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -1)" ] || commit="$commit (with uncommitted changes)"
export R_DATE R_MACHINE R_VERSIONS R_COMMAND R_CORPUS R_LOAD R_ELAPSED R_RUNS R_GL R_KF R_STANCH R_SLOW R_NPROC
R_NPROC=$NPROC
R_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu_model=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || true)
R_MACHINE="$(uname -m), nproc $NPROC${cpu_model:+, $cpu_model}, $(($(grep MemTotal /proc/meminfo | awk '{print $2}') / 1048576)) GiB"
R_STANCH=$(ver "$STANCH" --version)
R_GL=$([ -n "$GITLEAKS" ] && ver "$GITLEAKS" version || echo "not run")
R_KF=$([ -n "$KINGFISHER" ] && ver "$KINGFISHER" --version || echo "not run")
R_VERSIONS="$R_STANCH (commit $commit, $(rustc --version | cut -d' ' -f1-2)); gitleaks $R_GL; $R_KF"
R_COMMAND="$INVOCATION (SPARSE_BYTES=$SPARSE_BYTES DENSE_BYTES=$DENSE_BYTES STREAM_BYTES=$STREAM_BYTES STREAM_DENSE_BYTES=$STREAM_DENSE_BYTES RUNS=$RUNS CORPUS=$CORPUS)"
R_CORPUS="$GEN_DESC"
R_LOAD="$LOAD_BEFORE before, $LOAD_AFTER after"
R_ELAPSED=$(($(date +%s) - START_TS))
R_RUNS=$RUNS
R_SLOW=$SLOW_SECONDS
python3 - "$RESULTS" "$BENCH_DIR/results.md" "$ROOT/docs/benchmarks.md" "$DOC" "$CHECK" <<'PY'
import csv, os, sys

results, md_out, doc, update_doc, check = sys.argv[1:6]
rows = list(csv.DictReader(open(results), delimiter="\t"))
E = os.environ


def mbps(r):
    w = int(r["wall_ns"] or 0)
    return int(r["bytes"]) / 1e6 / (w / 1e9) if w and r["status"] == "ok" else None


def mbps_cpu(r):
    c = float(r["cpu_s"] or 0)
    return int(r["bytes"]) / 1e6 / c if c and r["status"] == "ok" else None


def find(corpus, label):
    for r in rows:
        if r["corpus"] == corpus and r["label"] == label and r["status"] == "ok":
            return r
    return None


SCAN = "stanch scan --format jsonl FILE"          # every core: against the peers' default threads
SCAN1 = "stanch scan -j1 --format jsonl FILE"     # one thread: the throughput targets, peers on 1 thread
out = []
out.append(f"Measured {E['R_DATE']} on {E['R_MACHINE']}; load average {E['R_LOAD']}.")
out.append("")
out.append(f"- Versions: {E['R_VERSIONS']}")
out.append(f"- Command: `{E['R_COMMAND']}` ({E['R_ELAPSED']} s in all)")
out.append(f"- Corpora: {E['R_CORPUS']}")
out.append(f"- Each command ran up to {E['R_RUNS']} times (fewer once its runs passed {E['R_SLOW']} s); the")
out.append("  fastest wall time is shown, with its CPU time (user + system) and the largest max RSS")
out.append("  over the runs. MB = 10^6 bytes. `MB/CPU-s` divides by CPU time instead of wall time: on a")
out.append("  busy machine it is closer to what a single-threaded process does alone; for the peers it")
out.append("  counts the work of all their threads.")
out.append("")
out.append("| corpus | command | threads | MB | runs | wall s | MB/s | CPU s | MB/CPU-s | max RSS MB | findings | stanch scan (same threads) ÷ this (wall) | (CPU) |")
out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r["corpus"].startswith("stream"):
        continue
    s = mbps(r)
    # Against a peer on one thread, stanch on one thread; else stanch on every core.
    # (On a tree of files the same commands read `DIR`.)
    scan = next(
        (x for l in ([SCAN1] if r["threads"] == "1" else []) + [SCAN]
         for x in [find(r["corpus"], l) or find(r["corpus"], l.replace("FILE", "DIR"))] if x),
        None,
    )
    ratio = ratio_cpu = ""
    if r["tool"] != "stanch" and s and scan:
        ratio = f"{mbps(scan) / s:.1f}×"
        if mbps_cpu(scan) and mbps_cpu(r):
            ratio_cpu = f"{mbps_cpu(scan) / mbps_cpu(r):.1f}×"
    if r["status"] != "ok":
        out.append(f"| {r['corpus']} | `{r['label']}` | {r['threads']} | {int(r['bytes'])/1e6:.0f} | {r['runs']} | failed ({r['status']}) | | | | | | | |")
        continue
    sc = mbps_cpu(r)
    out.append(
        f"| {r['corpus']} | `{r['label']}` | {r['threads']} | {int(r['bytes'])/1e6:.0f} | {r['runs']} | "
        f"{int(r['wall_ns'])/1e9:.3f} | {s:.1f} | {float(r['cpu_s']):.2f} | "
        f"{f'{sc:.1f}' if sc else '–'} | "
        f"{int(r['rss_kb'])/1024:.1f} | {r['findings'] or '–'} | {ratio} | {ratio_cpu} |"
    )
st = [r for r in rows if r["corpus"] == "stream-sparse"]
out.append("")
out.append("Streaming memory, `for …; do cat CORPUS; done | stanch redact > /dev/null`:")
out.append("")
for r in rows:
    if r["corpus"].startswith("stream-"):
        out.append(
            f"- {r['corpus'][7:]} corpus repeated to {int(r['bytes'])/1e9:.2f} GB: max RSS "
            f"**{int(r['rss_kb'])/1024:.1f} MB**, {mbps(r):.1f} MB/s ({int(r['wall_ns'])/1e9:.1f} s, "
            f"CPU {float(r['cpu_s']):.1f} s)"
        )
out.append("")

# Targets from the issue.
checks = []


def target(name, value, goal, fmt, ok):
    if value is None:
        checks.append((name, "not measured", goal, None))
    else:
        checks.append((name, fmt.format(value), goal, ok(value)))


ss, ds = find("sparse", SCAN), find("dense", SCAN)
ss1, ds1 = find("sparse", SCAN1) or ss, find("dense", SCAN1) or ds
target("sparse scan throughput, one thread (wall)", mbps(ss1) if ss1 else None, "≥ 250 MB/s", "{:.0f} MB/s", lambda v: v >= 250)
target("sparse scan throughput, one thread (CPU)", mbps_cpu(ss1) if ss1 else None, "≥ 250 MB/s", "{:.0f} MB/s", lambda v: v >= 250)
target("dense scan throughput, one thread (wall)", mbps(ds1) if ds1 else None, "≥ 50 MB/s", "{:.0f} MB/s", lambda v: v >= 50)
target("dense scan throughput, one thread (CPU)", mbps_cpu(ds1) if ds1 else None, "≥ 50 MB/s", "{:.0f} MB/s", lambda v: v >= 50)
target(f"sparse scan throughput, {E['R_NPROC']} threads (wall)", mbps(ss) if ss else None, "(no target)", "{:.0f} MB/s", lambda v: None)
for peer, label, goal in [
    ("Kingfisher", "kingfisher scan FILE --no-validate", 20),
    ("gitleaks", "gitleaks stdin < FILE", 100),
]:
    p = find("sparse", label)
    v = mbps(ss) / mbps(p) if ss and p else None
    target(f"sparse: stanch ÷ {peer} (peer's default threads)", v, f"≥ {goal}×", "{:.1f}×", lambda v, g=goal: v >= g)
    for r in rows:
        if r["corpus"] == "sparse" and r["tool"] == peer.lower() and r["threads"] == "1" and r["status"] == "ok":
            v1 = mbps(ss1) / mbps(r) if ss1 else None
            target(f"sparse: stanch ÷ {peer} (both 1 thread)", v1, f"≥ {goal}×", "{:.1f}×", lambda v, g=goal: v >= g)
            v2 = mbps_cpu(ss1) / mbps_cpu(r) if ss1 and mbps_cpu(ss1) and mbps_cpu(r) else None
            target(f"sparse: stanch ÷ {peer} (both 1 thread, CPU time)", v2, f"≥ {goal}×", "{:.1f}×", lambda v, g=goal: v >= g)
target(
    f"peak RSS, redacting a {int(st[0]['bytes'])/1e9:.1f} GB stream" if st else "peak RSS, redacting a stream",
    int(st[0]["rss_kb"]) / 1024 if st else None,
    "≤ 64 MB",
    "{:.1f} MB",
    lambda v: v <= 64,
)
out.append("| target | measured | goal | met |")
out.append("|---|---:|---|---|")
for name, val, goal, ok in checks:
    out.append(f"| {name} | {val} | {goal} | {'yes' if ok else ('no' if ok is not None else '–')} |")
text = "\n".join(out) + "\n"
open(md_out, "w").write(text)
print(text)

if update_doc == "1":
    begin, end = "<!-- bench/run.sh results: begin -->", "<!-- bench/run.sh results: end -->"
    body = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n"
    block = f"{begin}\n{text}{end}"
    if begin in body and end in body:
        pre, rest = body.split(begin, 1)
        body = pre + block + rest.split(end, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n## Whole-process results\n\n" + block + "\n"
    open(doc, "w").write(body)
    print(f"updated {doc}", file=sys.stderr)
if check == "1" and any(ok is False for _, _, _, ok in checks):
    print("run.sh: some targets were missed", file=sys.stderr)
    sys.exit(1)
PY
echo "raw results: $RESULTS; table: $BENCH_DIR/results.md" >&2
