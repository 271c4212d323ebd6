#!/usr/bin/env bash
# Memory: RSS of lantern before and after N live subscriptions (hold_subscriber.xml, one mailbox per call, trusted source);
# prints bytes per subscription beyond the idle process, 40 s and 70 s after the last subscription.
# The GC mode is the product's (Lantern.csproj); DOTNET_gcServer=1 in the environment compares server GC.
#   bench/load/phones/memory.sh [SUBSCRIPTIONS=100000] [RATE=2000]
# DUMP=FILE writes a heap dump (dotnet-dump, no GC) right after the measurement: `dotnet-dump analyze FILE -c "dumpheap -stat"`
# shows what the RSS holds, dead objects included ("-live" for the reachable ones only).
# SMAPS=PREFIX copies /proc/PID/smaps before and after (PREFIX.before, PREFIX.after) to see which mappings grew.
# GCDUMP=FILE also writes a heap snapshot (dotnet-gcdump, forces a full GC) after the measurement and prints the RSS after it.
source "$(dirname "${BASH_SOURCE[0]}")/phones-lib.sh"
N="${1:-100000}"; RATE="${2:-2000}"
TMPL=$(mktemp /tmp/phones-load.XXXXXX.json); phones_config yes 0 "$TMPL"
start_lantern "$TMPL"
users "$N" m "$WORK/users.csv"
sleep 2
before=$(rss_kib "$LANTERN_PID")
[[ -n "${SMAPS:-}" ]] && cp "/proc/$LANTERN_PID/smaps" "$SMAPS.before"
timeout -k 5 600 sipp -sf "$PHONES_DIR/hold_subscriber.xml" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 -inf "$WORK/users.csv" \
  -r "$RATE" -rp 1000 -l $((RATE * 4)) -m "$N" -buff_size 8388608 -timeout 500s -timeout_error -recv_timeout 20000 -nostdin \
  -trace_stat -stf "$WORK/stat.csv" >/dev/null 2>&1 || true
ok=$(tail -n 1 "$WORK/stat.csv" | awk -F';' '{ print $16 }')
# Let transactions (Timer J/K) and the store writer drain: 40 s is past Timer J (32 s). The idle heap trimmer then compacts
# once the process has been quiet for 33 s, so a second figure is taken 30 s later (the steady state of an idle server).
sleep 40
mid=$(rss_kib "$LANTERN_PID")
printf "after_40s: subscriptions=%s rss_before_kib=%s rss_after_kib=%s bytes_per_subscription=%.0f\n" "$ok" "$before" "$mid" "$(echo "($mid - $before) * 1024 / $ok" | bc -l)"
sleep 30
after=$(rss_kib "$LANTERN_PID")
[[ -n "${SMAPS:-}" ]] && cp "/proc/$LANTERN_PID/smaps" "$SMAPS.after"
printf "after_70s: subscriptions=%s rss_before_kib=%s rss_after_kib=%s bytes_per_subscription=%.0f\n" "$ok" "$before" "$after" "$(echo "($after - $before) * 1024 / $ok" | bc -l)"
# Where the RSS is: anonymous (GC heap, native heaps, stacks) versus file-backed (code, mapped files).
awk '/^(RssAnon|RssFile|Threads)/ { printf "%s %s ", $1, $2 } END { print "" }' "/proc/$LANTERN_PID/status"
grep -A1 "Hosting.*\[9020\]" "$WORK/lantern.log" | grep -v "^--" || echo "no idle heap trim logged"
if [[ -n "${DUMP:-}" ]]; then
  "${DOTNET_TOOLS:-$HOME/.dotnet/tools}/dotnet-dump" collect -p "$LANTERN_PID" --type Heap -o "$DUMP" >/dev/null
fi
if [[ -n "${GCDUMP:-}" ]]; then
  "${DOTNET_TOOLS:-$HOME/.dotnet/tools}/dotnet-gcdump" collect -p "$LANTERN_PID" -o "$GCDUMP" >/dev/null
  sleep 2
  gc_after=$(rss_kib "$LANTERN_PID")
  printf "after_full_gc: rss_kib=%s bytes_per_subscription=%.0f gcdump=%s\n" "$gc_after" "$(echo "($gc_after - $before) * 1024 / $ok" | bc -l)" "$GCDUMP"
  "${DOTNET_TOOLS:-$HOME/.dotnet/tools}/dotnet-gcdump" report "$GCDUMP" 2>/dev/null | head -n 40
fi
rm -f "$TMPL"
