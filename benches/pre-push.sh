#!/usr/bin/env bash
# Times the pre-push hook on a push of 10 commits to a repository with 10,000 commits.
#
# Builds (once, under the bench cache) a repository of 10,000 commits with git fast-import, a
# bare remote holding the first 9,990, and times `keysweep hook pre-push` given git's stdin line
# for the remaining 10 (what `git push` would run), best of N runs.
#
# Usage: benches/pre-push.sh [--runs N]      (env KEYSWEEP_BIN: binary to time; default: builds release)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KEYSWEEP_BENCH_CACHE:-$ROOT/target/bench-cache}
RUNS=5
[[ ${1:-} == --runs ]] && RUNS=$2
COMMITS=10000
NEW=10
WORK=$CACHE/prepush
if [[ -z ${KEYSWEEP_BIN:-} ]]; then
    (cd "$ROOT" && cargo build --release --quiet)
    KEYSWEEP_BIN=$ROOT/target/release/keysweep
fi

if [[ ! -f $WORK/ready ]]; then
    rm -rf "$WORK" && mkdir -p "$WORK"
    git init -q -b main "$WORK/repo"
    # Each commit changes one of 200 source-like files; fixed identity and dates.
    python3 - "$COMMITS" > "$WORK/stream" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
t = 1_700_000_000
for i in range(1, n + 1):
    body = "".join(f"def function_{i}_{k}(x):\n    return x * {k} + {i}\n" for k in range(40)).encode()
    msg = f"change {i}\n".encode()
    out.write(b"commit refs/heads/main\n")
    out.write(f"mark :{i}\n".encode())
    out.write(f"author Bench <bench@example.com> {t + i} +0000\n".encode())
    out.write(f"committer Bench <bench@example.com> {t + i} +0000\n".encode())
    out.write(b"data %d\n" % len(msg) + msg)
    if i > 1:
        out.write(f"from :{i - 1}\n".encode())
    out.write(f"M 644 inline src/module_{i % 200}.py\n".encode())
    out.write(b"data %d\n" % len(body) + body + b"\n")
PY
    git -C "$WORK/repo" fast-import --quiet < "$WORK/stream"
    git -C "$WORK/repo" gc -q
    git init -q --bare "$WORK/remote.git"
    git -C "$WORK/repo" remote add origin "$WORK/remote.git"
    git -C "$WORK/repo" push -q origin "main~$NEW:refs/heads/main"
    git -C "$WORK/repo" fetch -q origin
    touch "$WORK/ready"
fi

local_sha=$(git -C "$WORK/repo" rev-parse main)
remote_sha=$(git -C "$WORK/repo" rev-parse origin/main)
line="refs/heads/main $local_sha refs/heads/main $remote_sha"
best=
for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    (cd "$WORK/repo" && printf '%s\n' "$line" | "$KEYSWEEP_BIN" hook pre-push origin "$WORK/remote.git")
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [[ -z $best || $ms -lt $best ]]; then best=$ms; fi
done
echo "pre-push hook: push of $NEW commits onto a $COMMITS-commit repository: best of $RUNS = ${best} ms"
