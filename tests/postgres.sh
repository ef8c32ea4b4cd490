#!/usr/bin/env bash
# postgres.sh - a throw-away PostgreSQL cluster for the tests, on a free port, run by a non-root user.
#
#   tests/postgres.sh start    initdb into a new folder, start it, create the role and database "safemail" with a random
#                              password; prints the connection string (also in $DIR/connection)
#   tests/postgres.sh stop     stop it and remove the folder
#   tests/postgres.sh halt     stop the server at once, as a crash would (pg_ctl -m immediate), keeping its data
#   tests/postgres.sh resume   start a halted server again on the same port
#   tests/postgres.sh warm-wal make min_wal_size of WAL segments and checkpoint, so that the cluster reuses them as a
#                              server that has been running does (a new cluster writes each new 16 MB segment full of
#                              zeroes first, in the commit that reaches it): for the benchmarks
#
# No fixed port, no password in the repository: the port is chosen free at start, the password made at random then.
# The cluster keeps PostgreSQL's durable defaults (fsync, synchronous_commit on) — the gateway's 250 relies on them.
# SAFEMAIL_PG_CONF: a postgresql.conf file whose settings are added to the new cluster's (e.g. docs/deploy/postgresql-safemail.conf).
# SAFEMAIL_PG_SERVER_OPTIONS: more server settings for the start, as postgres options ("-c name=value ...").
# DIR: $SAFEMAIL_PG_DIR, default /tmp/safemail-pg. Needs Debian's postgresql package (tests/apt-packages.txt).
set -euo pipefail
DIR=${SAFEMAIL_PG_DIR:-/tmp/safemail-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

# As root, the postgres user runs the cluster (PostgreSQL refuses root), from / (root's own folder, often the working
# directory, is closed to it).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

serve() {
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $1 -k $DIR -c max_connections=400 -c shared_buffers=128MB ${SAFEMAIL_PG_SERVER_OPTIONS:-}" start >/dev/null
}

case "${1:-}" in
start)
  [ ! -f "$DIR/data/postmaster.pid" ] || as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 0700 "$DIR"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$DIR"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log"
  echo "$port" >"$DIR/port"
  if [ -n "${SAFEMAIL_PG_CONF:-}" ]; then
    { echo; echo "# from $SAFEMAIL_PG_CONF"; cat "$SAFEMAIL_PG_CONF"; } >>"$DIR/data/postgresql.conf"
  fi
  serve "$port"
  as_owner "$BIN/psql" -h "$DIR" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE safemail LOGIN CREATEDB PASSWORD '$password'" -c "CREATE DATABASE safemail OWNER safemail"
  connection="Host=127.0.0.1;Port=$port;Username=safemail;Password=$password;Database=safemail"
  umask 077
  echo "$connection" >"$DIR/connection"
  [ "$(id -u)" -ne 0 ] || chmod 0644 "$DIR/connection"
  echo "$connection"
  ;;
warm-wal)
  # One small insert and a segment switch per segment (a switch with no WAL since the last one does nothing), then a
  # checkpoint: segments before it are kept for reuse up to min_wal_size.
  as_owner "$BIN/psql" -h "$DIR" -p "$(cat "$DIR/port")" -U postgres -d postgres -q -v ON_ERROR_STOP=1 -c "CREATE TABLE wal_warm_up (n integer)" \
    -c "DO \$\$ BEGIN FOR i IN 1..(SELECT pg_size_bytes(current_setting('min_wal_size')) / pg_size_bytes(current_setting('wal_segment_size')) + 2) LOOP INSERT INTO wal_warm_up VALUES (i); PERFORM pg_switch_wal(); END LOOP; END \$\$" \
    -c "DROP TABLE wal_warm_up" -c "CHECKPOINT"
  ;;
halt)
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null
  ;;
resume)
  serve "$(cat "$DIR/port")"
  ;;
stop)
  [ ! -d "$DIR/data" ] || as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
  ;;
*)
  sed -n '2,/^# DIR:/p' "$0" >&2
  exit 64
  ;;
esac
