#!/usr/bin/env bash
# Memory: RSS of lantern before and after N live subscriptions (hold_subscriber.xml, one mailbox per call, trusted source);
# prints bytes per subscription beyond the idle process.
#   bench/load/phones/memory.sh [SUBSCRIPTIONS=100000] [RATE=2000]
source "$(dirname "${BASH_SOURCE[0]}")/phones-lib.sh"
N="${1:-100000}"; RATE="${2:-2000}"
TMPL=$(mktemp /tmp/phones-load.XXXXXX.json); phones_config yes 0 "$TMPL"
# Workstation GC: server GC's per-core gen0 budgets would dominate RSS and say nothing about per-subscription cost.
export DOTNET_gcServer=0
start_lantern "$TMPL"
users "$N" m "$WORK/users.csv"
sleep 2
before=$(rss_kib "$LANTERN_PID")
timeout -k 5 600 sipp -sf "$PHONES_DIR/hold_subscriber.xml" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 -inf "$WORK/users.csv" \
  -r "$RATE" -rp 1000 -l $((RATE * 4)) -m "$N" -buff_size 8388608 -timeout 500s -timeout_error -recv_timeout 20000 -nostdin \
  -trace_stat -stf "$WORK/stat.csv" >/dev/null 2>&1 || true
ok=$(tail -n 1 "$WORK/stat.csv" | awk -F';' '{ print $16 }')
# Let transactions (Timer J/K) and the store writer drain, then collect garbage through a full GC-sized pause.
sleep 40
after=$(rss_kib "$LANTERN_PID")
printf "subscriptions=%s rss_before_kib=%s rss_after_kib=%s bytes_per_subscription=%.0f\n" "$ok" "$before" "$after" "$(echo "($after - $before) * 1024 / $ok" | bc -l)"
rm -f "$TMPL"
