#!/usr/bin/env bash
# run-all.sh - every test of Miraie SafeMail, from a fresh clone: corpus, build, all suites, one summary line.
#
#   tests/run-all.sh            install missing Debian packages (root or sudo), build the corpus, run every suite
#
# The last line is "N passed, N failed" summed over all suites; the exit code is non-zero if anything failed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS=$ROOT/artifacts/test-results
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

tests/install-deps.sh
echo "== corpus (tests/corpus/make-corpus.sh)"
tests/corpus/make-corpus.sh

echo "== build"
status=0
build_warnings=0
# The build must be quiet: a restore or compiler warning (NU1603 once printed 132 of them, on stdout under `dotnet run`)
# counts as a failure here even where it is not an error.
if ! dotnet build Miraie.SafeMail.sln -c Release -nologo -v quiet 2>&1 | tee "$RESULTS/build.log"; then
  echo "0 passed, 1 failed"   # the build itself failed: nothing ran
  exit 1
fi
build_warnings=$(grep -cE ': warning [A-Z]+[0-9]+' "$RESULTS/build.log" || true)
if [ "$build_warnings" -gt 0 ]; then
  echo "build printed $build_warnings warning line(s): counted as a failure"
fi
echo "== dotnet test"
dotnet test Miraie.SafeMail.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" || status=$?

# Sum every suite's counters from its TRX file.
read -r passed failed < <(python3 - "$RESULTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
print(passed, failed)
PY
)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # a suite crashed before writing results: count it as a failure, never as a pass
fi
[ "$build_warnings" -eq 0 ] || failed=$((failed + 1))

# The add-in's browser code: node --test (office-addin-mock, an ES2016 parse of the send handler), counted from TAP.
echo "== add-in (node --test in tests/addin)"
addin_status=0
(cd tests/addin && npm ci --no-audit --no-fund --loglevel=error && node --test --test-reporter=tap) > "$RESULTS/addin.tap" 2>&1 || addin_status=$?
grep -E '^(not )?ok |^# (pass|fail)' "$RESULTS/addin.tap" || true
addin_pass=$(sed -n 's/^# pass //p' "$RESULTS/addin.tap" | tail -n 1)
addin_fail=$(sed -n 's/^# fail //p' "$RESULTS/addin.tap" | tail -n 1)
passed=$((passed + ${addin_pass:-0}))
failed=$((failed + ${addin_fail:-0}))
if [ "$addin_status" -ne 0 ] && [ "${addin_fail:-0}" -eq 0 ]; then
  tail -n 20 "$RESULTS/addin.tap"
  failed=$((failed + 1))   # npm or node failed before reporting: a failure, never a pass
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
