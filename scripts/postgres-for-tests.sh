#!/usr/bin/env bash
# A throwaway PostgreSQL 15 on loopback for the tests of the shared store:
#   scripts/postgres-for-tests.sh start   # prints the URL of an empty database
#   scripts/postgres-for-tests.sh restart # crash it (-m immediate) and start it again
#   scripts/postgres-for-tests.sh stop
# A new cluster each start, in /tmp (trust auth, 127.0.0.1 only, its own
# port). PostgreSQL refuses to run as root, so as root it runs as `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n $bin ]] || { echo "postgres-for-tests: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
port=${LOYALTY_TEST_PG_PORT:-55432}
# Under /tmp: the `postgres` user must reach it whatever the checkout's permissions.
dir=${TMPDIR:-/tmp}/loyalty-test-postgres-$port
as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

case ${1:-} in
  start)  # always a new, empty cluster
    [[ ! -f $dir/data/postmaster.pid ]] || "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    rm -rf "$dir"; mkdir -p "$dir"
    [[ $(id -u) -ne 0 ]] || chown postgres "$dir"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U loyalty --no-sync >"$dir/initdb.log" 2>&1
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200" start >/dev/null
    echo "postgres://loyalty@127.0.0.1:$port/postgres"
    ;;
  restart)  # as after a power cut: no shutdown checkpoint, crash recovery at start
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w -t 30 restart >/dev/null
    ;;
  stop)
    if [[ -f $dir/data/postmaster.pid ]]; then "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
  *) echo "usage: scripts/postgres-for-tests.sh start|restart|stop" >&2; exit 2 ;;
esac
