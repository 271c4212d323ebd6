#!/usr/bin/env bash
# Overload (issue 13): on one warm lantern process, SECONDS (default 60) at the sustained maximum RATE (from sustained.sh),
# then at 1.5x and 2x RATE, then RATE again for 10 s to see recovery. Prints one line per step (see overload-lib.sh), then
# goodput at 1.5x and 2x as a share of the sustained step's, and how many seconds the recovery step took to complete
# >= 95 % of RATE calls in one second with no failure (target: within 5 s).
# sipp does not honour Retry-After: each 503 ends its call, counted as failed; failed_not_503 are the real failures.
#   bench/load/overload/overload.sh RATE [SECONDS=60]
source "$(dirname "${BASH_SOURCE[0]}")/overload-lib.sh"
RATE="${1:?RATE: the sustained maximum from sustained.sh}"; SECS="${2:-60}"
start_overload_lantern
step "$RATE" "$SECS"; base=$STEP_OK
step $((RATE * 3 / 2)) "$SECS"; g15=$STEP_OK
step $((RATE * 2)) "$SECS"; g20=$STEP_OK
step "$RATE" 10
printf "goodput_1.5x_share=%.2f goodput_2x_share=%.2f recovery_s=%s (target: shares >= 0.90, recovery <= 5)\n" \
  "$(echo "$g15 / $((base > 0 ? base : 1))" | bc -l)" "$(echo "$g20 / $((base > 0 ? base : 1))" | bc -l)" "$(recovery "$SIPP_DIR/step$STEP.stat.csv" "$RATE")"
[ -n "${KEEP:-}" ] || rm -rf "$SIPP_DIR"
