#!/bin/sh
# Verified-read benchmark: makes a random image with veritysetup (default
# 1024 MiB, 4096-byte blocks, sha256: a depth-3 tree) and runs
# bench_device on it. Usage: bench/bench_device.sh [BUILD_DIR] [SIZE_MIB] [READS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
size_mib=${2:-1024}
reads=${3:-20000}
PATH=/usr/sbin:/sbin:$PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$tmp/data"
out=$(veritysetup format "$tmp/data" "$tmp/hash" --salt=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d)
root=$(printf '%s\n' "$out" | sed -n 's/^Root hash:[[:space:]]*//p')
blocks=$((size_mib * 256))
# Page cache warm for both files, so that pread measures the syscall path.
cat "$tmp/data" "$tmp/hash" >/dev/null
"$build/bench/bench_device" "$tmp/data" "$tmp/hash" \
	"1 $tmp/data $tmp/hash 4096 4096 $blocks 1 sha256 $root e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d" "$reads"
