#!/usr/bin/env bash
# sipp OPTIONS load over UDP against `lantern serve`: for each rate, a bounded run (RATE x SECONDS calls,
# hard timeout), then failed calls and Lantern's CPU use at that rate.
#   bench/load/options-load.sh [SECONDS=10] [RATES="2000 5000 10000 20000"]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECONDS_PER_RATE="${1:-10}"
RATES="${2:-2000 5000 10000 20000}"
start_lantern "$LOAD_DIR/minimal.json.template"
hz=$(getconf CLK_TCK)
printf "%-8s %-10s %-10s %-10s %-12s\n" rate calls failed elapsed_s lantern_cpu%
for rate in $RATES; do
  calls=$((rate * SECONDS_PER_RATE))
  t0=$(cpu_ticks "$LANTERN_PID"); s0=$(date +%s.%N)
  timeout -k 5 $((SECONDS_PER_RATE * 4 + 30)) sipp -sf "$LOAD_DIR/options.xml" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 \
    -r "$rate" -rp 1000 -l $((rate * 2)) -m "$calls" -timeout $((SECONDS_PER_RATE * 4 + 20))s -timeout_error \
    -recv_timeout 5000 -nostdin -trace_stat -stf "$WORK/stat-$rate.csv" -fd 1 >/dev/null 2>"$WORK/sipp-$rate.err" || true
  s1=$(date +%s.%N); t1=$(cpu_ticks "$LANTERN_PID")
  last=$(tail -n 1 "$WORK/stat-$rate.csv")
  ok=$(echo "$last" | awk -F';' '{ print $16 }'); failed=$(echo "$last" | awk -F';' '{ print $18 }')
  elapsed=$(echo "$s1 - $s0" | bc -l)
  cpu=$(echo "($t1 - $t0) / $hz / $elapsed * 100" | bc -l)
  printf "%-8s %-10s %-10s %-10.2f %-12.0f\n" "$rate" "$ok" "$failed" "$elapsed" "$cpu"
done
