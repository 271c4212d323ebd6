#!/usr/bin/env bash
# Fan-out: N live subscriptions on one mailbox (fanout_subscriber.xml from a sip.trusted address), then one change through
# the REST API; prints the time from the PUT to the last NOTIFY sipp saw (and first-to-last NOTIFY).
#   bench/load/phones/fanout.sh [SUBSCRIBERS=10000] [RATE=2000]
source "$(dirname "${BASH_SOURCE[0]}")/phones-lib.sh"
N="${1:-10000}"; RATE="${2:-2000}"
TMPL=$(mktemp /tmp/phones-load.XXXXXX.json); phones_config yes 0 "$TMPL"
start_lantern "$TMPL"
printf 'SEQUENTIAL\nfan000001;127.0.0.1;\n' > "$WORK/fan.csv"
timeout -k 5 400 sipp -sf "$PHONES_DIR/fanout_subscriber.xml" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 -inf "$WORK/fan.csv" \
  -r "$RATE" -rp 1000 -l "$N" -m "$N" -buff_size 8388608 -timeout 360s -timeout_error -recv_timeout 330000 -nostdin \
  -trace_logs -log_file "$WORK/fan.log" -trace_stat -stf "$WORK/stat.csv" >/dev/null 2>&1 &
SIPP=$!
count() { local c; c=$(grep -c "^$1 " "$WORK/fan.log" 2>/dev/null) || true; echo "${c:-0}"; }
# Wait until every subscriber is confirmed, or the count has not grown for 5 s (calls sipp gave up on are reported).
prev=-1; still=0
for _ in $(seq 1 1200); do
  now=$(count SUBOK); [ "$now" -ge "$N" ] && break
  if [ "$now" -eq "$prev" ]; then still=$((still + 1)); [ "$still" -ge 50 ] && break; else still=0; fi
  prev=$now; sleep 0.1
done
SUBSCRIBED=$(count SUBOK)
t0=$(date +%s.%N)
curl -s -o /dev/null -u admin:pw -X PUT "http://127.0.0.1:$HTTP_PORT/ari/mailboxes/fan000001@default?newMessages=1"
for _ in $(seq 1 600); do [ "$(count UPDATE)" -ge "$SUBSCRIBED" ] && break; sleep 0.05; done
first=$(awk '$1 == "UPDATE" && (m == "" || $4 < m) { m = $4 } END { print m }' "$WORK/fan.log")
last=$(awk '$1 == "UPDATE" && $4 > m { m = $4 } END { print m }' "$WORK/fan.log")
p99=$(awk '$1 == "UPDATE" { print $4 }' "$WORK/fan.log" | sort -n | awk '{ a[NR] = $1 } END { print a[int(NR * 0.99)] }')
printf "subscribers=%s confirmed=%s updated=%s put_to_last_s=%.3f put_to_p99_s=%.3f first_to_last_s=%.3f\n" "$N" "$SUBSCRIBED" "$(count UPDATE)" \
  "$(echo "$last - $t0" | bc -l)" "$(echo "$p99 - $t0" | bc -l)" "$(echo "$last - $first" | bc -l)"
wait $SIPP || true
rm -f "$TMPL"
