#!/usr/bin/env bash
# Work-tree scans side by side: keysweep (`scan --no-history`), Betterleaks (`fs`) and a floor,
# `rg -uuu -c AKIA` (every file read once, one literal searched), on checkouts given by path.
# Runs alternate between the tools; the median and the best of N runs are printed, with each
# tool's median as a multiple of keysweep's.
#
# Usage: benches/work-tree.sh [--runs N] CHECKOUT...
#   (clone the fetched mirrors first, e.g. `git clone /path/to/cargo.git cargo`)
# Needs: a release build (cargo build --release), benches/setup-peers.sh run once, ripgrep.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CACHE=${KEYSWEEP_BENCH_CACHE:-$ROOT/target/bench-cache}
KS=${KEYSWEEP_BIN:-$ROOT/target/release/keysweep}
RUNS=5
if [[ ${1-} == --runs ]]; then
  RUNS=$2
  shift 2
fi
[[ $# -gt 0 ]] || { echo "usage: $0 [--runs N] CHECKOUT..." >&2; exit 2; }
# shellcheck source=/dev/null
source "$CACHE/peers.env"
command -v rg >/dev/null || { echo "ripgrep (rg) is needed for the floor" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Wall seconds of one run of "$@" (its output discarded; findings are not failures).
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

stats() { # stats VALUES... -> "median best"
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.3f %.3f", m, v[1]}'
}

printf '| checkout | keysweep median (best) | Betterleaks median (best) | × keysweep | rg -uuu -c AKIA median (best) | keysweep ÷ rg |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for tree in "$@"; do
  ks=() bl=() rgs=()
  for _ in $(seq "$RUNS"); do
    ks+=("$(seconds "$KS" scan "$tree" --no-history -q --format json -o "$out/ks.json")")
    bl+=("$(seconds "$BETTERLEAKS" fs "$tree" --no-banner -s --exit-code 99 -o "$out/bl.json")")
    rgs+=("$(seconds rg -uuu -c AKIA "$tree")")
  done
  read -r ksm ksb <<<"$(stats "${ks[@]}")"
  read -r blm blb <<<"$(stats "${bl[@]}")"
  read -r rgm rgb <<<"$(stats "${rgs[@]}")"
  printf '| %s | %s (%s) | %s (%s) | %.1f | %s (%s) | %.1f |\n' "$(basename "$tree")" \
    "$ksm" "$ksb" "$blm" "$blb" "$(echo "$blm / $ksm" | bc -l)" "$rgm" "$rgb" "$(echo "$ksm / $rgm" | bc -l)"
done
