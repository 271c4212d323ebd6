#!/usr/bin/env bash
# Runs every test. Installs what the tests need (sipp, baresip, PostgreSQL, Chromium) when missing,
# starts a throw-away PostgreSQL for the storage contract tests, then runs the test projects.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

need_apt=()
command -v sipp >/dev/null 2>&1 || need_apt+=(sip-tester)
# baresip 1.0 is a real phone in the interop tests; baresip-core has the binary and the mwi module without the GUI/codec packages.
{ command -v baresip >/dev/null 2>&1 && [ -e /usr/lib/baresip/modules/mwi.so ]; } || need_apt+=(baresip-core)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# prlimit runs the server with a lowered descriptor limit (DescriptorExhaustionTests).
command -v prlimit >/dev/null 2>&1 || need_apt+=(util-linux)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)
# node runs the real SIP-over-WebSocket libraries (JsSIP, SIP.js) of the WebSocket interop tests.
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# Headless Chromium runs JsSIP as a browser phone (BrowserInteropTests).
# Kamailio (dispatcher) in front of a cluster (KamailioFrontTests); the tests run their own, unprivileged, on loopback.
[ -x /usr/sbin/kamailio ] || need_apt+=(kamailio)
# The web console's browser tests drive Debian's Chromium through its chromedriver (never a downloaded browser).
{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || need_apt+=(chromium chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    # The package's own service (port 5060) is not what the tests use.
    if [[ " ${need_apt[*]} " == *" kamailio "* ]]; then systemctl disable --now kamailio >/dev/null 2>&1 || true; fi
  else
    echo "test.sh: missing ${need_apt[*]}; install them (apt-get install -y ${need_apt[*]})" >&2
  fi
fi

# The npm packages of the WebSocket interop tests, pinned by the committed package-lock.json.
ws_node=tests/Lantern.Interop.Tests/WebSocket/node
if [ ! -d "$ws_node/node_modules/jssip" ] || [ ! -d "$ws_node/node_modules/sip.js" ]; then
  (cd "$ws_node" && npm ci --no-audit --no-fund >/dev/null) || echo "test.sh: npm ci in $ws_node failed" >&2
fi

# A private PostgreSQL on a free loopback port, removed on exit.
source ./scripts/pg-test-server.sh
pg_test_start
trap pg_test_stop EXIT

dotnet build Lantern.slnx -c Release -warnaserror 2>&1 | tail -n 3
log=${TMPDIR:-/tmp}/lantern-test.log
rc=0
dotnet test Lantern.slnx -c Release --no-build --logger "console;verbosity=normal" >"$log" 2>&1 || rc=$?
grep -E "^\s*(Failed |Total tests:|error)|\[FAIL\]|Test Run Aborted|exited with error" "$log" || true
# The plain summary line CI reads, summed over the test projects.
awk '$1=="Passed:" { p+=$2 } $1=="Failed:" { f+=$2 } $1=="Skipped:" { s+=$2 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f>0 || p==0) }' "$log" || rc=1
if [ "$rc" != 0 ]; then
  # Why each test failed, so a CI run that shows only this output still says what went wrong.
  awk '/^[[:space:]]*Failed [^ ]+ \[/ { name=$2 } /^[[:space:]]*Error Message:/ { on=1; n=0; print "--- " name; next } /^[[:space:]]*Stack Trace:/ { on=0 } on && n++ < 20 { print substr($0, 1, 400) }' "$log" >&2
  echo "test.sh: tests failed (full log: $log)" >&2
fi
exit "$rc"
