#!/usr/bin/env bash
# The table of issue 13, rerun with its own call counts on one warm lantern process (subscribe.xml from a trusted source
# over UDP, sipp on the same machine): 3,000/s for 20 s (60,000 calls); 4,000/s for 5 s three times back to back (20,000
# each); 5,000/s for 4 s three times (20,000 each); 4,000/s for 15 s (60,000); 6,000/s for 10 s (60,000). One line per run
# (see overload-lib.sh); the issue's "collapse" was goodput falling to a fraction of capacity with no 503 answered, so the
# figures to read are goodput_per_s, sip_503 and failed_not_503.
#   bench/load/overload/issue-table.sh
source "$(dirname "${BASH_SOURCE[0]}")/overload-lib.sh"
start_overload_lantern
step 3000 20
for _ in 1 2 3; do step 4000 5; done
for _ in 1 2 3; do step 5000 4; done
step 4000 15
step 6000 10
[ -n "${KEEP:-}" ] || rm -rf "$SIPP_DIR"
