#!/usr/bin/env bash
# concurrent-attachments.sh - peak memory of the gateway while N clients at once each send one large message with a
# real AES-256 ZIP attachment (base64), so that inspection (MIME parse, base64 decode, SHA-256, ZIP directory) runs on
# every one; smtp-source's messages (relay-vs-postfix.sh) are plain text. Prints one line:
#   label=… clients=N delivered=N rss_before_mib=… vmhwm_mib=…
#
#   sudo tests/bench/concurrent-attachments.sh            # N=200, an 18 MiB attachment (a ~25.5 MB message)
#
# Env: N (200), ATT (18m: make-eml.sh size), LABEL (safemail), SHARED_BENCH (../shared/bench). VmHWM is reset after a
# warm-up of 3 messages (JIT, inspector), through /proc/PID/clear_refs, so it is the peak of the concurrent run alone.
# Needs root (clear_refs), python3, smtp-sink (postfix), 7z (make-eml.sh aeszip).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
N=${N:-200}; ATT=${ATT:-18m}; LABEL=${LABEL:-safemail}
WORK=$(mktemp -d /tmp/concurrent-attachments.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export SINK_PORT; SINK_PORT=$(free_port); export SAFEMAIL_PORT; SAFEMAIL_PORT=$(free_port)
export SAFEMAIL_DATA=/var/tmp/safemail-attbench SAFEMAIL_LOG_LEVEL=${SAFEMAIL_LOG_LEVEL:-Warning}
bash "$SHARED_BENCH/make-eml.sh" "$ATT" "$WORK/att.eml" aeszip >&2 || exit 1
cat > "$WORK/send.py" <<'PY'
import smtplib, sys, threading, time
port, n, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
data = open(path, 'rb').read()
ok, err = [], []
def one(i):
    try:
        with smtplib.SMTP('127.0.0.1', port, timeout=900) as s:
            s.sendmail('bench@src.test', ['rcpt@dst.test'], data)   # smtplib sends CRLF and dot-stuffs
        ok.append(i)
    except Exception as e:
        err.append(repr(e)[:200])
t0 = time.time()
threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print(f"sent_ok={len(ok)} errors={len(err)} wall_s={time.time() - t0:.1f}", err[:3], file=sys.stderr)
PY
smtp-sink -4 -c -u nobody "127.0.0.1:$SINK_PORT" 256 > "$WORK/sink.log" 2>&1 & SINK=$!
(cd "$ROOT" && exec setsid tests/bench/safemail-for-bench.sh) > "$WORK/gateway.log" 2>&1 & GW=$!
trap 'kill -TERM -- -$GW 2>/dev/null; kill $SINK 2>/dev/null' EXIT
for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$SAFEMAIL_PORT") 2>/dev/null && break; sleep 0.2; done
PID=$(ss -ltnpH "sport = :$SAFEMAIL_PORT" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
[ -n "$PID" ] || { tail -n 20 "$WORK/gateway.log" >&2; exit 1; }
python3 "$WORK/send.py" "$SAFEMAIL_PORT" 3 "$WORK/att.eml"
sleep 3
echo 5 > "/proc/$PID/clear_refs"
base=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
python3 "$WORK/send.py" "$SAFEMAIL_PORT" "$N" "$WORK/att.eml"
got=0
for _ in $(seq 1 1200); do
  got=$(tr '\r' '\n' < "$WORK/sink.log" | grep -o 'mesg=[0-9]*' | tail -n 1 | cut -d= -f2); got=${got:-0}
  (( got >= N + 3 )) && break; sleep 0.5
done
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
echo "label=$LABEL clients=$N delivered=$((got - 3)) rss_before_mib=$((base / 1024)) vmhwm_mib=$((hwm / 1024))"
