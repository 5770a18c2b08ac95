#!/usr/bin/env bash
# The Action's install step: fetches the release binary of the Action's own version and
# verifies its SHA-256 checksum, or says to build from source when there is no release for it.
#
# Usage: install.sh REF REPOSITORY RUNNER_OS RUNNER_ARCH DEST
#   REF          the Action's ref (`github.action_ref`): `v1.2.3`, a branch, a commit id, or
#                empty for a local action (`uses: ./`)
#   REPOSITORY   the Action's repository (`github.action_repository`), `owner/name`
#   RUNNER_OS    Linux, macOS or Windows; RUNNER_ARCH X64 or ARM64
#   DEST         the directory the binary goes to (`keysweep`, `keysweep.exe` on Windows)
#
# Writes to $GITHUB_OUTPUT (standard output without it) either `build=false` and
# `binary=DEST/keysweep`, or `build=true`: the ref is no version tag, this platform has no
# release binary, or the release has no archive for it (HTTP 404). Anything else fails: a
# download error, and above all a checksum that does not match or is missing, since a binary
# that does not match its release is never run, nor replaced by a build that would hide it.
#
# Downloads come from https://github.com. KEYSWEEP_RELEASE_BASE_URL replaces that: another
# https:// host (a mirror), or http://127.0.0.1:PORT for tests; nothing else is accepted.
set -euo pipefail

ref=${1-}
repository=${2-}
runner_os=${3-}
runner_arch=${4-}
dest=${5:?usage: install.sh REF REPOSITORY RUNNER_OS RUNNER_ARCH DEST}
# Messages go to stderr: GitHub reads workflow commands there too, and stdout may be the output.
say() { printf 'keysweep: %s\n' "$*" >&2; }
fail() {
  printf '::error title=keysweep install::%s\n' "$*" >&2
  exit 1
}
# The step's outputs, `key=value` lines.
emit() {
  if [[ -n ${GITHUB_OUTPUT-} ]]; then
    printf '%s\n' "$@" >>"$GITHUB_OUTPUT"
  else
    printf '%s\n' "$@"
  fi
}
build() {
  say "$*: building keysweep from source"
  emit build=true
  exit 0
}

base=${KEYSWEEP_RELEASE_BASE_URL:-https://github.com}
base=${base%/}
if [[ $base =~ ^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$ ]]; then
  proto='=https'
elif [[ $base =~ ^http://127\.0\.0\.1(:[0-9]+)?$ ]]; then
  proto='=http'
else
  fail "refusing to download from $base: KEYSWEEP_RELEASE_BASE_URL must be https:// (or http://127.0.0.1:PORT for tests)"
fi

# Only a version tag can have a release; its shape also keeps it (and the repository) from
# adding anything to the download URL's path.
if [[ -z $ref ]]; then
  build "the Action runs from a local path, not a release"
fi
if ! [[ $ref =~ ^v[0-9][0-9A-Za-z._+-]*$ ]]; then
  build "the Action's ref $ref is not a version tag"
fi
if ! [[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
  build "the Action's repository \"$repository\" is not owner/name"
fi

exe=keysweep
case $runner_os/$runner_arch in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc exe=keysweep.exe ;;
  *) build "no release binary for $runner_os $runner_arch" ;;
esac

name=keysweep-$ref-$target
archive=$name.tar.gz
[[ $target == *windows* ]] && archive=$name.zip
url=$base/$repository/releases/download/$ref
# A failed install must not leave an earlier binary for the scan step to run.
rm -f "$dest/$exe"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints the HTTP status; fails (curl's status) on any error, a 404 included, with curl's
# message in $work/curl.log.
fetch() {
  curl --fail --location --silent --show-error \
    --proto "$proto" --proto-redir "$proto" \
    --connect-timeout 10 --max-time 300 --retry 3 --retry-delay 2 \
    --output "$2" --write-out '%{http_code}' "$1" 2>"$work/curl.log"
}

status=0
code=$(fetch "$url/$archive" "$work/$archive") || status=$?
if [[ $status -ne 0 ]]; then
  [[ $code == 404 ]] && build "no release archive $url/$archive"
  fail "downloading $url/$archive failed: $(<"$work/curl.log")"
fi
code=$(fetch "$url/SHA256SUMS" "$work/SHA256SUMS") || status=$?
if [[ $status -ne 0 ]]; then
  fail "the release $ref has $archive but its checksum file $url/SHA256SUMS could not be downloaded ($(<"$work/curl.log")): not running an unverified binary"
fi

# `sha256sum` lines: the digest, then the file name after a space and a mode character.
expected=$(awk -v file="$archive" '$2 == file || $2 == "*" file { print tolower($1) }' "$work/SHA256SUMS")
if ! [[ $expected =~ ^[0-9a-f]{64}$ ]]; then
  fail "SHA256SUMS of $ref has no single SHA-256 checksum for $archive: not running an unverified binary"
fi
if command -v sha256sum >/dev/null; then
  actual=$(sha256sum "$work/$archive" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$work/$archive" | cut -d' ' -f1)
fi
if [[ $actual != "$expected" ]]; then
  fail "SHA-256 checksum mismatch for $url/$archive: SHA256SUMS says $expected, the download is $actual. The release asset or the download was tampered with or corrupted; not running it"
fi

# Only the binary is taken from the archive, by its name: no other path of the archive is written.
if [[ $archive == *.zip ]]; then
  unzip -q "$work/$archive" "$name/$exe" -d "$work/unpacked"
else
  mkdir "$work/unpacked"
  tar -xzf "$work/$archive" -C "$work/unpacked" "$name/$exe"
fi
mkdir -p "$dest"
mv -f "$work/unpacked/$name/$exe" "$dest/$exe"
chmod +x "$dest/$exe"
version=$("$dest/$exe" version) || {
  rm -f "$dest/$exe"
  fail "the release binary $archive does not run on this runner"
}
say "using the release binary $archive (SHA-256 $actual): ${version%%$'\n'*}"
emit build=false "binary=$dest/$exe"
