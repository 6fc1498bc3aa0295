#!/bin/sh
# The verified block device on veritysetup images of several geometries:
# random reads, corruption, fault injection, memory budget and options,
# threads. The fault-injection runs go under valgrind when it is installed
# and the build is not instrumented (VERITY_TEST_VALGRIND=all: every run).
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
prog=$top_builddir/tests/device/test_device
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top_srcdir/tests/device/images.sh"
have_veritysetup || {
	echo "SKIP: veritysetup not found"
	exit 77
}

valgrind=
if command -v valgrind >/dev/null 2>&1 && ! nm "$prog" 2>/dev/null | grep -q __asan_init; then
	valgrind="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all"
fi

run() {
	mode=$1
	shift
	case "$mode:${VERITY_TEST_VALGRIND:-}" in
	faults:* | *:all) $valgrind "$prog" "$mode" "$@" ;;
	*) "$prog" "$mode" "$@" ;;
	esac
}

device_geometries | while read -r name blocks dbs hbs fmt alg salt opts; do
	# shellcheck disable=SC2086 # $opts holds separate options
	mkimage "$name" "$blocks" "$dbs" "$hbs" "$fmt" "$alg" "$salt" $opts
	echo "== $name: $table"
	for mode in reads corrupt options budget; do
		run "$mode" "$data" "$hash" "$table"
	done
	case $name in
	sha256-4k | depth3-512 | one-block | sha1-1k) run faults "$data" "$hash" "$table" ;;
	esac
	case $name in
	sha256-4k | depth3-512) run threads "$data" "$hash" "$table" 8 150 ;;
	esac
done
echo "device tests passed"
