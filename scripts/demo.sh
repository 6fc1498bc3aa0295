#!/bin/sh
# The main job, from a fresh Debian 12 machine as root: set-up, build, then a
# walk through what libverity does. Set LIBVERITY_SKIP_SETUP=1 to skip apt-get.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "${LIBVERITY_SKIP_SETUP:-0}" = 1 ] || sh scripts/setup-debian.sh
sh scripts/build.sh >/dev/null
vi="$top/build/verify-image"
echo "== $("$vi" --version)"
