#!/usr/bin/env bash
# Installs the system packages Flow needs on a fresh Debian/Ubuntu machine:
#   libedit-dev  line editing for `flow repl` (linked by the CEditLine target)
#   pkg-config   how SwiftPM finds libedit
#   librocksdb-dev  the disk state backend (`flow run --state-backend rocksdb`,
#                linked by the CRocksDB target)
# and, with --test, what the test suite drives as a user would:
#   tmux         `flow repl` through a pseudo-terminal
#   vim          the Vim syntax and indentation tests of Editors/vim
#   python3      the Nexmark reference (Tests/nexmark/reference.py)
# Does nothing when everything is present; needs root (or sudo) otherwise.
set -euo pipefail

wanted=(libedit-dev pkg-config librocksdb-dev)
if [ "${1:-}" = "--test" ]; then wanted+=(tmux vim python3); fi

missing=()
for p in "${wanted[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  run() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  run() { sudo "$@"; }
else
  echo "bootstrap: please install: ${missing[*]} (apt-get install -y ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
run apt-get update -qq
run apt-get install -y -qq "${missing[@]}" >/dev/null
echo "bootstrap: installed ${missing[*]}" >&2
