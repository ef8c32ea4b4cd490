#!/usr/bin/env bash
# inspect-before-after.sh - the inspector's cost per message for ordinary mail, two builds side by side in one run:
# BEFORE (a commit) against this working tree. Made for "the cost per message must not grow for mail without the new
# parts" (issue 12): a new parser must cost nothing where its format is absent.
#
#   BEFORE=5a0ae78 tests/bench/inspect-before-after.sh      # needs the corpus (tests/corpus/make-corpus.sh), python3
#
# Inputs: ordinary messages from the corpus (no signature, no report, no new container), the shared relay benchmark's
# 100 KB AES-ZIP message (../shared/bench/make-eml.sh), and a 1,000-entry plain ZIP as an attachment. For each input and
# build: `safemail-bench inspect FILE --runs RUNS [--message]` (median of RUNS in one process after a warm-up), the two
# builds alternating, ROUNDS times; the table shows the median of the rounds and after/before.
# Env: BEFORE (required), RUNS (200), ROUNDS (3), SHARED_BENCH (../shared/bench beside the repository).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${BEFORE:?set BEFORE to the commit to compare with}"
RUNS=${RUNS:-200}; ROUNDS=${ROUNDS:-3}; SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
M=$ROOT/tests/corpus/out/messages
[ -d "$M" ] || { echo "inspect-before-after: run tests/corpus/make-corpus.sh first" >&2; exit 1; }
WORK=$(mktemp -d /tmp/inspect-before-after.XXXXXX)
cleanup() { git -C "$ROOT" worktree remove --force "$WORK/before-src" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

echo "inspect-before-after: building $BEFORE and the working tree (Release)" >&2
git -C "$ROOT" worktree add -q --detach "$WORK/before-src" "$BEFORE"
dotnet build -c Release -nologo -v q "$WORK/before-src/tests/Miraie.SafeMail.Benchmarks" -o "$WORK/before" > "$WORK/build-before.log" 2>&1 \
  || { cat "$WORK/build-before.log" >&2; exit 1; }
dotnet build -c Release -nologo -v q "$ROOT/tests/Miraie.SafeMail.Benchmarks" -o "$WORK/after" > "$WORK/build-after.log" 2>&1 \
  || { cat "$WORK/build-after.log" >&2; exit 1; }

bash "$SHARED_BENCH/make-eml.sh" 100k "$WORK/att-100k.eml" aeszip > /dev/null 2>&1
mkdir -p "$WORK/plain1000" && for i in $(seq -w 1 1000); do printf 'line %s\n' "$i" > "$WORK/plain1000/f$i.txt"; done
(cd "$WORK/plain1000" && zip -q -r "$WORK/plain-1000.zip" .)

INPUTS=(
  "message, no attachment|$M/ext-no-attachment.eml|--message"
  "message, plain PDF|$M/ext-plain-pdf.eml|--message"
  "message, plain .xlsx|$M/ext-plain-xlsx.eml|--message"
  "message, AES ZIP (Japanese name)|$M/ext-aes-zip-japanese-name.eml|--message"
  "message, meeting request|$M/ext-meeting-request.eml|--message"
  "message, winmail.dat with AES ZIP|$M/ext-tnef-aes-zip.eml|--message"
  "message, forwarded message with AES ZIP|$M/ext-forwarded-message-aes-zip.eml|--message"
  "message, 100 KB AES ZIP (relay benchmark's)|$WORK/att-100k.eml|--message"
  "attachment, plain ZIP of 1,000 entries|$WORK/plain-1000.zip|"
)

for entry in "${INPUTS[@]}"; do
  IFS='|' read -r label file flag <<<"$entry"
  [ -f "$file" ] || { echo "inspect-before-after: missing $file" >&2; exit 1; }
  for round in $(seq 1 "$ROUNDS"); do
    for build in before after; do
      runs=$RUNS; [ -z "$flag" ] && runs=$((RUNS / 10 + 1))
      read -r median _ < <("$WORK/$build/safemail-bench" inspect "$file" --runs "$runs" $flag)
      echo "$label|$build|$round|$median" >> "$WORK/raw"
    done
  done
done

echo "## Inspection of ordinary mail: $BEFORE vs this tree"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- \`safemail-bench inspect --runs $RUNS\` (1/10 as many for the ZIP), builds alternating, $ROUNDS rounds; median of the rounds' medians"
echo
python3 - "$WORK/raw" "$BEFORE" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, build, _, median = line.rstrip("\n").split("|")
    rows.setdefault(label, {"before": [], "after": []})[build].append(float(median))
print(f"| input | {sys.argv[2]} (ms) | this tree (ms) | after / before | rounds before | rounds after |")
print("|---|---:|---:|---:|---|---|")
for label, r in rows.items():
    b, a = statistics.median(r["before"]), statistics.median(r["after"])
    print(f"| {label} | {b:.3f} | {a:.3f} | {a / b:.2f}× | {', '.join(f'{x:.3f}' for x in r['before'])} | {', '.join(f'{x:.3f}' for x in r['after'])} |")
PY
