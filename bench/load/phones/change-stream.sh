#!/usr/bin/env bash
# Steady change stream (issue 13): MAILBOXES mailboxes with one subscriber each (change_subscriber.xml, from a sip.trusted
# address), then CHANGES_PER_SECOND mailbox changes per second through POST /api/v1/mailboxes:batch for SECONDS seconds
# (ChangeStream.cs: one batch every BATCH_MS ms, each change a new, unique count for its mailbox). Prints delivered/lost
# changes, change -> NOTIFY latency p50/p90/p99/max, lantern's CPU over the run and its RSS, sipp's CPU, the load average.
#   bench/load/phones/change-stream.sh [MAILBOXES=10000] [CHANGES_PER_SECOND=2000] [SECONDS=60]
# Environment: PROCS=P sipp processes (default 2, each from its own loopback address 127.0.0.K with every P-th mailbox),
# SUB_RATE subscriptions/s over all processes (default 1000), BATCH_MS (default 10), WARMUP seconds of uncounted changes at
# the same rate first (default 5: the JIT tiers up the write and NOTIFY paths), CSV=FILE keeps every change's
# send and NOTIFY time, KEEP=1 keeps sipp's logs and lantern's log. A change counts as delivered when a NOTIFY with its count, or with a newer count of the same mailbox
# (a coalesced change: at most one NOTIFY is in flight per subscription and the newest state goes next), reached its subscriber.
source "$(dirname "${BASH_SOURCE[0]}")/phones-lib.sh"
MAILBOXES="${1:-10000}"; RATE="${2:-2000}"; SECS="${3:-60}"
PROCS="${PROCS:-2}"; SUB_RATE="${SUB_RATE:-1000}"; BATCH_MS="${BATCH_MS:-10}"
TMPL=$(mktemp /tmp/phones-load.XXXXXX.json); phones_config yes 0 "$TMPL"
start_lantern "$TMPL"
# sipp's files stay out of lantern's working directory (the host watches it for configuration reload).
SIPP_DIR=$(mktemp -d /tmp/change-stream-sipp.XXXXXX)
SIPP=""
cleanup() {
  for p in $SIPP; do kill "$p" 2>/dev/null || true; done; stop_lantern
  if [ -n "${KEEP:-}" ]; then cp "$WORK/lantern.log" "$SIPP_DIR/"; echo "kept: $SIPP_DIR"; else rm -rf "$SIPP_DIR"; fi
  rm -rf "$TMPL"
}
trap cleanup EXIT
DRIVER=(dotnet run -c Release "$PHONES_DIR/ChangeStream.cs" --)
API=(--server "http://127.0.0.1:$HTTP_PORT" --user admin --password pw --mailboxes "$MAILBOXES" --prefix u)

# Creating the mailboxes first also builds the driver, before anything is measured.
"${DRIVER[@]}" create "${API[@]}"

# Mailbox i goes to process (i - 1) % PROCS + 1.
python3 - "$MAILBOXES" "$PROCS" "$SIPP_DIR" <<'PY'
import sys
n, procs, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
files = [open("%s/users.%d.csv" % (out, k), "w") for k in range(1, procs + 1)]
for f in files:
    f.write("SEQUENTIAL\n")
for i in range(1, n + 1):
    files[(i - 1) % procs].write("u%06d;127.0.0.1;\n" % i)
PY
LOGS=""
for k in $(seq 1 "$PROCS"); do
  n=$(( MAILBOXES / PROCS + (k <= MAILBOXES % PROCS ? 1 : 0) ))
  sipp -sf "$PHONES_DIR/change_subscriber.xml" "127.0.0.1:$SIP_PORT" -i "127.0.0.$k" -t u1 -inf "$SIPP_DIR/users.$k.csv" \
    -r $(( SUB_RATE / PROCS > 0 ? SUB_RATE / PROCS : 1 )) -rp 1000 -l "$n" -m "$n" -buff_size 8388608 -timeout $(( SECS + 600 ))s -nostdin \
    -trace_logs -log_file "$SIPP_DIR/notify.$k.log" -trace_err -error_file "$SIPP_DIR/errors.$k.log" >/dev/null 2>&1 &
  SIPP="$SIPP $!"; LOGS="$LOGS${LOGS:+,}$SIPP_DIR/notify.$k.log"
done

# Wait until every subscriber is confirmed, or the count has not grown for 10 s (a refused SUBSCRIBE is retried after 2-5 s).
subscribed() { local c; c=$(cat "$SIPP_DIR"/notify.*.log 2>/dev/null | grep -c "^SUBOK") || true; echo "${c:-0}"; }
prev=-1; still=0
for _ in $(seq 1 3000); do
  now=$(subscribed); [ "$now" -ge "$MAILBOXES" ] && break
  if [ "$now" -eq "$prev" ]; then still=$((still + 1)); [ "$still" -ge 100 ] && break; else still=0; fi
  prev=$now; sleep 0.1
done
echo "subscribed=$(subscribed)/$MAILBOXES load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
# Let the store writer settle the subscription records so they do not count against the stream.
sleep 2

sipp_ticks() { local t=0 p; for p in $SIPP; do t=$((t + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done; echo "$t"; }
s0=$(sipp_ticks); drops0=$(udp_rcvbuf_errors)
rc=0
timeout -k 5 $(( SECS + 400 )) "${DRIVER[@]}" run "${API[@]}" --rate "$RATE" --seconds "$SECS" --batch-ms "$BATCH_MS" \
  --warmup "${WARMUP:-5}" --notify-logs "$LOGS" --lantern-pid "$LANTERN_PID" ${CSV:+--csv "$CSV"} || rc=$?
s1=$(sipp_ticks); drops1=$(udp_rcvbuf_errors)
printf "sipp_cpu_s=%.1f udp_rcvbuf_errors=%s load=%s\n" "$(echo "($s1 - $s0) / $(getconf CLK_TCK)" | bc -l)" "$((drops1 - drops0))" "$(cut -d' ' -f1-3 /proc/loadavg)"
curl -s -u admin:pw "http://127.0.0.1:$HTTP_PORT/metrics" | grep -E "^lantern_(notify_|subscriptions_active|sip_overloaded|sip_absorbed|sip_dropped)" | tr '\n' ' ' || true
echo
# sipp's calls that died (a dead call answers no more NOTIFYs), and SUBSCRIBEs sent again after a 503 (the 3 s wait ends
# in a "receive timeout" entry).
printf "sipp_aborted_calls=%s sipp_resubscribes_after_503=%s\n" "$(cat "$SIPP_DIR"/errors.*.log 2>/dev/null | grep -o "Aborting call" | wc -l)" \
  "$(cat "$SIPP_DIR"/errors.*.log 2>/dev/null | grep -o "receive timeout" | wc -l)"
exit "$rc"
