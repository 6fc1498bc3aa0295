#!/bin/sh
# Every test, from a fresh Debian 12 machine as root: set-up, a sanitizer
# build with -Werror and its `make check` (every test), an AFL++ smoke
# campaign, the compiled tests under valgrind on a plain build, `make
# distcheck`, and the style check.
# Set LIBVERITY_SKIP_SETUP=1 to skip apt-get.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "${LIBVERITY_SKIP_SETUP:-0}" = 1 ] || sh scripts/setup-debian.sh
autoreconf -fi
jobs=$(nproc)
start=$(date +%s)

# Print each suite's summary and Criterion's synthesis lines.
report() {
	grep -h -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$1"/test-suite.log 2>/dev/null || true
	find "$1" -name '*.log' ! -name test-suite.log ! -name config.log \
		-exec grep -H 'Synthesis:' {} + 2>/dev/null | sed "s|^$1/||" || true
	grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$1"/test-suite.log || true
}
on_failure() {
	for log in $(grep -l -E '^(FAIL|ERROR)' "$1"/tests/*/*.log "$1"/fuzz/*.log 2>/dev/null); do
		echo "----- $log"
		tail -n 80 "$log"
	done
	tail -n 60 "$1"/test-suite.log 2>/dev/null
	exit 1
}

echo "=== 1/4 ASan+UBSan build, -Werror, make check"
rm -rf build-asan && mkdir build-asan
(cd build-asan && ../configure --enable-werror --enable-sanitizers >/dev/null &&
	make -j"$jobs" >/dev/null && make -j"$jobs" check >/dev/null) || on_failure build-asan
report build-asan
echo "    ($(($(date +%s) - start)) s so far)"

echo "=== 1/4 (cont.) AFL++ smoke campaign: a few seconds per target, ASan+UBSan"
if command -v afl-fuzz >/dev/null && command -v afl-clang-fast >/dev/null; then
	smoke_out=$(mktemp -d)
	FUZZ_OUT=$smoke_out fuzz/run-campaign --sanitizers -j "$jobs" all 4 ||
		{ echo "findings kept in $smoke_out"; exit 1; }
	rm -rf "$smoke_out"
else
	echo "    afl-fuzz or afl-clang-fast not installed: skipped"
fi
echo "    ($(($(date +%s) - start)) s so far)"

# The shell tests already ran against the sanitizer build; the plain build
# runs the compiled tests under valgrind, and distcheck all but the slowest
# scripts (it checks the tarball and the VPATH build, not behaviour again).
slow='tests/kernel/kernel-dm.sh tests/device/freestanding-arm64.sh tests/sha/cross-arm.sh
tests/verity/fec-interop.sh tests/verity/fec-repair.sh tests/verity/interop.sh
tests/lvm/seed.sh tests/disk/ddi-repart.sh tests/device/tsan.sh'
echo "=== 2/4 plain build, the compiled tests under valgrind"
rm -rf build-dist && mkdir build-dist
(cd build-dist && ../configure --enable-werror >/dev/null && make -j"$jobs" >/dev/null) ||
	on_failure build-dist
all_tests=$(cd build-dist && make -s print-tests)
compiled=$(echo "$all_tests" | grep -v '\.sh$' | tr '\n' ' ')
quick=$(echo "$all_tests" | grep -v -x -F "$(echo "$slow" | tr ' ' '\n')" | tr '\n' ' ')
(cd build-dist && make -j"$jobs" check TESTS="$compiled" \
	LOG_COMPILER="$top/scripts/valgrind-wrapper.sh" >/dev/null) || on_failure build-dist
report build-dist
echo "    ($(($(date +%s) - start)) s so far)"

echo "=== 3/4 make distcheck (all tests but the slowest scripts)"
(cd build-dist && make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
	TESTS="$quick" >distcheck.log 2>&1) || { tail -n 100 build-dist/distcheck.log; exit 1; }
grep -A2 'archives ready' build-dist/distcheck.log || true
echo "    ($(($(date +%s) - start)) s so far)"

echo "=== 4/4 format-check"
(cd build-dist && make format-check)

passed=0
failed=0
for suite in build-asan build-dist; do
	p=$(sed -n 's/^# PASS: *//p' $suite/test-suite.log)
	f=$(sed -n 's/^# FAIL: *//p' $suite/test-suite.log)
	e=$(sed -n 's/^# ERROR: *//p' $suite/test-suite.log)
	passed=$((passed + p))
	failed=$((failed + f + e))
done
echo "all checks done in $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
