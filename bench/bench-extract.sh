#!/bin/sh
# Verified files and exports against the unverified tools, same run, page
# cache warm: extract a 30 MiB random file from squashfs (vs unsquashfs -cat)
# and ext4 (vs debugfs -R dump); nbdcopy of a whole image through
# nbdkit-verity-filter (vs the plain file plugin), with verify-image verify
# of the same image as the full-verification reference. Prints the median of
# REPS runs of each and the ratios.
#
#   bench/bench-extract.sh [SIZE_MIB [REPS]]     (defaults: 256 7)
#
# SIZE_MIB: the image exported through nbdkit. Writes $BENCH_OUT/extract.csv
# and extract.svg (time against the unverified tool, CPU and wall).
set -eu
. "$(dirname "$0")/lib.sh"
bench_args 256 7 "$@"
runs=$reps
export_mib=$size_mib
vi=$BUILD_DIR/verify-image
filter=$BUILD_DIR/.libs/nbdkit-verity-filter.so
[ -x "$vi" ] || { echo "build verify-image first ($vi)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# measure CMD...: "WALL CPU", medians over $runs samples in milliseconds per
# run of CMD (CPU: user + system of CMD and the children it waited for); a
# sample times $reps runs back to back, since time(1) counts in 10 ms. On a
# shared machine the wall time includes waiting for a CPU; the CPU time does not.
reps=5
measure() {
	"$@" >/dev/null 2>&1 # warm-up
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %U %S' -o "$tmp/time" sh -c \
			'n=$1; shift; while [ "$n" -gt 0 ]; do "$@" || exit; n=$((n - 1)); done' \
			sh "$reps" "$@" >/dev/null 2>&1
		cat "$tmp/time"
		i=$((i + 1))
	done | awk -v reps="$reps" '{w[NR] = $1 * 1000 / reps; c[NR] = ($2 + $3) * 1000 / reps}
		function med(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return a[int((n + 1) / 2)] }
		END {printf "%.0f %.0f", med(w, NR), med(c, NR)}'
}
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
root_of() { "$vi" format --no-progress "$1" "$2" | awk '/^Root hash:/ {print $3}'; }

bench_header
"$vi" --version | head -n 1
csv=$BENCH_OUT/extract.csv
echo "test,ours_wall_ms,ours_cpu_ms,reference,ref_wall_ms,ref_cpu_ms,ratio_wall,ratio_cpu" >"$csv"
echo "median of $runs runs, milliseconds: wall / CPU (user + system)"

mkdir -p "$tmp/tree/boot"
head -c $((30 * 1048576)) /dev/urandom >"$tmp/tree/boot/Image"
mksquashfs "$tmp/tree" "$tmp/sq.img" -noappend -quiet -no-progress >/dev/null
mkfs.ext4 -q -F -b 4096 -d "$tmp/tree" "$tmp/e4.img" 40M >/dev/null
sq_root=$(root_of "$tmp/sq.img" "$tmp/sq.hash")
e4_root=$(root_of "$tmp/e4.img" "$tmp/e4.hash")
cat "$tmp"/*.img "$tmp"/*.hash >/dev/null

# row LABEL OURS REF REF_NAME: one CSV row
row() {
	echo "$1,$(wall "$2"),$(cpu "$2"),$4,$(wall "$3"),$(cpu "$3"),$(ratio "$(wall "$2")" "$(wall "$3")"),$(ratio "$(cpu "$2")" "$(cpu "$3")")" >>"$csv"
}
# line LABEL OURS REF REF_NAME: prints it and adds its row
line() {
	echo "$1: verify-image $(wall "$2") / $(cpu "$2"), $4 $(wall "$3") / $(cpu "$3");" \
		"ratio wall $(ratio "$(wall "$2")" "$(wall "$3")"), CPU $(ratio "$(cpu "$2")" "$(cpu "$3")")"
	row "$@"
}
sq_ours=$(measure "$vi" extract --force "$tmp/sq.img" "$tmp/sq.hash" "$sq_root" /boot/Image \
	-o "$tmp/out")
sq_ref=$(measure sh -c "unsquashfs -cat '$tmp/sq.img' boot/Image >'$tmp/out'")
e4_ours=$(measure "$vi" extract --force "$tmp/e4.img" "$tmp/e4.hash" "$e4_root" /boot/Image \
	-o "$tmp/out")
e4_ref=$(measure debugfs -R "dump /boot/Image $tmp/out" "$tmp/e4.img")
line "extract 30 MiB from squashfs" "$sq_ours" "$sq_ref" "unsquashfs -cat"
line "extract 30 MiB from ext4" "$e4_ours" "$e4_ref" "debugfs dump"

if command -v nbdkit >/dev/null && command -v nbdcopy >/dev/null && [ -f "$filter" ]; then
	head -c $((export_mib * 1048576)) /dev/urandom >"$tmp/data.img"
	root=$(root_of "$tmp/data.img" "$tmp/data.hash")
	cat "$tmp/data.img" "$tmp/data.hash" >/dev/null
	plain=$(measure nbdkit -U - file "$tmp/data.img" --run 'nbdcopy "$uri" null:')
	verified=$(measure nbdkit -U - --filter="$filter" file "$tmp/data.img" \
		verity-hash="$tmp/data.hash" verity-root="$root" --run 'nbdcopy "$uri" null:')
	full=$(measure "$vi" verify --no-progress "$tmp/data.img" "$tmp/data.hash" "$root")
	mibs() { awk -v ms="$1" -v mib="$export_mib" 'BEGIN {printf "%.0f", mib / (ms / 1000)}'; }
	echo "nbdcopy $export_mib MiB: file plugin $(wall "$plain") / $(cpu "$plain") ($(mibs "$(wall "$plain")") MiB/s)," \
		"verity filter $(wall "$verified") / $(cpu "$verified") ($(mibs "$(wall "$verified")") MiB/s);" \
		"ratio wall $(ratio "$(wall "$verified")" "$(wall "$plain")")," \
		"CPU $(ratio "$(cpu "$verified")" "$(cpu "$plain")")"
	row "nbdcopy $export_mib MiB through the verity filter" "$verified" "$plain" "file plugin"
	echo "verify-image verify -j0 of the same image: $(wall "$full") / $(cpu "$full") ($(mibs "$(wall "$full")") MiB/s);" \
		"filter / full verify: wall $(ratio "$(wall "$verified")" "$(wall "$full")")"
	added=$(($(cpu "$verified") - $(cpu "$plain")))
	echo "CPU the filter adds to nbdcopy: $added ms, $(ratio "$added" "$(cpu "$full")") x that of" \
		"verify (nbdkit and nbdcopy themselves: $(cpu "$plain") ms)"
fi
bench_plot extract "
set datafile separator ',';
set title 'verified against unverified tools (ratio of times; 1 = as fast)';
set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8 border -1;
set grid ytics; set yrange [0:*]; set xtics rotate by -20 font ',9'; set key top left;
plot csv using 8:xtic(1) every ::1 title 'CPU time', '' using 7 every ::1 title 'wall time'"
