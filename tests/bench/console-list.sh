#!/usr/bin/env bash
# console-list.sh - server time of the console's quarantine list with COUNT (100,000) quarantined messages, filtered
# several ways, read from the Server-Timing header of the real safemail-web process (Release, console only, Development
# environment: the header is sent there only). In the same run, as the reference floor, the sign-in page through the
# same pipeline (no database query).
#
#   tests/bench/console-list.sh                              # SQLite; COUNT=100000 RUNS=30; needs dotnet, curl, python3
#   PROVIDERS="Sqlite PostgreSql" tests/bench/console-list.sh   # both, one after the other, in one table
#
# PostgreSql: a throw-away cluster of its own (tests/postgres.sh, SAFEMAIL_PG_DIR default /var/tmp/safemail-bench-list-pg,
# PostgreSQL's defaults but for the script's max_connections and shared_buffers=128MB), seeded through the gateway's own
# insert and then VACUUM ANALYZE'd (what autovacuum does after a bulk load); stopped and removed at the end. The hosts get
# the connection string without the password and the password through SafeMail__Gateway__DatabasePassword.
#
# Prints a Markdown block for docs/benchmarks.md on stdout; progress on stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COUNT=${COUNT:-100000}; RUNS=${RUNS:-30}; PROVIDERS=${PROVIDERS:-Sqlite}
export SAFEMAIL_PG_DIR=${SAFEMAIL_PG_DIR:-/var/tmp/safemail-bench-list-pg}
WORK=$(mktemp -d /tmp/console-list.XXXXXX)
log() { echo "console-list: $*" >&2; }
WEB_PID=""; PG_STARTED=0
cleanup() {
  [ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null; wait 2>/dev/null
  [ "$PG_STARTED" = 1 ] && "$ROOT/tests/postgres.sh" stop
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
log "building (Release)"
dotnet build src/Miraie.SafeMail.Web -c Release -nologo -v q >&2
dotnet build src/Miraie.SafeMail.Cli -c Release -nologo -v q >&2
dotnet build tests/Miraie.SafeMail.Benchmarks -c Release -nologo -v q >&2

FROM=$(date -d '-7 days' +%F); TO=$(date +%F)
REQUESTS=(
  "reference: sign-in page (no query)|/login"
  "default (quarantined, newest first)|/quarantine"
  "page 1000 (deep offset)|/quarantine?page=1000"
  "recipient domain|/quarantine?domain=customer07.example.com"
  "sender + reason|/quarantine?sender=user042&reason=external-unknown"
  "kind|/quarantine?kind=executable"
  "date range + kind + sort by size|/quarantine?from=$FROM&to=$TO&kind=pdf&sort=size"
  "search subject|/quarantine?q=No.99999"
  "all states|/quarantine?status=all"
)

measure() {  # provider path -> "median p95 max rows matched" in $WORK/<provider>.rows
  local provider=$1 path=$2 i
  curl -s -o /dev/null -b "$JAR" "http://127.0.0.1:$PORT$path"   # warm-up (JIT, page compilation, the database's cache)
  for i in $(seq 1 "$RUNS"); do
    curl -s -D - -o "$WORK/body.html" -b "$JAR" "http://127.0.0.1:$PORT$path" | tr -d '\r' | sed -n 's/^[Ss]erver-[Tt]iming: app;dur=//p'
  done | sort -n > "$WORK/times"
  local rows total
  rows=$(grep -o "<input type=\"checkbox\" name=\"ids\"" "$WORK/body.html" | wc -l || true)
  total=$(grep -o "[0-9,]* 件[以上]*" "$WORK/body.html" | head -n 1 || true)
  awk -v rows="$rows" -v total="$total" \
    '{ v[NR] = $1 } END { printf "%.1f|%.1f|%.1f|%s|%s\n", v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.5)], v[NR], rows, total }' "$WORK/times" >> "$WORK/$provider.rows"
}

for provider in $PROVIDERS; do
  export SafeMail__Gateway__DataDirectory="$WORK/data-$provider"
  unset SafeMail__Gateway__DatabaseProvider SafeMail__Gateway__ConnectionString SafeMail__Gateway__DatabasePassword
  case $provider in
    Sqlite) ;;
    PostgreSql)
      log "PostgreSQL: tests/postgres.sh start in $SAFEMAIL_PG_DIR"
      "$ROOT/tests/postgres.sh" start >/dev/null; PG_STARTED=1
      connection=$(cat "$SAFEMAIL_PG_DIR/connection")
      export SafeMail__Gateway__DatabaseProvider=PostgreSql
      export SafeMail__Gateway__ConnectionString; SafeMail__Gateway__ConnectionString=$(sed 's/Password=[^;]*;\{0,1\}//' <<< "$connection")
      export SafeMail__Gateway__DatabasePassword; SafeMail__Gateway__DatabasePassword=$(grep -o 'Password=[^;]*' <<< "$connection" | cut -d= -f2)
      PG_VERSION=$(runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" -h "$SAFEMAIL_PG_DIR" -p "$(cat "$SAFEMAIL_PG_DIR/port")" -U postgres -XAtc 'SHOW server_version' 2>/dev/null || echo "?")
      ;;
    *) log "unknown provider $provider (Sqlite or PostgreSql)"; exit 64 ;;
  esac
  log "$provider: seeding $COUNT quarantined messages"
  dotnet tests/Miraie.SafeMail.Benchmarks/bin/Release/net10.0/safemail-bench.dll seed-quarantine "$SafeMail__Gateway__DataDirectory" "$COUNT" >&2

  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Development: the console sends Server-Timing only there (in production it would be a timing side channel).
  export ASPNETCORE_ENVIRONMENT=Development SafeMail__Console__RunGateway=false SafeMail__Console__Urls="http://127.0.0.1:$PORT"
  echo 'Bench-Passw0rd-x' | dotnet src/Miraie.SafeMail.Cli/bin/Release/net10.0/safemail.dll users add bench --role operator >&2
  dotnet src/Miraie.SafeMail.Web/bin/Release/net10.0/safemail-web.dll > "$WORK/web-$provider.log" 2>&1 &
  WEB_PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break; sleep 0.2; done

  JAR=$WORK/cookies-$provider
  token=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode name=bench --data-urlencode 'password=Bench-Passw0rd-x' \
    --data-urlencode "__RequestVerificationToken=$token" "http://127.0.0.1:$PORT/login"
  log "$provider: measuring"
  : > "$WORK/$provider.rows"
  for r in "${REQUESTS[@]}"; do measure "$provider" "${r#*|}"; done
  kill "$WEB_PID"; wait "$WEB_PID" 2>/dev/null || true; WEB_PID=""
done

echo "## Console: quarantine list with $(printf "%'d" "$COUNT") quarantined messages"
echo
echo "Server time (Server-Timing header of safemail-web, Release, console only) over $RUNS requests after one warm-up, per database"
echo "provider in turn. Reproduce with \`PROVIDERS=\"$PROVIDERS\" tests/bench/console-list.sh\`."
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); machine: $(nproc) cores${PG_VERSION:+; PostgreSQL $PG_VERSION (own cluster, same machine)}."
echo
header="| request | path |"; rule="|---|---|"
for provider in $PROVIDERS; do header+=" $provider median (ms) | p95 | max |"; rule+="---:|---:|---:|"; done
header+=" rows shown | matched |"; rule+="---:|---|"
echo "$header"; echo "$rule"
i=0
for r in "${REQUESTS[@]}"; do
  i=$((i + 1)); line="| ${r%%|*} | \`${r#*|}\` |"; shown=""
  for provider in $PROVIDERS; do
    IFS='|' read -r med p95 max rows total < <(sed -n "${i}p" "$WORK/$provider.rows")
    line+=" $med | $p95 | $max |"; shown="| $rows | $total |"
  done
  echo "$line${shown# }" | sed 's/||/|/'
done
