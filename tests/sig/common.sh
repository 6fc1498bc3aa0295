# Set-up shared by the shell tests of tests/sig (sourced, not run).
# sig_test_start TOOL...: skip (exit 77) unless every TOOL is installed, then
# make the scratch folder $T (removed on exit) and the pass/failed counters.
# sig_test_finish: print the counts; the status says whether all passed.

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
PATH="$PATH:/usr/sbin:/sbin"
. "$top_srcdir/tests/common.sh" # flip_byte

sig_test_start() {
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "SKIP: $tool not installed"
			exit 77
		fi
	done
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT INT TERM
	pass=0
	failed=0
}

sig_test_finish() {
	echo "$pass passed, $failed failed"
	[ "$failed" -eq 0 ]
}
