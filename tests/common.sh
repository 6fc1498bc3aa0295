# Helpers for the shell tests (sourced, not run). Needs $tmp, a scratch folder.

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_rc STATUS CMD...: run CMD (stdout in $tmp/out, stderr in $tmp/err), want STATUS
expect_rc() {
	want_rc=$1
	shift
	set +e
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	set -e
	[ "$rc" = "$want_rc" ] || {
		cat "$tmp/err" >&2
		fail "exit $rc, want $want_rc: $*"
	}
}

# sign_root ROOT_HEX: a P-256 certificate $tmp/signer.pem and the kernel-style
# signature $tmp/root.p7s of ROOT_HEX (openssl required)
sign_root() {
	printf '%s' "$1" >"$tmp/root.signed"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/signer.key" -out "$tmp/signer.pem" -subj /CN=libverity-test \
		-days 30 2>/dev/null
	openssl smime -sign -binary -noattr -in "$tmp/root.signed" -signer "$tmp/signer.pem" \
		-inkey "$tmp/signer.key" -outform DER -out "$tmp/root.p7s"
}

# flip_byte FILE OFFSET: change one byte in place (xor 0x5a, so it always changes).
flip_byte() {
	flip_old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((flip_old ^ 90)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
