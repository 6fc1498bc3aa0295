#!/bin/sh
# Every test, from a fresh Debian 12 machine as root: set-up, a sanitizer
# build with -Werror and its `make check`, valgrind, `make distcheck`, and the
# style check. Set LIBVERITY_SKIP_SETUP=1 to skip apt-get.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "${LIBVERITY_SKIP_SETUP:-0}" = 1 ] || sh scripts/setup-debian.sh
autoreconf -fi
jobs=$(nproc)

echo "=== ASan+UBSan build, -Werror, make check"
rm -rf build-asan && mkdir build-asan
(cd build-asan && ../configure --enable-werror --enable-sanitizers >/dev/null &&
	make -j"$jobs" && make -j"$jobs" check) || {
	cat build-asan/test-suite.log 2>/dev/null | tail -n 200
	exit 1
}

echo "=== AFL++ smoke campaign (a few seconds per target, ASan+UBSan binaries)"
if command -v afl-fuzz >/dev/null && command -v afl-clang-fast >/dev/null; then
	FUZZ_OUT=$(mktemp -d) fuzz/run-campaign --sanitizers -j "$jobs" all 4
else
	echo "afl-fuzz or afl-clang-fast not installed: skipped"
fi

echo "=== plain build under valgrind, make distcheck"
rm -rf build-dist && mkdir build-dist
(cd build-dist && ../configure --enable-werror >/dev/null &&
	make -j"$jobs" && make -j"$jobs" check LOG_COMPILER="$top/scripts/valgrind-wrapper.sh" &&
	make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror) || {
	find build-dist -name test-suite.log -exec tail -n 200 {} \; 2>/dev/null
	exit 1
}

echo "=== format-check"
(cd build-dist && make format-check)
echo "all tests passed"
