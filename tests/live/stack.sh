#!/bin/sh
# stack.sh COMMAND [ARGS...] - runs COMMAND against a throwaway Redis and
# PostgreSQL, then stops both, whatever happens (success, failure, Ctrl-C).
#
# Both servers live in a fresh temporary folder and listen only on Unix
# sockets in it (Redis: --port 0; PostgreSQL: listen_addresses ''), with no
# persistence.  As root they run as the unprivileged `postgres` user (the
# postgresql package creates it); otherwise as the caller.  COMMAND sees
#   STAMPEDE_LIVE_REDIS  unix:///tmp/stampede-live.XXXXXX/redis.sock
#   STAMPEDE_LIVE_PG     host=/tmp/stampede-live.XXXXXX dbname=postgres user=stampede
# and the script exits with COMMAND's status.  Every wait is bounded.
set -u

dir=$(mktemp -d /tmp/stampede-live.XXXXXX) || exit 1
redis_pid=""
pg_started=""

pgbin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
  [ -x "$d/initdb" ] && { pgbin=$d; break; }
done
[ -n "$pgbin" ] || { command -v initdb >/dev/null 2>&1 && pgbin=$(dirname "$(command -v initdb)"); }

if [ "$(id -u)" = 0 ]; then
  runas=postgres
  id "$runas" >/dev/null 2>&1 || { echo "stack.sh: no user '$runas' to run the servers as (install postgresql)" >&2; rm -rf "$dir"; exit 1; }
  chown "$runas" "$dir"
  as_user() { runuser -u "$runas" -- "$@"; }
else
  as_user() { "$@"; }
fi

stop() {
  if [ -n "$pg_started" ]; then
    as_user "$pgbin/pg_ctl" -D "$dir/pg" -m immediate -w -t 30 stop >/dev/null 2>&1
  fi
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null
    i=0
    while kill -0 "$redis_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$redis_pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

fail() {
  echo "stack.sh: $1" >&2
  for f in "$dir"/redis.log "$dir"/pg.log "$dir"/initdb.log; do [ -f "$f" ] && tail -20 "$f" >&2; done
  exit 1
}

command -v redis-server >/dev/null 2>&1 || fail "redis-server is missing (make live-deps installs it)"
[ -n "$pgbin" ] || fail "PostgreSQL's initdb is missing (make live-deps installs postgresql)"

as_user redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 --save '' --appendonly no \
  --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --daemonize yes \
  || fail "redis-server did not start"
i=0
while [ ! -S "$dir/redis.sock" ] || [ ! -s "$dir/redis.pid" ]; do
  [ $i -lt 100 ] || fail "Redis did not open its socket within 10 s"
  sleep 0.1; i=$((i + 1))
done
redis_pid=$(cat "$dir/redis.pid")

as_user "$pgbin/initdb" -D "$dir/pg" -U stampede -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || fail "initdb failed"
pg_started=1
as_user "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=300 -c shared_buffers=32MB -c fsync=off" \
  start >/dev/null || fail "PostgreSQL did not start"

export STAMPEDE_LIVE_REDIS="unix://$dir/redis.sock"
export STAMPEDE_LIVE_PG="host=$dir dbname=postgres user=stampede"
"$@"
