#!/bin/sh
# Dissect of a discoverable disk image: builds a signed DDI of SIZE_MIB MiB
# of data (veritysetup tree, openssl signature, tests/disk/gptimg.py GPT) and
# runs bench_ddi on it: best time of REPS and the bytes it read.
#
#   sh bench/bench-ddi.sh [SIZE_MIB [REPS]]     (defaults: 256 20)
#
# Writes $BENCH_OUT/ddi.csv and ddi.svg. Not part of `make check`.
set -eu
. "$(dirname "$0")/lib.sh"
bench_args 256 20 "$@"
top=$bench_top
B=$BUILD_DIR/bench/bench_ddi
[ -x "$B" ] || { echo "build bench/bench_ddi first ($B)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-ddi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
	-days 30 -subj /CN=bench 2>/dev/null
head -c $((size_mib << 20)) /dev/urandom >"$tmp/data"
root=$(veritysetup format "$tmp/data" "$tmp/hash" | sed -n 's/^Root hash:[[:space:]]*//p')
printf '%s' "$root" >"$tmp/root.txt"
openssl cms -sign -binary -noattr -outform DER -signer "$tmp/cert.pem" -inkey "$tmp/key.pem" \
	-in "$tmp/root.txt" -out "$tmp/sig.p7s"
printf '{"rootHash":"%s","signature":"%s"}' "$root" "$(base64 -w0 "$tmp/sig.p7s")" >"$tmp/sig.json"
u() { echo "$1" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/'; }
python3 "$top/tests/disk/gptimg.py" make "$tmp/ddi.img" \
	--part "type=root-x86-64,uuid=$(u "$(echo "$root" | cut -c1-32)"),file=$tmp/data" \
	--part "type=root-verity-x86-64,uuid=$(u "$(echo "$root" | cut -c33-64)"),file=$tmp/hash" \
	--part "type=root-verity-sig-x86-64,uuid=$(u 0123456789abcdef0123456789abcdef),file=$tmp/sig.json"
rm -f "$tmp/data" "$tmp/hash"
sync
bench_header
"$B" "$tmp/ddi.img" "$tmp/cert.pem" "$reps" | tee "$tmp/out"
sed -n 's/^image \([0-9]*\) bytes: dissect best of [0-9]*: \([0-9.]*\) ms, \([0-9]*\) reads, \([0-9]*\) bytes read.*/\1,\2,\3,\4/p' \
	"$tmp/out" | { echo "image_bytes,dissect_ms,reads,bytes_read"; cat; } >"$BENCH_OUT/ddi.csv"
bench_plot ddi "
set datafile separator ',';
set title 'dissect of a signed $size_mib MiB disk image';
set style data histograms; set style fill solid 0.8 border -1; set grid ytics; set yrange [0:*];
unset key; set ylabel 'milliseconds (best of $reps)';
plot csv using 2:xtic('dissect') every ::1"
