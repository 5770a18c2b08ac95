#!/usr/bin/env bash
# End-to-end benchmark: keysweep against Betterleaks, gitleaks and Kingfisher, side by side
# in the same run, on a full-history scan of a real-sized git repository and on a directory
# scan, each next to a "floor" (the time to merely read the same bytes).
#
# Usage: benches/compare.sh [--quick] [--runs N] [--mode history|dir|both]
#                           [--peers-only] [--no-build] [--repo GIT_DIR]...
#   --quick       smaller repository (4 versions, ~80 MB of blobs) and 1 run: a smoke run
#   --runs N      runs per tool, the best (lowest wall time) is reported (default 3; env RUNS)
#   --mode M      only the history or only the directory benchmark (default both)
#   --peers-only  do not build or run keysweep
#   --no-build    do not run cargo; use the existing release binary if there is one
#   --repo DIR    time the history scan of this git repository (bare or not; repeatable) instead
#                 of Django's: real histories (rust-lang/cargo, curl/curl, git/git) are given by
#                 path, never downloaded here; implies --mode history
#
# Env: KEYSWEEP_BENCH_CACHE  cache dir (default <repo>/target/bench-cache)
#      KEYSWEEP_BIN          keysweep binary to measure (implies --no-build)
#      KEYSWEEP_HISTORY_CMD / KEYSWEEP_DIR_CMD  override the keysweep arguments below
#
# Exit status: 0 when every tool ran; 1 when one failed (crashed, or an exit code outside
# its "ran fine" set: findings are not failures); 2 on bad usage.
set -euo pipefail

# --- keysweep's arguments: {out} becomes the report path, {target} the repo or directory ---
KEYSWEEP_HISTORY_CMD=${KEYSWEEP_HISTORY_CMD:-'scan --history-only --format json --output {out} {target}'}
KEYSWEEP_DIR_CMD=${KEYSWEEP_DIR_CMD:-'scan --format json --output {out} {target}'}
# keysweep exit codes: 0 clean, 1 findings, 2 error.
KEYSWEEP_OK="0 1"

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/.." && pwd))
CACHE=${KEYSWEEP_BENCH_CACHE:-$ROOT/target/bench-cache}
export KEYSWEEP_BENCH_CACHE=$CACHE

quick=0 peers_only=0 no_build=0 mode=both runs=${RUNS:-}
repos=()
while (( $# )); do
    case $1 in
        --quick) quick=1 ;;
        --peers-only) peers_only=1 ;;
        --no-build) no_build=1 ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --runs=*) runs=${1#--runs=} ;;
        --mode) mode=${2:?--mode needs history, dir or both}; shift ;;
        --mode=*) mode=${1#--mode=} ;;
        --repo) repos+=("$(cd "${2:?--repo needs a path}" && pwd)"); shift ;;
        -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ $mode == history || $mode == dir || $mode == both ]] || { echo "bad --mode $mode" >&2; exit 2; }
[[ -z $runs ]] && { if (( quick )); then runs=1; else runs=3; fi; }
(( ${#repos[@]} )) && mode=history
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bad run count: $runs" >&2; exit 2; }

say() { printf '[compare] %s\n' "$*" >&2; }

# --- 1. keysweep (the only cargo call) ---
KS=
ks_skip_reason=
if (( peers_only )); then
    ks_skip_reason="--peers-only"
elif [[ -n ${KEYSWEEP_BIN:-} ]]; then
    KS=$KEYSWEEP_BIN
else
    ks_path=${CARGO_TARGET_DIR:-$ROOT/target}/release/keysweep
    if (( no_build )); then
        KS=$ks_path
    else
        say "cargo build --release"
        if (cd "$ROOT" && cargo build --release); then
            KS=$ks_path
        else
            ks_skip_reason="cargo build --release failed"
        fi
    fi
fi
if [[ -n $KS && ! -x $KS ]]; then
    ks_skip_reason="no keysweep binary at $KS"
    KS=
fi
[[ -n $ks_skip_reason ]] && say "SKIPPING keysweep: $ks_skip_reason"

# --- 2. peers and inputs ---
"$HERE/setup-peers.sh" >/dev/null
# shellcheck source=/dev/null
source "$CACHE/peers.env"
profile=full; (( quick )) && profile=quick
if (( ${#repos[@]} == 0 )); then
    "$HERE/make-history-repo.sh" "--$profile" >/dev/null
    # shellcheck source=/dev/null
    source "$CACHE/$profile.env"
else
    profile=repos
fi
export XDG_CACHE_HOME=$CACHE/xdg-cache # Kingfisher's compiled-rule cache
PY=$CACHE/venv/bin/python

RES=$CACHE/results/$(date +%Y%m%d-%H%M%S)-$profile
mkdir -p "$RES"

ks_args() { # template out target -> KS_ARGS array
    local w
    KS_ARGS=()
    read -r -a words <<<"$1"
    for w in "${words[@]}"; do
        w=${w//\{out\}/$2}
        KS_ARGS+=("${w//\{target\}/$3}")
    done
}

KS_VERSION=-
if [[ -n $KS ]]; then
    KS_VERSION=$("$KS" --version 2>/dev/null | head -n1 || true)
    [[ -n $KS_VERSION ]] || KS_VERSION='? (--version failed)'
fi
if [[ -n $KS && -n ${SANITY_REPO:-} ]]; then
    # Does keysweep see a secret that only lives in history? (warning only)
    ks_args "$KEYSWEEP_HISTORY_CMD" "$RES/sanity-keysweep.json" "$SANITY_REPO"
    rc=0; "$KS" "${KS_ARGS[@]}" >"$RES/sanity-keysweep.log" 2>&1 || rc=$?
    if [[ $rc != 1 ]]; then
        say "WARNING: keysweep on the sanity repo (secret committed then deleted) exited $rc, expected 1 (findings); see $RES/sanity-keysweep.log"
    fi
fi

# --- tools ---
# cmd_for TOOL MODE OUT TARGET -> CMD array, OK (space-separated exit codes meaning "ran fine"),
# STDOUT (where the tool's standard output goes)
cmd_for() {
    local tool=$1 m=$2 out=$3 target=$4
    STDOUT=${out%.json}.stdout
    case $tool/$m in
        floor/history)
            CMD=(git -C "$target" cat-file --batch-all-objects --batch --unordered); OK="0"; STDOUT=/dev/null ;;
        floor/dir)
            # shellcheck disable=SC2016 # $0 is expanded by the inner bash
            CMD=(bash -c 'find "$0" -type f -print0 | xargs -0 cat' "$target"); OK="0"; STDOUT=/dev/null ;;
        keysweep/history) ks_args "$KEYSWEEP_HISTORY_CMD" "$out" "$target"; CMD=("$KS" "${KS_ARGS[@]}"); OK=$KEYSWEEP_OK ;;
        keysweep/dir) ks_args "$KEYSWEEP_DIR_CMD" "$out" "$target"; CMD=("$KS" "${KS_ARGS[@]}"); OK=$KEYSWEEP_OK ;;
        # Betterleaks / gitleaks: exit 1 means findings *or* error, so findings get 99.
        betterleaks/history) CMD=("$BETTERLEAKS" git "$target" --no-banner -s --exit-code 99 -o "$out"); OK="0 99" ;;
        betterleaks/dir) CMD=("$BETTERLEAKS" fs "$target" --no-banner -s --exit-code 99 -o "$out"); OK="0 99" ;;
        gitleaks/history) CMD=("$GITLEAKS" git "$target" --no-banner --exit-code 99 -f json -r "$out"); OK="0 99" ;;
        gitleaks/dir) CMD=("$GITLEAKS" dir "$target" --no-banner --exit-code 99 -f json -r "$out"); OK="0 99" ;;
        # Kingfisher: 0 clean, 200 findings, 205 validated findings. History is on by default.
        kingfisher/history) CMD=("$KINGFISHER" --no-update-check scan "$target" --no-validate -q -f json -o "$out"); OK="0 200 205" ;;
        kingfisher/dir) CMD=("$KINGFISHER" --no-update-check scan "$target" --no-validate --git-history none -q -f json -o "$out"); OK="0 200 205" ;;
        *) echo "no command for $tool/$m" >&2; exit 2 ;;
    esac
}

# count_findings REPORT -> prints "N" (or "?"), plus " NOTE..." for tool-reported extras;
# exits 3 when a Kingfisher report says the scan was partial or failed.
count_findings() {
    "$PY" - "$1" <<'EOF' 2>/dev/null || { [[ $? == 3 ]] && return 3; echo "?"; }
import json, sys
p = sys.argv[1]
try:
    d = json.load(open(p))
except ValueError:  # JSON Lines
    with open(p) as f:
        print(sum(1 for line in f if line.strip()))
    sys.exit(0)
note = ""
if isinstance(d, list):
    n = len(d)
elif isinstance(d, dict) and isinstance(d.get("findings"), list):
    n = len(d["findings"])
elif isinstance(d, dict) and isinstance(d.get("findings"), int):
    n = d["findings"]
elif isinstance(d, dict) and isinstance(d.get("runs"), list):  # SARIF
    n = sum(len(r.get("results", [])) for r in d["runs"])
else:
    print("?"); sys.exit(0)
summary = (d.get("metadata") or {}).get("summary") if isinstance(d, dict) else None
if summary and "bytes_scanned" in summary:
    note = f" (reports {summary['bytes_scanned']} bytes in {summary.get('blobs_scanned')} blobs)"
print(f"{n}{note}")
audit = (d.get("audit") or {}).get("summary") if isinstance(d, dict) else None
if audit and (audit.get("scan_partial", 0) or audit.get("scan_failed", 0)):
    sys.exit(3)
EOF
}

failures=0
declare -A WALL WALLS RSS CPU STATUS FIND CMDLINE

# run_mode MODE TARGET BYTES: every tool once per round, N rounds (interleaved, so that a
# disturbance from the rest of the machine spreads over all tools), best wall time kept.
run_mode() {
    local m=$1 target=$2 bytes=$3 r t rc out base w k u s
    local tools=(floor)
    [[ -n $KS ]] && tools+=(keysweep)
    tools+=(betterleaks gitleaks kingfisher)
    for t in "${tools[@]}"; do STATUS[$m/$t]=ok; WALL[$m/$t]=; WALLS[$m/$t]=; done
    for ((r = 1; r <= runs; r++)); do
        for t in "${tools[@]}"; do
            [[ ${STATUS[$m/$t]} == ok ]] || continue
            base=$RES/$m-$t-$r
            out=$base.json
            cmd_for "$t" "$m" "$out" "$target"
            CMDLINE[$m/$t]=$(printf '%q ' "${CMD[@]}")
            say "$m run $r/$runs: $t"
            rm -f "$out"
            rc=0
            (cd "$RES" && /usr/bin/time -f '%e %M %U %S' -o "$base.time" "${CMD[@]}" >"$STDOUT" 2>"$base.stderr") || rc=$?
            if [[ " $OK " != *" $rc "* ]]; then
                STATUS[$m/$t]="FAILED (exit $rc)"
                failures=$((failures + 1))
                say "$t ($m) FAILED with exit $rc: ${CMD[*]}"
                tail -n 5 "$base.stderr" | sed 's/^/    /' >&2
                continue
            fi
            read -r w k u s < <(tail -n 1 "$base.time")
            WALLS[$m/$t]+="$w "
            if [[ -z ${WALL[$m/$t]} ]] || awk -v a="$w" -v b="${WALL[$m/$t]}" 'BEGIN { exit !(a < b) }'; then
                WALL[$m/$t]=$w
                RSS[$m/$t]=$k
                CPU[$m/$t]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
            fi
            if [[ $t == floor ]]; then
                FIND[$m/$t]=-
            elif [[ -s $out ]]; then
                rc=0
                FIND[$m/$t]=$(count_findings "$out") || rc=$?
                if [[ $rc == 3 ]]; then
                    STATUS[$m/$t]="FAILED (report says partial/failed scan)"
                    failures=$((failures + 1))
                fi
            else
                FIND[$m/$t]="? (no report)"
            fi
        done
    done

    local title label
    if [[ $m == history ]]; then title="History scan"; else title="Directory scan"; fi
    if [[ $m == history ]]; then
        label="full history of $REPO: $COMMITS commits, $BLOB_COUNT blobs, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB of blobs"
    else
        label="directory $DIR: $DIR_FILES files, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB"
    fi
    {
        echo
        echo "### $title: $label (best and median of $runs)"
        echo
        echo "| tool | wall s (best) | median s | MB/s | CPU s | peak RSS MiB | × floor | × keysweep | findings |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
        local fw=${WALL[$m/floor]:-} kw=
        [[ -n $KS && ${STATUS[$m/keysweep]:-} == ok ]] && kw=${WALL[$m/keysweep]:-}
        for t in "${tools[@]}"; do
            local name=$t
            [[ $t == floor ]] && { [[ $m == history ]] && name="floor (git cat-file --batch-all-objects)" || name="floor (cat all files)"; }
            if [[ ${STATUS[$m/$t]} != ok || -z ${WALL[$m/$t]} ]]; then
                echo "| $name | ${STATUS[$m/$t]} | | | | | | | |"
                continue
            fi
            local median
            median=$(tr ' ' '\n' <<<"${WALLS[$m/$t]}" | sed '/^$/d' | sort -g |
                awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
            awk -v name="$name" -v w="${WALL[$m/$t]}" -v med="$median" -v b="$bytes" -v cpu="${CPU[$m/$t]}" -v k="${RSS[$m/$t]}" \
                -v fw="$fw" -v kw="$kw" -v f="${FIND[$m/$t]}" 'BEGIN {
                    ws = (w > 0) ? w : 0.01
                    xf = (fw != "" && fw > 0) ? sprintf("%.1f", w / fw) : "—"
                    xk = (kw != "" && kw > 0) ? sprintf("%.2f", w / kw) : "—"
                    printf "| %s | %.2f | %s | %.1f | %s | %.0f | %s | %s | %s |\n", name, w, med, b / 1e6 / ws, cpu, k / 1024, xf, xk, f
                }'
        done
        echo
        echo "Commands:"
        for t in "${tools[@]}"; do echo "- $t: \`${CMDLINE[$m/$t]:-}\`"; done
    } | tee -a "$RES/summary.md"
}

# --- machine and versions ---
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)
[[ -n $cpu_model ]] || cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
{
    echo "## keysweep end-to-end comparison ($profile, $(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "- machine: $(nproc) CPUs, $cpu_model, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- keysweep: ${KS:+$KS_VERSION}${ks_skip_reason:+skipped ($ks_skip_reason)}"
    echo "- betterleaks $BETTERLEAKS_VERSION, gitleaks $GITLEAKS_VERSION, kingfisher $KINGFISHER_VERSION, $(git --version)"
    if (( ${#repos[@]} )); then
        echo "- inputs: ${repos[*]}; validation off everywhere; default rules; reports written to files"
    else
        echo "- inputs: Django ${VERSIONS%% *} .. ${VERSIONS##* } sdists ($(wc -w <<<"$VERSIONS") versions); validation off everywhere; default rules; reports written to files"
    fi
    echo "- MB = 10^6 bytes of input (history: total blob bytes, not what each tool decodes); peak RSS is the largest single process of the tool's tree (gitleaks and betterleaks also run \`git log -p\`)"
} | tee "$RES/summary.md"

if (( ${#repos[@]} )); then
    for REPO in "${repos[@]}"; do
        git_dir=$(git -C "$REPO" rev-parse --absolute-git-dir)
        COMMITS=$(git --git-dir="$git_dir" rev-list --all --count)
        read -r BLOB_COUNT BLOB_BYTES < <(git --git-dir="$git_dir" cat-file --batch-all-objects \
            --batch-check='%(objecttype) %(objectsize)' | awk '$1 == "blob" { n++; s += $2 } END { print n, s }')
        git --git-dir="$git_dir" cat-file --batch-all-objects --batch --unordered >/dev/null # warm the cache
        run_mode history "$REPO" "$BLOB_BYTES"
    done
else
    # warm the page cache before the first timing
    git --git-dir="$REPO" cat-file --batch-all-objects --batch --unordered >/dev/null
    find "$DIR" -type f -print0 | xargs -0 cat >/dev/null

    [[ $mode == history || $mode == both ]] && run_mode history "$REPO" "$BLOB_BYTES"
    [[ $mode == dir || $mode == both ]] && run_mode dir "$DIR" "$DIR_BYTES"
fi

echo
say "logs and reports: $RES"
if (( failures )); then
    say "$failures tool run(s) failed"
    exit 1
fi
