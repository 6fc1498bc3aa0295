#!/bin/sh
# FEC format speed: verify-image against veritysetup on the same image in
# the same run, roots 2 and 24, and each tool's plain format (no FEC) for
# the cost of the FEC pass. Runs alternate between the tools; medians of
# REPS runs. The parity files are compared, so the figures are for
# identical output.
#
#   sh bench/bench-fec.sh [SIZE_MIB [REPS]]     (defaults: 256 3; the issue's figure is 1024)
#
# BUILD_DIR (default build/) holds verify-image. Files live in TMPDIR
# (default /tmp) and are removed afterwards. Not part of `make check`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
VI=${BUILD_DIR:-$top/build}/verify-image
PATH="$PATH:/usr/sbin:/sbin"
size_mib=${1:-256}
reps=${2:-3}
[ -x "$VI" ] || { echo "build verify-image first ($VI)" >&2; exit 1; }
command -v veritysetup >/dev/null || { echo "veritysetup missing" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-fec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

salt=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
uuid=a60c98d2-ae9b-4865-bfcb-b4e3ace11033

[ -x /usr/bin/time ] || { echo "GNU time missing (apt-get install time)" >&2; exit 1; }

# measure NAME CMD...: one run; appends "wall_seconds cpu_seconds" to $tmp/NAME.
measure() {
	name=$1
	shift
	rm -f "$tmp/hash" "$tmp/fec"
	/usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >/dev/null
	awk '{printf "%s %.2f\n", $1, $2 + $3}' "$tmp/t" >>"$tmp/$name"
}

# median NAME [COLUMN]: median wall (1) or CPU (2) seconds.
median() {
	cut -d' ' -f"${2:-1}" "$tmp/$1" | sort -n |
		awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

echo "image: $size_mib MiB of random data, $reps runs each; $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p')"
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

mib_s() {
	awk -v s="$1" -v m="$size_mib" 'BEGIN {printf "%.0f", m / s}'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'
}
op=$(median ours-plain)
vp=$(median vs-plain)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (CPU seconds: user + system, all threads)"
printf '%-16s %12s %12s %8s %10s %10s\n' "format, median" "verify-image" veritysetup speedup "ours CPU" "theirs CPU"
printf '%-16s %11ss %11ss %7sx %9ss %9ss\n' "plain" "$op" "$vp" "$(ratio "$vp" "$op")" \
	"$(median ours-plain 2)" "$(median vs-plain 2)"
for r in 2 24; do
	o=$(median "ours-$r")
	v=$(median "vs-$r")
	printf '%-16s %11ss %11ss %7sx %9ss %9ss\n' "fec roots $r" "$o" "$v" "$(ratio "$v" "$o")" \
		"$(median "ours-$r" 2)" "$(median "vs-$r" 2)"
	echo "  roots $r: verify-image $(mib_s "$o") MiB/s, veritysetup $(mib_s "$v") MiB/s;" \
		"FEC pass costs $(awk -v o="$o" -v p="$op" 'BEGIN {printf "%.0f", (o - p) / p * 100}')% on top of verify-image's plain format"
done
