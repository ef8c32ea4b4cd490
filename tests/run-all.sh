#!/usr/bin/env bash
# run-all.sh - every test of Miraie SafeMail, from a fresh clone: corpus, build, all suites, one summary line.
#
#   tests/run-all.sh            install missing Debian packages (root or sudo), build the corpus, run every suite
#
# The .NET suites run twice: on SQLite (every test project) and on PostgreSQL (the projects whose tests open the
# database: those with Support/TestDatabase.cs, own or linked) against a throw-away cluster tests/postgres.sh starts on a
# free port and stops at the end, also on failure. SAFEMAIL_PG_DIR names the cluster's folder (default: a new one).
# The last line is "N passed, N failed" summed over all suites and both runs; the exit code is non-zero if anything failed.
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

# The PostgreSQL run's cluster: its own folder (never another run's or a developer's), stopped on any exit.
export SAFEMAIL_PG_DIR=${SAFEMAIL_PG_DIR:-$(mktemp -d /tmp/safemail-pg-ci.XXXXXX)}
trap 'tests/postgres.sh stop || true' EXIT
echo "== PostgreSQL (tests/postgres.sh start, in $SAFEMAIL_PG_DIR)"
started=$(date +%s)
if ! tests/postgres.sh start >/dev/null; then
  tail -n 20 "$SAFEMAIL_PG_DIR/server.log" 2>/dev/null || true
  echo "0 passed, 1 failed"   # no database for the PostgreSQL run
  exit 1
fi
echo "$("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/postgres" --version) on $(sed -E 's/.*Host=([^;]+);Port=([0-9]+).*/\1:\2/' "$SAFEMAIL_PG_DIR/connection"), started in $(( $(date +%s) - started )) s"

# The projects whose tests open the database, as a solution filter for the PostgreSQL run.
python3 - "$RESULTS/postgresql.slnf" <<'PY'
import json, os, re, sys
root = os.getcwd()
projects = []
for line in open("Miraie.SafeMail.sln", encoding="utf-8-sig"):
    m = re.match(r'Project\("[^"]+"\) = "[^"]+", "([^"]+\.csproj)"', line)
    if not m:
        continue
    path = m.group(1).replace("\\", "/")
    folder = os.path.dirname(path)
    text = open(path, encoding="utf-8").read()
    if "<IsTestProject>true</IsTestProject>" in text and (os.path.exists(os.path.join(folder, "Support", "TestDatabase.cs")) or "TestDatabase.cs" in text):
        projects.append(m.group(1))
json.dump({"solution": {"path": os.path.relpath(os.path.join(root, "Miraie.SafeMail.sln"), os.path.dirname(sys.argv[1])), "projects": projects}},
          open(sys.argv[1], "w"), indent=2)
print("   on PostgreSQL too: " + ", ".join(os.path.basename(p.replace("\\", "/"))[:-len(".csproj")] for p in projects))
PY

# run_tests PROVIDER FOLDER TARGET FILTER [VAR=VALUE...]: one dotnet test run, its TRX files in a folder of its own (so the
# two runs' counts add up); prints which provider it used, its counts and its time. FILTER leaves out the tests that are
# about the other provider only (category PostgreSql: clusters, failover, the move into PostgreSQL; category Sqlite:
# SQLite's database-wide write lock) — they run, and count, in their own run.
crashed=0
run_tests() {
  local provider=$1 folder=$RESULTS/$2 target=$3 filter=$4
  shift 4
  local began=$SECONDS run_status=0 run_passed run_failed
  echo "== dotnet test on $provider ($target, $filter)"
  env "$@" dotnet test "$target" -c Release --no-build --nologo --filter "$filter" \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$folder" || run_status=$?
  read -r run_passed run_failed < <(count "$folder")
  echo "== $provider: $run_passed passed, $run_failed failed in $(( SECONDS - began )) s (dotnet test exit $run_status)"
  if [ "$run_status" -ne 0 ] && [ "$run_failed" -eq 0 ]; then
    crashed=$((crashed + 1))   # a suite crashed before writing results: a failure, never a pass
  fi
}

# count DIR: "passed failed" summed over the TRX files under DIR.
count() {
  python3 - "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
print(passed, failed)
PY
}

run_tests SQLite sqlite Miraie.SafeMail.sln "TestCategory!=PostgreSql" SAFEMAIL_TEST_PROVIDER=Sqlite
run_tests PostgreSQL postgresql "$RESULTS/postgresql.slnf" "TestCategory!=Sqlite" SAFEMAIL_TEST_PROVIDER=PostgreSql "SAFEMAIL_TEST_POSTGRES=$(cat "$SAFEMAIL_PG_DIR/connection")"
tests/postgres.sh stop

# Sum every suite's counters from its TRX file, both runs.
read -r passed failed < <(count "$RESULTS")
failed=$((failed + crashed))
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
# The failed tests by name, with the first lines of their messages, just above the summary: a CI log is often read
# from its end only.
python3 - "$RESULTS" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
shown = 0
for path in sorted(glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)):
    run = path[len(sys.argv[1]) + 1:].split("/")[0]
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") in ("Passed", "NotExecuted", "Inconclusive"):
            continue
        if shown == 0:
            print("== failed tests")
        shown += 1
        message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
        print(f"FAILED [{run}] {r.get('testName')} ({r.get('duration')})")
        for line in message[:6]:
            print("    " + line[:300])
PY
grep -E '^not ok ' "$RESULTS/addin.tap" | sed 's/^/FAILED [add-in] /' || true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
