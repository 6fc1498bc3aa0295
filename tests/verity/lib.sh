# Shared by the tests/verity shell tests (sourced): paths, a temporary
# directory removed on exit, and small helpers. POSIX sh.
set -eu
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
VI="$top_builddir/verify-image"
PATH="$PATH:/usr/sbin:/sbin"
export PATH
. "$(dirname "$0")/../exit-status.sh"
[ -x "$VI" ] || {
	echo "no $VI: build first"
	exit 99
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libverity-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_veritysetup() {
	command -v veritysetup >/dev/null 2>&1 || {
		echo "veritysetup not found: skipped"
		exit 77
	}
}

# gen SEED BYTES: deterministic pseudo-random bytes on stdout.
gen() {
	openssl enc -aes-128-ctr -nosalt -pbkdf2 -iter 1 -pass "pass:$1" </dev/zero 2>/dev/null |
		head -c "$2"
}

# hexof FILE: lowercase hex of a file.
hexof() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

# byte_at FILE OFFSET: decimal value of one byte.
byte_at() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}

# set_byte FILE OFFSET VALUE
set_byte() {
	printf "$(printf '\\%03o' "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# flip FILE OFFSET: change one byte (xor 0x5a).
flip() {
	set_byte "$1" "$2" $(($(byte_at "$1" "$2") ^ 90))
}

# run_rc CMD...: run, stdout to $tmp/out, stderr to $tmp/err, exit status in $rc.
run_rc() {
	rc=0
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# expect_rc CODE CMD...: the command must exit with CODE (and never crash).
expect_rc() {
	want=$1
	shift
	run_rc "$@"
	[ "$rc" = "$want" ] || {
		cat "$tmp/err" >&2
		fail "exit $rc, wanted $want: $*"
	}
}

# same_as_veritysetup ARGS...: where veritysetup is installed, it exits as
# the last expect_rc did ($rc) on the same arguments.
same_as_veritysetup() {
	command -v veritysetup >/dev/null 2>&1 || return 0
	ours=$rc
	run_rc veritysetup "$@"
	[ "$rc" = "$ours" ] || fail "veritysetup exits $rc, verify-image $ours: $*"
	rc=$ours
}

# json_field NAME: a number or string field of the JSON in $tmp/out.
json_field() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$tmp/out"
}

# root_of FILE: the "Root hash:" of format output.
root_of() {
	sed -n 's/^Root hash:[[:space:]]*//p' "$1"
}
