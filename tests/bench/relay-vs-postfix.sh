#!/usr/bin/env bash
# relay-vs-postfix.sh - the SafeMail gateway and Postfix as SMTP relays on loopback, side by side in one run, through
# the shared relay benchmark (../shared/bench: setup-postfix.sh, make-eml.sh, relay-bench.sh, teardown.sh; nothing
# is copied). Prints a Markdown block for docs/benchmarks.md on stdout; progress and raw lines go to stderr and $OUT.
#
#   sudo SAFEMAIL_CMD='dotnet run --project src/Miraie.SafeMail.Gateway -c Release' tests/bench/relay-vs-postfix.sh
#   sudo tests/bench/relay-vs-postfix.sh          # no SAFEMAIL_CMD: Postfix and the bare sink only
#
# SAFEMAIL_CMD is a shell command that runs the gateway in the foreground, listening on 127.0.0.1:$SAFEMAIL_PORT
# and relaying ALL mail to 127.0.0.1:$SINK_PORT (plain SMTP, no TLS, no auth, every sender and recipient accepted).
# The script picks a free SAFEMAIL_PORT and exports it, with SINK_PORT, before running the command; the command can
# also read the gateway's own settings from the environment, e.g.
#   SafeMail__Smtp__Endpoints__0__Port=$SAFEMAIL_PORT SafeMail__Delivery__Smarthost__Host=127.0.0.1
#   SafeMail__Delivery__Smarthost__Port=$SINK_PORT SafeMail__Delivery__Smarthost__Tls=None
# (start_safemail below is the one place that knows how; adjust it when the gateway's settings settle).
# SAFEMAIL_PROVIDERS="Sqlite PostgreSql" starts SAFEMAIL_CMD once per word, with SAFEMAIL_PROVIDER set to it (see
# safemail-for-bench.sh), as targets safemail-sqlite and safemail-postgresql of the same interleaved runs. A word may also
# be LABEL=PROVIDER@DLL (target safemail-LABEL, SAFEMAIL_DLL=DLL: another build, e.g. of an earlier commit, for a
# before/after pair in one run; "@DLL" may be left out); each gateway gets its own SAFEMAIL_DATA and SAFEMAIL_PG_DIR.
# A LABEL containing "fresh" starts its PostgreSQL cluster as initdb left it (SAFEMAIL_PG_FRESH=1, safemail-for-bench.sh).
# Each gateway's CPU time is that of the process tree SAFEMAIL_CMD starts: with safemail-for-bench.sh and PostgreSql, PostgreSQL's own
# processes are in that tree (its own cluster), so "relay CPU" is gateway + database.
#
# Runs (targets interleaved: postfix, safemail, sink):
#   1. 10 KB smtp-source messages, 2,000 (COUNT_10K) x 8 sessions          relay-bench.sh -r $RUNS -q 15 ... 10k 2000 8
#   2. 100 KB AES-256 ZIP attachment (make-eml.sh aeszip), 1,000 (COUNT_100K) x 8
#   3. unloaded latency: 200 single 10 KB messages one after another   relay-bench.sh -r 1 -L 200 ... 10k 100 1
#   4. peak memory: $RSS_CLIENTS clients each sending one message of $RSS_BYTES bytes at once (smtp-source -s N -m N -l BYTES);
#      for every relay the largest sum of PSS over its process tree, sampled every 50 ms, and for the gateway also
#      VmHWM of its process (reset first through /proc/PID/clear_refs). Postfix's tree includes idle smtpd/cleanup
#      processes left from the earlier runs: read the growth (peak - before).
#
# Env: SHARED_BENCH (default: ../shared/bench beside the repository), RUNS (5), QPCT (15: relay-bench.sh -q; runs in
#      which other processes used more than QPCT% of the CPU are repeated and left out; 0 keeps every run, for a
#      machine that is never quiet - the table then says so), LAT (200), RSS_CLIENTS (20),
#      RSS_MB (20), RSS_BYTES (RSS_MB MiB: the exact message size for the peak-memory run, e.g. 25000000 for 200 x 25 MB
#      under the policy's 25 MiB limit), WARMUP (1000: 10 KB messages, then a quarter as many 100 KB ones, sent through every target
#      once before the measured runs and not counted, so the first run does not measure .NET's JIT), OUT (raw outputs; default a temp dir, kept), KEEP_POSTFIX=1 (skip teardown), SINK_PORT (2626),
#      PF_PORT (2525), SKIP_BENCH=1 (only the peak-memory run), SKIP_RSS=1 (no peak-memory run). Needs root (Postfix), Debian's postfix and p7zip-full (installed by setup-postfix.sh / apt).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
RUNS=${RUNS:-5}; COUNT_10K=${COUNT_10K:-2000}; COUNT_100K=${COUNT_100K:-1000}; QPCT=${QPCT:-15}; LAT=${LAT:-200}; RSS_CLIENTS=${RSS_CLIENTS:-20}; RSS_MB=${RSS_MB:-20}; RSS_BYTES=${RSS_BYTES:-$((RSS_MB * 1048576))}; WARMUP=${WARMUP:-1000}
export SINK_PORT=${SINK_PORT:-2626} PF_PORT=${PF_PORT:-2525}
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH" LC_ALL=C
OUT=${OUT:-$(mktemp -d /tmp/relay-vs-postfix.XXXXXX)}; mkdir -p "$OUT"
PF_PIDFILE=/var/spool/postfix/pid/master.pid
log() { echo "relay-vs-postfix: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (Postfix is installed and configured by setup-postfix.sh)"
for s in setup-postfix.sh make-eml.sh relay-bench.sh teardown.sh; do
  [ -r "$SHARED_BENCH/$s" ] || die "missing $SHARED_BENCH/$s (set SHARED_BENCH to the shared bench folder)"
done
command -v 7z >/dev/null || { log "installing p7zip-full for make-eml.sh aeszip"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q p7zip-full >&2 || die "apt-get install p7zip-full failed"; }

SINK_PID=""
SM_LABELS=(); SM_PORTS=(); SM_PIDS=(); SM_PGIDS=(); SM_CPU=()
cleanup() {
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
  local g; for g in "${SM_PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
  for g in "${SM_PGIDS[@]}"; do wait "$g" 2>/dev/null; done
  if [ "${KEEP_POSTFIX:-0}" != 1 ]; then bash "$SHARED_BENCH/teardown.sh" >&2; fi
  log "raw outputs kept in $OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2; }
in_tree() { local p=$1 root=$2; while [ -n "$p" ] && [ "$p" -gt 1 ]; do [ "$p" = "$root" ] && return 0; p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null); done; return 1; }

# The gateway: the one function that knows how to start it (the lead fills SAFEMAIL_CMD; see the header).
start_safemail() {  # $1 label  [$2 provider, exported to SAFEMAIL_CMD as SAFEMAIL_PROVIDER  [$3 SAFEMAIL_DLL]]
  local label=$1 port pgid pid cpu
  export SAFEMAIL_PORT; SAFEMAIL_PORT=$(free_port); port=$SAFEMAIL_PORT
  if [ -n "${2:-}" ]; then
    export SAFEMAIL_PROVIDER=$2 SAFEMAIL_DATA=/var/tmp/$label SAFEMAIL_PG_DIR=/var/tmp/$label-pg
    if [ -n "${3:-}" ]; then export SAFEMAIL_DLL=$3; else unset SAFEMAIL_DLL; fi
    # a label with "fresh" in it: its PostgreSQL cluster as initdb left it (safemail-for-bench.sh SAFEMAIL_PG_FRESH)
    if [[ $label == *fresh* ]]; then export SAFEMAIL_PG_FRESH=1; else unset SAFEMAIL_PG_FRESH; fi
  fi
  log "starting $label on 127.0.0.1:$port: ${2:+SAFEMAIL_PROVIDER=$2 }${3:+SAFEMAIL_DLL=$3 }$SAFEMAIL_CMD"
  (cd "$ROOT" && exec setsid bash -c "$SAFEMAIL_CMD") > "$OUT/$label.log" 2>&1 &
  pgid=$!
  local i; for i in $(seq 1 1200); do port_open "$port" && break; kill -0 "$pgid" 2>/dev/null || break; sleep 0.1; done
  port_open "$port" || { tail -n 30 "$OUT/$label.log" >&2; die "$label did not listen on $port within 120 s"; }
  pid=$(listener_pid "$port")   # the process that owns the socket, not the wrapping shell
  [ -n "$pid" ] || die "cannot find the process listening on $port"
  # CPU: the whole tree SAFEMAIL_CMD started (launcher, gateway, and a database it started as its child)
  cpu=$pid; in_tree "$pid" "$pgid" && cpu=$pgid
  log "$label: gateway pid $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" | cut -c1-100)), CPU counted over the tree of $cpu"
  SM_LABELS+=("$label"); SM_PORTS+=("$port"); SM_PIDS+=("$pid"); SM_PGIDS+=("$pgid"); SM_CPU+=("$cpu")
}

# Peak memory: N clients at once, each with one M MB message, through a relay into a fresh smtp-sink.
tree_pids() { local root=$1; echo "$root"; local c; for c in $(pgrep -P "$root"); do tree_pids "$c"; done; }
# PSS, not RSS: Postfix's many processes share libraries and a summed RSS would count them once per process.
tree_pss_kb() { local p s=0 v; for p in $(tree_pids "$1"); do v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null); s=$((s + ${v:-0})); done; echo "$s"; }
rss_run() {  # $1 label  $2 port  $3 root pid  $4 "hwm" to read VmHWM of $3 itself
  local label=$1 port=$2 root=$3 mode=${4:-} bytes=$RSS_BYTES t0 t1 peak=0 now hwm="" base got=0 i
  port_open "$SINK_PORT" && die "something already listens on the sink port $SINK_PORT"
  smtp-sink -4 -c -u nobody "127.0.0.1:$SINK_PORT" 256 > "$OUT/rss-$label.sink" 2>&1 &
  SINK_PID=$!
  for i in $(seq 1 100); do port_open "$SINK_PORT" && break; sleep 0.05; done
  [ "$mode" = hwm ] && echo 5 > "/proc/$root/clear_refs"    # VmHWM := current RSS
  base=$(tree_pss_kb "$root")
  t0=$EPOCHREALTIME
  timeout -k 5 600 smtp-source -4 -c -s "$RSS_CLIENTS" -m "$RSS_CLIENTS" -l "$bytes" -f bench@src.test -t rcpt@dst.test "127.0.0.1:$port" \
    > "$OUT/rss-$label.source" 2>&1 &
  local src=$!
  while :; do
    now=$(tree_pss_kb "$root"); (( now > peak )) && peak=$now
    got=$(tr '\r' '\n' < "$OUT/rss-$label.sink" | grep -o 'mesg=[0-9]*' | tail -n 1 | cut -d= -f2); got=${got:-0}
    if ! kill -0 "$src" 2>/dev/null && (( got >= RSS_CLIENTS )); then break; fi
    (( ${EPOCHREALTIME%.*} - ${t0%.*} > 600 )) && { log "$label: peak-RSS run timed out ($got delivered)"; break; }
    sleep 0.05
  done
  t1=$EPOCHREALTIME
  wait "$src"; local rc=$?
  [ "$mode" = hwm ] && hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$root/status")
  kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; SINK_PID=""
  for i in $(seq 1 100); do port_open "$SINK_PORT" || break; sleep 0.05; done
  awk -v l="$label" -v n="$RSS_CLIENTS" -v bytes="$RSS_BYTES" -v got="$got" -v rc="$rc" -v b="$base" -v p="$peak" -v h="$hwm" -v t0="$t0" -v t1="$t1" 'BEGIN {
    printf "rss label=%s clients=%d bytes=%d delivered=%d source_rc=%d wall_s=%.1f base_pss_mib=%.1f peak_tree_pss_mib=%.1f", l, n, bytes, got, rc, t1-t0, b/1024, p/1024
    if (h != "") printf " vmhwm_mib=%.1f", h/1024
    printf "\n" }'
}

# ------------------------------------------------------------------------------------------------------------------
log "Postfix: $SHARED_BENCH/setup-postfix.sh"
bash "$SHARED_BENCH/setup-postfix.sh" >&2 || die "setup-postfix.sh failed"
bash "$SHARED_BENCH/make-eml.sh" 100k "$OUT/att-100k.eml" aeszip >&2 || die "make-eml.sh failed"

TARGETS="postfix=127.0.0.1:$PF_PORT@$PF_PIDFILE"
if [ -n "${SAFEMAIL_CMD:-}" ]; then
  if [ -n "${SAFEMAIL_PROVIDERS:-}" ]; then
    for word in $SAFEMAIL_PROVIDERS; do
      provider=${word#*=}; provider=${provider%%@*}; dll=""; [[ $word == *@* ]] && dll=${word#*@}
      if [[ $word == *=* ]]; then label=safemail-${word%%=*}; else label=safemail-${provider,,}; fi
      start_safemail "$label" "$provider" "$dll"
    done
  else
    start_safemail safemail
  fi
  for i in "${!SM_LABELS[@]}"; do TARGETS+=",${SM_LABELS[$i]}=127.0.0.1:${SM_PORTS[$i]}@${SM_CPU[$i]}"; done
else
  log "SAFEMAIL_CMD is not set: measuring Postfix and the sink only"
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg); DATE_BEFORE=$(date -u '+%Y-%m-%d %H:%M')
TARGETS+=",sink"

bench() {  # name, relay-bench arguments...
  local name=$1; shift
  log "== $name: relay-bench.sh $*"
  timeout -k 10 1800 bash "$SHARED_BENCH/relay-bench.sh" -k "127.0.0.1:$SINK_PORT" "$@" 2>&1 | tee "$OUT/$name.txt" >&2
}
if [ "${SKIP_BENCH:-0}" != 1 ]; then
if [ "$WARMUP" -gt 0 ]; then  # every target, not counted: a relay in production has been running for days
  bench warmup-10k -r 1 -q 0 "$TARGETS" 10k "$WARMUP" 8
  bench warmup-100k -r 1 -q 0 "$TARGETS" "@$OUT/att-100k.eml" "$((WARMUP / 4))" 8
fi
bench 10k-c8 -r "$RUNS" -q "$QPCT" "$TARGETS" 10k "$COUNT_10K" 8
bench att100k-c8 -r "$RUNS" -q "$QPCT" "$TARGETS" "@$OUT/att-100k.eml" "$COUNT_100K" 8
bench lat-10k -r 1 -L "$LAT" "$TARGETS" 10k 100 1
else
  log "SKIP_BENCH=1: throughput and latency runs skipped"; : > "$OUT/10k-c8.txt"; : > "$OUT/att100k-c8.txt"; : > "$OUT/lat-10k.txt"
fi

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg); DATE_AFTER=$(date -u '+%H:%M')
if [ "${SKIP_RSS:-0}" != 1 ]; then
log "== peak memory: $RSS_CLIENTS clients x $RSS_BYTES bytes at once"
{
  read -r pf_master < "$PF_PIDFILE"; pf_master=${pf_master//[^0-9]/}
  rss_run postfix "$PF_PORT" "$pf_master"
  for i in "${!SM_LABELS[@]}"; do rss_run "${SM_LABELS[$i]}" "${SM_PORTS[$i]}" "${SM_PIDS[$i]}" hwm; done
} | tee "$OUT/rss.txt" >&2
else
  : > "$OUT/rss.txt"
fi

# ------------------------------------------------------------------------------------------------------------------
field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }
{
  echo "## SMTP relay: SafeMail gateway vs Postfix"
  echo
  echo "What: messages relayed over loopback from smtp-source through each relay into smtp-sink (\`sink\` = smtp-source"
  echo "straight into smtp-sink, the machine's loopback ceiling). Reproduce with \`sudo ${SAFEMAIL_PROVIDERS:+SAFEMAIL_PROVIDERS=\"$SAFEMAIL_PROVIDERS\" }SAFEMAIL_CMD=… tests/bench/relay-vs-postfix.sh\`."
  echo
  echo "- date: $DATE_BEFORE–$DATE_AFTER UTC; load average (1, 5, 15 min) $LOAD_BEFORE before, $LOAD_AFTER after; machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  if [ "$QPCT" -gt 0 ]; then q="runs disturbed by other processes (> $QPCT % CPU) repeated and left out"
  else q="every run kept, disturbed or not (QPCT=0): median CPU share taken by other processes shown"; fi
  echo "- postfix: $(postconf -h mail_version 2>/dev/null); $RUNS runs per target, interleaved, after a warm-up of $WARMUP + $((WARMUP / 4)) messages per target (not counted); $q"
  for i in "${!SM_LABELS[@]}"; do
    echo "- ${SM_LABELS[$i]}: \`${SAFEMAIL_PROVIDERS:+SAFEMAIL_PROVIDER=… }$SAFEMAIL_CMD\`; $(grep -h '^bench-info: ' "$OUT/${SM_LABELS[$i]}.log" | cut -d' ' -f2- | paste -sd ';' | sed 's/;/; /g')"
  done
  echo
  echo "| load | target | runs kept | accepted msg/s | end-to-end msg/s | relay CPU ms/msg | vs Postfix (e2e) | other processes' CPU |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for name in 10k-c8 att100k-c8; do
    pf_e2e=""
    while read -r line; do
      lab=$(field "$line" label); e2e=$(field "$line" e2e_mps)
      [ "$lab" = postfix ] && pf_e2e=$e2e
      ratio=$(awk -v a="$e2e" -v b="$pf_e2e" 'BEGIN { if (b > 0) printf "%.2fx", a / b }')
      cpu=$(field "$line" cpu_ms_per_msg)
      kept=$(field "$line" runs)
      foreign=$(grep "^run label=$lab " "$OUT/$name.txt" | grep -o 'foreign_pct=[0-9]*' | cut -d= -f2 | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%d %%", v[int((NR + 1) / 2)] }')
      if [ "${kept%%/*}" = 0 ]; then
        echo "| $name | $lab | $kept | all runs disturbed | | | | $foreign |"; continue
      fi
      echo "| $name | $lab | $kept | $(field "$line" accept_mps) | $e2e | ${cpu:--} | $ratio | $foreign |"
    done < <(grep '^median ' "$OUT/$name.txt")
  done
  echo
  echo "Every run, in order (end-to-end msg/s, relay CPU ms per message):"
  echo
  echo "| load | target | runs |"
  echo "|---|---|---|"
  for name in 10k-c8 att100k-c8; do
    for lab in $(grep '^median ' "$OUT/$name.txt" | grep -o 'label=[^ ]*' | cut -d= -f2); do
      echo "| $name | $lab | $(grep "^run label=$lab " "$OUT/$name.txt" | while read -r line; do c=$(field "$line" cpu_ms_per_msg); printf '%s%s, ' "$(field "$line" e2e_mps)" "${c:+ ($c)}"; done | sed 's/, $//') |"
    done
  done
  echo
  echo "Unloaded latency ($LAT single 10 KB messages, one after another; ms from connect to the sink's receipt):"
  echo
  echo "| target | accept p50 | accept p90 | e2e p50 | e2e p90 | e2e p99 | e2e max |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  while read -r line; do
    echo "| $(field "$line" label) | $(field "$line" accept_p50_ms) | $(field "$line" accept_p90_ms) | $(field "$line" e2e_p50_ms) | $(field "$line" e2e_p90_ms) | $(field "$line" e2e_p99_ms) | $(field "$line" e2e_max_ms) |"
  done < <(grep '^lat ' "$OUT/lat-10k.txt")
  if [ -s "$OUT/rss.txt" ]; then
  echo
  echo "Peak memory, $RSS_CLIENTS clients each sending one message of $RSS_BYTES bytes at once:"
  echo
  echo "| relay | delivered | wall (s) | PSS before (MiB) | peak PSS, process tree (MiB) | growth (MiB) | VmHWM (MiB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  while read -r line; do
    hwm=$(field "$line" vmhwm_mib)
    base=$(field "$line" base_pss_mib); peak=$(field "$line" peak_tree_pss_mib)
    echo "| $(field "$line" label) | $(field "$line" delivered)/$RSS_CLIENTS | $(field "$line" wall_s) | $base | $peak | $(awk -v a="$peak" -v b="$base" 'BEGIN { printf "%.1f", a - b }') | ${hwm:--} |"
  done < <(grep '^rss ' "$OUT/rss.txt")
  fi
}
