#!/bin/sh
# FEC format speed: verify-image against veritysetup on the same image in
# the same run, roots 2 and 24, and each tool's plain format (no FEC) for
# the cost of the FEC pass. Runs alternate between the tools; medians of
# REPS runs. The parity files are compared, so the figures are for
# identical output.
#
#   bench/bench-fec.sh [SIZE_MIB [REPS]]     (defaults: 1024 3)
#
# Writes $BENCH_OUT/fec.csv and fec.svg. Not part of `make check`.
set -eu
. "$(dirname "$0")/lib.sh"
bench_args 1024 3 "$@"
VI=$BUILD_DIR/verify-image
[ -x "$VI" ] || { echo "build verify-image first ($VI)" >&2; exit 2; }
command -v veritysetup >/dev/null || { echo "veritysetup missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-fec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

salt=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
uuid=a60c98d2-ae9b-4865-bfcb-b4e3ace11033

# measure NAME CMD...: one run; appends "wall_seconds cpu_seconds" to $tmp/NAME.
# Each run starts once the files of the one before are on disk (sync), so
# no tool pays for another's writeback. The wall time is read in
# nanoseconds (GNU time's is in hundredths, 4% of a 0.25 s format), less
# what timing /bin/true the same way costs (timing_cost).
measure() {
	name=$1
	shift
	rm -f "$tmp/hash" "$tmp/fec"
	sync
	start=$(date +%s%N)
	/usr/bin/time -f "%U %S" -o "$tmp/t" "$@" >/dev/null
	end=$(date +%s%N)
	awk -v ns=$((end - start - timing_cost)) '{printf "%.4f %.2f\n", ns / 1e9, $1 + $2}' "$tmp/t" >>"$tmp/$name"
}
timing_cost=0
for k in 1 2 3 4 5; do
	measure timing /bin/true
done
timing_cost=$(awk '{printf "%d\n", $1 * 1e9}' "$tmp/timing" | median | awk '{printf "%d", $1}')

# med NAME [COLUMN]: median wall (1) or CPU (2) seconds.
med() {
	cut -d' ' -f"${2:-1}" "$tmp/$1" | median
}

bench_header
echo "# image: $size_mib MiB of random data, 4096-byte blocks, sha256; $reps runs each, alternating"
echo "# each run after a sync; wall times less $(awk -v n="$timing_cost" 'BEGIN {printf "%.2f", n / 1e6}') ms, the cost of timing /bin/true"
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$tmp/data"
opts="-s $salt --uuid $uuid"
i=0
while [ "$i" -lt "$reps" ]; do
	# shellcheck disable=SC2086
	measure ours-plain "$VI" format "$tmp/data" "$tmp/hash" $opts
	# shellcheck disable=SC2086
	measure vs-plain veritysetup format "$tmp/data" "$tmp/hash" $opts
	for r in 2 24; do
		# shellcheck disable=SC2086
		measure "ours-$r" "$VI" format "$tmp/data" "$tmp/hash" $opts --fec-device "$tmp/fec" --fec-roots "$r"
		cp "$tmp/fec" "$tmp/fec.ours"
		# shellcheck disable=SC2086
		measure "vs-$r" veritysetup format "$tmp/data" "$tmp/hash" $opts --fec-device "$tmp/fec" --fec-roots "$r"
		cmp -s "$tmp/fec" "$tmp/fec.ours" || { echo "parity differs (roots $r)" >&2; exit 1; }
	done
	i=$((i + 1))
done

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'
}
csv=$BENCH_OUT/fec.csv
echo "format,ours_wall_s,ours_cpu_s,veritysetup_wall_s,veritysetup_cpu_s,speedup_wall,fec_cost_percent" >"$csv"
op=$(med ours-plain)
echo
echo "Wall and CPU time (user + system, all threads), medians; speed-up = veritysetup / verify-image."
printf '| %-14s | %12s | %11s | %8s | %9s | %10s | %13s |\n' "format" "verify-image" veritysetup \
	speed-up "ours CPU" "theirs CPU" "FEC pass cost"
printf '|%s|\n' "----------------|--------------|-------------|----------|-----------|------------|---------------"
for r in plain 2 24; do
	case $r in plain) name=plain ours=ours-plain vs=vs-plain ;; *) name="fec roots $r" ours=ours-$r vs=vs-$r ;; esac
	o=$(med "$ours")
	v=$(med "$vs")
	cost=$(awk -v o="$o" -v p="$op" 'BEGIN {printf "%.0f", (o - p) / p * 100}')
	[ "$r" = plain ] && cost=0
	printf '| %-14s | %11ss | %10ss | %7sx | %8ss | %9ss | %12s%% |\n' "$name" "$o" "$v" "$(ratio "$v" "$o")" \
		"$(med "$ours" 2)" "$(med "$vs" 2)" "$cost"
	echo "$name,$o,$(med "$ours" 2),$v,$(med "$vs" 2),$(ratio "$v" "$o"),$cost" >>"$csv"
done
echo
echo "targets:"
for r in 2 24; do
	awk -v o="$(med "ours-$r")" -v v="$(med "vs-$r")" -v p="$op" -v r="$r" 'BEGIN {
		s = v / o; c = (o - p) / p * 100
		printf "%-52s %6.1f  target >= 20  %s\n", "fec roots " r ": speed-up against veritysetup", s, (s >= 20 ? "met" : "MISSED")
		printf "%-52s %6.0f  target <= 50  %s\n", "fec roots " r ": FEC pass cost on a plain format (%)", c, (c <= 50 ? "met" : "MISSED") }'
done
bench_plot fec "
set datafile separator ',';
set title 'format of $size_mib MiB: seconds, lower is better';
set style data histograms; set style histogram clustered; set style fill solid 0.8 border -1;
set grid ytics; set logscale y; set key top left;
plot csv skip 1 using 2:xtic(1) title 'verify-image', '' skip 1 using 4 title 'veritysetup'"
