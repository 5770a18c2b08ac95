#!/usr/bin/env bash
# What the decoding stage costs on plain source code, in instructions rather than seconds:
# cachegrind counts one pass of `benches/decode_cost.rs` over the same files with decoding
# on, off, and not at all, each after the same uncounted-in-effect warm-up pass that compiles
# the rules' regexes, and the script prints the ratio of the two passes.
# Instruction counts repeat exactly on a busy machine, where timings swing by several points;
# they leave out cache misses and mispredicted branches, so they complement the timed pairs.
#
# Usage: benches/decode-instructions.sh   (needs valgrind)
set -euo pipefail

cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
bench=$(cargo bench --bench decode_cost --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*decode_cost[^"]*\)".*/\1/p' | tail -1)
[[ -x $bench ]] || { echo "could not build the decode_cost bench" >&2; exit 1; }

count() {
    local out
    out=$(mktemp)
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$out" "$bench" once "$1" \
        >/dev/null 2>&1
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out"
    rm -f "$out"
}

none=$(count none) off=$(count off) on=$(count on)
[[ -n $none && -n $off && -n $on ]] || { echo "cachegrind gave no count" >&2; exit 1; }
awk -v none="$none" -v off="$off" -v on="$on" 'BEGIN {
    printf "decoding off: %.1f M instructions\n", (off - none) / 1e6
    printf "decoding on:  %.1f M instructions\n", (on - none) / 1e6
    printf "cost: %+.1f %% in instructions\n", (on - off) / (off - none) * 100
}'
