#!/usr/bin/env bash
# Longer runs of the cluster chaos test (tests/Lantern.Interop.Tests/Cluster/ClusterChaosTests.cs).
# Usage: bench/cluster/chaos.sh [fault-phase seconds, default 300] [runs, default 1]
# LANTERN_CHAOS_SEED=<n> replays one run's randomness (the seed is printed at the start of each run).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}
runs=${2:-1}
source scripts/pg-test-server.sh
pg_test_start
trap pg_test_stop EXIT
dotnet build Lantern.slnx -c Release 2>&1 | tail -2
for i in $(seq 1 "$runs"); do
  echo "chaos run $i/$runs (${seconds} s of faults)"
  LANTERN_CHAOS_SECONDS=$seconds dotnet test tests/Lantern.Interop.Tests -c Release --no-build \
    --filter "FullyQualifiedName~ClusterChaosTests" --logger "console;verbosity=detailed" \
    | grep -E "chaos|fault:|write failure|Passed|Failed|seed" || true
done
