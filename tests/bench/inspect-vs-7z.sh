#!/usr/bin/env bash
# Inspection cost per message, with 7-Zip reading the same archives in the same run as the reference.
#
#   tests/bench/inspect-vs-7z.sh        build the harness (Release), make the inputs, print a Markdown table
#
# Inputs: WinZip AES-256 ZIPs of 5, 20 and 80 MiB made by 7-Zip; a plain ZIP of exactly 1,000 entries made by
# Info-ZIP; a message (.eml, base64) carrying the 20 MiB AES ZIP, as the gateway receives it.
# "in-process" is the gateway's cost: median of RUNS inspections after one warm-up, in one process.
# "process" runs a whole program once per measurement (hyperfine): startup included, for both tools alike.
# Needs 7z, zip, python3, hyperfine and jq (apt-get install p7zip-full zip hyperfine jq). Shared machines are
# noisy: compare ratios from one run only.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${RUNS:-10}
for tool in 7z zip python3 hyperfine jq; do
  command -v $tool >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
# shellcheck source=protect-vs-7z.sh
source "$ROOT/tests/bench/protect-vs-7z.sh"
WORK=$(mktemp -d /tmp/safemail-inspect-bench.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8

echo "building the harness (Release)..." >&2
dotnet build -c Release -nologo -v q "$ROOT/tests/Miraie.SafeMail.Benchmarks" -o "$WORK/harness" > "$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }
H="$WORK/harness/safemail-bench"

echo "making inputs..." >&2
for mb in 5 80; do
  head -c $((mb * 1024 * 1024)) /dev/urandom > "$WORK/data-$mb.bin"
  7z a -tzip -mem=AES256 -mx=0 -p"$BENCH_PASSWORD" "$WORK/aes-${mb}mb.zip" "$WORK/data-$mb.bin" > /dev/null
  rm "$WORK/data-$mb.bin"
done
make_aes_zip_20mb "$WORK" > /dev/null
make_plain_zip_1000 "$WORK" > /dev/null
python3 - "$WORK/aes-20mb.zip" "$WORK/aes-20mb.eml" <<'PY'
import sys, email.message, email.policy
m = email.message.EmailMessage()
m["From"] = "tanaka@example.co.jp"; m["To"] = "buyer@customer.example.com"; m["Subject"] = "見積データ"
m.set_content("お世話になっております。")
m.add_attachment(open(sys.argv[1], "rb").read(), maintype="application", subtype="zip", filename="見積データ.zip")
open(sys.argv[2], "wb").write(m.as_bytes(policy=email.policy.SMTP))
PY

row() { # label file [--message]
  local label=$1 file=$2 flag=${3:-}
  read -r median mean mbps alloc peak status < <("$H" inspect "$file" --runs "$RUNS" $flag)
  printf '| %s | %.1f MiB | %s | %s | %s | %s | %s |\n' "$label" "$(stat -c %s "$file" | awk '{print $1/1048576}')" \
    "$median" "$mbps" "$alloc" "$peak" "$status"
}

echo "## Inspection cost per message"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "- 7-Zip: $(7z | awk 'NF { print; exit }'); .NET: $(dotnet --version); harness: tests/Miraie.SafeMail.Benchmarks (Release)"
echo
echo "### In-process (what a running gateway pays), median of $RUNS after one warm-up"
echo
echo "| input | size | median (ms) | MB/s | allocated per message (MiB) | peak working set (MiB) | result |"
echo "|---|---:|---:|---:|---:|---:|---|"
row "AES-256 ZIP (7-Zip)" "$WORK/aes-5mb.zip"
row "AES-256 ZIP (7-Zip)" "$WORK/aes-20mb.zip"
row "AES-256 ZIP (7-Zip)" "$WORK/aes-80mb.zip"
row "message with the 20 MiB AES ZIP (base64)" "$WORK/aes-20mb.eml" --message
row "plain ZIP, 1,000 entries (Info-ZIP)" "$WORK/plain-1000.zip"
echo
echo "### Whole process, same run as 7-Zip (hyperfine, $RUNS runs, startup included for both)"
echo
echo "| input | 7-Zip command | 7-Zip (ms) | safemail-bench inspect --runs 1 (ms) | ratio |"
echo "|---|---|---:|---:|---:|"
compare() { # label file 7z-args...
  local label=$1 file=$2; shift 2
  hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/h.json" "7z $* $file" "$H inspect $file --runs 1" > "$WORK/h.txt" 2>&1 \
    || { cat "$WORK/h.txt" >&2; exit 1; }
  jq -r --arg l "$label" --arg c "7z $*" '"| \($l) | `\($c)` | \(.results[0].median*1000|round) | \(.results[1].median*1000|round) | \((.results[1].median/.results[0].median*100|round)/100)× |"' "$WORK/h.json"
}
compare "AES-256 ZIP 20 MiB: list entries (what inspection needs)" "$WORK/aes-20mb.zip" l -slt
compare "AES-256 ZIP 20 MiB: decrypt and test (7-Zip with the password)" "$WORK/aes-20mb.zip" t -p"$BENCH_PASSWORD"
compare "plain ZIP, 1,000 entries: decompress and CRC-check every entry" "$WORK/plain-1000.zip" t
