#!/usr/bin/env bash
# Avalanche (issue 13): PHONES phones (default 50000, one endpoint each) all REGISTER (digest auth, from 127.0.0.1,
# avalanche_register.xml) and SUBSCRIBE (from 127.0.0.2, a sip.trusted address, avalanche_subscribe.xml: sipp 3.6
# cannot put the SUBSCRIBE's Request-URI in its digest) within SPREAD seconds (default 10) of lantern's start, both
# honouring 503 + Retry-After (a random 5-10 s pause, then again). Samples lantern's metrics every second until every phone has a binding and a subscription, or LIMIT seconds
# (default 120) after the start; prints the time that took, the 503s, sipp's failed calls, and lantern's peak RSS.
#   bench/load/overload/avalanche.sh [PHONES=50000] [SPREAD=10] [LIMIT=120]
source "$(dirname "${BASH_SOURCE[0]}")/overload-lib.sh"
PHONES="${1:-50000}"; SPREAD="${2:-10}"; LIMIT="${3:-120}"
TMPL=$(mktemp /tmp/avalanche.XXXXXX.json); phones_config no "$PHONES" "$TMPL"
sed -i 's|"trusted": \[  \]|"trusted": [ "127.0.0.2/32" ]|' "$TMPL"
start_lantern "$TMPL"; rm -f "$TMPL"
SIPP_DIR=$(mktemp -d /tmp/avalanche-sipp.XXXXXX)
users "$PHONES" u "$SIPP_DIR/users.csv" yes
rate=$(( (PHONES + SPREAD - 1) / SPREAD ))
t0=$(date +%s.%N)
for half in register subscribe; do
  from=127.0.0.1; [ "$half" = subscribe ] && from=127.0.0.2
  timeout -k 5 $((LIMIT + 60)) sipp -sf "$OVERLOAD_DIR/avalanche_$half.xml" "127.0.0.1:$SIP_PORT" -i "$from" -t u1 -inf "$SIPP_DIR/users.csv" \
    -r "$rate" -rp 1000 -l "$PHONES" -m "$PHONES" -d $(( (LIMIT + 30) * 1000 )) -buff_size 8388608 -timeout $((LIMIT + 40))s \
    -recv_timeout 30000 -nostdin -trace_stat -fd 5 -stf "$SIPP_DIR/$half.stat.csv" -trace_err -error_file "$SIPP_DIR/$half.errors.log" ${SIPP_EXTRA:-} >/dev/null 2>&1 &
  SIPPS="${SIPPS:-} $!"
done
peak=0; done_s=never
while :; do
  sleep 1
  now=$(echo "$(date +%s.%N) - $t0" | bc -l)
  subs=$(metric lantern_subscriptions_active); regs=$(metric lantern_registrations_active)
  rss=$(rss_kib "$LANTERN_PID"); [ "$rss" -gt "$peak" ] && peak=$rss
  printf "t=%.0f subscriptions=%d registrations=%d rss_mib=%d\n" "$now" "$subs" "$regs" $((rss / 1024))
  if [ "$subs" -ge "$PHONES" ] && [ "$regs" -ge "$PHONES" ]; then done_s=$(printf "%.1f" "$now"); break; fi
  [ "$(echo "$now > $LIMIT" | bc)" -eq 1 ] && break
done
for p in $SIPPS; do kill -INT "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
failed=$(for h in register subscribe; do tail -n 1 "$SIPP_DIR/$h.stat.csv" | awk -F';' '{ printf "%s/", $18 }'; done)
printf "phones=%d spread_s=%d all_subscribed_after_s=%s subscriptions=%d registrations=%d sip_503=%d sipp_failed_register/subscribe=%s peak_rss_mib=%d load1=%s\n" \
  "$PHONES" "$SPREAD" "$done_s" "$subs" "$regs" "$(metric lantern_sip_overloaded_total)" "${failed:-?}" $((peak / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
[ -n "${KEEP:-}" ] || rm -rf "$SIPP_DIR"
