#!/bin/sh
# Times verify-image against veritysetup on the same image in the same run:
# `verify` and `format` with each thread count from 1 to the number of CPUs,
# repeated and alternated, medians and peak RSS (GNU time); RSS again on a
# smaller image (flat as the image grows); and the whole-process verify of a
# 4 KiB image against /bin/true.
#
#   bench/bench-tree.sh [SIZE_MIB [REPS]]     (defaults: 1024 5)
#
# Writes $BENCH_OUT/tree.csv and tree.svg (speed-up against veritysetup by
# thread count, wall and CPU time). Not part of `make check`.
set -eu
. "$(dirname "$0")/lib.sh"
bench_args 1024 5 "$@"
VI=$BUILD_DIR/verify-image
cores=$(nproc)
[ -x "$VI" ] || { echo "build verify-image first ($VI)" >&2; exit 2; }
command -v veritysetup >/dev/null || { echo "veritysetup missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-tree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

salt=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
uuid=a60c98d2-ae9b-4865-bfcb-b4e3ace11033
fmt_opts="-s $salt --uuid $uuid"

# measure NAME CMD...: one run; appends "seconds kib cpu_seconds" to $tmp/NAME.
measure() {
	name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/time.out" "$@" >/dev/null 2>"$tmp/cmd.err" || {
		cat "$tmp/cmd.err" >&2
		echo "failed: $*" >&2
		exit 1
	}
	tail -n 1 "$tmp/time.out" | awk '{ print $1, $2, $3 + $4 }' >>"$tmp/$name"
}

# col COLUMN NAME: median of a column of $tmp/NAME
col() {
	cut -d' ' -f"$1" "$tmp/$2" | median
}

bench_header
echo "# $("$VI" --version | head -n 1)"
echo "# $("$VI" --version | sed -n 's/^SHA-256 for many blocks: /SHA-256 choice: /p')"
echo "# $(veritysetup --version)"
echo "# image: $size_mib MiB random data, 4096-byte blocks, sha256; $reps runs each, alternating"

head -c $((size_mib * 1048576)) /dev/urandom >"$tmp/data"
veritysetup format "$tmp/data" "$tmp/hash.vs" $fmt_opts >"$tmp/fmt"
root=$(sed -n 's/^Root hash:[[:space:]]*//p' "$tmp/fmt")
"$VI" format "$tmp/data" "$tmp/hash.vi" $fmt_opts >/dev/null
cmp "$tmp/hash.vs" "$tmp/hash.vi" || { echo "hash files differ" >&2; exit 1; }
cat "$tmp/data" "$tmp/hash.vs" >/dev/null # warm the page cache for everyone

i=0
while [ "$i" -lt "$reps" ]; do
	i=$((i + 1))
	measure vs_verify veritysetup verify "$tmp/data" "$tmp/hash.vs" "$root"
	j=1
	while [ "$j" -le "$cores" ]; do
		measure vi_verify_$j "$VI" verify -j$j "$tmp/data" "$tmp/hash.vs" "$root"
		j=$((j + 1))
	done
	rm -f "$tmp/out.vs" "$tmp/out.vi"
	measure vs_format veritysetup format "$tmp/data" "$tmp/out.vs" $fmt_opts
	rm -f "$tmp/out.vs"
	j=1
	while [ "$j" -le "$cores" ]; do
		rm -f "$tmp/out.vi"
		measure vi_format_$j "$VI" format -j$j "$tmp/data" "$tmp/out.vi" $fmt_opts
		cmp "$tmp/out.vi" "$tmp/hash.vs" || { echo "format output differs" >&2; exit 1; }
		j=$((j + 1))
	done
done

row() { # label name reference
	t=$(col 1 "$2")
	r=$(col 2 "$2")
	cpu=$(col 3 "$2")
	cpu_ratio=$(awk -v a="$(col 3 "$3")" -v b="$cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	# (Parentheses: a bare ">" in awk's printf is an output redirection.)
	ratio=$(awk -v a="$(col 1 "$3")" -v b="$t" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	mibs=$(awk -v t="$t" -v m="$size_mib" 'BEGIN { printf "%.0f", (t > 0 ? m / t : 0) }')
	printf '| %-28s | %8s | %8s | %6s | %8s | %8s | %12.1f |\n' "$1" "$t" "${ratio}x" "$mibs" \
		"$cpu" "${cpu_ratio}x" "$(awk -v k="$r" 'BEGIN { print k / 1024 }')"
}
echo
echo "Wall time and CPU time (user + system), medians; speed-up = veritysetup / verify-image."
printf '| %-28s | %8s | %8s | %6s | %8s | %8s | %12s |\n' "command ($size_mib MiB)" "wall s" \
	"speed-up" "MiB/s" "CPU s" "CPU x" "peak RSS MiB"
echo "|------------------------------|----------|----------|--------|----------|----------|--------------|"
echo "command,threads,wall_s,speedup_wall,cpu_s,speedup_cpu,peak_rss_kib" >"$BENCH_OUT/tree.csv"
for op in verify format; do
	row "veritysetup $op" vs_$op vs_$op
	j=1
	while [ "$j" -le "$cores" ]; do
		row "verify-image $op -j$j" vi_${op}_$j vs_$op
		awk -v op="$op" -v j="$j" -v t="$(col 1 vi_${op}_$j)" -v c="$(col 3 vi_${op}_$j)" \
			-v r="$(col 2 vi_${op}_$j)" -v vt="$(col 1 vs_$op)" -v vc="$(col 3 vs_$op)" \
			'BEGIN { printf "%s,%d,%.3f,%.3f,%.3f,%.3f,%d\n", op, j, t, (t > 0 ? vt / t : 0),
				c, (c > 0 ? vc / c : 0), r }' >>"$BENCH_OUT/tree.csv"
		j=$((j + 1))
	done
done
if [ "$cores" -ge 2 ]; then
	for op in verify format; do
		awk -v a="$(col 1 vi_${op}_1)" -v b="$(col 1 vi_${op}_2)" -v op="$op" \
			'BEGIN { printf "%s: 2 threads %.2fx faster than 1 (wall)\n", op, (b > 0 ? a / b : 0) }'
	done
fi

# Peak RSS as the image grows: a quarter of the image (at most 64 MiB) vs all of it.
small_mib=$((size_mib / 4))
[ "$small_mib" -le 64 ] || small_mib=64
[ "$small_mib" -ge 1 ] || small_mib=1
head -c $((small_mib * 1048576)) "$tmp/data" >"$tmp/small"
"$VI" format "$tmp/small" "$tmp/small.hash" $fmt_opts --root-hash-file "$tmp/small.root" >/dev/null
for j in 1 "$cores"; do
	: >"$tmp/rss_small"
	measure rss_small "$VI" verify -j"$j" "$tmp/small" "$tmp/small.hash" --root-hash-file "$tmp/small.root"
	echo "peak RSS, verify -j$j: $small_mib MiB image $(awk '{ printf "%.1f", $2 / 1024 }' "$tmp/rss_small") MiB," \
		"$size_mib MiB image $(col 2 "vi_verify_$j" | awk '{ printf "%.1f", $1 / 1024 }') MiB"
done

# Whole-process verify of a 4 KiB image (one block, no tree), best of 5 loops.
head -c 4096 "$tmp/data" >"$tmp/tiny"
"$VI" format "$tmp/tiny" "$tmp/tiny.hash" $fmt_opts --root-hash-file "$tmp/tiny.root" >/dev/null
tiny_root=$(cat "$tmp/tiny.root")
loop() { # N CMD...: mean milliseconds per run
	n=$1
	shift
	start=$(date +%s%N)
	k=0
	while [ "$k" -lt "$n" ]; do
		"$@" >/dev/null 2>&1
		k=$((k + 1))
	done
	end=$(date +%s%N)
	awk -v d=$((end - start)) -v n="$n" 'BEGIN { printf "%.3f", d / n / 1e6 }'
}
best_vi=999
best_vs=999
best_true=999
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
for k in 1 2 3 4 5; do
	best_vi=$(min "$(loop 100 "$VI" verify "$tmp/tiny" "$tmp/tiny.hash" "$tiny_root")" "$best_vi")
	best_vs=$(min "$(loop 20 veritysetup verify "$tmp/tiny" "$tmp/tiny.hash" "$tiny_root")" "$best_vs")
	best_true=$(min "$(loop 100 /bin/true)" "$best_true")
done
echo "4 KiB image, whole process (best of 5 loops): verify-image verify $best_vi ms," \
	"veritysetup verify $best_vs ms; /bin/true $best_true ms (process start-up on this machine)"
# The targets for this CPU's class, each a ratio from this run (CPU time, which
# a loaded machine does not distort; wall time shows in the table above).
case "$bench_cpu_class" in
"with AVX-512") t1=3.5 tn=6 ;;
"SHA extensions, no AVX-512") t1=2.5 tn=4.5 ;;
*) t1=2 tn=3.5 ;;
esac
target() { # label value target [max]
	awk -v l="$1" -v v="$2" -v t="$3" -v max="${4:-}" 'BEGIN {
		ok = (max != "") ? (v <= t) : (v >= t)
		printf "%-52s %6.2f  target %s %s  %s\n", l, v, (max != "") ? "<=" : ">=", t,
			ok ? "met" : "MISSED" }'
}
cpu_x() { awk -v a="$(col 3 "$1")" -v b="$(col 3 "$2")" 'BEGIN { print (b > 0 ? a / b : 0) }'; }
echo
echo "targets ($bench_cpu_class):"
for op in verify format; do
	target "$op -j1 vs veritysetup (CPU time)" "$(cpu_x vs_$op vi_${op}_1)" "$t1"
	target "$op -j$cores vs veritysetup (wall time)" \
		"$(awk -v a="$(col 1 vs_$op)" -v b="$(col 1 vi_${op}_$cores)" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$tn"
done
target "peak RSS of verify -j$cores (MiB)" "$(col 2 vi_verify_$cores | awk '{ print $1 / 1024 }')" 4 max
target "4 KiB verify / /bin/true (whole process)" \
	"$(awk -v a="$best_vi" -v b="$best_true" 'BEGIN { print (b > 0 ? a / b : 0) }')" 1.2 max
bench_plot tree "
set datafile separator ',';
set title 'verify-image against veritysetup, $size_mib MiB image';
set xlabel 'threads'; set ylabel 'speed-up (veritysetup time / verify-image time)';
set key top left; set grid; set yrange [0:*]; set xtics 1;
plot '< grep ^verify '.csv using 2:4 with linespoints title 'verify, wall', \
     '< grep ^verify '.csv using 2:6 with linespoints title 'verify, CPU', \
     '< grep ^format '.csv using 2:4 with linespoints title 'format, wall', \
     '< grep ^format '.csv using 2:6 with linespoints title 'format, CPU'"
