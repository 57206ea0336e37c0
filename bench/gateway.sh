#!/usr/bin/env bash
# Gateway benchmark (issue: `stanch serve` part 9). Same machine, same run:
#   floor    the load sent straight to a local fake provider
#   stanch   the load through `stanch serve` (release build, full scanning
#            of every message, the default policy: redact)
#   stanch+audit  the same with `--audit-db` (when the binary has it)
#   litellm  the load through LiteLLM's proxy (`litellm[proxy]` from PyPI,
#            2 workers, no guardrails: LiteLLM scans nothing by default)
# Load: `loadgen` (crates/stanch-gateway/examples/loadgen.rs) sends an 8 KB
# OpenAI chat body of log text carrying secrets and personal data.
#   rate  open loop at $RATE req/s for $SECS s → p50/p90/p99/max latency
#   max   closed loop, $CONNS connections, $MAXSECS s → max throughput
# The fake provider counts bodies that still carry the planted GitHub token
# ("leaked"), so the table shows which path actually scanned.
#
#   bash bench/gateway.sh            # RATE=1000 SECS=20 CONNS=32 MAXSECS=10
#   LITELLM=0 bash bench/gateway.sh  # skip the peer
# Writes target/bench/gw/results.jsonl and prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-1000}
SECS=${SECS:-20}
CONNS=${CONNS:-32}
MAXSECS=${MAXSECS:-10}
PEER_RATE=${PEER_RATE:-25}
LITELLM=${LITELLM:-1}
out=target/bench/gw
mkdir -p "$out"
: > "$out/results.jsonl"

cargo build --release -q -p stanch-cli
cargo build --release -q -p stanch-gateway --example loadgen
S=target/release/stanch
L=target/release/examples/loadgen
$L body > "$out/body.json"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_up() { # URL
    for _ in $(seq 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done
    echo "not up: $1" >&2; return 1
}

FAKE=127.0.0.1:19100
$L fake --listen $FAKE --threads 1 2>/dev/null & pids+=($!)
wait_up "http://$FAKE/stats"

# name url auth rate secs
measure() {
    local name=$1 url=$2 auth=$3 rate=$4 secs=$5
    echo "== $name: warm-up" >&2
    $L rate --url "$url" --auth "$auth" --rate 50 --secs 2 --threads 2 > /dev/null
    curl -s "http://$FAKE/stats" > /dev/null
    echo "== $name: open loop $rate req/s for $secs s" >&2
    local r m s
    r=$($L rate --url "$url" --auth "$auth" --rate "$rate" --secs "$secs" --threads 2 --max-in-flight 1000)
    s=$(curl -s "http://$FAKE/stats")
    echo "{\"target\":\"$name\",\"run\":$r,\"provider\":$s}" >> "$out/results.jsonl"
    echo "== $name: closed loop $CONNS connections for $MAXSECS s" >&2
    m=$($L max --url "$url" --auth "$auth" --conns "$CONNS" --secs "$MAXSECS" --threads 2)
    s=$(curl -s "http://$FAKE/stats")
    echo "{\"target\":\"$name\",\"run\":$m,\"provider\":$s}" >> "$out/results.jsonl"
}

PATH_=/v1/chat/completions
measure floor "http://$FAKE$PATH_" "Bearer sk-bench" "$RATE" "$SECS"

G=127.0.0.1:19101
RUST_LOG=info $S serve --upstream "http://$FAKE" --listen $G 2> "$out/stanch.log" & pids+=($!)
wait_up "http://$G/healthz"
measure stanch "http://$G$PATH_" "Bearer sk-bench" "$RATE" "$SECS"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

if $S serve --help | grep -q -- --audit-db; then
    GA=127.0.0.1:19102
    rm -f "$out"/audit.db*
    RUST_LOG=info $S serve --upstream "http://$FAKE" --listen $GA --audit-db "$out/audit.db" 2> "$out/stanch-audit.log" & pids+=($!)
    wait_up "http://$GA/healthz"
    measure stanch+audit "http://$GA$PATH_" "Bearer sk-bench" "$RATE" "$SECS"
    kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
    $S audit verify --db "$out/audit.db" >&2
fi

if [ "$LITELLM" = 1 ]; then
    venv=target/litellm-venv
    if [ ! -x "$venv/bin/litellm" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check 'litellm[proxy]'
    fi
    cat > "$out/litellm.yaml" <<EOF
model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://$FAKE/v1
      api_key: sk-fake-provider-key
EOF
    master=sk-bench-master-7f3a9c2e5b1d4e8f
    LP=127.0.0.1:19103
    LITELLM_MASTER_KEY=$master LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_LOG=ERROR \
        "$venv/bin/litellm" --config "$out/litellm.yaml" --host 127.0.0.1 --port 19103 \
        --num_workers 2 > "$out/litellm.log" 2>&1 & pids+=($!)
    wait_up "http://$LP/health/liveliness"
    "$venv/bin/pip" show litellm 2>/dev/null | sed -n 's/^Version: /litellm /p' > "$out/litellm.version"
    # At the rate stanch is measured at, and at a rate LiteLLM sustains.
    measure "litellm@$RATE" "http://$LP$PATH_" "Bearer $master" "$RATE" 10
    measure "litellm@$PEER_RATE" "http://$LP$PATH_" "Bearer $master" "$PEER_RATE" "$SECS"
    # and the floor and stanch at the peer's rate, for added latency there
    measure "floor@$PEER_RATE" "http://$FAKE$PATH_" "Bearer sk-bench" "$PEER_RATE" "$SECS"
    RUST_LOG=info $S serve --upstream "http://$FAKE" --listen $G 2>> "$out/stanch.log" & pids+=($!)
    wait_up "http://$G/healthz"
    measure "stanch@$PEER_RATE" "http://$G$PATH_" "Bearer sk-bench" "$PEER_RATE" "$SECS"
fi

python3 - "$out/results.jsonl" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"\n{sys.argv[2]} cores,{sys.argv[3]}\n")
print("| target | mode | sent rate | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | errors | shed | bodies with the planted token |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
floor = {}
for r in rows:
    x, p = r["run"], r["provider"]
    t = r["target"]
    mode = "open loop" if x["mode"] == "rate" else f"closed, {x['conns']} conns"
    rate = f"{x['target_rps']:.0f}/s" if x["mode"] == "rate" else "max"
    f = lambda v: "-" if v is None else f"{v:.2f}"
    print(f"| {t} | {mode} | {rate} | {x['rps']:.0f} | {f(x['p50_ms'])} | {f(x['p90_ms'])} | {f(x['p99_ms'])} | {f(x['max_ms'])} | {x['errors']} | {x.get('shed', 0)} | {p['leaked']} of {p['served']} |")
    if x["mode"] == "rate":
        floor.setdefault(x["target_rps"], {})[t.split("@")[0]] = x
print("\nAdded latency over the floor at the same rate (same run):\n")
print("| target | rate | added p50 ms | added p99 ms |")
print("|---|---|---|---|")
for rate, by in floor.items():
    base = by.get("floor")
    if not base:
        continue
    for t, x in by.items():
        if t == "floor" or x["p50_ms"] is None:
            continue
        print(f"| {t} | {rate:.0f}/s | {x['p50_ms'] - base['p50_ms']:.2f} | {x['p99_ms'] - base['p99_ms']:.2f} |")
EOF
