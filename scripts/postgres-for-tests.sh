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
# Below Linux's ephemeral range (32768-60999), where the servers under test
# (listening on port 0) and every loopback connection take their ports.
port=${LOYALTY_TEST_PG_PORT:-25432}
# Under /tmp: the `postgres` user must reach it whatever the checkout's permissions.
dir=${TMPDIR:-/tmp}/loyalty-test-postgres-$port
as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

case ${1:-} in
  start)  # always a new, empty cluster; a failed start is tried twice more, its logs shown
    for attempt in 1 2 3; do
      [[ ! -f $dir/data/postmaster.pid ]] || "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
      rm -rf "$dir"; mkdir -p "$dir"
      [[ $(id -u) -ne 0 ]] || chown postgres "$dir"
      if "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U loyalty --no-sync >"$dir/initdb.log" 2>&1 &&
         "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
           -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200 -c recovery_init_sync_method=syncfs" start >/dev/null; then
        echo "postgres://loyalty@127.0.0.1:$port/postgres"
        exit 0
      fi
      echo "postgres-for-tests: start $attempt of 3 failed; initdb.log, server.log, who listens on $port, free space:" >&2
      tail -n 20 "$dir/initdb.log" "$dir/server.log" >&2 2>/dev/null || true
      ss -ltnp "sport = :$port" >&2 2>/dev/null || true
      df -h "$dir" >&2 || true
      sleep 3
    done
    exit 1
    ;;
  restart)  # as after a power cut: no shutdown checkpoint, crash recovery at start
    # (which first syncs the data directory: one database per server under
    # test makes thousands of files, hence syncfs at start and a long wait)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w -t 120 restart >/dev/null
    ;;
  stop)
    if [[ -f $dir/data/postmaster.pid ]]; then "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
  *) echo "usage: scripts/postgres-for-tests.sh start|restart|stop" >&2; exit 2 ;;
esac
