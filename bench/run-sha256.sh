#!/bin/sh
# SHA-256 benchmark, the one command for issue 2's targets. Prints:
#  1. every implementation this CPU runs and OpenSSL's EVP SHA-256, on 64 B,
#     4 KiB + 32-byte salt (dm-verity) and 1 MiB messages, medians;
#  2. avx2-x8 against OpenSSL with SHA-NI masked (OPENSSL_ia32cap), i.e.
#     OpenSSL's own AVX2 code;
#  3. generic C against coreutils sha256sum on the same file, alternating
#     runs, comparing the digests too;
#  4. the targets, each as a ratio measured in the same run.
# Times are CPU time of the measuring thread or process (user + system), so
# that a shared, loaded machine charges nobody for time spent descheduled.
#
# Environment: BUILD (build folder, default ./build), REPS (repetitions,
# default 7), FILE_MIB (size of the sha256sum file, default 256).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
bench="$build/bench/bench_sha256"
reps=${REPS:-7}
file_mib=${FILE_MIB:-256}

if [ ! -x "$bench" ]; then
	echo "run-sha256.sh: $bench not built (needs OpenSSL libcrypto at configure time)" >&2
	exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "== CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 1. all implementations vs OpenSSL EVP (default OpenSSL code path)"
"$bench" --reps "$reps" | tee "$tmp/all"
echo
echo "== 2. avx2-x8 vs OpenSSL EVP with SHA-NI masked: OPENSSL_ia32cap=:~0x20000000"
if grep -q '^avx2-x8 ' "$tmp/all"; then
	OPENSSL_ia32cap=:~0x20000000 "$bench" --reps "$reps" --impl avx2-x8 | tee "$tmp/avx2"
else
	echo "(avx2-x8 not usable here)"
	: >"$tmp/avx2"
fi
echo

echo "== 3. generic C (streaming, read() in 128 KiB pieces) vs coreutils sha256sum," \
	"${file_mib} MiB file, CPU seconds (user + sys), median of $reps alternating runs"
head -c $((file_mib * 1024 * 1024)) /dev/urandom >"$tmp/data"
cpu_seconds() { # command...: CPU seconds used, the command's stdout to $tmp/out
	/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out"
	awk '{ printf "%.3f\n", $1 + $2 }' "$tmp/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
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
awk -v c="$t_coreutils" -v g="$t_generic" -v x="$x" -v mib="$file_mib" 'BEGIN {
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
check "SHA-NI interleaved (best of x2, x4) / EVP" \
	"$(best_ratio_4k "$tmp/all" shani-x2 shani-x4)" 1.5
check "avx512-x16 / OpenSSL EVP" "$(ratio_4k avx512-x16 "$tmp/all")" 2.8
check "avx2-x8 / OpenSSL EVP AVX2 path" "$(ratio_4k avx2-x8 "$tmp/avx2")" 2.4
check "generic / coreutils sha256sum (file)" "$(awk 'NR == 2 { print $NF }' "$tmp/file")" 1.0
echo "dispatch: $(grep '^chosen' "$tmp/all" | sed 's/; sink.*//')"
