#!/usr/bin/env bash
# addin-held-list.sh - response time of the Outlook pane's held list (GET /api/addin/held) for one sender with OWN (50)
# held messages among COUNT (10,000) held messages of 2,000 senders, on the real safemail-web process (Release, console
# only, Development environment for the Server-Timing header, the add-in's development sign-in header). Two figures per
# request: the server's own time (Server-Timing) and what curl saw on loopback (a new connection each time, as the pane's
# fetch after an idle minute). The rows are inserted directly (safemail-bench seed-held), as the gateway stores them.
#
#   tests/bench/addin-held-list.sh                                  # SQLite; COUNT=10000 OWN=50 RUNS=200
#   PROVIDERS="Sqlite PostgreSql" tests/bench/addin-held-list.sh    # both; PostgreSQL a throw-away cluster of its own
#   SAFEMAIL_PG_CONNECTION="Host=...;Password=..." PROVIDERS=PostgreSql tests/bench/addin-held-list.sh   # a given cluster
#
# PostgreSQL: without SAFEMAIL_PG_CONNECTION, tests/postgres.sh in SAFEMAIL_PG_DIR (default /var/tmp/safemail-bench-held-pg),
# stopped at the end; with it, that cluster (a schema of this script's own, dropped at the end).
# Prints a Markdown block for docs/benchmarks.md on stdout; progress on stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COUNT=${COUNT:-10000}; OWN=${OWN:-50}; RUNS=${RUNS:-200}; PROVIDERS=${PROVIDERS:-Sqlite}
SENDER=bench.sender@example.co.jp
export SAFEMAIL_PG_DIR=${SAFEMAIL_PG_DIR:-/var/tmp/safemail-bench-held-pg}
WORK=$(mktemp -d /tmp/addin-held-list.XXXXXX)
log() { echo "addin-held-list: $*" >&2; }
WEB_PID=""; PG_STARTED=0; PG_SCHEMA=""; PG_VERSION=""
cleanup() {
  [ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null; wait 2>/dev/null
  [ -n "$PG_SCHEMA" ] && psql_bench -c "DROP SCHEMA $PG_SCHEMA CASCADE" >&2
  [ "$PG_STARTED" = 1 ] && "$ROOT/tests/postgres.sh" stop
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
log "building (Release)"
dotnet build src/Miraie.SafeMail.Web -c Release -nologo -v q >&2
dotnet build tests/Miraie.SafeMail.Benchmarks -c Release -nologo -v q >&2

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
psql_bench() {
  PGPASSWORD=${part[Password]:-} "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "${part[Host]}" -p "${part[Port]}" -U "${part[Username]}" -d "${part[Database]}" "$@"
}

stats() {  # numbers on stdin (ms) -> "median p95 max"
  sort -n | awk '{ v[NR] = $1 } END { printf "%.1f|%.1f|%.1f", v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.5)], v[NR] }'
}

for provider in $PROVIDERS; do
  export SafeMail__Gateway__DataDirectory="$WORK/data-$provider"
  unset SafeMail__Gateway__DatabaseProvider SafeMail__Gateway__ConnectionString SafeMail__Gateway__DatabasePassword
  case $provider in
    Sqlite) ;;
    PostgreSql)
      if [ -n "${SAFEMAIL_PG_CONNECTION:-}" ]; then
        connection=$SAFEMAIL_PG_CONNECTION
      else
        log "PostgreSQL: tests/postgres.sh start in $SAFEMAIL_PG_DIR"
        "$ROOT/tests/postgres.sh" start >/dev/null; PG_STARTED=1
        connection=$(cat "$SAFEMAIL_PG_DIR/connection")
      fi
      declare -A part=()
      IFS=';' read -r -a pairs <<< "$connection"
      for p in "${pairs[@]}"; do [ -n "$p" ] && part[${p%%=*}]=${p#*=}; done
      PG_SCHEMA=held_bench_$$
      psql_bench -c "CREATE SCHEMA $PG_SCHEMA" >&2
      PG_VERSION=$(psql_bench -c 'SHOW server_version')
      export SafeMail__Gateway__DatabaseProvider=PostgreSql
      export SafeMail__Gateway__ConnectionString="Host=${part[Host]};Port=${part[Port]};Username=${part[Username]};Database=${part[Database]};Search Path=$PG_SCHEMA"
      export SafeMail__Gateway__DatabasePassword=${part[Password]:-}
      ;;
    *) log "unknown provider $provider (Sqlite or PostgreSql)"; exit 64 ;;
  esac
  log "$provider: seeding $COUNT held messages ($OWN from $SENDER)"
  dotnet tests/Miraie.SafeMail.Benchmarks/bin/Release/net10.0/safemail-bench.dll seed-held "$SafeMail__Gateway__DataDirectory" "$COUNT" "$OWN" >&2

  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export ASPNETCORE_ENVIRONMENT=Development SafeMail__Console__RunGateway=false SafeMail__Console__Urls="http://127.0.0.1:$PORT" \
    SafeMail__AddIn__DevelopmentMode=true
  dotnet src/Miraie.SafeMail.Web/bin/Release/net10.0/safemail-web.dll > "$WORK/web-$provider.log" 2>&1 &
  WEB_PID=$!
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break; sleep 0.2; done

  url="http://127.0.0.1:$PORT/api/addin/held"
  for _ in 1 2 3; do curl -s -o /dev/null -H "X-SafeMail-Dev-User: $SENDER" "$url"; done   # warm-up (JIT, the database's cache)
  log "$provider: measuring $RUNS requests"
  : > "$WORK/server"; : > "$WORK/client"
  for _ in $(seq 1 "$RUNS"); do
    curl -s -D "$WORK/headers" -o "$WORK/body.json" -w '%{time_total}\n' -H "X-SafeMail-Dev-User: $SENDER" "$url" \
      | awk '{ printf "%.3f\n", $1 * 1000 }' >> "$WORK/client"
    tr -d '\r' < "$WORK/headers" | sed -n 's/^[Ss]erver-[Tt]iming: app;dur=//p' >> "$WORK/server"
  done
  items=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$WORK/body.json")
  echo "$provider|$(stats < "$WORK/server")|$(stats < "$WORK/client")|$items" >> "$WORK/rows"
  kill "$WEB_PID"; wait "$WEB_PID" 2>/dev/null || true; WEB_PID=""
  [ "$provider" = PostgreSql ] && { psql_bench -c "DROP SCHEMA $PG_SCHEMA CASCADE" >&2; PG_SCHEMA=""; }
done

echo "## Issue 13: the pane's held list"
echo
echo "\`GET /api/addin/held\` for one sender with $OWN held messages among $(printf "%'d" "$COUNT") held messages of 2,000 senders;"
echo "$RUNS requests after 3 warm-ups, safemail-web Release (console only), each request a new loopback connection."
echo "Reproduce with \`PROVIDERS=\"$PROVIDERS\" tests/bench/addin-held-list.sh\`."
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); machine: $(nproc) cores${PG_VERSION:+; PostgreSQL $PG_VERSION}."
echo
echo "| provider | server median (ms) | p95 | max | curl median (ms) | p95 | max | items listed |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
while IFS='|' read -r provider s1 s2 s3 c1 c2 c3 items; do
  echo "| $provider | $s1 | $s2 | $s3 | $c1 | $c2 | $c3 | $items |"
done < "$WORK/rows"
