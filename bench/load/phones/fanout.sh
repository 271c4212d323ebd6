#!/usr/bin/env bash
# Fan-out: N live subscriptions on one mailbox (fanout_subscriber.xml from a sip.trusted address), then one change through
# the REST API; prints the time from the PUT to the last NOTIFY sipp saw (and first-to-last NOTIFY), the CPU seconds lantern
# used from the PUT to the last NOTIFY, and the load average at the end.
#   bench/load/phones/fanout.sh [SUBSCRIBERS=10000] [RATE=2000]
# PROCS=P splits the subscribers over P sipp processes (each from its own loopback address 127.0.0.K, RATE/P each), e.g.
# PROCS=4 for 100,000 subscribers (issue 13): one sipp process answering 100,000 NOTIFYs is the bottleneck otherwise.
# A first, uncounted round (WARMUP subscribers, default min(N, 2000), on another mailbox) lets the JIT tier up the fan-out path.
# PERF_OUT=FILE records the counted round with `perf record -g` (start lantern's runtime with DOTNET_PerfMapEnabled=1).
source "$(dirname "${BASH_SOURCE[0]}")/phones-lib.sh"
N="${1:-10000}"; RATE="${2:-2000}"
WARMUP="${WARMUP:-$(( N < 2000 ? N : 2000 ))}"
TMPL=$(mktemp /tmp/phones-load.XXXXXX.json); phones_config yes 0 "$TMPL"
start_lantern "$TMPL"
# sipp's files stay out of lantern's working directory: the host watches it (configuration reload), and every log line sipp
# wrote there cost lantern a file-system event to process during the measured round.
SIPP_DIR=$(mktemp -d /tmp/fanout-sipp.XXXXXX)
PROCS="${PROCS:-1}"
# count WHAT LOG: lines of that kind in the log of every sipp process of the round (LOG.1 .. LOG.P).
count() { local c; c=$(cat "$2".* 2>/dev/null | grep -c "^$1 ") || true; echo "${c:-0}"; }

# round MAILBOX_USER SUBSCRIBERS LOG: subscribes, changes the mailbox once, waits for the NOTIFYs; sets SUBSCRIBED, T0, CPU0, CPU1.
round() {
  local user="$1" n="$2" log="$3" prev=-1 still=0 now perf=""
  printf 'SEQUENTIAL\n%s;127.0.0.1;\n' "$user" > "$SIPP_DIR/$user.csv"
  SIPP=""
  for k in $(seq 1 "$PROCS"); do
    timeout -k 5 400 sipp -sf "$PHONES_DIR/fanout_subscriber.xml" "127.0.0.1:$SIP_PORT" -i "127.0.0.$k" -t u1 -inf "$SIPP_DIR/$user.csv" \
      -r $((RATE / PROCS > 0 ? RATE / PROCS : 1)) -rp 1000 -l "$n" -m $((n / PROCS)) -buff_size 8388608 -timeout 360s -timeout_error -recv_timeout 330000 -nostdin \
      -trace_logs -log_file "$log.$k" -trace_stat -stf "$SIPP_DIR/$user.$k.stat.csv" >/dev/null 2>&1 &
    SIPP="$SIPP $!"
  done
  # Wait until every subscriber is confirmed, or the count has not grown for 5 s (calls sipp gave up on are reported).
  for _ in $(seq 1 1200); do
    now=$(count SUBOK "$log"); [ "$now" -ge "$n" ] && break
    if [ "$now" -eq "$prev" ]; then still=$((still + 1)); [ "$still" -ge 50 ] && break; else still=0; fi
    prev=$now; sleep 0.1
  done
  SUBSCRIBED=$(count SUBOK "$log")
  # Let the store writer and Timer K of the initial NOTIFYs settle so they do not count against the change.
  sleep 1
  if [ -n "${PERF_OUT:-}" ] && [ "$user" = fan000001 ]; then
    perf record -F 999 -g $(if [ -n "${PERF_ALL:-}" ]; then echo -a; else echo -p "$LANTERN_PID"; fi) -o "$PERF_OUT" >/dev/null 2>&1 & perf=$!; sleep 0.5
  fi
  CPU0=$(cpu_ticks "$LANTERN_PID"); SENT0=$(metric lantern_sip_messages_sent_total); DROPS0=$(udp_rcvbuf_errors)
  T0=$(date +%s.%N)
  curl -s -o /dev/null -u admin:pw -X PUT "http://127.0.0.1:$HTTP_PORT/ari/mailboxes/$user@default?newMessages=1"
  for _ in $(seq 1 600); do [ "$(count UPDATE "$log")" -ge "$SUBSCRIBED" ] && break; sleep 0.05; done
  CPU1=$(cpu_ticks "$LANTERN_PID"); SENT1=$(metric lantern_sip_messages_sent_total); DROPS1=$(udp_rcvbuf_errors)
  if [ -n "$perf" ]; then kill -INT "$perf"; wait "$perf" || true; fi
}

round fan000002 "$WARMUP" "$SIPP_DIR/warm.log"
for p in $SIPP; do wait "$p" || true; done
round fan000001 "$N" "$SIPP_DIR/fan.log"
cat "$SIPP_DIR"/fan.log.* > "$SIPP_DIR/fan.all"
LOG="$SIPP_DIR/fan.all"
first=$(awk '$1 == "UPDATE" && (m == "" || $4 < m) { m = $4 } END { print m }' "$LOG")
last=$(awk '$1 == "UPDATE" && $4 > m { m = $4 } END { print m }' "$LOG")
p99=$(awk '$1 == "UPDATE" { print $4 }' "$LOG" | sort -n | awk '{ a[NR] = $1 } END { print a[int(NR * 0.99)] }')
printf "subscribers=%s confirmed=%s updated=%s put_to_last_s=%.3f put_to_p99_s=%.3f first_to_last_s=%.3f lantern_cpu_s=%.2f sip_sent=%d udp_rcvbuf_drops=%d load1=%s\n" \
  "$N" "$SUBSCRIBED" "$(count UPDATE "$SIPP_DIR/fan.log")" "$(echo "$last - $T0" | bc -l)" "$(echo "$p99 - $T0" | bc -l)" "$(echo "$last - $first" | bc -l)" \
  "$(echo "($CPU1 - $CPU0) / $(getconf CLK_TCK)" | bc -l)" $((SENT1 - SENT0)) $((DROPS1 - DROPS0)) "$(cut -d' ' -f1 /proc/loadavg)"
for p in $SIPP; do wait "$p" || true; done
rm -rf "$TMPL" "$SIPP_DIR"
