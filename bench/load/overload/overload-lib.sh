# Helpers for the sustained/overload scripts (sourced): one warm lantern process, then timed sipp steps of subscribe.xml
# (SUBSCRIBE->NOTIFY, refresh->NOTIFY, unsubscribe->NOTIFY, one mailbox per call) from a sip.trusted address over UDP.
# Everything on 127.0.0.1; every sipp run is bounded by a call count and a timeout.
source "$(dirname "${BASH_SOURCE[0]}")/../phones/phones-lib.sh"
OVERLOAD_DIR="$LOAD_DIR/overload"
SCEN="${SCEN:-$PHONES_DIR/subscribe.xml}"
TICK=$(getconf CLK_TCK)
# sipp answers a call it aborts (e.g. on a 503, which subscribe.xml does not expect) with a BYE, as for an INVITE dialog: a
# phone never sends BYE for a SUBSCRIBE, and each one cost Lantern a second request per refused call (answered 405 through a
# transaction kept 32 s). SIPP_BEHAVIORS=all restores sipp's default (the figures before 2026-12-05 16:00 were taken with it).
SIPP_BEHAVIORS="${SIPP_BEHAVIORS:-all,-bye}"

# start_overload_lantern: a trusted-source lantern plus injection files; WARM calls (default 20000) at WARM_RATE (1500/s) first.
start_overload_lantern() {
  TMPL=$(mktemp /tmp/overload.XXXXXX.json); phones_config yes 0 "$TMPL"
  start_lantern "$TMPL"; rm -f "$TMPL"
  SIPP_DIR=$(mktemp -d /tmp/overload-sipp.XXXXXX)
  # 200,000 distinct users cycled: sipp takes the lines in order and wraps, so every call in a step has its own mailbox.
  users "${USERS:-200000}" u "$SIPP_DIR/users.csv"
  local warm="${WARM:-20000}"
  if [ "$warm" -gt 0 ]; then
    timeout -k 5 120 sipp -sf "$SCEN" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 -inf "$SIPP_DIR/users.csv" \
      -r "${WARM_RATE:-1500}" -rp 1000 -l 10000 -m "$warm" -buff_size 8388608 -timeout 100s -recv_timeout 10000 -nostdin >/dev/null 2>&1 || true
  fi
  STEP=0
}

# step RATE SECONDS: offers RATE calls/s for SECONDS (RATE*SECONDS calls), then prints one line of figures:
# offered/s, calls, ok, failed, goodput/s (ok over the offered duration), 503s answered (lantern_sip_overloaded_total and the
# phones' own 503), sipp retransmissions, lantern CPU us per completed cycle, lantern RSS MiB at the end, elapsed seconds,
# context switches of lantern's threads per completed cycle (ctxsw_per_cycle, and the voluntary ones alone); with PERF_STAT=1 also a second line from
# `perf stat -e context-switches,cpu-migrations,task-clock -p PID` over the step; with GC_COUNTERS=1 a line of garbage collections,
# bytes allocated and GC pause per cycle from dotnet-counters (itself costs the process some CPU: compare like with like).
# Also leaves per-second figures in $SIPP_DIR/stepN.stat.csv (sipp -fd 1).
step() {
  local rate="$1" secs="$2" calls c0 c1 t0 t1 o0 o1 last ok failed retr elapsed
  STEP=$((STEP + 1)); calls=$((rate * secs))
  # Once a second: the admission control's inputs, the NOTIFYs waiting for an answer and the admission window (decision 0043);
# the maxima of the first three and the smallest window are printed.
  ( while sleep 1; do curl -s -u admin:pw "http://127.0.0.1:$HTTP_PORT/metrics" | awk '
      $1 ~ /^lantern_sip_queue_delay/ { q = $2 } $1 ~ /^lantern_phones_store_delay/ { s = $2 } $1 ~ /^lantern_notify_in_flight/ { n += $2 }
      $1 ~ /^lantern_sip_admission_window/ { a = $2 } END { print q + 0, s + 0, n + 0, a + 0 }'; done > "$SIPP_DIR/step$((STEP)).metrics" ) &
  local sampler=$!
  o0=$(metric lantern_sip_overloaded_total); c0=$(awk '{ print $14 + $15 }' "/proc/$LANTERN_PID/stat"); t0=$(date +%s.%N)
  local x0 x1 v0 v1 perf=""; x0=$(ctx_switches "$LANTERN_PID"); v0=$(ctx_switches "$LANTERN_PID" voluntary)
  local counters=""
  if [ -n "${GC_COUNTERS:-}" ]; then
    # Over the step's nominal SECONDS (a background job ignores SIGINT, so dotnet-counters is given its duration instead).
    timeout -s KILL $((secs + 30)) "${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}" collect -p "$LANTERN_PID" --refresh-interval 1 --format csv \
      --duration "$(printf '00:00:%02d:%02d' $((secs / 60)) $((secs % 60)))" -o "$SIPP_DIR/step$STEP.counters.csv" \
      --counters 'System.Runtime[dotnet.gc.collections,dotnet.gc.heap.total_allocated,dotnet.gc.pause.time]' >/dev/null 2>&1 &
    counters=$!
  fi
  if [ -n "${PERF_STAT:-}" ]; then
    perf stat -e context-switches,cpu-migrations,task-clock -x ';' -o "$SIPP_DIR/step$STEP.perf" -p "$LANTERN_PID" -- sleep $((secs + 120)) 2>/dev/null &
    perf=$!
  fi
  timeout -k 5 $((secs + 120)) sipp -sf "$SCEN" "127.0.0.1:$SIP_PORT" -i 127.0.0.1 -t u1 -inf "$SIPP_DIR/users.csv" \
    -r "$rate" -rp 1000 -l $((rate * 10)) -m "$calls" -buff_size 8388608 -timeout $((secs + 100))s -timeout_error -recv_timeout 10000 \
    -nostdin -trace_stat -fd 1 -stf "$SIPP_DIR/step$STEP.stat.csv" -default_behaviors "$SIPP_BEHAVIORS" \
    ${ERRORS:+-trace_err -error_file "$SIPP_DIR/step$STEP.errors.log"} >/dev/null 2>&1 || true
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  t1=$(date +%s.%N); c1=$(awk '{ print $14 + $15 }' "/proc/$LANTERN_PID/stat"); o1=$(metric lantern_sip_overloaded_total)
  x1=$(ctx_switches "$LANTERN_PID"); v1=$(ctx_switches "$LANTERN_PID" voluntary)
  if [ -n "$perf" ]; then kill -INT "$perf" 2>/dev/null || true; wait "$perf" 2>/dev/null || true; fi
  if [ -n "$counters" ]; then wait "$counters" 2>/dev/null || true; fi
  last=$(tail -n 1 "$SIPP_DIR/step$STEP.stat.csv")
  ok=$(echo "$last" | awk -F';' '{ print $16 }'); failed=$(echo "$last" | awk -F';' '{ print $18 }')
  retr=$(echo "$last" | awk -F';' '{ print $58 }')
  elapsed=$(echo "$t1 - $t0" | bc -l)
  STEP_OK=$ok; STEP_FAILED=$failed; STEP_503=$((o1 - o0))
  printf "step=%d offered_per_s=%d calls=%d ok=%d failed=%d goodput_per_s=%.0f sip_503=%d failed_not_503=%d retrans=%s lantern_cpu_us_per_cycle=%.0f rss_mib=%d elapsed_s=%.1f max_queue_delay_ms=%.0f max_store_delay_ms=%.0f max_notify_in_flight=%d min_admission_window=%d ctxsw_per_cycle=%.2f voluntary_ctxsw_per_cycle=%.2f load1=%s\n" \
    "$STEP" "$rate" "$calls" "$ok" "$failed" "$(echo "$ok / $secs" | bc -l)" "$STEP_503" "$((failed > STEP_503 ? failed - STEP_503 : 0))" "$retr" \
    "$(echo "($c1 - $c0) / $TICK * 1000000 / $((ok > 0 ? ok : 1))" | bc -l)" "$(( $(rss_kib "$LANTERN_PID") / 1024 ))" "$elapsed" \
    $(awk '{ if ($1 > q) q = $1; if ($2 > s) s = $2; if ($3 > n) n = $3; if ($4 > 0 && (w == 0 || $4 < w)) w = $4 } END { printf "%f %f %d %d", q * 1000, s * 1000, n, w }' "$SIPP_DIR/step$STEP.metrics") \
    "$(echo "($x1 - $x0) / $((ok > 0 ? ok : 1))" | bc -l)" "$(echo "($v1 - $v0) / $((ok > 0 ? ok : 1))" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  if [ -n "$perf" ] && [ -s "$SIPP_DIR/step$STEP.perf" ]; then
    # perf stat -x: value;unit;event;...: per completed cycle, over the whole step (the sipp run, not its 120 s allowance).
    awk -F';' -v ok=$((ok > 0 ? ok : 1)) -v s="$STEP" '$3 ~ /context-switches|cpu-migrations|task-clock/ { v[$3] = $1 }
      END { printf "step=%d perf_context_switches_per_cycle=%.2f perf_cpu_migrations_per_cycle=%.2f perf_task_clock_us_per_cycle=%.0f\n", s,
        v["context-switches"] / ok, v["cpu-migrations"] / ok, v["task-clock"] * 1000 / ok }' "$SIPP_DIR/step$STEP.perf"
  fi
  if [ -n "$counters" ] && [ -s "$SIPP_DIR/step$STEP.counters.csv" ]; then
    # dotnet-counters csv: Timestamp,Provider,Counter Name[tags],Counter Type,Mean/Increment; the rates are per second.
    awk -F',' -v ok=$((ok > 0 ? ok : 1)) -v s="$STEP" '$3 ~ /gc.collections/ && $3 ~ /gen0/ { g0 += $5 } $3 ~ /gc.collections/ && $3 ~ /gen1/ { g1 += $5 }
      $3 ~ /gc.collections/ && $3 ~ /gen2/ { g2 += $5 } $3 ~ /total_allocated/ { a += $5 } $3 ~ /pause.time/ { p += $5 }
      END { printf "step=%d gc_gen0=%d gc_gen1=%d gc_gen2=%d allocated_bytes_per_cycle=%.0f gc_pause_us_per_cycle=%.1f\n", s, g0, g1, g2, a / ok, p * 1000000 / ok }' \
      "$SIPP_DIR/step$STEP.counters.csv"
  fi
}

# ctx_switches PID [voluntary]: voluntary + involuntary (or only voluntary) context switches of every live thread of PID (a
# thread that exited takes its count with it, so a step's difference can only undercount). A voluntary one is a thread
# going to sleep, i.e. one wake-up later; an involuntary one is a preemption, which follows the machine's load more than
# Lantern's design. Both are expensive on a paravirtualised VM (pvm_irq_enable in the profiles).
ctx_switches() {
  local pattern='^(voluntary|nonvoluntary)_ctxt_switches:'; [ "${2:-}" = voluntary ] && pattern='^voluntary_ctxt_switches:'
  cat /proc/"$1"/task/*/status 2>/dev/null | awk -v p="$pattern" '$0 ~ p { s += $2 } END { print s + 0 }'
}

# recovery FILE RATE: seconds from the start of a step until a one-second period completed at least 95 % of RATE calls with
# no failure (from sipp's per-second statistics), or "never".
recovery() {
  awk -F';' -v r="$2" 'NR > 1 { n++; if ($15 + 0 >= 0.95 * r && $17 + 0 == 0) { print n; found = 1; exit } } END { if (!found) print "never" }' "$1"
}
