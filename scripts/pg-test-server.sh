# Sourced by test.sh: starts a private PostgreSQL cluster on a free loopback port
# and exports LANTERN_TEST_POSTGRES (an Npgsql connection string). PostgreSQL refuses to
# run as root, so the cluster runs as the 'postgres' system user when we are root.
pg_test_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then
    echo "pg-test-server: PostgreSQL not installed; PostgreSQL contract tests will be skipped" >&2
    return 0
  fi
  PG_TEST_DIR=$(mktemp -d /tmp/lantern-pg.XXXXXX)
  PG_TEST_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
  local run=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd -r -m postgres
    chown postgres "$PG_TEST_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U lantern --auth=trust >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -o "-k $PG_TEST_DIR -p $PG_TEST_PORT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=500" -l "$PG_TEST_DIR/log" -w start >/dev/null
  export LANTERN_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_TEST_PORT;Username=lantern;Database=postgres"
  echo "pg-test-server: PostgreSQL on 127.0.0.1:$PG_TEST_PORT" >&2
}

pg_test_stop() {
  [ -n "${PG_TEST_DIR:-}" ] || return 0
  local bin run=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DIR"
}
