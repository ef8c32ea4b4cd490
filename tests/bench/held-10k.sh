#!/usr/bin/env bash
# held-10k.sh - does mail held for its senders (送信保留, issue 13) slow the gateway down? Two gateways side by side in one
# run, same build, same policy, same machine: "plain" with nothing held, "held" with HELD (10,000) messages held for a day
# (each has first taken the same HELD messages: "plain" delivered them).
# Both relay ordinary 10 KB mail to a sink through the shared relay benchmark (../shared/bench/relay-bench.sh, targets
# interleaved); the table gives throughput, CPU per message and memory (RSS, and VmHWM over the measured runs) of each.
#
#   tests/bench/held-10k.sh                          # SQLite; needs smtp-source/smtp-sink (Debian's postfix package)
#   PROVIDER=PostgreSql tests/bench/held-10k.sh      # each gateway with a PostgreSQL cluster of its own (counted in its CPU)
#
# Env: HELD (10000), RUNS (5), COUNT (2000 messages per run, 8 sessions), QPCT (0: keep every run), SHARED_BENCH, OUT.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
HELD=${HELD:-10000}; RUNS=${RUNS:-5}; COUNT=${COUNT:-2000}; QPCT=${QPCT:-0}; PROVIDER=${PROVIDER:-Sqlite}
export SINK_PORT=${SINK_PORT:-2626} PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH" LC_ALL=C
OUT=${OUT:-$(mktemp -d /tmp/held-10k.XXXXXX)}; mkdir -p "$OUT"
log() { echo "held-10k: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
command -v smtp-source > /dev/null || die "needs smtp-source and smtp-sink (apt-get install postfix)"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2; }
PGIDS=()
cleanup() { local g; for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done; for g in "${PGIDS[@]}"; do wait "$g" 2>/dev/null; done; log "raw outputs in $OUT"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet build -c Release "$ROOT/src/Miraie.SafeMail.Gateway" -nologo -v q >&2 || die "build failed"

# The same policy for both: mail from the held sender is held for a day, everything else passes.
export SafeMail__Policy__Rules__0__Name=hold-bench SafeMail__Policy__Rules__0__Action=Hold SafeMail__Policy__Rules__0__HoldFor=1.00:00:00
export SafeMail__Policy__Rules__0__When__Senders__0=held@hold.example.co.jp
export SafeMail__Policy__Rules__1__Name=default-pass SafeMail__Policy__Rules__1__Action=Pass
export SAFEMAIL_LOG_LEVEL=Warning

declare -A PORT PID METRICS
start() {  # $1 label
  local label=$1 port metrics pgid i
  port=$(free_port); metrics=$(free_port)
  (cd "$ROOT" && SAFEMAIL_PORT=$port SAFEMAIL_PROVIDER=$PROVIDER SAFEMAIL_DATA=/var/tmp/held-10k-$label SAFEMAIL_PG_DIR=/var/tmp/held-10k-$label-pg \
    SAFEMAIL_OBSERVABILITY_URLS=http://127.0.0.1:$metrics exec setsid bash tests/bench/safemail-for-bench.sh) > "$OUT/$label.log" 2>&1 &
  pgid=$!; PGIDS+=("$pgid")
  for i in $(seq 1 1200); do port_open "$port" && break; kill -0 "$pgid" 2>/dev/null || break; sleep 0.1; done
  port_open "$port" || { tail -n 30 "$OUT/$label.log" >&2; die "$label did not listen on $port"; }
  PORT[$label]=$port; PID[$label]=$(listener_pid "$port"); METRICS[$label]=$metrics
  log "$label: gateway pid ${PID[$label]} on 127.0.0.1:$port, metrics on $metrics"
}
gauge() { curl -s "http://127.0.0.1:${METRICS[$1]}/metrics" | awk -v name="$2" '$1 == name || index($1, name "{") == 1 {print $2}'; }
status_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/${PID[$1]}/status"; }

start plain
start held

# Both gateways take the same HELD messages first, so that both have handled the same traffic (a .NET heap grows with
# what a process has done): "held" holds them (they sit in the spool segments or message_bytes as they would), "plain"
# passes and delivers them into a sink that runs only for this.
log "sending $HELD messages to each: held by 'held', delivered by 'plain'"
smtp-sink -4 -c -u nobody "127.0.0.1:$SINK_PORT" 256 > "$OUT/preload-sink.log" 2>&1 &
SINK=$!
timeout 900 smtp-source -4 -s 8 -m "$HELD" -l 10240 -f held@hold.example.co.jp -t buyer@customer.example.com "127.0.0.1:${PORT[held]}" > "$OUT/preload-held.log" 2>&1 \
  || die "preloading 'held' failed (see $OUT/preload-held.log)"
timeout 900 smtp-source -4 -s 8 -m "$HELD" -l 10240 -f sender@example.co.jp -t buyer@customer.example.com "127.0.0.1:${PORT[plain]}" > "$OUT/preload-plain.log" 2>&1 \
  || die "preloading 'plain' failed (see $OUT/preload-plain.log)"
for i in $(seq 1 120); do [ "$(gauge plain safemail_queue_messages)" = 0 ] && [ "$(gauge held safemail_held_messages)" = "$HELD" ] && break; sleep 1; done
kill "$SINK" 2>/dev/null; wait "$SINK" 2>/dev/null
log "plain: queue $(gauge plain safemail_queue_messages) after delivering its $HELD"
log "held: safemail_held_messages = $(gauge held safemail_held_messages), plain: $(gauge plain safemail_held_messages)"
[ "$(gauge held safemail_held_messages)" = "$HELD" ] || die "the held gateway does not report $HELD held messages"

# The same warm-up through both, then the measured runs.
bash "$SHARED_BENCH/relay-bench.sh" -r 1 "plain=127.0.0.1:${PORT[plain]},held=127.0.0.1:${PORT[held]}" 10k 1000 8 > "$OUT/warmup.txt" 2>&1
for label in plain held; do echo 5 > "/proc/${PID[$label]}/clear_refs"; done   # VmHWM := current RSS
bash "$SHARED_BENCH/relay-bench.sh" -r "$RUNS" -q "$QPCT" \
  "plain=127.0.0.1:${PORT[plain]}@${PID[plain]},held=127.0.0.1:${PORT[held]}@${PID[held]}" 10k "$COUNT" 8 | tee "$OUT/bench.txt" >&2

field() { awk -v t="$1" -v f="$2" '$1 == "median" { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } if (v["label"] == t) print v[f] }' "$OUT/bench.txt"; }
echo "| gateway ($PROVIDER) | held messages | accepted msg/s | end-to-end msg/s | CPU ms/msg | RSS after | VmHWM during runs |"
echo "|---|---|---|---|---|---|---|"
for label in plain held; do
  echo "| $label | $(gauge "$label" safemail_held_messages) | $(field "$label" accept_mps) | $(field "$label" e2e_mps) | $(field "$label" cpu_ms_per_msg) | $(( $(status_kb "$label" VmRSS) / 1024 )) MiB | $(( $(status_kb "$label" VmHWM) / 1024 )) MiB |"
done
grep '^ratio' "$OUT/bench.txt" | sed 's/^/    /'
