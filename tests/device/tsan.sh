#!/bin/sh
# Many threads reading at random on one thread-safe device, built with
# ThreadSanitizer: the device and its dependencies are compiled here with
# -fsanitize=thread. SKIP (77) where the compiler or runtime lacks TSan.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CC:=cc}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top_srcdir/tests/device/images.sh"
have_veritysetup || {
	echo "SKIP: veritysetup not found"
	exit 77
}

cat >"$tmp/probe.c" <<'PROBE'
#include <pthread.h>
static void *run(void *p) { return p; }
int main(void) { pthread_t t; pthread_create(&t, 0, run, 0); return pthread_join(t, 0); }
PROBE
if ! $CC -fsanitize=thread "$tmp/probe.c" -o "$tmp/probe" -lpthread 2>/dev/null ||
	! "$tmp/probe" >/dev/null 2>&1; then
	echo "SKIP: ThreadSanitizer not usable with $CC here"
	exit 77
fi

s=$top_srcdir
# shellcheck disable=SC2086 # word lists
$CC -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=thread -I"$s/include" -I"$s" \
	$s/sha/sha256.c $s/sha/sha256_generic.c $s/sha/dispatch.c $s/sha/cpu.c $s/sha/sys_linux.c \
	$s/verity/alloc.c $s/verity/errors.c $s/verity/hex.c $s/verity/geometry.c $s/verity/hash.c \
	$s/verity/bdev.c $s/verity/bdev_fd.c $s/verity/locate.c $s/verity/cache.c \
	$s/verity/platform_posix.c $s/verity/device.c $s/verity/device_plan.c $s/verity/device_walk.c \
	$s/verity/device_read.c $s/verity/table.c \
	$s/verity/fec_rs.c $s/verity/fec.c $s/verity/tree.c $s/verity/verify_threads.c \
	$s/tests/device/test_device.c -o "$tmp/test_device_tsan" -lmbedcrypto -lpthread

export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
mkimage depth3 2100 512 512 1 sha256 9e7457222290f1bac0d42ad2de2d602a87bb871c22ab70ca040bad450578a436
"$tmp/test_device_tsan" threads "$data" "$hash" "$table" 8 150
mkimage sha256 600 4096 4096 1 sha256 -
"$tmp/test_device_tsan" threads "$data" "$hash" "$table" 6 100
echo "ThreadSanitizer run clean"
