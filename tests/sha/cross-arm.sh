#!/bin/sh
# The ARM SHA-256 paths on an x86 machine: sha/ and tests/sha/sha_selftest.c
# cross-compiled with aarch64-linux-gnu-gcc and arm-linux-gnueabihf-gcc, each
# ISA file with only its own flags, and run under qemu-user on emulated CPUs
# with and without the SHA2 instructions, plus a -DVERITY_FREESTANDING core.
# There is no config.h here, so the HAVE_SHA256_* defines are passed with -D.
# Exit 77 (skip) when no cross compiler with its qemu is installed.
# Only correctness counts under qemu: it says nothing about speed.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/verity-cross-arm.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

warn="-Wall -Wextra -Wundef -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wshadow -Werror"
common="-std=c11 -D_GNU_SOURCE -O2 $warn -I$top_srcdir/include -I$top_srcdir"
impls="-DHAVE_SHA256_ARMV8CE -DHAVE_SHA256_NEON"
failures=0
runs=0
qemu_env=""
unset VERITY_SHA256_IMPL # qemu-user passes the environment on

first_tool() {
	for t in "$@"; do
		if command -v "$t" >/dev/null 2>&1; then
			echo "$t"
			return 0
		fi
	done
	return 1
}

# build NAME CC ARMV8CE_FLAGS NEON_FLAGS [CORE_FLAGS...]: $work/NAME/sha_selftest.
# CORE_FLAGS go to every sha/ file (not to the self-test, which is hosted).
build() {
	dir=$work/$1 cc=$2 ce_flags=$3 neon_flags=$4
	shift 4
	mkdir -p "$dir"
	# What sha/ asks the system comes from the file the build links.
	sys=sys_linux
	case " $* " in *" -ffreestanding "*) sys=sys_none ;; esac
	for f in sha256 sha256_generic dispatch cpu $sys; do
		$cc $common $impls "$@" -c "$top_srcdir/sha/$f.c" -o "$dir/$f.o"
	done
	$cc $common "$@" $ce_flags -c "$top_srcdir/sha/sha256_armv8ce.c" -o "$dir/armv8ce.o"
	$cc $common "$@" $neon_flags -c "$top_srcdir/sha/sha256_neon.c" -o "$dir/neon.o"
	$cc $common -c "$top_srcdir/tests/sha/sha_selftest.c" -o "$dir/selftest.o"
	$cc -o "$dir/sha_selftest" "$dir"/*.o
}

# run LABEL QEMU CPU SYSROOT BUILD [SELFTEST_ARGS...]
run() {
	label=$1 qemu=$2 cpu=$3 sysroot=$4 name=$5
	shift 5
	runs=$((runs + 1))
	log=$work/run$runs.log
	echo "--- $label: $qemu $qemu_env -cpu $cpu $name/sha_selftest $*"
	if timeout 300 "$qemu" $qemu_env -cpu "$cpu" -L "$sysroot" \
		"$work/$name/sha_selftest" "$@" >"$log" 2>&1; then
		status=ok
	else
		status=FAILED
		failures=$((failures + 1))
	fi
	# Which implementations ran, any failures (bounded), the summary line.
	grep -E '^(chosen|FAIL|[a-z0-9-]+ +[0-9]+ lanes?)' "$log" | head -n 30
	echo "$(tail -n 1 "$log")  [$status]"
}

ran=0

cc64=$(first_tool aarch64-linux-gnu-gcc || true)
qemu64=$(first_tool qemu-aarch64 qemu-aarch64-static || true)
if [ -n "$cc64" ] && [ -n "$qemu64" ] && [ -d /usr/aarch64-linux-gnu ]; then
	ran=1
	sys64=/usr/aarch64-linux-gnu
	build a64 "$cc64" -march=armv8-a+crypto ""
	# Every qemu arm64 CPU model has SHA2, so the NEON path is also forced
	# by name to check that the dispatch honours it.
	run "arm64, SHA2" "$qemu64" max "$sys64" a64 \
		--require armv8ce --require armv8ce-x2 --require neon-x4 \
		--expect-many armv8ce-x2
	qemu_env="-E VERITY_SHA256_IMPL=neon-x4"
	run "arm64, NEON forced" "$qemu64" max "$sys64" a64 --quick --expect-many neon-x4
	qemu_env=""
	# A bootloader-style core: no auxv, the answer comes from the target flags.
	build a64-freestanding "$cc64" "" "" -DVERITY_FREESTANDING -ffreestanding \
		-march=armv8-a+crypto
	run "arm64, freestanding core" "$qemu64" max "$sys64" a64-freestanding \
		--quick --require armv8ce --require neon-x4 --expect-many armv8ce-x2
	# Freestanding objects must not reach for the hosted C library.
	hosted=$("${cc64%gcc}nm" -u "$work"/a64-freestanding/sha256.o "$work"/a64-freestanding/sha256_generic.o \
		"$work"/a64-freestanding/dispatch.o "$work"/a64-freestanding/cpu.o \
		"$work"/a64-freestanding/sys_none.o \
		"$work"/a64-freestanding/armv8ce.o "$work"/a64-freestanding/neon.o |
		awk '$1 == "U" && $2 !~ /^(mem(cpy|set|cmp|move)|strcmp|strlen|verity_)/ { print $2 }' |
		sort -u)
	if [ -n "$hosted" ]; then
		echo "freestanding sha/ objects use hosted symbols:" $hosted
		failures=$((failures + 1))
	else
		echo "freestanding sha/ objects: libc string functions only  [ok]"
	fi
else
	echo "arm64: aarch64-linux-gnu-gcc, qemu-aarch64 or /usr/aarch64-linux-gnu missing, skipped"
fi

cc32=$(first_tool arm-linux-gnueabihf-gcc || true)
qemu32=$(first_tool qemu-arm qemu-arm-static || true)
if [ -n "$cc32" ] && [ -n "$qemu32" ] && [ -d /usr/arm-linux-gnueabihf ]; then
	ran=1
	sys32=/usr/arm-linux-gnueabihf
	build a32 "$cc32" "-march=armv8-a -mfpu=crypto-neon-fp-armv8" -mfpu=neon
	run "armhf, ARMv8 AArch32 with SHA2" "$qemu32" max "$sys32" a32 \
		--require armv8ce --require armv8ce-x2 --require neon-x4 \
		--expect-many armv8ce-x2
	run "armhf, ARMv7 NEON without SHA2" "$qemu32" cortex-a15 "$sys32" a32 \
		--quick --reject armv8ce --reject armv8ce-x2 --require neon-x4 \
		--expect-many neon-x4
else
	echo "armhf: arm-linux-gnueabihf-gcc, qemu-arm or /usr/arm-linux-gnueabihf missing, skipped"
fi

if [ "$ran" = 0 ]; then
	exit 77
fi
if [ "$failures" -ne 0 ]; then
	echo "cross-arm: $failures run(s) failed"
	exit 1
fi
echo "cross-arm: all runs passed"
