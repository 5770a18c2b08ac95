#!/usr/bin/env bash
# Times `keysweep sweep` over 50 local repositories (10 upstreams made from real crate sources,
# 40 forks of them that share most blobs): a cold sweep, a warm one with nothing changed, and a
# warm one after one new commit in 5 repositories; next to a floor, `git cat-file` reading every
# object of all 50 repositories.
#
# Usage: benches/sweep.sh [--rebuild] [--jobs N]
#   --rebuild   build the corpus again even if the work dir has one
#   --jobs N    passed to `keysweep sweep --jobs` (default: keysweep's own, one per core)
#
# Env: KEYSWEEP_SWEEP_BENCH_DIR  work dir (default ${TMPDIR:-/tmp}/keysweep-sweep-bench)
#      KEYSWEEP_BIN              binary to time (default: target/release/keysweep, which the
#                                script builds first, so a stale build is never timed)
#
# The corpus comes from crates in ~/.cargo/registry/src/*/ (no network): commits have a fixed
# identity and fixed dates, so the same crates give the same commit ids. Four upstreams (and so
# their forks) carry a fake AWS key pair, committed then replaced, so findings are non-zero.
# Each run sweeps a fresh copy of the corpus, so runs are comparable.
set -euo pipefail
shopt -s lastpipe # `producer | commit_stdin` runs commit_stdin here, so its clock tick sticks

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${KEYSWEEP_SWEEP_BENCH_DIR:-${TMPDIR:-/tmp}/keysweep-sweep-bench}
UPSTREAMS=10
FORKS_PER=4
CORPUS_VERSION=3 # bump when the corpus recipe changes
# Django's history as benches/compare.sh builds it (511 MB of blobs): when present it is the first
# upstream, so the corpus has one large repository (and its forks) among the small ones.
BIG=${KEYSWEEP_SWEEP_BENCH_BIG:-$ROOT/target/bench-cache/history-full.git}

rebuild=0 jobs=()
while (( $# )); do
    case $1 in
        --rebuild) rebuild=1 ;;
        --jobs) jobs=(--jobs "${2:?--jobs needs a number}"); shift ;;
        --jobs=*) jobs=(--jobs "${1#--jobs=}") ;;
        -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

say() { printf '[sweep-bench] %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

KS=${KEYSWEEP_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/keysweep}
if [[ -z ${KEYSWEEP_BIN:-} ]]; then
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release)
fi
[[ -x $KS ]] || { echo "$KS is not executable" >&2; exit 2; }

# git with a fixed identity and no user or system configuration (autocrlf, hooks, signing...).
g() {
    GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git \
        -c user.name=bench -c user.email=bench@example.invalid \
        -c init.defaultBranch=main -c commit.gpgsign=false -c core.autocrlf=false "$@"
}
# Every commit gets the next fixed date: same inputs, same commit ids.
CLOCK=1700000000
tick() {
    CLOCK=$((CLOCK + 3600))
    export GIT_AUTHOR_DATE="$CLOCK +0000" GIT_COMMITTER_DATE="$CLOCK +0000"
}

# commit_stdin GITDIR PATH MESSAGE < CONTENT: one commit on HEAD writing PATH (plumbing only,
# so it works on bare repositories).
commit_stdin() {
    local gd=$1 path=$2 msg=$3 idx blob tree commit
    idx=$WORK/tmp.index
    rm -f "$idx"
    GIT_INDEX_FILE=$idx g --git-dir="$gd" read-tree HEAD
    blob=$(g --git-dir="$gd" hash-object -w --stdin)
    GIT_INDEX_FILE=$idx g --git-dir="$gd" update-index --add --cacheinfo "100644,$blob,$path"
    tree=$(GIT_INDEX_FILE=$idx g --git-dir="$gd" write-tree)
    tick
    commit=$(g --git-dir="$gd" commit-tree "$tree" -p HEAD -m "$msg")
    g --git-dir="$gd" update-ref -m "$msg" HEAD "$commit"
    rm -f "$idx"
}

# A fake AWS key pair derived from a name: key id AKIA + 16 of [A-Z2-7], secret 40 of base64.
fake_aws() {
    python3 - "$1" <<'PY'
import base64, hashlib, sys
h = hashlib.sha256(b"keysweep sweep bench " + sys.argv[1].encode()).digest()
print("AKIA" + base64.b32encode(h).decode()[:16])
print(base64.b64encode(hashlib.sha256(h).digest()[:30]).decode())
PY
}

# --- 1. the corpus (built once, reused) ---
CORPUS=$WORK/corpus
pick_crates() { # -> lines "name dir", the UPSTREAMS largest (by file count) of a fixed list, topped up from any crate
    local regs reg preferred=(ring gix gix-pack gix-config gix-ref gix-odb regex-syntax regex-automata
        serde_json syn rayon-core aho-corasick clap_builder rustls rustls-webpki zip)
    regs=("${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/)
    reg=${regs[0]}
    [[ -d $reg ]] || { echo "no crate sources in ~/.cargo/registry/src/ (run cargo fetch in $ROOT)" >&2; exit 2; }
    local want=$UPSTREAMS
    [[ -d $BIG ]] && want=$((UPSTREAMS - 1))
    python3 - "$reg" "$want" "${preferred[@]}" <<'PY'
import os, re, sys
reg, want, preferred = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def split(d):  # "gix-pack-0.77.0" -> ("gix-pack", (0, 77, 0))
    m = re.match(r"^(.+?)-(\d+)\.(\d+)\.(\d+)", d)
    return (m.group(1), tuple(int(x) for x in m.groups()[1:])) if m else (None, None)
newest = {}
for d in sorted(os.listdir(reg)):
    name, version = split(d)
    if name and (name not in newest or version > newest[name][0]):
        newest[name] = (version, d)
def files(d):
    return sum(len(fs) for _, _, fs in os.walk(os.path.join(reg, d)))
def largest(names, limit):
    sized = [(files(newest[n][1]), n) for n in names if n in newest]
    sized = [(f, n) for f, n in sized if 10 <= f <= limit]  # not trivial, not huge
    return [n for f, n in sorted(sized, key=lambda t: (-t[0], t[1]))]
chosen = largest(preferred, 100000)[:want]
if len(chosen) < want:
    rest = [n for n in newest if n not in chosen]
    chosen += largest(rest, 1500)[: want - len(chosen)]
for n in chosen:
    print(n, os.path.join(reg, newest[n][1]))
PY
}

# add_forks GITDIR NAME FILE: clones (hard-linked packs, like a forge's shared object pool) with
# 1-2 commits of their own, the second patching FILE.
add_forks() {
    local gd=$1 name=$2 file=$3 k
    for ((k = 1; k <= FORKS_PER; k++)); do
        g clone -q --bare "$gd" "$CORPUS/$name-fork$k.git"
        printf 'Fork %d of %s.\n' "$k" "$name" | commit_stdin "$CORPUS/$name-fork$k.git" FORK.md "fork $k: say so"
        if (( k % 2 == 0 )); then
            { g --git-dir="$gd" cat-file blob "HEAD:$file"; printf '# patched in fork %d\n' "$k"; } |
                commit_stdin "$CORPUS/$name-fork$k.git" "$file" "fork $k: patch $file"
        fi
    done
}

build_corpus() {
    local n=0 line name dir stage gd k top_files id key crates
    rm -rf "$CORPUS" && mkdir -p "$CORPUS"
    mapfile -t crates < <(pick_crates)
    [[ -d $BIG ]] && crates=("django $BIG" "${crates[@]}")
    (( ${#crates[@]} == UPSTREAMS )) || { echo "found ${#crates[@]} crates, need $UPSTREAMS" >&2; exit 2; }
    for line in "${crates[@]}"; do
        name=${line%% *} dir=${line#* }
        say "upstream $((n + 1))/$UPSTREAMS: $name ($(basename "$dir"))"
        if [[ $dir == "$BIG" ]]; then
            g clone -q --bare --no-local "$BIG" "$CORPUS/$name.git"
            add_forks "$CORPUS/$name.git" "$name" README.rst
            n=$((n + 1))
            continue
        fi
        stage=$WORK/stage/$name
        rm -rf "$stage" && mkdir -p "$stage" && cp -R "$dir/." "$stage/"
        rm -f "$stage/.cargo-ok"
        g init -q "$stage"
        # Commits by directory: the top-level files, then src/, then everything else.
        mapfile -t top_files < <(cd "$stage" && find . -maxdepth 1 -type f -printf '%P\n' | sort)
        tick; g -C "$stage" add -f -- "${top_files[@]}"
        g -C "$stage" commit -q -m "$name: manifest and top-level files"
        if [[ -d $stage/src ]]; then
            tick; g -C "$stage" add -f -- src && g -C "$stage" commit -q -m "$name: sources"
        fi
        tick; g -C "$stage" add -f -A -- .
        g -C "$stage" diff --cached --quiet || g -C "$stage" commit -q -m "$name: tests, examples and the rest"
        gd=$CORPUS/$name.git
        g clone -q --bare --no-local "$stage" "$gd"
        rm -rf "$stage"
        if (( n % 3 == 0 )); then # 4 of the 10: a key pair committed, then replaced (history only)
            { read -r id; read -r key; } < <(fake_aws "$name")
            printf '# deploy credentials for %s\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nAWS_REGION=eu-west-1\n' \
                "$name" "$id" "$key" | commit_stdin "$gd" deploy/aws.env "$name: deploy config"
            printf '# deploy credentials for %s: from the environment\nAWS_REGION=eu-west-1\n' "$name" |
                commit_stdin "$gd" deploy/aws.env "$name: take the deploy keys from the environment"
        else # a modification: the manifest gains a line
            { g --git-dir="$gd" cat-file blob HEAD:Cargo.toml; printf '\n# maintained by the %s team\n' "$name"; } |
                commit_stdin "$gd" Cargo.toml "$name: note the maintainers"
        fi
        g --git-dir="$gd" gc -q
        add_forks "$gd" "$name" Cargo.toml
        n=$((n + 1))
    done
    rm -rf "$WORK/stage"
    echo "$CORPUS_VERSION" >"$CORPUS/.ready"
}

mkdir -p "$WORK"
if (( rebuild )) || [[ ! -f $CORPUS/.ready || $(cat "$CORPUS/.ready") != "$CORPUS_VERSION" ]]; then
    say "building the corpus in $CORPUS"
    build_corpus
else
    say "reusing the corpus in $CORPUS (--rebuild to build it again)"
fi

# --- 2. a fresh copy to sweep (warm run 2 adds commits to it) ---
RUN=$WORK/run
rm -rf "$RUN" && mkdir -p "$RUN"
cp -a "$CORPUS" "$RUN/repos" # -a keeps the forks' packs hard-linked
rm -f "$RUN/repos/.ready"
REPOS=$RUN/repos
DB=$RUN/sweep.db
mapfile -t repos < <(find "$REPOS" -mindepth 1 -maxdepth 1 -name '*.git' | sort)
(( ${#repos[@]} == UPSTREAMS * (1 + FORKS_PER) )) || { echo "expected $((UPSTREAMS * (1 + FORKS_PER))) repositories, found ${#repos[@]}" >&2; exit 2; }

# --- 3. the floor: read every object of every repository ---
floor() {
    local r
    for r in "${repos[@]}"; do g --git-dir="$r" cat-file --batch-all-objects --batch --unordered >/dev/null; done
}
floor # warm the page cache first
t0=$(now); floor; floor_s=$(since "$t0")
read -r floor_objects floor_bytes < <(for r in "${repos[@]}"; do
    g --git-dir="$r" cat-file --batch-all-objects --batch-check='%(objectsize)' --unordered
done | awk '{ n++; b += $1 } END { printf "%d %d\n", n, b }')
commits=0
for r in "${repos[@]}"; do commits=$((commits + $(g --git-dir="$r" rev-list --count --all))); done

# --- 4. the sweeps ---
declare -a RUN_NAME RUN_SECONDS
sweep() { # LABEL
    local rc=0 t
    t=$(now)
    "$KS" sweep --dir "$REPOS" --store "$DB" --quiet "${jobs[@]}" || rc=$?
    RUN_SECONDS+=("$(since "$t")")
    RUN_NAME+=("$1")
    if (( rc > 1 )); then echo "keysweep sweep exited $rc ($1)" >&2; exit 1; fi
    say "$1: ${RUN_SECONDS[-1]} s (exit $rc)"
}
rm -f "$DB"
sweep "cold"
sweep "warm, nothing changed"
# One new commit in 5 repositories: 2 upstreams and 3 forks.
mapfile -t ups < <(printf '%s\n' "${repos[@]}" | grep -v -- '-fork[0-9]*\.git$')
mapfile -t forks < <(printf '%s\n' "${repos[@]}" | grep -- '-fork[0-9]*\.git$')
for r in "${ups[1]}" "${ups[6]}" "${forks[4]}" "${forks[17]}" "${forks[30]}"; do
    { printf 'Release notes for %s\n\n' "$(basename "$r" .git)"; seq 1 200 | sed 's/^/- change /'; } |
        commit_stdin "$r" CHANGES.md "$(basename "$r" .git): release notes"
done
sweep "warm, 5 repos with a new commit"

# --- 5. the table ---
"$KS" report --store "$DB" --summary --format json >"$RUN/summary.json"
python3 - "$RUN/summary.json" "$floor_s" "$floor_objects" "$floor_bytes" "$commits" "${#repos[@]}" \
    "${RUN_SECONDS[@]}" "${RUN_NAME[@]}" <<'PY'
import json, sys
path, floor_s, floor_objects, floor_bytes, commits, repos = sys.argv[1:7]
rest = sys.argv[7:]
seconds, names = rest[: len(rest) // 2], rest[len(rest) // 2 :]
s = json.load(open(path))["summary"]
runs = s["runs"][-len(names):]
mb = lambda b: b / 1e6
rate = lambda b, t: f"{mb(b) / max(float(t), 0.01):.1f}"
print()
print(f"### keysweep sweep: {repos} repositories (10 upstreams, 40 forks), {commits} commits, "
      f"{s['blobs']} distinct blobs, {mb(s['bytes']):.1f} MB of distinct blobs")
print()
print("| run | seconds | new blobs scanned | MB scanned | MB/s |")
print("|---|---:|---:|---:|---:|")
for name, t, r in zip(names, seconds, runs):
    print(f"| {name} | {float(t):.2f} | {r['blobs_scanned']} | {mb(r['bytes_scanned']):.2f} | {rate(r['bytes_scanned'], t)} |")
print(f"| floor: git cat-file --batch-all-objects, all {repos} repos | {float(floor_s):.2f} | "
      f"{floor_objects} objects | {mb(int(floor_bytes)):.2f} | {rate(int(floor_bytes), floor_s)} |")
print()
print(f"Findings: {s['findings']} ({s['secrets']} distinct secrets); by rule: "
      + ", ".join(f"{k} {v}" for k, v in sorted(s['by_rule'].items())))
print("MB = 10^6 bytes. The floor reads every object (commits and trees too) of every repository, "
      "forks' shared objects once per fork; a sweep scans each distinct blob once.")
PY
say "store: $DB, repositories: $REPOS"
