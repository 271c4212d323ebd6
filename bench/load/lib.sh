# Shared helpers for the load scripts: build and start lantern on loopback, measure its CPU.
# Sourced, not run. Everything stays on 127.0.0.1 and every run is bounded by count and time.
set -euo pipefail
LOAD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$LOAD_DIR/../.." && pwd)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_lantern CONFIG_TEMPLATE: writes the config with free ports into a temp dir, starts a Release build.
start_lantern() {
  local template="$1"
  WORK=$(mktemp -d /tmp/lantern-load.XXXXXX)
  SIP_PORT=$(free_port); HTTP_PORT=$(free_port); AMI_PORT=$(free_port)
  sed -e "s/{SIP_PORT}/$SIP_PORT/g" -e "s/{HTTP_PORT}/$HTTP_PORT/g" -e "s/{AMI_PORT}/$AMI_PORT/g" -e "s#{DB}#$WORK/lantern.db#g" "$template" > "$WORK/lantern.json"
  dotnet build "$REPO/src/Lantern" -c Release -v q -nologo >/dev/null
  ( cd "$WORK" && exec dotnet "$REPO/src/Lantern/bin/Release/net10.0/lantern.dll" serve --config "$WORK/lantern.json" >"$WORK/lantern.log" 2>&1 ) &
  LANTERN_PID=$!
  for _ in $(seq 1 300); do grep -q "Lantern ready" "$WORK/lantern.log" 2>/dev/null && break; sleep 0.1; done
  grep -q "Lantern ready" "$WORK/lantern.log" || { echo "lantern did not start:"; cat "$WORK/lantern.log"; exit 1; }
  trap stop_lantern EXIT
}

stop_lantern() { kill "$LANTERN_PID" 2>/dev/null || true; wait "$LANTERN_PID" 2>/dev/null || true; }

# metric NAME: the sum of a Prometheus series from lantern's /metrics (0 when absent).
metric() {
  curl -s -u admin:pw "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%d\n", s }'
}

# cpu_ticks PID: user+system clock ticks used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# udp_drops PORT: kernel drops (receive buffer full) on the UDP socket bound to 127.0.0.1:PORT, from /proc/net/udp.
udp_drops() {
  local hex; hex=$(printf '0100007F:%04X' "$1")
  awk -v a="$hex" '$2 == a { d += $13 } END { print d + 0 }' /proc/net/udp
}

# udp_rcvbuf_errors: host-wide UDP RcvbufErrors (netstat -su "receive buffer errors").
udp_rcvbuf_errors() { awk '/^Udp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }
