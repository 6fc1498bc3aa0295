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
