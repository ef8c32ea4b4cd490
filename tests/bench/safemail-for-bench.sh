#!/usr/bin/env bash
# Starts the Release gateway for tests/bench/relay-vs-postfix.sh (and two-nodes.sh): listening on 127.0.0.1:$SAFEMAIL_PORT,
# relaying everything to 127.0.0.1:$SINK_PORT in clear (the sink speaks no TLS), with a fresh data directory on the same
# disk as Postfix's queue, the shipping policy, and 8 delivery connections for 8 client sessions.
#
# SAFEMAIL_PROVIDER: Sqlite (default: safemail.db and spool segments in the data directory) or PostgreSql (bytes and
# records in PostgreSQL, ADR-014). With PostgreSql:
#   - SAFEMAIL_PG_CONNECTION unset: a throw-away cluster of its own through tests/postgres.sh in SAFEMAIL_PG_DIR (default
#     /var/tmp/safemail-bench-pg, the same disk), stopped and removed when the gateway stops. The launcher is made the
#     cluster's parent (a child subreaper), so that the relay benchmark's CPU time of this process tree includes PostgreSQL's.
#   - SAFEMAIL_PG_CONNECTION set (as tests/postgres.sh prints it, password included): that cluster; its CPU is not counted.
#   Either way the gateway gets schema SAFEMAIL_PG_SCHEMA (default safemail_bench), dropped and created empty at start
#   (SAFEMAIL_PG_KEEP=1 keeps it: the second node of a cluster), the connection string without the password and the
#   password through SafeMail__Gateway__DatabasePassword, as in production. PostgreSQL keeps its durable defaults
#   (fsync on, synchronous_commit on): every 250 waits for a WAL flush.
#   SAFEMAIL_PG_OPTIONS: more Npgsql connection-string keywords for the gateway (e.g. "Max Auto Prepare=0").
#   Its own cluster gets the server settings of SAFEMAIL_PG_CONF (default docs/deploy/postgresql-safemail.conf, the
#   recommended ones) and its WAL segments made beforehand (tests/postgres.sh warm-wal), unless SAFEMAIL_PG_FRESH=1.
# SAFEMAIL_DLL: another build of the gateway (e.g. of an earlier commit, for a before/after pair), default this tree's Release build.
# SAFEMAIL_PICKUP=1: no smarthost (SINK_PORT not needed), delivered mail goes to DATA/pickup as .eml files.
# SAFEMAIL_NODE_ID names the node (default: the host name); SAFEMAIL_DATA the data directory (emptied at start).
# Prints "bench-info: ..." lines (provider, PostgreSQL version and durability settings) for relay-vs-postfix.sh's header.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROVIDER=${SAFEMAIL_PROVIDER:-Sqlite}
case $PROVIDER in Sqlite | PostgreSql) ;; *) echo "safemail-for-bench: SAFEMAIL_PROVIDER must be Sqlite or PostgreSql" >&2; exit 64 ;; esac
OWN_CLUSTER=0
[ "$PROVIDER" = PostgreSql ] && [ -z "${SAFEMAIL_PG_CONNECTION:-}" ] && OWN_CLUSTER=1
if [ "$OWN_CLUSTER" = 1 ] && [ "${_SAFEMAIL_BENCH_REAPER:-}" != 1 ]; then
  # PR_SET_CHILD_SUBREAPER (36), kept across exec: the postmaster that pg_ctl leaves behind becomes this script's child.
  export _SAFEMAIL_BENCH_REAPER=1
  exec python3 -c 'import ctypes, os, sys; ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0); os.execv("/bin/bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi
unset _SAFEMAIL_BENCH_REAPER

DLL=${SAFEMAIL_DLL:-$ROOT/src/Miraie.SafeMail.Gateway/bin/Release/net10.0/safemail-gateway.dll}
[ -f "$DLL" ] || [ -n "${SAFEMAIL_DLL:-}" ] || dotnet build -c Release "$ROOT/src/Miraie.SafeMail.Gateway" -nologo -v q >&2
if [ "$PROVIDER" = PostgreSql ]; then DATA=${SAFEMAIL_DATA:-/var/tmp/safemail-bench-postgresql}; else DATA=${SAFEMAIL_DATA:-/var/tmp/safemail-bench}; fi
rm -rf "$DATA"; mkdir -p "$DATA"
export SafeMail__Gateway__DataDirectory=$DATA
[ -n "${SAFEMAIL_NODE_ID:-}" ] && export SafeMail__Gateway__NodeId=$SAFEMAIL_NODE_ID
export SafeMail__Smtp__Endpoints__0__Address=127.0.0.1 SafeMail__Smtp__Endpoints__0__Port=${SAFEMAIL_PORT:?}
export SafeMail__Smtp__MaxMessageBytes=$((64 * 1024 * 1024))
if [ "${SAFEMAIL_PICKUP:-0}" = 1 ]; then
  : # no smarthost: delivered mail is written to DATA/pickup (the embedded default), read by download-links.sh
else
  export SafeMail__Delivery__Smarthost__Host=127.0.0.1 SafeMail__Delivery__Smarthost__Port=${SINK_PORT:?} SafeMail__Delivery__Smarthost__Tls=None
fi
export SafeMail__Delivery__MaxParallel=${SAFEMAIL_PARALLEL:-8}
export SafeMail__Policy__InternalDomains__0=example.co.jp
# /metrics and /health on a free port of its own (as in production the listener is on; several gateways share this machine)
export SafeMail__Observability__Urls=${SAFEMAIL_OBSERVABILITY_URLS:-http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export SafeMail__Download__Urls=${SAFEMAIL_DOWNLOAD_URLS:-http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export Logging__LogLevel__Default=${SAFEMAIL_LOG_LEVEL:-Information}
# As the systemd unit in docs/deploy does: tier up hot methods without waiting for JIT activity to settle (ADR-005).
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
echo "bench-info: provider $PROVIDER"
[ -n "${SAFEMAIL_DLL:-}" ] && echo "bench-info: build $SAFEMAIL_DLL"

if [ "$PROVIDER" = Sqlite ]; then
  exec dotnet "$DLL"
fi

# ---- PostgreSQL ------------------------------------------------------------------------------------------------------
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
export SAFEMAIL_PG_DIR=${SAFEMAIL_PG_DIR:-/var/tmp/safemail-bench-pg}
if [ "$OWN_CLUSTER" = 1 ]; then
  # Its settings are those docs/deploy recommends for the gateway's database; its WAL segments are made before the
  # measurement, as on a server that has been running (SAFEMAIL_PG_FRESH=1: as initdb left it, each new segment zero-filled
  # by the commit that reaches it).
  SAFEMAIL_PG_CONF=${SAFEMAIL_PG_CONF:-$ROOT/docs/deploy/postgresql-safemail.conf} "$ROOT/tests/postgres.sh" start >/dev/null
  [ "${SAFEMAIL_PG_FRESH:-0}" = 1 ] || "$ROOT/tests/postgres.sh" warm-wal
  SAFEMAIL_PG_CONNECTION=$(cat "$SAFEMAIL_PG_DIR/connection")
fi
# Host=..;Port=..;Username=..;Password=..;Database=.. -> its parts (keys as tests/postgres.sh writes them, any order)
declare -A part=()
IFS=';' read -r -a pairs <<< "$SAFEMAIL_PG_CONNECTION"
for p in "${pairs[@]}"; do [ -n "$p" ] && part[${p%%=*}]=${p#*=}; done
SCHEMA=${SAFEMAIL_PG_SCHEMA:-safemail_bench}
[[ $SCHEMA =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "safemail-for-bench: bad SAFEMAIL_PG_SCHEMA" >&2; exit 64; }
psql_bench() {
  PGPASSWORD=${part[Password]:-} "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "${part[Host]}" -p "${part[Port]}" -U "${part[Username]}" -d "${part[Database]}" "$@"
}
if [ "${SAFEMAIL_PG_KEEP:-0}" != 1 ]; then
  psql_bench -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" 2>&1 | grep -v '^NOTICE' >&2 || true
fi
echo "bench-info: PostgreSQL $(psql_bench -c 'SHOW server_version'), $([ "$OWN_CLUSTER" = 1 ] && echo "own cluster in $SAFEMAIL_PG_DIR (its CPU counted with the relay's)" || echo "given cluster (its CPU not counted)"): fsync=$(psql_bench -c 'SHOW fsync'), synchronous_commit=$(psql_bench -c 'SHOW synchronous_commit'), wal_sync_method=$(psql_bench -c 'SHOW wal_sync_method'), shared_buffers=$(psql_bench -c 'SHOW shared_buffers'), min_wal_size=$(psql_bench -c 'SHOW min_wal_size'), max_wal_size=$(psql_bench -c 'SHOW max_wal_size'), $([ "$OWN_CLUSTER" = 1 ] && { [ "${SAFEMAIL_PG_FRESH:-0}" = 1 ] && echo "WAL segments as initdb left them (fresh), " || echo "WAL segments made before the runs, "; })schema $SCHEMA${SAFEMAIL_PG_OPTIONS:+, connection options: $SAFEMAIL_PG_OPTIONS}"
export SafeMail__Gateway__DatabaseProvider=PostgreSql
export SafeMail__Gateway__ConnectionString="Host=${part[Host]};Port=${part[Port]};Username=${part[Username]};Database=${part[Database]};Search Path=$SCHEMA${SAFEMAIL_PG_OPTIONS:+;$SAFEMAIL_PG_OPTIONS}"
export SafeMail__Gateway__DatabasePassword=${part[Password]:-}

GATEWAY=""
stop() {
  trap - TERM INT
  if [ -n "$GATEWAY" ]; then kill -TERM "$GATEWAY" 2>/dev/null || true; wait "$GATEWAY" 2>/dev/null || true; fi
  [ "$OWN_CLUSTER" = 1 ] && "$ROOT/tests/postgres.sh" stop || true
  exit 0
}
trap stop TERM INT
dotnet "$DLL" &
GATEWAY=$!
wait "$GATEWAY" || true
GATEWAY=""
stop
