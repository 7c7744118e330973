#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL server for the store's PostgreSQL tests (ctest fixture
# pg_server, see tests/store/CMakeLists.txt and docs/store.md "Testing"). The cluster lives in DIR,
# listens on 127.0.0.1:PORT only, trusts local connections, runs with fsync off (test data only),
# and has a user `kyoso` owning a database `kyoso_test`:
#   URL = postgresql://kyoso@127.0.0.1:PORT/kyoso_test
# Usage:
#   pg_test_env.sh start DIR PORT
#   pg_test_env.sh stop DIR
# initdb refuses to run as root; when run as root the server runs as the `postgres` user.
set -euo pipefail
bin="${KYOSO_PG_BIN:-/usr/lib/postgresql/15/bin}"
command="${1:?usage: pg_test_env.sh start DIR PORT | stop DIR}"
dir="${2:?missing DIR}"

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    port="${3:?missing PORT}"
    if [ -f "$dir/data/postmaster.pid" ]; then  # a server left by an interrupted run
      as_server_user "$bin/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_server_user "$bin/initdb" -D "$dir/data" -A trust -U kyoso --no-sync >"$dir/initdb.log"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40" \
      start >/dev/null
    as_server_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U kyoso kyoso_test
    echo "postgresql://kyoso@127.0.0.1:$port/kyoso_test"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server_user "$bin/pg_ctl" -D "$dir/data" stop -m fast >/dev/null
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg_test_env.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
