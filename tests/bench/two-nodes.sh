#!/usr/bin/env bash
# two-nodes.sh - one gateway node against two, on one PostgreSQL, on this machine, in the same run (interleaved).
#
#   tests/bench/two-nodes.sh            # RUNS=3 COUNT=2000 (10 KB) / COUNT/2 (100 KB AES-ZIP); needs dotnet, postfix's
#                                       # smtp-source/smtp-sink, Debian's postgresql, 7z, python3
#
# Starts a throw-away PostgreSQL cluster (tests/postgres.sh, SAFEMAIL_PG_DIR default /var/tmp/safemail-bench-2n-pg) and
# two gateways on it through safemail-for-bench.sh (nodes a and b, each its own data directory, 8 delivery connections,
# one schema), all relaying to one smtp-sink. Then, for each load and run, in turn:
#   one: smtp-source with 8 sessions to node a (node b running, idle);
#   two: two smtp-source at once, 4 sessions each, one to node a and one to node b (the same COUNT in all).
# Measured per run: accepted and end-to-end messages/s (until the COUNT-th message reached the sink), CPU time of the
# gateways' process trees and of PostgreSQL's (postmaster and every backend), and from PostgreSQL itself: transactions
# committed, WAL bytes written and WAL flushes (pg_stat_database, pg_current_wal_lsn, pg_stat_wal).
# Prints a Markdown block on stdout; raw lines (one "run" line per run) on stderr and in $OUT/runs.txt.
#
# Env: RUNS (3), COUNT (2000), WARMUP (1000), SHARED_BENCH (../shared/bench beside the repository, for make-eml.sh),
#      SAFEMAIL_LOG_LEVEL (Warning), OUT (raw outputs, default a temp dir, kept), TLIM (300 s per run).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
RUNS=${RUNS:-3}; COUNT=${COUNT:-2000}; WARMUP=${WARMUP:-1000}; TLIM=${TLIM:-300}
export SAFEMAIL_LOG_LEVEL=${SAFEMAIL_LOG_LEVEL:-Warning}
export SAFEMAIL_PG_DIR=${SAFEMAIL_PG_DIR:-/var/tmp/safemail-bench-2n-pg}
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH" LC_ALL=C
OUT=${OUT:-$(mktemp -d /tmp/two-nodes.XXXXXX)}; mkdir -p "$OUT"
log() { echo "two-nodes: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
for t in smtp-source smtp-sink python3 dotnet; do command -v "$t" >/dev/null || die "missing $t"; done
[ -r "$SHARED_BENCH/make-eml.sh" ] || die "missing $SHARED_BENCH/make-eml.sh (set SHARED_BENCH)"

NODE_PIDS=()
cleanup() {
  local p; for p in "${NODE_PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
  for p in "${NODE_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  "$ROOT/tests/postgres.sh" stop
  log "raw outputs kept in $OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

[ -f "$ROOT/src/Miraie.SafeMail.Gateway/bin/Release/net10.0/safemail-gateway.dll" ] || dotnet build -c Release "$ROOT/src/Miraie.SafeMail.Gateway" -nologo -v q >&2
bash "$SHARED_BENCH/make-eml.sh" 100k "$OUT/att-100k.eml" aeszip >&2 || die "make-eml.sh failed"
log "PostgreSQL: tests/postgres.sh start in $SAFEMAIL_PG_DIR"
SAFEMAIL_PG_CONF=${SAFEMAIL_PG_CONF:-$ROOT/docs/deploy/postgresql-safemail.conf} "$ROOT/tests/postgres.sh" start >/dev/null || die "tests/postgres.sh start failed"
# As safemail-for-bench.sh: the recommended server settings, WAL segments made beforehand (SAFEMAIL_PG_FRESH=1: not).
[ "${SAFEMAIL_PG_FRESH:-0}" = 1 ] || "$ROOT/tests/postgres.sh" warm-wal || die "tests/postgres.sh warm-wal failed"
export SAFEMAIL_PG_CONNECTION; SAFEMAIL_PG_CONNECTION=$(cat "$SAFEMAIL_PG_DIR/connection")
export SAFEMAIL_PG_SCHEMA=two_nodes SAFEMAIL_PROVIDER=PostgreSql
export SINK_PORT; SINK_PORT=$(free_port)

PORTS=()
start_node() {  # $1 node id; the first creates the schema, the second joins it
  local node=$1 port
  port=$(free_port)
  log "starting node $node on 127.0.0.1:$port"
  (cd "$ROOT" && SAFEMAIL_PORT=$port SAFEMAIL_NODE_ID=$node SAFEMAIL_DATA=/var/tmp/safemail-bench-node-$node \
     SAFEMAIL_PG_KEEP=$([ ${#PORTS[@]} -gt 0 ] && echo 1 || echo 0) exec setsid tests/bench/safemail-for-bench.sh) > "$OUT/node-$node.log" 2>&1 &
  NODE_PIDS+=($!)
  local i; for i in $(seq 1 1200); do port_open "$port" && break; kill -0 "$!" 2>/dev/null || break; sleep 0.1; done
  port_open "$port" || { tail -n 30 "$OUT/node-$node.log" >&2; die "node $node did not listen"; }
  PORTS+=("$port")
}
start_node a
start_node b
PG_PID=$(head -n 1 "$SAFEMAIL_PG_DIR/data/postmaster.pid")
INFO=$(grep -h '^bench-info: PostgreSQL' "$OUT/node-a.log" | cut -d' ' -f2- | sed "s|given cluster (its CPU not counted)|own cluster in $SAFEMAIL_PG_DIR (tests/postgres.sh)|")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg); DATE_BEFORE=$(date -u '+%Y-%m-%d %H:%M')

# The measuring loop: python (reads smtp-sink's counter as it arrives, /proc for CPU, psql for PostgreSQL's counters).
measure() {  # $1 load label  $2 payload ("10240" or "@file")  $3 count  $4 runs  $5 modes
  python3 - "$@" "${PORTS[0]}" "${PORTS[1]}" "$SINK_PORT" "${NODE_PIDS[0]}" "${NODE_PIDS[1]}" "$PG_PID" "$TLIM" <<'PY'
import os, subprocess, sys, threading, time
label, payload, count, runs, modes, port_a, port_b, sink_port, root_a, root_b, pg_pid, tlim = sys.argv[1:13]
count, runs, tlim = int(count), int(runs), float(tlim)
hz = os.sysconf("SC_CLK_TCK")
payload_args = ["-F", payload[1:]] if payload.startswith("@") else ["-l", payload]
pg = dict(p.split("=", 1) for p in os.environ["SAFEMAIL_PG_CONNECTION"].split(";") if p)
psql = [sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]]
psql = [f"/usr/lib/postgresql/{psql[0]}/bin/psql", "-X", "-At", "-F", " ", "-h", pg["Host"], "-p", pg["Port"], "-U", pg["Username"], "-d", pg["Database"]]

def pg_counters(wait):
    # A backend that goes idle flushes its statistics to the shared counters at most once a second, else within 10 s
    # (PostgreSQL 15: PGSTAT_IDLE_INTERVAL): wait that long after a run, so that it is counted in full and not in the next.
    time.sleep(wait)
    out = subprocess.run(psql + ["-c", "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), "
                                 "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, wal_sync, wal_write FROM pg_stat_wal"],
                         env=dict(os.environ, PGPASSWORD=pg.get("Password", "")), capture_output=True, text=True, check=True).stdout.split()
    return [int(float(x)) for x in out]

def ticks(roots):
    parent, own = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d)] = int(rest[1])
        own[int(d)] = sum(int(x) for x in rest[11:15])  # utime stime cutime cstime
    result = []
    for root in roots:
        inside, changed = {root}, True
        while changed:
            changed = False
            for p, pp in parent.items():
                if p not in inside and pp in inside:
                    inside.add(p); changed = True
        result.append(sum(own.get(p, 0) for p in inside))
    return result

def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], sum(v)

first = [True]

def one_run(mode, run):
    sink = subprocess.Popen(["smtp-sink", "-4", "-c", "-u", "nobody", f"127.0.0.1:{sink_port}", "1024"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    arrivals = {}
    def read():
        buf, last = b"", 0
        while chunk := sink.stdout.read1(4096):
            buf += chunk
            *records, buf = buf.split(b"\r")
            for r in records:
                if b"mesg=" in r:
                    m = int(r.split(b"mesg=")[1].split()[0])
                    now = time.time()
                    for k in range(last + 1, m + 1):
                        arrivals[k] = now
                    last = max(last, m)
    reader = threading.Thread(target=read, daemon=True); reader.start()
    time.sleep(0.3)
    me = os.getpid()
    c0 = pg_counters(11 if first[0] else 0)
    first[0] = False
    t_a0, t_b0, t_pg0, t_h0 = ticks([int(root_a), int(root_b), int(pg_pid), me]); s0 = busy()
    t0 = time.time()
    if mode == "one":
        jobs = [(port_a, 8, count)]
    else:
        jobs = [(port_a, 4, count // 2), (port_b, 4, count - count // 2)]
    sources = [subprocess.Popen(["timeout", "-k", "5", str(int(tlim)), "smtp-source", "-4", "-c", "-s", str(s), "-m", str(n), *payload_args,
                                 "-f", "bench@src.test", "-t", "rcpt@dst.test", f"127.0.0.1:{p}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for p, s, n in jobs]
    outputs = [s.communicate()[0] for s in sources]
    t_acc = time.time()
    accepted = sum(int(([l for l in o.replace(b"\r", b"\n").split(b"\n") if l.strip().isdigit()] or [b"0"])[-1]) for o in outputs)
    while len(arrivals) < count and time.time() - t0 < tlim:
        time.sleep(0.005)
    t_a1, t_b1, t_pg1, t_h1 = ticks([int(root_a), int(root_b), int(pg_pid), me]); s1 = busy()
    time.sleep(0.2)
    delivered = len(arrivals)
    t_end = arrivals.get(count, time.time())
    sink.terminate(); sink.wait(); reader.join(2)
    c1 = pg_counters(11)
    e2e = t_end - t0
    gw = (t_a1 - t_a0 + t_b1 - t_b0) / hz
    pgc = (t_pg1 - t_pg0) / hz
    harness = (t_h1 - t_h0) / hz
    sysbusy, total = s1[0] - s0[0], s1[1] - s0[1]
    foreign = max(0.0, sysbusy / hz - gw - pgc - harness)
    foreign_pct = 100 * max(0, sysbusy - (t_a1 - t_a0 + t_b1 - t_b0 + t_pg1 - t_pg0 + t_h1 - t_h0)) / total if total else 0
    n = max(delivered, 1)
    status = "ok" if accepted >= count and delivered >= count else f"accepted_{accepted}_delivered_{delivered}"
    print(f"run load={label} mode={mode} run={run} count={count} accepted={accepted} delivered={delivered} "
          f"accept_mps={accepted / (t_acc - t0):.1f} e2e_mps={delivered / e2e:.1f} e2e_s={e2e:.3f} "
          f"gw_a_cpu_s={(t_a1 - t_a0) / hz:.2f} gw_b_cpu_s={(t_b1 - t_b0) / hz:.2f} pg_cpu_s={pgc:.2f} harness_cpu_s={harness:.2f} "
          f"cpu_ms_per_msg={1000 * (gw + pgc) / n:.3f} gw_ms_per_msg={1000 * gw / n:.3f} pg_ms_per_msg={1000 * pgc / n:.3f} "
          f"commits={c1[0] - c0[0]} wal_bytes={c1[1] - c0[1]} wal_syncs={c1[2] - c0[2]} wal_writes={c1[3] - c0[3]} "
          f"wal_kb_per_msg={(c1[1] - c0[1]) / 1024 / n:.2f} msgs_per_commit={n / max(1, c1[0] - c0[0]):.2f} "
          f"foreign_cpu_s={foreign:.2f} foreign_pct={foreign_pct:.0f} load1={os.getloadavg()[0]:.2f} status={status}", flush=True)

for r in range(1, runs + 1):
    for mode in modes.split(","):
        one_run(mode, r)
PY
}

if [ "$WARMUP" -gt 0 ]; then
  log "warm-up: $WARMUP x 10 KB and $((WARMUP / 4)) x 100 KB through each mode (not counted)"
  measure warmup-10k 10240 "$WARMUP" 1 one,two >&2
  measure warmup-100k "@$OUT/att-100k.eml" "$((WARMUP / 4))" 1 one,two >&2
fi
: > "$OUT/runs.txt"
measure 10k-c8 10240 "$COUNT" "$RUNS" one,two | tee -a "$OUT/runs.txt" >&2
measure att100k-c8 "@$OUT/att-100k.eml" "$((COUNT / 2))" "$RUNS" one,two | tee -a "$OUT/runs.txt" >&2
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg); DATE_AFTER=$(date -u '+%H:%M')

# ------------------------------------------------------------------------------------------------------------------
python3 - "$OUT/runs.txt" "$DATE_BEFORE" "$DATE_AFTER" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)" "$INFO" "$RUNS" <<'PY'
import statistics, sys
path, d0, d1, l0, l1, cores, info, runs = sys.argv[1:9]
rows = [dict(f.split("=", 1) for f in line.split()[1:]) for line in open(path) if line.startswith("run ")]
print("## Two gateway nodes on one PostgreSQL, on one 2-core machine (issue 11)")
print()
print("What: the same load sent to one node (8 sessions) and split over two nodes (4 sessions each, one smtp-source per node),")
print("both nodes on one PostgreSQL, relaying to one smtp-sink, interleaved in one run. Reproduce with `tests/bench/two-nodes.sh`.")
print()
print(f"- date: {d0}–{d1} UTC; load average (1, 5, 15 min) {l0} before, {l1} after; machine: {cores} cores; {runs} runs per mode, after a warm-up")
print(f"- {info}")
print("- CPU per message = both gateways' process trees + PostgreSQL's (postmaster and all backends), over delivered messages;")
print("  smtp-source and smtp-sink not included. Every run kept; the CPU share taken by other processes is shown.")
print("- From PostgreSQL, per run: WAL bytes (pg_current_wal_lsn), WAL flushes (pg_stat_wal.wal_sync: each is an fdatasync the")
print("  commits waiting on it share), transactions committed (pg_stat_database.xact_commit: every kind, reads included).")
print()
print("| load | nodes | runs | accepted msg/s | end-to-end msg/s | two / one (e2e) | CPU ms/msg (gateways + PostgreSQL) | of which PostgreSQL | WAL KB/msg | messages per WAL flush | WAL flushes/s | transactions/msg | other processes' CPU |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
med = lambda xs: statistics.median(xs) if xs else float("nan")
for load in dict.fromkeys(r["load"] for r in rows):
    base = None
    for mode in ("one", "two"):
        rs = [r for r in rows if r["load"] == load and r["mode"] == mode and r["status"] == "ok"]
        every = [r for r in rows if r["load"] == load and r["mode"] == mode]
        if not rs:
            print(f"| {load} | {mode} | 0/{len(every)} | failed | | | | | | | | | |"); continue
        e2e = med([float(r["e2e_mps"]) for r in rs])
        base = e2e if mode == "one" else base
        n = lambda r: int(r["delivered"])
        print(f"| {load} | {1 if mode == 'one' else 2} | {len(rs)}/{len(every)} | {med([float(r['accept_mps']) for r in rs]):.1f} | {e2e:.1f} | "
              f"{e2e / base:.2f}x | {med([float(r['cpu_ms_per_msg']) for r in rs]):.3f} | {med([float(r['pg_ms_per_msg']) for r in rs]):.3f} | "
              f"{med([float(r['wal_kb_per_msg']) for r in rs]):.1f} | {med([n(r) / max(1, int(r['wal_syncs'])) for r in rs]):.1f} | "
              f"{med([int(r['wal_syncs']) / float(r['e2e_s']) for r in rs]):.0f} | {med([int(r['commits']) / n(r) for r in rs]):.2f} | "
              f"{med([int(r['foreign_pct']) for r in rs]):.0f} % |")
print()
print("Every run, in order (end-to-end msg/s; CPU ms/msg; other processes' CPU %):")
print()
print("| load | nodes | runs |")
print("|---|---|---|")
for load in dict.fromkeys(r["load"] for r in rows):
    for mode in ("one", "two"):
        rs = [r for r in rows if r["load"] == load and r["mode"] == mode]
        print(f"| {load} | {1 if mode == 'one' else 2} | " + ", ".join(f"{r['e2e_mps']} ({r['cpu_ms_per_msg']}; {r['foreign_pct']} %)" for r in rs) + " |")
PY
