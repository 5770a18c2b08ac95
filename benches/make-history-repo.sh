#!/usr/bin/env bash
# Build the benchmark inputs, offline-reproducible from PyPI alone:
#
#  * a bare git repository whose history is successive released versions of Django's source
#    distribution (sdist: code, tests, docs, locale files), one commit per version, each
#    commit replacing the whole tree with that version (so deletions and renames are real),
#    with a fixed author/committer and fixed dates: the same versions give the same commit
#    ids on any machine. Packed with `git gc` like a real clone. Bare on purpose: there is
#    no working tree, so every tool scans history only (Kingfisher would otherwise also scan
#    a checked-out tree).
#  * a directory tree (no .git) for the directory-scan benchmark: the last version(s)
#    unpacked side by side.
#
# Usage: make-history-repo.sh [--quick|--full]     (default --full)
#   full : 32 versions, each feature release x.y.0 and its last patch x.y.N, 1.8 .. 5.2.19;
#          dir tree = the last 4 versions side by side
#   quick: the last 4 of those (5.1 .. 5.2.19); dir tree = the last version
#
# Outputs (under $KEYSWEEP_BENCH_CACHE, default <repo>/target/bench-cache):
#   sdists/                 downloaded sdists (shared by both profiles)
#   history-<profile>.git   the repository
#   dirtree-<profile>/      the directory tree
#   <profile>.env           REPO=, DIR=, BLOB_COUNT=, BLOB_BYTES=, DIR_FILES=, DIR_BYTES=, ...
# Idempotent: a step whose output exists is skipped (delete the output to rebuild it).
#
# Env: BENCH_VERSIONS  space-separated Django versions overriding the profile's list
#                      (the profile is then named custom-<hash>)
#      BENCH_DIR_COUNT how many of the last versions to unpack into the dir tree
#      PYTHON          interpreter whose pip downloads the sdists (default: the bench venv's
#                      python if present, else python3)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/.." && pwd))
CACHE=${KEYSWEEP_BENCH_CACHE:-$ROOT/target/bench-cache}

FULL_VERSIONS=(
    1.8 1.8.19 1.9 1.9.13 1.10 1.10.8 1.11 1.11.29
    2.0 2.0.13 2.1 2.1.15 2.2 2.2.28
    3.0 3.0.14 3.1 3.1.14 3.2 3.2.25
    4.0 4.0.10 4.1 4.1.13 4.2 4.2.30
    5.0 5.0.14 5.1 5.1.15 5.2 5.2.19
)

profile=full
case "${1:-}" in
    --quick) profile=quick ;;
    --full | "") profile=full ;;
    *) echo "usage: $0 [--quick|--full]" >&2; exit 2 ;;
esac

if [[ -n ${BENCH_VERSIONS:-} ]]; then
    read -r -a VERSIONS <<<"$BENCH_VERSIONS"
    profile=custom-$(printf '%s' "${VERSIONS[*]}" | sha1sum | cut -c1-8)
    dir_count=${BENCH_DIR_COUNT:-1}
elif [[ $profile == quick ]]; then
    VERSIONS=("${FULL_VERSIONS[@]: -4}")
    dir_count=${BENCH_DIR_COUNT:-1}
else
    VERSIONS=("${FULL_VERSIONS[@]}")
    dir_count=${BENCH_DIR_COUNT:-4}
fi
(( dir_count > ${#VERSIONS[@]} )) && dir_count=${#VERSIONS[@]}

if [[ -z ${PYTHON:-} ]]; then
    if [[ -x $CACHE/venv/bin/python ]]; then PYTHON=$CACHE/venv/bin/python; else PYTHON=python3; fi
fi

SDISTS=$CACHE/sdists
REPO=$CACHE/history-$profile.git
DIR=$CACHE/dirtree-$profile
ENVF=$CACHE/$profile.env
mkdir -p "$SDISTS"

log() { printf '[make-history-repo] %s\n' "$*" >&2; }

sdist_of() { # version -> path of its downloaded sdist (empty if absent)
    find "$SDISTS" -maxdepth 1 -type f -iname "django-$1.tar.gz" | head -n1
}

unpack() { # sdist dest
    rm -rf "$2"; mkdir -p "$2"
    tar -xzf "$1" -C "$2" --strip-components=1 --no-same-owner
}

# 1. Download (one pip call per version: pip resolves the requirements of one call together).
for v in "${VERSIONS[@]}"; do
    [[ -n $(sdist_of "$v") ]] && continue
    log "downloading Django $v sdist"
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
        --no-binary :all: -d "$SDISTS" "django==$v"
    [[ -n $(sdist_of "$v") ]] || { log "no sdist for Django $v after download"; exit 1; }
done

# 2. The repository.
if [[ ! -d $REPO ]]; then
    tmp=$REPO.tmp
    stage=$CACHE/stage-$profile
    rm -rf "$tmp" "$stage"
    git init -q --bare --template= -b main "$tmp"
    mkdir -p "$tmp/info"
    git --git-dir="$tmp" config gc.auto 0
    git --git-dir="$tmp" config core.autocrlf false
    git --git-dir="$tmp" config core.excludesFile /dev/null
    # Commit bytes exactly as shipped: no eol conversion from any .gitattributes in a tree.
    echo '* -text' >"$tmp/info/attributes"
    i=0
    for v in "${VERSIONS[@]}"; do
        log "committing Django $v ($((i + 1))/${#VERSIONS[@]})"
        unpack "$(sdist_of "$v")" "$stage"
        # Fixed identity and dates (one day apart): reproducible commit ids.
        date="@$((1577836800 + i * 86400)) +0000"
        (
            cd "$stage"
            export GIT_DIR=$tmp GIT_WORK_TREE=$stage
            export GIT_AUTHOR_NAME='keysweep bench' GIT_AUTHOR_EMAIL=bench@keysweep.invalid
            export GIT_COMMITTER_NAME='keysweep bench' GIT_COMMITTER_EMAIL=bench@keysweep.invalid
            export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
            git add -A -f .
            git commit -q --no-verify --allow-empty -m "Django $v"
        )
        i=$((i + 1))
    done
    rm -rf "$stage" "$tmp/index" "$tmp/info/attributes" "$tmp/COMMIT_EDITMSG"
    log "git gc"
    git --git-dir="$tmp" gc --quiet --prune=now
    mv "$tmp" "$REPO"
fi

# 3. The directory tree (last dir_count versions side by side, no .git).
if [[ ! -d $DIR ]]; then
    tmp=$DIR.tmp
    rm -rf "$tmp"; mkdir -p "$tmp"
    for v in "${VERSIONS[@]: -dir_count}"; do
        log "unpacking Django $v into the dir tree"
        unpack "$(sdist_of "$v")" "$tmp/django-$v"
    done
    mv "$tmp" "$DIR"
fi

# 4. Sizes.
read -r blob_count blob_bytes < <(git --git-dir="$REPO" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
    awk '$1 == "blob" { n++; s += $2 } END { printf "%d %d\n", n, s }')
commits=$(git --git-dir="$REPO" rev-list --count --all)
pack_bytes=$(du -sb "$REPO/objects" | cut -f1)
dir_files=$(find "$DIR" -type f | wc -l)
dir_bytes=$(find "$DIR" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }')

cat >"$ENVF" <<EOF
PROFILE='$profile'
VERSIONS='${VERSIONS[*]}'
REPO='$REPO'
DIR='$DIR'
COMMITS=$commits
BLOB_COUNT=$blob_count
BLOB_BYTES=$blob_bytes
PACK_BYTES=$pack_bytes
DIR_FILES=$dir_files
DIR_BYTES=$dir_bytes
EOF

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
echo "profile:  $profile (Django ${VERSIONS[0]} .. ${VERSIONS[-1]})"
echo "repo:     $REPO"
echo "          $commits commits, $blob_count blobs, $(mb "$blob_bytes") of blobs ($blob_bytes bytes), packed $(mb "$pack_bytes")"
echo "dir tree: $DIR"
echo "          $dir_files files, $(mb "$dir_bytes") ($dir_bytes bytes)"
