#!/usr/bin/env bash
# console-list.sh - server time of the console's quarantine list with COUNT (100,000) quarantined messages, filtered
# several ways, read from the Server-Timing header of the real safemail-web process (Release, console only, Development
# environment: the header is sent there only). In the
# same run, as the reference floor, the sign-in page through the same pipeline (no database query).
#
#   tests/bench/console-list.sh          # COUNT=100000 RUNS=30; needs dotnet, curl, python3
#
# Prints a Markdown block for docs/benchmarks.md on stdout; progress on stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COUNT=${COUNT:-100000}; RUNS=${RUNS:-30}
WORK=$(mktemp -d /tmp/console-list.XXXXXX)
log() { echo "console-list: $*" >&2; }
WEB_PID=""
cleanup() { [ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

cd "$ROOT"
log "building (Release)"
dotnet build src/Miraie.SafeMail.Web -c Release -nologo -v q >&2
dotnet build src/Miraie.SafeMail.Cli -c Release -nologo -v q >&2
dotnet build tests/Miraie.SafeMail.Benchmarks -c Release -nologo -v q >&2
log "seeding $COUNT quarantined messages"
dotnet tests/Miraie.SafeMail.Benchmarks/bin/Release/net10.0/safemail-bench.dll seed-quarantine "$WORK/data" "$COUNT" >&2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Development: the console sends Server-Timing only there (in production it would be a timing side channel).
export ASPNETCORE_ENVIRONMENT=Development
export SafeMail__Gateway__DataDirectory="$WORK/data" SafeMail__Console__RunGateway=false SafeMail__Console__Urls="http://127.0.0.1:$PORT"
echo 'Bench-Passw0rd-x' | dotnet src/Miraie.SafeMail.Cli/bin/Release/net10.0/safemail.dll users add bench --role operator >&2
dotnet src/Miraie.SafeMail.Web/bin/Release/net10.0/safemail-web.dll > "$WORK/web.log" 2>&1 &
WEB_PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break; sleep 0.2; done

JAR=$WORK/cookies
token=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode name=bench --data-urlencode 'password=Bench-Passw0rd-x' \
  --data-urlencode "__RequestVerificationToken=$token" "http://127.0.0.1:$PORT/login"

measure() {  # label path -> one table row
  local label=$1 path=$2 i
  curl -s -o /dev/null -b "$JAR" "http://127.0.0.1:$PORT$path"   # warm-up (JIT, page compilation, SQLite page cache)
  for i in $(seq 1 "$RUNS"); do
    curl -s -D - -o "$WORK/body.html" -b "$JAR" "http://127.0.0.1:$PORT$path" | tr -d '\r' | sed -n 's/^[Ss]erver-[Tt]iming: app;dur=//p'
  done | sort -n > "$WORK/times"
  local rows total
  rows=$(grep -o "<input type=\"checkbox\" name=\"ids\"" "$WORK/body.html" | wc -l || true)
  total=$(grep -o "[0-9,]* 件[以上]*" "$WORK/body.html" | head -n 1 || true)
  awk -v l="$label" -v p="$path" -v rows="$rows" -v total="$total" \
    '{ v[NR] = $1 } END { printf "| %s | `%s` | %.1f | %.1f | %.1f | %s | %s |\n", l, p, v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.5)], v[NR], rows, total }' "$WORK/times"
}

echo "## Console: quarantine list with $(printf "%'d" "$COUNT") quarantined messages"
echo
echo "Server time (Server-Timing header of safemail-web, Release, console only, SQLite) over $RUNS requests after one warm-up."
echo "Reproduce with \`tests/bench/console-list.sh\`. Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores."
echo
echo "| request | path | median (ms) | p95 (ms) | max (ms) | rows shown | matched |"
echo "|---|---|---:|---:|---:|---:|---|"
measure "reference: sign-in page (no query)" "/login"
measure "default (quarantined, newest first)" "/quarantine"
measure "page 1000 (deep offset)" "/quarantine?page=1000"
measure "recipient domain" "/quarantine?domain=customer07.example.com"
measure "sender + reason" "/quarantine?sender=user042&reason=external-unknown"
measure "kind" "/quarantine?kind=executable"
measure "date range + kind + sort by size" "/quarantine?from=$(date -d '-7 days' +%F)&to=$(date +%F)&kind=pdf&sort=size"
measure "search subject" "/quarantine?q=No.99999"
measure "all states" "/quarantine?status=all"
