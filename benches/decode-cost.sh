#!/usr/bin/env bash
# What the decoding stage costs end to end: `keysweep scan` of Django's history and of its
# directory tree (the inputs benches/compare.sh builds), with decoding on (the defaults) and off
# (`--max-decode-depth 0 --no-archives`), in alternating order, best of N rounds each, and the
# median of the paired ratios.
#
# Usage: benches/decode-cost.sh [--rounds N] [--quick]
#   --rounds N  rounds per input (default 6)
#   --quick     the quick inputs (4 Django versions) instead of the full ones
#
# Env: KEYSWEEP_BENCH_CACHE  where compare.sh left its inputs (default <repo>/target/bench-cache)
#      KEYSWEEP_BIN          binary to time (default: target/release/keysweep, which the script
#                            builds first, so a stale build is never timed)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KEYSWEEP_BENCH_CACHE:-$ROOT/target/bench-cache}
BIN=${KEYSWEEP_BIN:-$ROOT/target/release/keysweep}
rounds=6 profile=full
while (( $# )); do
    case $1 in
        --rounds) rounds=${2:?--rounds needs a number}; shift ;;
        --quick) profile=quick ;;
        -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

history=$CACHE/history-$profile.git dir=$CACHE/dirtree-$profile
if [[ ! -d $history || ! -d $dir ]]; then
    echo "inputs missing: run benches/make-history-repo.sh --$profile (or benches/compare.sh) first" >&2
    exit 1
fi
if [[ -z ${KEYSWEEP_BIN:-} ]]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi
[[ -x $BIN ]] || { echo "$BIN is not executable" >&2; exit 2; }

# Nanoseconds of wall time for one scan; keysweep exits 1 when it finds something, 2 on error.
time_scan() {
    local started ended status=0
    started=$(date +%s%N)
    "$BIN" scan "$@" --format json --output /dev/null -q >/dev/null 2>&1 || status=$?
    ended=$(date +%s%N)
    if (( status > 1 )); then
        echo "keysweep scan $* failed with exit code $status" >&2
        exit 1
    fi
    echo $(( ended - started ))
}

measure() {
    local name=$1; shift
    local on=() off=()
    for (( round = 0; round < rounds; round++ )); do
        if (( round % 2 == 0 )); then
            on+=("$(time_scan "$@")"); off+=("$(time_scan "$@" --max-decode-depth 0 --no-archives)")
        else
            off+=("$(time_scan "$@" --max-decode-depth 0 --no-archives)"); on+=("$(time_scan "$@")")
        fi
    done
    python3 - "$name" "${on[*]}" "${off[*]}" <<'PY'
import statistics, sys
name = sys.argv[1]
on, off = ([int(t) / 1e9 for t in arg.split()] for arg in sys.argv[2:4])
ratio = statistics.median(a / b for a, b in zip(on, off))
print(f"| {name} | {min(on):.2f} | {min(off):.2f} | {(min(on) / min(off) - 1) * 100:+.0f} % | {(ratio - 1) * 100:+.0f} % |")
PY
}

echo "keysweep $("$BIN" --version | awk '{print $2}'), $rounds rounds, $(nproc) cores"
echo
echo "| input | on, best s | off, best s | best to best | median of pairs |"
echo "|---|---:|---:|---:|---:|"
measure "history ($profile)" --history-only "$history"
measure "directory ($profile)" "$dir"
