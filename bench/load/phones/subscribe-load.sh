#!/usr/bin/env bash
# Subscription cycles per second: subscribe.xml (SUBSCRIBE -> NOTIFY, refresh -> NOTIFY, unsubscribe -> NOTIFY),
# one mailbox per call, over UDP, from a sip.trusted address (MODE=trusted) or with digest auth against per-call
# endpoints (MODE=auth, auth_subscribe.xml). Prints calls, failed calls, elapsed time and cycles/s.
# A warm-up run (WARM calls, default 10000, at 1500/s, not counted) first lets the JIT reach its optimised tiers, as in a
# server that has been running; the figure is for the measured run only. Also prints Lantern's and sipp's CPU seconds
# and the load average, since the load generator shares the machine.
#   bench/load/phones/subscribe-load.sh [MODE=trusted|auth] [CALLS=20000] [RATE=6000]
source "$(dirname "${BASH_SOURCE[0]}")/phones-lib.sh"
MODE="${1:-trusted}"; CALLS="${2:-20000}"; RATE="${3:-6000}"
TMPL=$(mktemp /tmp/phones-load.XXXXXX.json)
# Auth mode: ENDPOINTS endpoints (default 1000; configuration validation is slow beyond a few thousand), calls cycle over them.
ENDPOINTS="${ENDPOINTS:-1000}"
if [ "$MODE" = auth ]; then
  phones_config no "$ENDPOINTS" "$TMPL"; SCEN="$PHONES_DIR/auth_subscribe.xml"
else
  phones_config yes 0 "$TMPL"; SCEN="$PHONES_DIR/subscribe.xml"
fi
start_lantern "$TMPL"
users "$([ "$MODE" = auth ] && echo "$ENDPOINTS" || echo "$CALLS")" u "$WORK/users.csv" yes
WARM="${WARM:-10000}"
if [ "$WARM" -gt 0 ]; then
  if [ "$MODE" = auth ]; then cp "$WORK/users.csv" "$WORK/warm.csv"; else users "$WARM" w "$WORK/warm.csv" yes; fi
  timeout -k 5 120 sipp -sf "$SCEN" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 -inf "$WORK/warm.csv" \
    -r 1500 -rp 1000 -l 4500 -m "$WARM" -buff_size 8388608 -timeout 100s -recv_timeout 10000 -nostdin >/dev/null 2>&1 || true
fi
c0=$(cpu_ticks "$LANTERN_PID")
s0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$WORK/sipp-cpu.txt" timeout -k 5 300 sipp -sf "$SCEN" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 -inf "$WORK/users.csv" \
  -r "$RATE" -rp 1000 -l $((RATE * 3)) -m "$CALLS" -buff_size 8388608 -timeout 240s -timeout_error -recv_timeout 10000 -nostdin \
  -trace_stat -stf "$WORK/stat.csv" -trace_err -error_file "$WORK/errors.log" >/dev/null 2>&1 || true
s1=$(date +%s.%N)
c1=$(cpu_ticks "$LANTERN_PID")
sipp_cpu=$(tail -n 1 "$WORK/sipp-cpu.txt" | awk '{ printf "%.1f", $1 + $2 }')
last=$(tail -n 1 "$WORK/stat.csv")
ok=$(echo "$last" | awk -F';' '{ print $16 }'); failed=$(echo "$last" | awk -F';' '{ print $18 }')
elapsed=$(echo "$s1 - $s0" | bc -l)
printf "mode=%s calls=%s ok=%s failed=%s elapsed_s=%.2f cycles_per_s=%.0f lantern_cpu_s=%.1f sipp_cpu_s=%s load=%s\n" "$MODE" "$CALLS" "$ok" "$failed" "$elapsed" \
  "$(echo "$ok / $elapsed" | bc -l)" "$(echo "($c1 - $c0) / 100" | bc -l)" "$sipp_cpu" "$(cut -d' ' -f1 /proc/loadavg)"
rm -f "$TMPL"
