#!/usr/bin/env bash
# Password-protected ZIP: safemail's ProtectedZipWriter against 7-Zip, in the same run, on the same inputs.
#
#   tests/bench/protect-vs-7z.sh [bench]            build the Release harness, time both tools, print a table
#   tests/bench/protect-vs-7z.sh make-aes-zip DIR   write DIR/aes-20mb.zip (7-Zip AES-256, password below)
#   tests/bench/protect-vs-7z.sh make-plain-zip DIR write DIR/plain-1000.zip (1,000 small unencrypted entries)
#   source tests/bench/protect-vs-7z.sh             to call make_aes_zip_20mb / make_plain_zip_1000 yourself
#
# Environment: RUNS (timed runs per command, default 10), RSS_RUNS (runs under /usr/bin/time, default 5),
# SIZE_MB (input size, default 20), KEEP=1 keeps the temp dir. Needs 7z (p7zip-full), dotnet, /usr/bin/time
# (package "time"); uses hyperfine when installed (apt-get install hyperfine), else /usr/bin/time alone.
# Shared machines are noisy: only the ratios from one run mean anything.

BENCH_PASSWORD='Bench7Pa55wordXq'

# make_aes_zip_20mb DIR — a 20 MB WinZip AES-256 ZIP of incompressible data, made by 7-Zip (a real sender's
# tool), for inspection benchmarks. Prints the path. Password: $BENCH_PASSWORD.
make_aes_zip_20mb() {
    local dir=$1
    mkdir -p "$dir"
    head -c $((20 * 1024 * 1024)) /dev/urandom > "$dir/見積データ.bin"
    rm -f "$dir/aes-20mb.zip"
    7z a -tzip -mem=AES256 -mx=0 -p"$BENCH_PASSWORD" "$dir/aes-20mb.zip" "$dir/見積データ.bin" > /dev/null
    rm -f "$dir/見積データ.bin"
    echo "$dir/aes-20mb.zip"
}

# make_plain_zip_1000 DIR — a plain (unencrypted) ZIP with 1,000 small text entries in a few folders, made by
# Info-ZIP zip, for inspection benchmarks (per-entry overhead). Prints the path.
make_plain_zip_1000() {
    local dir=$1 src i
    src=$(mktemp -d "$dir/plain-src.XXXXXX")
    for i in $(seq -w 1 1000); do
        mkdir -p "$src/部署$((10#$i % 10))"
        printf '顧客番号,%s\n氏名,山田太郎\nmemo,plain entry %s\n' "$i" "$i" > "$src/部署$((10#$i % 10))/顧客_$i.csv"
    done
    rm -f "$dir/plain-1000.zip"
    (cd "$src" && zip -q -r -D "$dir/plain-1000.zip" .) # -D: files only, exactly 1,000 entries
    rm -rf "$src"
    echo "$dir/plain-1000.zip"
}

_need() {
    command -v "$1" > /dev/null || { echo "missing: $1 ($2)" >&2; exit 1; }
}

# _rss_and_wall CMD... — runs once under /usr/bin/time; prints "wall_seconds peak_rss_kib".
_rss_and_wall() {
    local log
    log=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$log" "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; cat "$log" >&2; exit 1; }
    tail -n 1 "$log"
    rm -f "$log"
}

_median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench() {
    set -euo pipefail
    _need 7z "apt-get install p7zip-full"
    _need dotnet "the .NET SDK"
    [ -x /usr/bin/time ] || { echo "missing: /usr/bin/time (apt-get install time)" >&2; exit 1; }

    local root harness runs rss_runs size kind input work
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    runs=${RUNS:-10}
    rss_runs=${RSS_RUNS:-5}
    size=$(( ${SIZE_MB:-20} * 1024 * 1024 ))
    work=$(mktemp -d /tmp/safemail-bench.XXXXXX)
    BENCH_WORK=$work
    [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$BENCH_WORK"' EXIT

    echo "building safemail and the input generator (Release)..." >&2
    dotnet build -c Release -nologo -v q "$root/src/Miraie.SafeMail.Cli" -o "$work/cli" > "$work/build.log" 2>&1 \
        || { cat "$work/build.log" >&2; exit 1; }
    dotnet build -c Release -nologo -v q "$root/tests/Miraie.SafeMail.Benchmarks" -o "$work/harness" > "$work/build.log" 2>&1 \
        || { cat "$work/build.log" >&2; exit 1; }
    harness="$work/harness/safemail-bench"
    export LANG=C.UTF-8 LC_ALL=C.UTF-8

    "$harness" gen-random "$size" "$work/random.bin"
    "$harness" gen-text "$size" "$work/text.csv"

    echo "## Password ZIP: safemail vs 7-Zip"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ { print $2 }') GiB"
    echo "- 7-Zip: $(7z | awk 'NF { print; exit }')"
    echo "- .NET: $(dotnet --version); safemail: src/Miraie.SafeMail.Cli (Release)"
    echo "- inputs: $((size / 1024 / 1024)) MiB random bytes; $((size / 1024 / 1024)) MiB Japanese/English CSV text (deterministic)"
    echo "- 7-Zip command: \`7z a -tzip -mem=AES256 -pPASS out.zip IN\` (7-Zip's defaults: deflate, level 5)"
    echo "- safemail command: \`safemail protect IN -o out.zip --force\` (AES-256, deflate level 6, store when incompressible, generates the password, self-checks the archive with the inspector)"
    echo "- timing: ${runs} runs each after 1 warm-up ($(command -v hyperfine > /dev/null && echo hyperfine || echo '/usr/bin/time')), peak RSS: median of ${rss_runs} runs under /usr/bin/time"
    echo
    echo "| input | tool | wall median (s) | wall mean ± σ (s) | peak RSS (MiB) | archive (MiB) | safemail / 7-Zip (wall) |"
    echo "|---|---|---:|---:|---:|---:|---:|"

    for kind in random text; do
        input="$work/$kind.bin"
        [ "$kind" = text ] && input="$work/text.csv"
        local seven="7z a -tzip -mem=AES256 -p$BENCH_PASSWORD $work/7z-$kind.zip $input"
        local ours="$work/cli/safemail protect $input -o $work/sm-$kind.zip --force"
        local seven_median ours_median seven_mean ours_mean
        if command -v hyperfine > /dev/null; then
            hyperfine -N -w 1 -r "$runs" --export-json "$work/$kind.json" \
                --prepare "rm -f $work/7z-$kind.zip $work/sm-$kind.zip" "$seven" "$ours" > "$work/$kind.hyperfine.txt" 2>&1 \
                || { cat "$work/$kind.hyperfine.txt" >&2; exit 1; }
            seven_median=$(jq -r '.results[0].median' "$work/$kind.json")
            ours_median=$(jq -r '.results[1].median' "$work/$kind.json")
            seven_mean=$(jq -r '.results[0] | "\(.mean * 1000 | round / 1000) ± \(.stddev * 1000 | round / 1000)"' "$work/$kind.json")
            ours_mean=$(jq -r '.results[1] | "\(.mean * 1000 | round / 1000) ± \(.stddev * 1000 | round / 1000)"' "$work/$kind.json")
        fi

        # Peak RSS (and wall time when hyperfine is missing): interleaved runs, A B A B ...
        local i seven_rss=() ours_rss=() seven_wall=() ours_wall=() line
        for i in $(seq 1 "$rss_runs"); do
            rm -f "$work/7z-$kind.zip" "$work/sm-$kind.zip"
            line=$(_rss_and_wall $seven); seven_wall+=("${line% *}"); seven_rss+=("${line#* }")
            line=$(_rss_and_wall $ours); ours_wall+=("${line% *}"); ours_rss+=("${line#* }")
        done
        if [ -z "${seven_median:-}" ]; then
            seven_median=$(printf '%s\n' "${seven_wall[@]}" | _median); seven_mean=-
            ours_median=$(printf '%s\n' "${ours_wall[@]}" | _median); ours_mean=-
        fi

        # Both archives must open and check out, or the timing means nothing.
        7z t -p"$BENCH_PASSWORD" "$work/7z-$kind.zip" > /dev/null || { echo "7-Zip's archive does not test OK" >&2; exit 1; }
        local password
        password=$("$work/cli/safemail" protect "$input" -o "$work/sm-$kind.zip" --force | sed -n 's/^password: //p')
        7z t -p"$password" "$work/sm-$kind.zip" > /dev/null || { echo "safemail's archive does not test OK" >&2; exit 1; }

        local mib='{ printf "%.1f", $1 / 1024 }' mb='{ printf "%.2f", $1 / 1048576 }'
        printf '| %s | 7-Zip | %.3f | %s | %s | %s | |\n' "$kind" "$seven_median" "$seven_mean" \
            "$(printf '%s\n' "${seven_rss[@]}" | _median | awk "$mib")" "$(stat -c %s "$work/7z-$kind.zip" | awk "$mb")"
        printf '| %s | safemail | %.3f | %s | %s | %s | **%.2f×** |\n' "$kind" "$ours_median" "$ours_mean" \
            "$(printf '%s\n' "${ours_rss[@]}" | _median | awk "$mib")" "$(stat -c %s "$work/sm-$kind.zip" | awk "$mb")" \
            "$(awk -v a="$ours_median" -v b="$seven_median" 'BEGIN { print a / b }')"
        unset seven_median
    done
    echo
    echo "Targets: random ≤ 1.00×, text ≤ 1.50×."
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-bench}" in
        bench) bench ;;
        make-aes-zip) make_aes_zip_20mb "${2:?directory}" ;;
        make-plain-zip) make_plain_zip_1000 "${2:?directory}" ;;
        *) sed -n '2,14p' "$0"; exit 2 ;;
    esac
fi
