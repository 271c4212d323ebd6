#!/usr/bin/env bash
# fanout.sh [SUBSCRIBERS]: SUBSCRIBERS (default 10000) WebSocket phones subscribe to one mailbox over `ws` and stay; one REST
# change; prints the time from the PUT to the last NOTIFY and the server's RSS per WebSocket subscription (held, and 40 s
# later). The phones are the bench tool's `ws-fanout` (one connection each). Loopback only; bounded by the tool's 3-minute deadline.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
SUBSCRIBERS=${1:-10000}
WS_PORT=$(free_port)
template=$(mktemp /tmp/lantern-ws-template.XXXXXX)
sed -e "s/{WS_PORT}/$WS_PORT/g" "$LOAD_DIR/websocket/websocket.json.template" > "$template"
start_lantern "$template"
dotnet build "$REPO/bench/Lantern.Benchmarks" -c Release -v q -nologo >/dev/null
dotnet "$REPO/bench/Lantern.Benchmarks/bin/Release/net10.0/Lantern.Benchmarks.dll" ws-fanout \
  "ws://127.0.0.1:$WS_PORT" "http://127.0.0.1:$HTTP_PORT/" "$SUBSCRIBERS" "$LANTERN_PID"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$template"
