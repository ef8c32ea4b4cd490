#!/usr/bin/env bash
# pg-profile.sh - where a relayed message's PostgreSQL time goes: one gateway (safemail-for-bench.sh, PostgreSql) on a
# throw-away cluster with pg_stat_statements, COUNT messages of each load through it into smtp-sink (8 sessions), then
# a wait until the gateway's sweep has deleted the delivered messages' bytes (it runs every minute), so that the
# deletion is counted too. Per load: every statement's calls, server execution time and WAL per relayed message, and
# the CPU time per message of the gateway and of PostgreSQL (all its processes, autovacuum included) over the whole
# window. Prints a Markdown block on stdout.
#
#   tests/bench/pg-profile.sh        # COUNT=2000 (10 KB) and COUNT/2 (100 KB AES-ZIP); WARMUP=1000; needs postfix's
#                                    # smtp-source/smtp-sink, Debian's postgresql (contrib: pg_stat_statements), 7z, python3
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
COUNT=${COUNT:-2000}; WARMUP=${WARMUP:-1000}
export SAFEMAIL_PG_DIR=${SAFEMAIL_PG_DIR:-/var/tmp/safemail-bench-profile-pg} SAFEMAIL_LOG_LEVEL=${SAFEMAIL_LOG_LEVEL:-Warning}
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH" LC_ALL=C
OUT=${OUT:-$(mktemp -d /tmp/pg-profile.XXXXXX)}; mkdir -p "$OUT"
log() { echo "pg-profile: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PG_BIN" ] || die "PostgreSQL is not installed"
GW=""; SINK=""
cleanup() {
  [ -n "$SINK" ] && kill "$SINK" 2>/dev/null
  if [ -n "$GW" ]; then kill -TERM -- "-$GW" 2>/dev/null; wait "$GW" 2>/dev/null; fi
  "$ROOT/tests/postgres.sh" stop
  log "raw outputs kept in $OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
admin() { as_postgres "$PG_BIN/psql" -X -q -At -F '|' -v ON_ERROR_STOP=1 -h "$SAFEMAIL_PG_DIR" -p "$(cat "$SAFEMAIL_PG_DIR/port")" -U postgres -d safemail "$@"; }
tree_ticks() {  # ROOT -> utime+stime(+children's) of ROOT and every live descendant
  python3 - "$1" <<'PY'
import os, sys
par, own = {}, {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            r = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        par[int(d)] = int(r[1]); own[int(d)] = sum(map(int, r[11:15]))
inside, changed = {int(sys.argv[1])}, True
while changed:
    changed = False
    for p, pp in par.items():
        if p not in inside and pp in inside:
            inside.add(p); changed = True
print(sum(own.get(p, 0) for p in inside))
PY
}

bash "$SHARED_BENCH/make-eml.sh" 100k "$OUT/att-100k.eml" aeszip >&2 || die "make-eml.sh failed"
log "PostgreSQL with pg_stat_statements in $SAFEMAIL_PG_DIR"
SAFEMAIL_PG_CONF=${SAFEMAIL_PG_CONF:-$ROOT/docs/deploy/postgresql-safemail.conf} "$ROOT/tests/postgres.sh" start >/dev/null || die "tests/postgres.sh start failed"
admin -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
"$ROOT/tests/postgres.sh" halt && "$ROOT/tests/postgres.sh" resume || die "restart failed"
# As safemail-for-bench.sh: the recommended server settings, WAL segments made beforehand (SAFEMAIL_PG_FRESH=1: not).
[ "${SAFEMAIL_PG_FRESH:-0}" = 1 ] || "$ROOT/tests/postgres.sh" warm-wal || die "tests/postgres.sh warm-wal failed"
admin -c "CREATE EXTENSION pg_stat_statements"
PG_PID=$(head -n 1 "$SAFEMAIL_PG_DIR/data/postmaster.pid")

export SINK_PORT; SINK_PORT=$(free_port)
export SAFEMAIL_PORT; SAFEMAIL_PORT=$(free_port)
export SAFEMAIL_PROVIDER=PostgreSql SAFEMAIL_PG_CONNECTION; SAFEMAIL_PG_CONNECTION=$(cat "$SAFEMAIL_PG_DIR/connection")
(cd "$ROOT" && exec setsid tests/bench/safemail-for-bench.sh) > "$OUT/gateway.log" 2>&1 &
GW=$!
for _ in $(seq 1 1200); do port_open "$SAFEMAIL_PORT" && break; sleep 0.1; done
port_open "$SAFEMAIL_PORT" || { tail -n 20 "$OUT/gateway.log" >&2; die "the gateway did not listen"; }
smtp-sink -4 -u nobody "127.0.0.1:$SINK_PORT" 1024 > /dev/null 2>&1 &
SINK=$!
SCHEMA=safemail_bench

send() {  # count payload...
  local n=$1; shift
  timeout -k 5 600 smtp-source -4 -s 8 -m "$n" "$@" -f bench@src.test -t rcpt@dst.test "127.0.0.1:$SAFEMAIL_PORT" >> "$OUT/source.out" 2>&1
}
settled() {  # every message delivered and its bytes swept
  local i
  for i in $(seq 1 150); do
    [ "$(admin -c "SELECT (SELECT count(*) FROM $SCHEMA.messages WHERE state = 'queued') + (SELECT count(*) FROM $SCHEMA.message_bytes)")" = 0 ] && return 0
    sleep 1
  done
  log "WARNING: bytes still stored after 150 s"
}

profile() {  # label count payload...
  local label=$1 n=$2; shift 2
  log "$label: warm-up $WARMUP, then $n measured"
  send "$WARMUP" "$@"; settled
  admin -c "SELECT pg_stat_statements_reset()" >/dev/null
  local g0 p0 g1 p1 w0 w1
  g0=$(tree_ticks "$GW"); p0=$(tree_ticks "$PG_PID"); w0=$(admin -c "SELECT pg_current_wal_lsn() - '0/0'")
  send "$n" "$@"; settled
  g1=$(tree_ticks "$GW"); p1=$(tree_ticks "$PG_PID"); w1=$(admin -c "SELECT pg_current_wal_lsn() - '0/0'")
  admin -c "SELECT calls, total_exec_time, wal_bytes, regexp_replace(left(query, 200), '\s+', ' ', 'g') FROM pg_stat_statements
            WHERE query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_current_wal_lsn%' AND query NOT LIKE '%count(*) FROM $SCHEMA.%'
            ORDER BY total_exec_time DESC" > "$OUT/$label.statements"
  python3 - "$label" "$n" "$((g1 - g0))" "$((p1 - p0))" "$((w1 - w0))" "$(getconf CLK_TCK)" "$OUT/$label.statements" <<'PY'
import sys
label, n, g, p, wal, hz, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
rows = [l.rstrip("\n").split("|", 3) for l in open(path) if l.strip()]
total = sum(float(r[1]) for r in rows)
print(f"### {label}: {n} messages, 8 sessions")
print()
print(f"CPU per message over the whole window (sending, delivery, the sweep): gateway {1000 * g / hz / n:.2f} ms, PostgreSQL {1000 * p / hz / n:.2f} ms"
      f" (all its processes); WAL {wal / 1024 / n:.1f} KB per message; statements' server time {total / n:.3f} ms per message.")
print()
print("| statement | calls/msg | server ms/msg | share | WAL KB/msg |")
print("|---|---:|---:|---:|---:|")
shown = 0.0
for calls, ms, walb, q in rows:
    ms = float(ms)
    if ms / total < 0.01:
        continue
    shown += ms
    q = q.replace("|", "\\|")
    print(f"| `{q[:90]}{'…' if len(q) > 90 else ''}` | {int(calls) / n:.2f} | {ms / n:.3f} | {100 * ms / total:.0f} % | {int(walb or 0) / 1024 / n:.1f} |")
print(f"| (the rest, each under 1 %) | | {(total - shown) / n:.3f} | {100 * (total - shown) / total:.0f} % | |")
print()
PY
}

{
  echo "## Where PostgreSQL's time goes per relayed message (issue 11)"
  echo
  echo "Reproduce with \`tests/bench/pg-profile.sh\`. Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); $(grep -h '^bench-info: PostgreSQL' "$OUT/gateway.log" | cut -d' ' -f2- | sed 's/, given cluster (its CPU not counted)//'); pg_stat_statements."
  echo
  profile "10 KB" "$COUNT" -l 10240
  profile "100 KB AES-ZIP" "$((COUNT / 2))" -F "$OUT/att-100k.eml"
}
