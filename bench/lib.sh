# Shared by the bench scripts (sourced). Every script takes the same
# arguments and environment:
#
#   bench/X.sh [SIZE_MIB [REPS]]
#
# SIZE_MIB: size of the data each script makes (its own default); REPS:
# repetitions behind each median. Environment: BUILD_DIR (build folder,
# default build/ in the source tree), BENCH_OUT (folder for the CSV and SVG
# files, default the current folder), TMPDIR (scratch files, removed after).
# Each script prints the CPU, its SHA-256 features and the load first, then
# its table with ratios measured in the same run; it writes NAME.csv and,
# when gnuplot is installed, NAME.svg.

bench_top=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$bench_top/build}
BENCH_OUT=${BENCH_OUT:-.}
PATH="$PATH:/usr/sbin:/sbin"

# bench_args DEFAULT_SIZE DEFAULT_REPS "$@": sets size_mib and reps.
bench_args() {
	size_mib=${3:-$1}
	reps=${4:-$2}
	case "$size_mib$reps" in
	*[!0-9]*)
		echo "usage: $0 [SIZE_MIB [REPS]]  (environment: BUILD_DIR, BENCH_OUT, TMPDIR)" >&2
		exit 2
		;;
	esac
	[ "$size_mib" -ge 1 ] && [ "$reps" -ge 1 ] || {
		echo "$0: SIZE_MIB and REPS must be at least 1" >&2
		exit 2
	}
	mkdir -p "$BENCH_OUT"
}

# The CPU, the features that decide which SHA-256 code runs, the load.
bench_header() {
	model=$(grep -m1 -E '^(model name|Model|CPU part)' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
	flags=$(grep -m1 -E '^(flags|Features)' /proc/cpuinfo | cut -d: -f2 |
		tr ' ' '\n' | grep -xE 'sha_ni|avx2|avx512f|avx512vl|avx512bw|gfni|sha2|asimd|neon' |
		tr '\n' ' ')
	echo "# CPU: ${model:-unknown} ($(uname -m)), $(nproc) CPUs; SHA-256 and GF(2^8) features: ${flags:-none}"
	echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
	if [ -n "$(printf '%s' "$flags" | grep -E 'avx512f')" ]; then
		bench_cpu_class="with AVX-512"
	elif [ -n "$(printf '%s' "$flags" | grep -E 'sha_ni|sha2')" ]; then
		bench_cpu_class="SHA extensions, no AVX-512"
	else
		bench_cpu_class="neither SHA extensions nor AVX-512"
	fi
	echo "# CPU class for the targets: $bench_cpu_class"
}

# median: of the numbers on stdin, one a line.
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_plot NAME SCRIPT: runs the gnuplot SCRIPT (which reads NAME.csv
# through the variable csv) into $BENCH_OUT/NAME.svg.
bench_plot() {
	if ! command -v gnuplot >/dev/null 2>&1; then
		echo "(gnuplot not installed: no $BENCH_OUT/$1.svg; apt-get install gnuplot-nox)"
		return 0
	fi
	gnuplot -e "csv='$BENCH_OUT/$1.csv'; set terminal svg size 900,500 dynamic background rgb 'white'; set output '$BENCH_OUT/$1.svg'" \
		-e "$2" && echo "wrote $BENCH_OUT/$1.csv and $BENCH_OUT/$1.svg"
}
