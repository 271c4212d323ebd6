#!/usr/bin/env bash
# Avalanche (issue 13): PHONES phones (default 50000, one endpoint each) all REGISTER (digest auth, from 127.0.0.1,
# avalanche_register.xml) and SUBSCRIBE (from 127.0.0.2, a sip.trusted address, avalanche_subscribe.xml: sipp 3.6
# cannot put the SUBSCRIBE's Request-URI in its digest) within SPREAD seconds (default 10) of lantern's start. Both
# behave as phones do: after a 503 (Retry-After) or a transaction timeout they back off (5-10 s) and try again,
# indefinitely, and they absorb repeated answers instead of giving up. Samples lantern's metrics every second until every
# phone has a binding and a subscription, or LIMIT seconds (default 120) after the start.
# The lamps: before the phones come every 10th mailbox is lit; 5 s into the avalanche every 20th is put out again and
# those ending in 5 are lit, through the REST batch API. Once all are subscribed (or at LIMIT) the last NOTIFY each phone
# received must carry its mailbox's final state (Messages-Waiting yes/no); lamps_right counts the phones whose last
# NOTIFY does (given up to 10 s more to settle).
# Prints the time until all were bound and subscribed, the 503s, sipp's failed calls (phones that gave up: 0 expected),
# lamps_right, lantern's peak RSS and the load average.
#   bench/load/overload/avalanche.sh [PHONES=50000] [SPREAD=10] [LIMIT=120]
# KEEP=1 keeps sipp's error logs, statistics and NOTIFY logs (the directory is printed).
source "$(dirname "${BASH_SOURCE[0]}")/overload-lib.sh"
PHONES="${1:-50000}"; SPREAD="${2:-10}"; LIMIT="${3:-120}"
TMPL=$(mktemp /tmp/avalanche.XXXXXX.json); phones_config no "$PHONES" "$TMPL"
sed -i 's|"trusted": \[  \]|"trusted": [ "127.0.0.2/32" ]|' "$TMPL"
start_lantern "$TMPL"; rm -f "$TMPL"
SIPP_DIR=$(mktemp -d /tmp/avalanche-sipp.XXXXXX)
users "$PHONES" u "$SIPP_DIR/users.csv" yes
rate=$(( (PHONES + SPREAD - 1) / SPREAD ))
# lamps STEP: one REST batch per 5,000 mailboxes; step 0 lights every 10th, step 1 puts every 20th out and lights those ending in 5.
lamps() {
  python3 - "$1" "$PHONES" "$SIPP_DIR/lamps$1" <<'PY'

import json, sys
step, n = int(sys.argv[1]), int(sys.argv[2])
items = []
for i in range(1, n + 1):
    if step == 0 and i % 10 == 0:
        items.append({"id": "u%06d@default" % i, "counts": {"voice": {"new": 1}}})
    if step == 1 and i % 20 == 0:
        items.append({"id": "u%06d@default" % i, "counts": {"voice": {"new": 0}}})
    if step == 1 and i % 10 == 5:
        items.append({"id": "u%06d@default" % i, "counts": {"voice": {"new": 2}}})
for k in range(0, len(items), 5000):
    with open("%s.%d.json" % (sys.argv[3], k // 5000), "w") as f:
        f.write(json.dumps({"items": items[k:k + 5000]}))
PY
  for body in "$SIPP_DIR/lamps$1".*.json; do
    curl -s -o /dev/null -w '%{http_code}' -u admin:pw -H 'Content-Type: application/json' -X POST --data-binary "@$body" \
      "http://127.0.0.1:$HTTP_PORT/api/v1/mailboxes:batch" | grep -q '^200$' || echo "lamps step $1: a batch was refused"
  done
}
# lamps_right: phones whose last logged NOTIFY carries the lamp their mailbox should show after both steps.
lamps_right() {
  cat "$SIPP_DIR"/subscribe.log* 2>/dev/null | python3 -c '
import sys
last = {}
for line in sys.stdin:
    f = line.split()
    if len(f) >= 4 and f[0] == "NOTIFY":
        last[f[-2]] = f[-1]
right = 0
for user, mw in last.items():
    i = int(user[1:])
    lit = (i % 10 == 0 and i % 20 != 0) or i % 10 == 5
    right += (mw == "yes") == lit
print(right)'
}
lamps 0
t0=$(date +%s.%N)
for half in register subscribe; do
  from=127.0.0.1; [ "$half" = subscribe ] && from=127.0.0.2
  # -max_retrans/-max_non_invite_retrans 20: the scenarios end a transaction themselves after 32 s (Timer F) and back off
  # (sipp's retransmissions double up to T2, 10 of them in 32 s). -default_behaviors none: a phone's transaction layer
  # absorbs a stray or repeated message (the answer to a retransmission that crossed a 503, a NOTIFY of a dialog it gave
  # up on); sipp aborts the call on it by default, and the phone would be gone for good.
  timeout -k 5 $((LIMIT + 60)) sipp -sf "$OVERLOAD_DIR/avalanche_$half.xml" "127.0.0.1:$SIP_PORT" -i "$from" -t u1 -inf "$SIPP_DIR/users.csv" \
    -r "$rate" -rp 1000 -l "$PHONES" -m "$PHONES" -buff_size 8388608 -timeout $((LIMIT + 40))s -max_retrans 20 -max_non_invite_retrans 20 \
    -default_behaviors none \
    -recv_timeout 60000 -nostdin -trace_stat -fd 5 -stf "$SIPP_DIR/$half.stat.csv" -trace_err -error_file "$SIPP_DIR/$half.errors.log" \
    -trace_logs -log_file "$SIPP_DIR/$half.log" ${SIPP_EXTRA:-} >/dev/null 2>&1 &
  SIPPS="${SIPPS:-} $!"
done
stepped=no
peak=0; done_s=never
while :; do
  sleep 1
  now=$(echo "$(date +%s.%N) - $t0" | bc -l)
  read -r subs regs o503 dropped qdelay sdelay inflight < <(curl -s -u admin:pw "http://127.0.0.1:$HTTP_PORT/metrics" | awk '
    function v(n) { return $1 == n || index($1, n "{") == 1 }
    v("lantern_subscriptions_active") { a += $2 } v("lantern_registrations_active") { b += $2 } v("lantern_sip_overloaded_total") { c += $2 }
    v("lantern_sip_dropped_total") { d += $2 } v("lantern_sip_queue_delay_seconds") { e = $2 } v("lantern_phones_store_delay_seconds") { f = $2 }
    v("lantern_notify_in_flight") { g += $2 }
    END { printf "%d %d %d %d %.0f %.0f %d\n", a, b, c, d, e * 1000, f * 1000, g }')
  rss=$(rss_kib "$LANTERN_PID"); [ "$rss" -gt "$peak" ] && peak=$rss
  printf "t=%.0f subscriptions=%d registrations=%d sip_503=%d dropped=%d queue_delay_ms=%d store_delay_ms=%d notify_in_flight=%d rss_mib=%d\n" \
    "$now" "$subs" "$regs" "$o503" "$dropped" "$qdelay" "$sdelay" "$inflight" $((rss / 1024))
  if [ "$stepped" = no ] && [ "$(echo "$now >= 5" | bc)" -eq 1 ]; then lamps 1; stepped=yes; fi
  if [ "$subs" -ge "$PHONES" ] && [ "$regs" -ge "$PHONES" ]; then done_s=$(printf "%.1f" "$now"); break; fi
  [ "$(echo "$now > $LIMIT" | bc)" -eq 1 ] && break
done
right=0
for _ in $(seq 1 10); do right=$(lamps_right); [ "$right" -ge "$PHONES" ] && break; sleep 1; done
for p in $SIPPS; do kill -INT "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
failed=$(for h in register subscribe; do tail -n 1 "$SIPP_DIR/$h.stat.csv" | awk -F';' '{ printf "%s/", $18 }'; done)
printf "phones=%d spread_s=%d all_subscribed_after_s=%s subscriptions=%d registrations=%d sip_503=%d sipp_failed_register/subscribe=%s lamps_right=%d peak_rss_mib=%d load1=%s\n" \
  "$PHONES" "$SPREAD" "$done_s" "$subs" "$regs" "$(metric lantern_sip_overloaded_total)" "${failed:-?}" "$right" $((peak / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
if [ -n "${KEEP:-}" ]; then echo "sipp files: $SIPP_DIR"; else rm -rf "$SIPP_DIR"; fi
