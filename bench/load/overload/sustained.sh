#!/usr/bin/env bash
# Sustained subscription rate (issue 13): on one warm lantern process, three back-to-back runs of SECONDS (default 60) at
# each offered rate in RATES, subscribe.xml from a trusted source over UDP. Prints one line per run (see overload-lib.sh)
# and, per rate, whether all three runs completed with 0 failed calls. The highest such rate is the sustained maximum.
# With HOLD=N the warm process is kept N seconds after the last run (its pid is printed), to look at its heap
# (dotnet-gcdump) or counters (dotnet-counters) between runs.
#   bench/load/overload/sustained.sh "RATES" [SECONDS=60] [RUNS=3]
source "$(dirname "${BASH_SOURCE[0]}")/overload-lib.sh"
RATES="${1:-3000}"; SECS="${2:-60}"; RUNS="${3:-3}"
start_overload_lantern
for rate in $RATES; do
  bad=0
  for _ in $(seq 1 "$RUNS"); do
    step "$rate" "$SECS"
    [ "$STEP_FAILED" -eq 0 ] && [ "$STEP_OK" -eq $((rate * SECS)) ] || bad=$((bad + 1))
  done
  echo "rate=$rate runs=$RUNS runs_with_failures=$bad sustained=$([ "$bad" -eq 0 ] && echo yes || echo no)"
done
if [ -n "${HOLD:-}" ]; then
  echo "lantern pid=$LANTERN_PID http=127.0.0.1:$HTTP_PORT held for $HOLD s"
  sleep "$HOLD"
fi
[ -n "${KEEP:-}" ] || rm -rf "$SIPP_DIR"
