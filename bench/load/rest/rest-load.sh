#!/usr/bin/env bash
# REST durable writes/s and write -> SSE latency against a fresh `lantern serve` (own SQLite file, loopback):
# RUNS bounded runs of RestLoad.cs (see README.md), `uptime` before each.
#   bench/load/rest/rest-load.sh [RUNS=3] [DURATION=10] [CONCURRENCY=8] [MAILBOXES=1000]
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
RUNS="${1:-3}"; DURATION="${2:-10}"; CONCURRENCY="${3:-8}"; MAILBOXES="${4:-1000}"
start_lantern "$LOAD_DIR/minimal.json.template"
for i in $(seq 1 "$RUNS"); do
  echo "run $i, uptime: $(uptime)"
  t0=$(cpu_ticks "$LANTERN_PID"); s0=$(date +%s.%N)
  timeout -k 5 $((DURATION + 120)) dotnet run -c Release "$LOAD_DIR/rest/RestLoad.cs" -- --server "http://127.0.0.1:$HTTP_PORT" \
    --user admin --password pw --duration "$DURATION" --concurrency "$CONCURRENCY" --mailboxes "$MAILBOXES" || echo "run $i: exit $?"
  s1=$(date +%s.%N); t1=$(cpu_ticks "$LANTERN_PID")
  echo "lantern cpu%: $(echo "($t1 - $t0) / $(getconf CLK_TCK) / ($s1 - $s0) * 100" | bc -l | cut -d. -f1) (includes the client's startup time)"
done
