#!/usr/bin/env bash
# Issue 10 items 4-7 under attack, with RSS and CPU of the real server process, for one build of lantern.
#
#   bench/security/measure.sh                 # this tree's build (the "after" figures)
#   git worktree add /tmp/before 11596f6 && dotnet build /tmp/before/src/Lantern -c Release
#   bench/security/measure.sh /tmp/before/src/Lantern/bin/Release/net10.0/lantern.dll   # the "before" figures
#
# The attacks are the interop tests in tests/Lantern.Interop.Tests/Hosting/AttackServiceTests.cs (run against the given
# lantern.dll through LANTERN_SERVER_DLL): each attacks from 127.0.0.2 only, bounded in count (50 TCP connections, 60 AMI
# connections, 16 AMI sessions x 3 actions, 20 event streams x 10,000 changes) and time (at most ~30 s each), while phone
# 1001 refreshes its subscription over UDP and the operator reads /api/v1/mailboxes from 127.0.0.1. Each test prints a
# FIGURES line: RSS (VmRSS of /proc/PID/status) before -> after the attack, CPU (utime+stime of /proc/PID/stat) spent
# during it, and the time the refresh and the REST read took. Against an older build the tests fail (that is the point);
# the FIGURES lines are printed all the same.
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DLL="${1:-}"
dotnet build "$REPO/tests/Lantern.Interop.Tests" -c Release -v q -nologo >/dev/null || exit 1
LANTERN_SERVER_DLL="$DLL" timeout 600 dotnet test "$REPO/tests/Lantern.Interop.Tests" -c Release --no-build \
  --filter "FullyQualifiedName~AttackServiceTests" --logger "console;verbosity=detailed" 2>&1 \
  | grep -E "FIGURES|^ *(Passed|Failed) " | sed 's/^ *//'
