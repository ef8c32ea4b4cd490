#!/usr/bin/env bash
# download-links.sh - download throughput of the download page of policy action Link (issue 14): CONCURRENCY (100)
# simultaneous downloads of one SIZE_MB (20) MB file by one proven recipient, from the real safemail-gateway (Release,
# tests/bench/safemail-for-bench.sh, delivering into DATA/pickup), against the same file copied the same way over
# loopback from plain static servers in the same run: nginx (sendfile on, 2 workers) and Python's http.server
# (ThreadingHTTPServer), and `cat` of the file (no network). Every client is a curl process writing to /dev/null;
# RUNS (3) rounds, the three servers interleaved in each. Memory: the gateway's VmRSS and VmHWM (reset through
# /proc/PID/clear_refs before each measured phase) with one download at a time and with CONCURRENCY at once — a file
# must stream, so the peak may not grow with the file or the number of downloads beyond a buffer each.
#
#   tests/bench/download-links.sh                                  # SQLite (files under DATA/links)
#   PROVIDER=PostgreSql tests/bench/download-links.sh              # PostgreSQL (1 MiB chunks), a cluster of its own
#   SAFEMAIL_PG_CONNECTION="$(cat "$SAFEMAIL_PG_DIR/connection")" PROVIDER=PostgreSql tests/bench/download-links.sh
#       # a given cluster: a schema of this script's own (dl_bench_PID), dropped at the end; its CPU not counted
#
# The mail is sent with Python's smtplib; the link and the code are read from the pickup folder; the address is proven
# once with curl (antiforgery token, code form) for the session cookie that every download then sends.
# Env: CONCURRENCY (100), SIZE_MB (20), RUNS (3), SEQUENTIAL (5: downloads one at a time for the memory baseline), OUT.
# Prints a Markdown block for docs/benchmarks.md on stdout; progress on stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONCURRENCY=${CONCURRENCY:-100}; SIZE_MB=${SIZE_MB:-20}; RUNS=${RUNS:-3}; SEQUENTIAL=${SEQUENTIAL:-5}; PROVIDER=${PROVIDER:-Sqlite}
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH" LC_ALL=C
OUT=${OUT:-$(mktemp -d /tmp/download-links.XXXXXX)}; mkdir -p "$OUT"
SENDER=tanaka@example.co.jp; TO=buyer@customer.example.com
log() { echo "download-links: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
command -v nginx > /dev/null || die "needs nginx (apt-get install nginx-light) for the reference"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2; }
status_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

GATEWAY_PGID=""; NGINX=""; PYSERVER=""; PG_SCHEMA=""; DATA=/var/tmp/download-links-$PROVIDER-$$
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
declare -A part=()
psql_bench() {
  PGPASSWORD=${part[Password]:-} "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "${part[Host]}" -p "${part[Port]}" -U "${part[Username]}" -d "${part[Database]}" "$@"
}
cleanup() {  # if-statements only: a failing test in the EXIT trap would end it under set -e
  set +e
  if [ -n "$GATEWAY_PGID" ]; then kill -TERM -- "-$GATEWAY_PGID" 2>/dev/null; wait "$GATEWAY_PGID" 2>/dev/null; fi
  if [ -n "$NGINX" ]; then kill "$NGINX" 2>/dev/null; wait "$NGINX" 2>/dev/null; fi
  if [ -n "$PYSERVER" ]; then kill "$PYSERVER" 2>/dev/null; wait "$PYSERVER" 2>/dev/null; fi
  if [ -n "$PG_SCHEMA" ]; then psql_bench -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >&2; fi
  rm -rf "$DATA" "$OUT/www/file.bin" "$OUT/check.bin"
  log "raw outputs in $OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$ROOT"
log "building (Release)"
dotnet build -c Release src/Miraie.SafeMail.Gateway -nologo -v q >&2 || die "build failed"

mkdir -p "$OUT/www"; chmod 755 "$OUT" "$OUT/www"
# SIZE_MB MB of random bytes behind a JPEG's first bytes: a kind the gateway identifies (content it cannot identify is
# quarantined, not linked; the entries of an archive are inspected too) and that no one would compress again.
python3 -c 'import os, sys; open(sys.argv[1], "wb").write(b"\xff\xd8\xff\xe0" + os.urandom(int(sys.argv[2]) * 1048576 - 4))' "$OUT/www/file.bin" "$SIZE_MB"
chmod 644 "$OUT/www/file.bin"
SIZE=$(stat -c %s "$OUT/www/file.bin"); SHA=$(sha256sum "$OUT/www/file.bin" | cut -d' ' -f1)

# ---- the gateway: every external recipient gets a link ---------------------------------------------------------------
export SafeMail__Policy__Rules__0__Name=link-external SafeMail__Policy__Rules__0__Action=Link SafeMail__Policy__Rules__0__When__Recipients=AnyExternal
export SafeMail__Policy__Rules__1__Name=default-pass SafeMail__Policy__Rules__1__Action=Pass
export SAFEMAIL_LOG_LEVEL=Warning
if [ "$PROVIDER" = PostgreSql ] && [ -n "${SAFEMAIL_PG_CONNECTION:-}" ]; then
  IFS=';' read -r -a pairs <<< "$SAFEMAIL_PG_CONNECTION"
  for p in "${pairs[@]}"; do [ -n "$p" ] && part[${p%%=*}]=${p#*=}; done
  PG_SCHEMA=dl_bench_$$; export SAFEMAIL_PG_SCHEMA=$PG_SCHEMA
fi
SMTP=$(free_port); DL=$(free_port)
(SAFEMAIL_PICKUP=1 SAFEMAIL_PORT=$SMTP SAFEMAIL_PROVIDER=$PROVIDER SAFEMAIL_DATA=$DATA SAFEMAIL_PG_DIR=/var/tmp/download-links-pg-$$ \
  SAFEMAIL_DOWNLOAD_URLS=http://127.0.0.1:$DL exec setsid bash tests/bench/safemail-for-bench.sh) > "$OUT/gateway.log" 2>&1 &
GATEWAY_PGID=$!
for _ in $(seq 1 1200); do port_open "$SMTP" && port_open "$DL" && break; kill -0 "$GATEWAY_PGID" 2>/dev/null || break; sleep 0.1; done
port_open "$DL" || { tail -n 30 "$OUT/gateway.log" >&2; die "the gateway did not listen"; }
PID=$(listener_pid "$DL")
log "gateway pid $PID ($PROVIDER): SMTP 127.0.0.1:$SMTP, download page 127.0.0.1:$DL"
PG_VERSION=""
[ "$PROVIDER" = PostgreSql ] && PG_VERSION=$(sed -n 's/^bench-info: PostgreSQL \([0-9.]*\).*/\1/p' "$OUT/gateway.log")

pickup() {  # waits for $1 delivered mails; prints what python3 finds in them ($2: link or code)
  python3 - "$DATA/pickup" "$1" "$2" <<'EOF'
import email, email.header, email.policy, glob, os, re, sys, time
folder, count, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
deadline = time.time() + 120
while time.time() < deadline:
    done = sorted(glob.glob(os.path.join(folder, "*.envelope.json")))
    if len(done) >= count:
        break
    time.sleep(0.2)
else:
    sys.exit(f"only {len(done)} of {count} mails delivered")
mails = [email.message_from_binary_file(open(f[:-len(".envelope.json")] + ".eml", "rb"), policy=email.policy.default) for f in done]
if what == "link":
    for m in mails:
        body = m.get_body(("plain",))
        found = re.search(r"http://127\.0\.0\.1:\d+/d/[A-Za-z0-9_-]{22}", body.get_content() if body else "")
        if found and not m.get_all("content-disposition") and not any(True for _ in m.iter_attachments()):
            print(found.group(0)); sys.exit(0)
    sys.exit("no mail with a link and without the attachment")
codes = [re.search(r"\d{6}", str(m["subject"])).group(0) for m in mails if str(m["subject"]).startswith("【確認コード】")]
print(codes[-1])
EOF
}

log "sending one mail with a $SIZE_MB MB attachment"
python3 - "$SMTP" "$OUT/www/file.bin" "$SENDER" "$TO" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
port, path, sender, to = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
m = EmailMessage()
m["From"], m["To"], m["Subject"] = sender, to, "設計データの送付"
m.set_content("設計データをお送りします。\n")
m.add_attachment(open(path, "rb").read(), maintype="image", subtype="jpeg", filename="現場写真.jpg")
with smtplib.SMTP("127.0.0.1", port, timeout=300) as s:
    print(s.send_message(m, sender, [to]) or "accepted", file=sys.stderr)
EOF
URL=$(pickup 2 link) || die "no link (see $OUT/gateway.log)"
log "link $URL"

# ---- prove the address once: the session cookie --------------------------------------------------------------------
JAR=$OUT/cookies
token() { python3 -c 'import html, re, sys; print(html.unescape(re.search(r"name=\"__af\" value=\"([^\"]+)\"", sys.stdin.read()).group(1)))'; }
AF=$(curl -sf -c "$JAR" -b "$JAR" "$URL" | token)
curl -sf -c "$JAR" -b "$JAR" --data-urlencode "__af=$AF" --data-urlencode "address=$TO" "$URL/code" > "$OUT/code.html"
CODE=$(pickup 3 code) || die "no code mail"
AF=$(token < "$OUT/code.html")
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" --data-urlencode "__af=$AF" --data-urlencode "address=$TO" --data-urlencode "code=$CODE" "$URL/open")
[ "$status" = 302 ] && grep -q "safemail-dl-${URL##*/}" "$JAR" || die "the code was not accepted ($status)"
FILE_URL=$URL/files/1
curl -sf -b "$JAR" -o "$OUT/check.bin" "$FILE_URL"
[ "$(sha256sum "$OUT/check.bin" | cut -d' ' -f1)" = "$SHA" ] || die "the downloaded file is not the attached one"
rm -f "$OUT/check.bin"
log "address proven; one download checked (sha256 equal)"

# ---- the references ------------------------------------------------------------------------------------------------
NGINX_PORT=$(free_port); mkdir -p "$OUT/nginx"
cat > "$OUT/nginx/nginx.conf" <<EOF
$([ "$(id -u)" = 0 ] && echo "user root root;")
daemon off; worker_processes 2; pid $OUT/nginx/nginx.pid; error_log $OUT/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path $OUT/nginx/client_body; proxy_temp_path $OUT/nginx/proxy; fastcgi_temp_path $OUT/nginx/fastcgi;
  uwsgi_temp_path $OUT/nginx/uwsgi; scgi_temp_path $OUT/nginx/scgi;
  server { listen 127.0.0.1:$NGINX_PORT; root $OUT/www; }
}
EOF
nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" 2> "$OUT/nginx/stderr" &
NGINX=$!
PY_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$OUT/www" "$PY_PORT" > "$OUT/python-http.log" 2>&1 &
PYSERVER=$!
for _ in $(seq 1 100); do port_open "$NGINX_PORT" && port_open "$PY_PORT" && break; sleep 0.1; done
port_open "$NGINX_PORT" || die "nginx did not start (see $OUT/nginx)"

# $1 label, $2 url ("cat" for the file itself), $3 concurrency, $4 count; prints seconds; every download must be whole.
fetch() {
  local label=$1 url=$2 n=$3 count=$4 start end
  start=$(date +%s.%N)
  if [ "$url" = cat ]; then
    seq "$count" | xargs -P "$n" -I{} sh -c 'cat "$1" > /dev/null && echo "200 $(stat -c %s "$1")"' _ "$OUT/www/file.bin" > "$OUT/$label.codes"
  else
    seq "$count" | xargs -P "$n" -I{} curl -s -o /dev/null -b "$JAR" -w '%{http_code} %{size_download}\n' "$url" > "$OUT/$label.codes"
  fi
  end=$(date +%s.%N)
  [ "$(grep -c "^200 $SIZE\$" "$OUT/$label.codes")" = "$count" ] || die "$label: not every download was whole ($(sort "$OUT/$label.codes" | uniq -c | head -n 3 | tr '\n' ' '))"
  echo "$start $end" | awk '{printf "%.3f", $2 - $1}'
}
mbps() { awk -v s="$1" -v n="$2" -v size="$SIZE" 'BEGIN { printf "%.0f", n * size / 1048576 / s }'; }

# Warm-up (JIT, page cache) and the memory baseline: one download at a time.
fetch warm-gateway "$FILE_URL" 1 2 > /dev/null; fetch warm-nginx "http://127.0.0.1:$NGINX_PORT/file.bin" 1 1 > /dev/null
fetch warm-python "http://127.0.0.1:$PY_PORT/file.bin" 1 1 > /dev/null
RSS_IDLE=$(status_kb "$PID" VmRSS); HWM_START=$(status_kb "$PID" VmHWM)
echo 5 > "/proc/$PID/clear_refs"
seq_s=$(fetch sequential "$FILE_URL" 1 "$SEQUENTIAL")
HWM_ONE=$(status_kb "$PID" VmHWM)
log "one at a time: $SEQUENTIAL downloads in $seq_s s ($(mbps "$seq_s" "$SEQUENTIAL") MB/s), VmHWM $((HWM_ONE / 1024)) MiB"

TOTAL=$((CONCURRENCY))
HWM_MANY=0
for run in $(seq 1 "$RUNS"); do
  echo 5 > "/proc/$PID/clear_refs"
  t0=$(cpu_ticks "$PID")
  g=$(fetch "gateway-$run" "$FILE_URL" "$CONCURRENCY" "$TOTAL")
  t1=$(cpu_ticks "$PID")
  hwm=$(status_kb "$PID" VmHWM); [ "$hwm" -gt "$HWM_MANY" ] && HWM_MANY=$hwm
  n=$(fetch "nginx-$run" "http://127.0.0.1:$NGINX_PORT/file.bin" "$CONCURRENCY" "$TOTAL")
  p=$(fetch "python-$run" "http://127.0.0.1:$PY_PORT/file.bin" "$CONCURRENCY" "$TOTAL")
  c=$(fetch "cat-$run" cat "$CONCURRENCY" "$TOTAL")
  cpu=$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$TOTAL" -v size="$SIZE" 'BEGIN { printf "%.2f", t / hz / (n * size / 1073741824) }')
  echo "$run $g $n $p $c $cpu $((hwm / 1024))" >> "$OUT/rows"
  log "run $run: gateway $g s ($(mbps "$g" "$TOTAL") MB/s, VmHWM $((hwm / 1024)) MiB), nginx $n s, python $p s, cat $c s"
done
RSS_AFTER=$(status_kb "$PID" VmRSS)

# ---- report --------------------------------------------------------------------------------------------------------
echo "### $PROVIDER ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "\`$([ "$PROVIDER" = Sqlite ] || echo "PROVIDER=$PROVIDER ")$([ -n "$PG_SCHEMA" ] && echo 'SAFEMAIL_PG_CONNECTION=… ')tests/bench/download-links.sh\`:"
echo "$CONCURRENCY concurrent downloads of one $SIZE_MB MB file (MB = MiB) per run, curl to /dev/null; load average $(cut -d' ' -f1-3 /proc/loadavg);"
echo "$(nproc) cores$([ -n "$PG_VERSION" ] && echo "; PostgreSQL $PG_VERSION$([ -n "$PG_SCHEMA" ] && echo ", a given cluster" || echo ", own cluster")")."
echo
echo "| run | gateway s | gateway MB/s | nginx MB/s | python http.server MB/s | cat MB/s | gateway / nginx | gateway / python | gateway CPU s per GiB | gateway VmHWM |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
while read -r run g n p c cpu hwm; do
  echo "| $run | $g | $(mbps "$g" "$TOTAL") | $(mbps "$n" "$TOTAL") | $(mbps "$p" "$TOTAL") | $(mbps "$c" "$TOTAL") | $(awk -v g="$g" -v n="$n" 'BEGIN { printf "%.2f×", n / g }') | $(awk -v g="$g" -v p="$p" 'BEGIN { printf "%.2f×", p / g }') | $cpu | $hwm MiB |"
done < "$OUT/rows"
echo
echo "Gateway memory: VmRSS $((RSS_IDLE / 1024)) MiB idle after the warm-up (VmHWM since start $((HWM_START / 1024)) MiB); VmHWM $((HWM_ONE / 1024)) MiB"
echo "over $SEQUENTIAL downloads one at a time ($(mbps "$seq_s" "$SEQUENTIAL") MB/s); VmHWM $((HWM_MANY / 1024)) MiB at most over the runs of $CONCURRENCY at once; VmRSS $((RSS_AFTER / 1024)) MiB after."
