#!/bin/sh
# SHA-256 benchmark. Prints:
#  1. every implementation this CPU runs and OpenSSL's EVP SHA-256, on 64 B,
#     4 KiB + 32-byte salt (dm-verity) and 1 MiB messages, medians, with the
#     sha256rnds2 bound on SHA-NI CPUs and what the dispatcher chose and why;
#  2. avx2-x8 against OpenSSL with SHA-NI masked (OPENSSL_ia32cap), i.e.
#     OpenSSL's own AVX2 code;
#  3. generic C against coreutils sha256sum on a SIZE_MIB file, alternating
#     runs, comparing the digests too;
#  4. the targets, each as a ratio measured in the same run.
# Times are CPU time of the measuring thread or process (user + system), so
# that a shared, loaded machine charges nobody for time spent descheduled.
#
#   bench/run-sha256.sh [SIZE_MIB [REPS]]      (defaults: 256 7)
#
# Writes $BENCH_OUT/sha256.csv and sha256.svg (MB/s per implementation and
# message size). BENCH_QEMU=aarch64 cross-compiles the benchmark (without
# OpenSSL: ratios to generic C) and runs part 1 under qemu-aarch64 -cpu max:
# the timings mean nothing there, the table shows that every path runs.
set -eu
. "$(dirname "$0")/lib.sh"
bench_args 256 7 "$@"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-sha256.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

bench_header
csv=$BENCH_OUT/sha256.csv

plot() {
	bench_plot sha256 "
set datafile separator ',';
set title 'SHA-256 throughput per implementation and message size';
set ylabel 'MB/s (higher is better)';
set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8 border -1;
set key top right; set xtics rotate by -30; set grid ytics; set yrange [0:*];
plot '< grep \"64 B\" '.csv using 5:xtic(1) title '64 B', \
     '< grep \"4 KiB\" '.csv using 5 title '4 KiB + salt', \
     '< grep \"1 MiB\" '.csv using 5 title '1 MiB'"
}

if [ -n "${BENCH_QEMU:-}" ]; then
	[ "$BENCH_QEMU" = aarch64 ] || { echo "BENCH_QEMU: only aarch64" >&2; exit 2; }
	cc=aarch64-linux-gnu-gcc
	command -v "$cc" >/dev/null && command -v qemu-aarch64 >/dev/null || {
		echo "needs aarch64-linux-gnu-gcc and qemu-aarch64 (qemu-user)" >&2
		exit 2
	}
	common="-std=c11 -D_GNU_SOURCE -O2 -I$bench_top/include -I$bench_top"
	impls="-DHAVE_SHA256_ARMV8CE -DHAVE_SHA256_NEON"
	for f in sha256 sha256_generic dispatch cpu; do
		$cc $common $impls -c "$bench_top/sha/$f.c" -o "$tmp/$f.o"
	done
	$cc $common -march=armv8-a+crypto -c "$bench_top/sha/sha256_armv8ce.c" -o "$tmp/armv8ce.o"
	$cc $common -c "$bench_top/sha/sha256_neon.c" -o "$tmp/neon.o"
	$cc $common -c "$bench_top/bench/bench_sha256.c" -o "$tmp/bench.o"
	$cc -o "$tmp/bench_sha256" "$tmp"/*.o
	echo "== under qemu-aarch64 -cpu max: timings are meaningless, the table shows what runs"
	qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu "$tmp/bench_sha256" --reps "$reps" \
		--min-ms 2 --csv "$csv"
	plot
	exit 0
fi

bench="$BUILD_DIR/bench/bench_sha256"
if [ ! -x "$bench" ]; then
	echo "run-sha256.sh: $bench not built (needs OpenSSL libcrypto at configure time)" >&2
	exit 2
fi
echo "== 1. all implementations vs OpenSSL EVP (default OpenSSL code path)"
"$bench" --reps "$reps" --csv "$csv" | tee "$tmp/all"
plot
echo
echo "== 2. avx2-x8 vs OpenSSL EVP with SHA-NI masked: OPENSSL_ia32cap=:~0x20000000"
if grep -q '^avx2-x8 ' "$tmp/all"; then
	OPENSSL_ia32cap=:~0x20000000 "$bench" --reps "$reps" --impl avx2-x8 | head -n 5 |
		tee "$tmp/avx2"
else
	echo "(avx2-x8 not usable here)"
	: >"$tmp/avx2"
fi
echo

echo "== 3. generic C (streaming, read() in 128 KiB pieces) vs coreutils sha256sum," \
	"${size_mib} MiB file, CPU seconds (user + sys), median of $reps alternating runs"
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$tmp/data"
cpu_seconds() { # command...: CPU seconds used, the command's stdout to $tmp/out
	/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out"
	awk '{ printf "%.3f\n", $1 + $2 }' "$tmp/time"
}
sha256sum "$tmp/data" >/dev/null # page cache warm for both
: >"$tmp/t_coreutils"
: >"$tmp/t_generic"
i=0
while [ "$i" -lt "$reps" ]; do
	cpu_seconds sha256sum "$tmp/data" >>"$tmp/t_coreutils"
	want=$(cut -d' ' -f1 "$tmp/out")
	cpu_seconds "$bench" --stream-file "$tmp/data" --impl generic --reps 1 >>"$tmp/t_generic"
	got=$(awk '{ print $NF }' "$tmp/out")
	if [ "$got" != "$want" ]; then
		echo "generic digest $got differs from sha256sum's $want" >&2
		exit 1
	fi
	i=$((i + 1))
done
t_coreutils=$(median <"$tmp/t_coreutils")
t_generic=$(median <"$tmp/t_generic")
# x: median of the per-pair ratios, each pair run back to back
x=$(paste "$tmp/t_coreutils" "$tmp/t_generic" | awk '{ print $1 / $2 }' | median)
awk -v c="$t_coreutils" -v g="$t_generic" -v x="$x" -v mib="$size_mib" 'BEGIN {
	b = mib * 1048576
	printf "%-20s %7.3f s  %8.1f MB/s\n", "coreutils sha256sum", c, b / c / 1e6
	printf "%-20s %7.3f s  %8.1f MB/s  x %.2f\n", "libverity generic", g, b / g / 1e6, x
}' | tee "$tmp/file"
echo

# Columns of a bench row: name lanes | 64B MB/s c/B x | 4KiB MB/s c/B x | 1MiB MB/s c/B x
ratio_4k() { awk -v n="$1" '$1 == n { print $10 }' "$2"; }
best_ratio_4k() { # file name...
	f=$1
	shift
	for n in "$@"; do ratio_4k "$n" "$f"; done | sort -n | tail -1
}
check() { # label ratio target
	if [ -z "$2" ]; then
		printf '%-44s %6s  target >= %s  (not measured here)\n' "$1" "-" "$3"
	else
		verdict=$(awk -v r="$2" -v t="$3" 'BEGIN { print (r >= t) ? "met" : "MISSED" }')
		printf '%-44s %6.2f  target >= %s  %s\n' "$1" "$2" "$3" "$verdict"
	fi
}
echo "== 4. targets (4 KiB + 32-byte salt messages; x = ratio in the same run)"
check "shani (single stream) / OpenSSL EVP" "$(ratio_4k shani "$tmp/all")" 1.0
check "SHA-NI interleaved (best of x2-x4) / EVP" \
	"$(best_ratio_4k "$tmp/all" shani-x2 shani-x3 shani-x4)" 1.5
check "avx512-x16 / OpenSSL EVP" "$(ratio_4k avx512-x16 "$tmp/all")" 2.8
check "avx2-x8 / OpenSSL EVP AVX2 path" "$(ratio_4k avx2-x8 "$tmp/avx2")" 2.4
check "generic / coreutils sha256sum (file)" "$(awk 'NR == 2 { print $NF }' "$tmp/file")" 1.0
echo "dispatch: $(grep '^chosen' "$tmp/all" | sed 's/; sink.*//')"
