#!/usr/bin/env bash
# sipp OPTIONS load over UDP against `lantern serve`: for each rate, a bounded run (RATE x SECONDS calls,
# hard timeout), then failed calls, Lantern's CPU use at that rate, sipp retransmissions and the kernel's
# receive-buffer drops on Lantern's UDP socket and elsewhere on the host (sipp's socket, when nothing else runs).
#   bench/load/options-load.sh [SECONDS=10] [RATES="2000 5000 10000 20000"] [SIPP_BUFF=4194304]
# SIPP_BUFF is sipp's own -buff_size (its socket buffers); sipp's default 65535 drops answers in bursts.
# Completed non-INVITE server transactions live 32 s (Timer J) and count toward the stack's MaxTransactions (100,000):
# the script waits 33 s between rates so one rate's transactions do not turn the next one's calls into 503s.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECONDS_PER_RATE="${1:-10}"
RATES="${2:-2000 5000 10000 20000}"
SIPP_BUFF="${3:-4194304}"
start_lantern "$LOAD_DIR/minimal.json.template"
hz=$(getconf CLK_TCK)
echo "uptime: $(uptime)"
printf "%-7s %-8s %-7s %-9s %-8s %-8s %-12s %-12s\n" rate calls failed elapsed_s cpu% retrans lantern_drops other_drops
first=1
for rate in $RATES; do
  [ "$first" = 1 ] || sleep 33
  first=0
  calls=$((rate * SECONDS_PER_RATE))
  sipp_port=$(free_port)
  d0=$(udp_drops "$SIP_PORT"); g0=$(udp_rcvbuf_errors)
  t0=$(cpu_ticks "$LANTERN_PID"); s0=$(date +%s.%N)
  timeout -k 5 $((SECONDS_PER_RATE * 4 + 30)) sipp -sf "$REPO/tests/Lantern.Interop.Tests/Scenarios/options.xml" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -p "$sipp_port" -t u1 \
    -r "$rate" -rp 1000 -l $((rate * 2)) -m "$calls" -timeout $((SECONDS_PER_RATE * 4 + 20))s -timeout_error \
    -buff_size "$SIPP_BUFF" -recv_timeout 5000 -nostdin -trace_stat -stf "$WORK/stat-$rate.csv" -fd 1 >/dev/null 2>"$WORK/sipp-$rate.err" || true
  s1=$(date +%s.%N); t1=$(cpu_ticks "$LANTERN_PID")
  d1=$(udp_drops "$SIP_PORT"); g1=$(udp_rcvbuf_errors)
  header=$(head -n 1 "$WORK/stat-$rate.csv"); last=$(tail -n 1 "$WORK/stat-$rate.csv")
  col() { echo "$header" | tr ';' '\n' | grep -n -x "$1" | head -n 1 | cut -d: -f1; }
  ok=$(echo "$last" | cut -d';' -f"$(col 'SuccessfulCall(C)')")
  failed=$(echo "$last" | cut -d';' -f"$(col 'FailedCall(C)')")
  retrans=$(echo "$last" | cut -d';' -f"$(col 'Retransmissions(C)')")
  elapsed=$(echo "$s1 - $s0" | bc -l)
  cpu=$(echo "($t1 - $t0) / $hz / $elapsed * 100" | bc -l)
  printf "%-7s %-8s %-7s %-9.2f %-8.0f %-8s %-12s %-12s\n" "$rate" "$ok" "$failed" "$elapsed" "$cpu" "$retrans" \
    $((d1 - d0)) $(((g1 - g0) - (d1 - d0)))
  grep -q "Overloaded" "$WORK/lantern.log" && echo "  lantern answered 503 (overload): $(grep -c Overloaded "$WORK/lantern.log") log lines"
done
echo "uptime: $(uptime)"
curl -s -u admin:pw "http://127.0.0.1:$HTTP_PORT/metrics" | grep -E '^lantern_sip_(messages|send|receiver)' || true
