#!/bin/sh
# Verified-read benchmark: makes a random image with veritysetup (4096-byte
# blocks, sha256; 1024 MiB gives a depth-3 tree) and runs bench_device on
# it: random reads warm and cold through the fd adapter and over memory,
# sequential reads, and full verification against hash_many on the same
# bytes (the end-to-end efficiency).
#
#   bench/bench_device.sh [SIZE_MIB [REPS]]     (defaults: 1024 7)
#
# REPS: interleaved runs behind each median; READS (environment, default
# 20000): random reads per run; FEC_ROOTS (default 2, 0 for none): parity
# for the FEC-corrected read latency, made by verify-image on the same
# image (parity byte-identical with veritysetup's is tested in make check).
# Writes $BENCH_OUT/device.csv and device.svg.
set -eu
. "$(dirname "$0")/lib.sh"
bench_args 1024 7 "$@"
reads=${READS:-20000}
bench="$BUILD_DIR/bench/bench_device"
[ -x "$bench" ] || { echo "build bench_device first ($bench)" >&2; exit 2; }
command -v veritysetup >/dev/null || { echo "veritysetup missing (cryptsetup-bin)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-device.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

bench_header
salt=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$tmp/data"
out=$(veritysetup format "$tmp/data" "$tmp/hash" --salt=$salt)
root=$(printf '%s\n' "$out" | sed -n 's/^Root hash:[[:space:]]*//p')
blocks=$((size_mib * 256))
table="1 $tmp/data $tmp/hash 4096 4096 $blocks 1 sha256 $root $salt"
fec_roots=${FEC_ROOTS:-2}
if [ "$fec_roots" != 0 ]; then
	"$BUILD_DIR/verify-image" format "$tmp/data" "$tmp/hash" --salt=$salt \
		--fec-device "$tmp/fec" --fec-roots "$fec_roots" >/dev/null
	table=$("$BUILD_DIR/verify-image" table "$tmp/data" "$tmp/hash" "$root" \
		--fec-device "$tmp/fec" --fec-roots "$fec_roots" | sed -n '1s/^[0-9]* [0-9]* verity //p')
fi
# Page cache warm for both files, so that pread measures the syscall path.
cat "$tmp/data" "$tmp/hash" >/dev/null
"$bench" "$tmp/data" "$tmp/hash" "$table" "$reads" "$reps" \
	"$BENCH_OUT/device.csv"
bench_plot device "
set datafile separator ',';
set multiplot layout 1,2 title 'Verified reads, 4 KiB blocks, sha256';
set style data histograms; set style fill solid 0.8 border -1; set grid ytics; set yrange [0:*];
set xtics rotate by -35 font ',9'; unset key;
set title 'random 4 KiB reads (us, lower is better)';
plot '< grep -v FEC '.csv.' | grep \",us\$\"' using 2:xtic(1);
set title 'sequential (MB/s, higher is better)';
plot '< grep \",MB/s\$\" '.csv using 2:xtic(1);
unset multiplot"
