#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of the HTML report: a repository whose history
# adds, moves and deletes files of the bundled demo tree (corpus/cases, fake secrets) over two
# years, swept into a store, reported as HTML, and rendered by headless Chromium.
#
#   cargo build --release && docs/report-screenshot.sh [OUT.png]
#
# Needs git and chromium (Debian: apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/report.png}
bin=$PWD/target/release/keysweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

repo=$work/payments-api
git init -q -b main "$repo"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
commit() { # commit DATE AUTHOR MESSAGE
  git -C "$repo" add -A
  GIT_AUTHOR_DATE="$1T10:00:00Z" GIT_COMMITTER_DATE="$1T10:00:00Z" \
    GIT_AUTHOR_NAME="$2" GIT_AUTHOR_EMAIL="$(tr 'A-Z ' 'a-z.' <<<"$2")@example.com" \
    GIT_COMMITTER_NAME="$2" GIT_COMMITTER_EMAIL="$(tr 'A-Z ' 'a-z.' <<<"$2")@example.com" \
    git -C "$repo" commit -q -m "$3"
}
mkdir -p "$repo/.github"
printf '* @acme/platform\n/cloud/ @acme/infra\n/saas/ @acme/growth\n' >"$repo/.github/CODEOWNERS"
cp corpus/cases/app.env corpus/cases/settings.py "$repo/"
commit 2025-01-14 "Dana Ortiz" "Initial service skeleton"
cp -r corpus/cases/cloud "$repo/"
commit 2025-04-02 "Sam Lee" "Deploy scripts for the new regions"
cp -r corpus/cases/saas "$repo/"
commit 2025-07-21 "Priya Nair" "Marketing integrations"
git -C "$repo" rm -q -r cloud/ops.sh cloud/edgerc settings.py
commit 2025-09-30 "Sam Lee" "Move secrets to the vault"
cp corpus/cases/k8s-deployment.yaml corpus/cases/docker-compose.yml "$repo/"
commit 2026-03-11 "Dana Ortiz" "Kubernetes manifests"

cd "$work"
"$bin" sweep payments-api --store sweep.db --quiet || test $? -eq 1
"$bin" report --store sweep.db --format html -o report.html || test $? -eq 1
cd - >/dev/null
# A local repository is named by its absolute path; the picture shows a forge-like name instead
# of this machine's temporary folder.
sed -i "s#$work/#github.com/acme/#g" "$work/report.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1400,1700 \
  --screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null
mv "$work/report.png" "$out"
echo "wrote $out"
