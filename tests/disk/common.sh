# Shared by the disk image tests (sourced, not run).
# ddi_test_start TOOL...: sig_test_start (tests/sig/common.sh: SKIP unless
# every TOOL is installed, scratch folder $T, counters), then a throwaway key
# and certificate ($T/key.pem, $T/cert.pem, and a second pair $T/key2.pem,
# $T/cert2.pem). ddi_test_finish: the counts; the status says whether all passed.
# expect NAME STATUS PATTERN CMD...: run CMD, pass when it exits with STATUS
# and its standard error matches the grep -E PATTERN ("" for any).

: "${top_srcdir:=.}"
. "$top_srcdir/tests/sig/common.sh"
VI="$top_builddir/verify-image"
GPTIMG="python3 $top_srcdir/tests/disk/gptimg.py"

# verify-image exit status (DESIGN.md table; set once here).
. "$top_srcdir/tests/exit-status.sh"
E_OK=$EX_OK
E_USAGE=$EX_USAGE
E_CORRUPT=$EX_CORRUPT
E_SIG=$EX_SIG
E_NOTFOUND=$EX_NOT_FOUND

ddi_test_start() {
	sig_test_start "$@"
	for k in "" 2; do
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key$k.pem" -out "$T/cert$k.pem" \
			-days 30 -subj "/CN=ddi-test$k" 2>/dev/null
	done
}

ddi_test_finish() {
	sig_test_finish
}

expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ] && { [ -z "$pattern" ] || grep -Eq "$pattern" "$T/err"; }; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name: exit $got (want $want), stderr:"
		sed 's/^/    /' "$T/err"
	fi
}

# ok NAME COMMAND...: a shell condition that must hold.
ok() {
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name"
	fi
}

# sign_json ROOT KEY CERT [FINGERPRINT_CERT]: the verity-sig JSON for ROOT, as systemd-repart writes it.
sign_json() {
	printf '%s' "$1" >"$T/roothash.txt"
	openssl cms -sign -binary -noattr -outform DER -signer "$3" -inkey "$2" \
		-in "$T/roothash.txt" -out "$T/sig.p7s" || return 1
	fp=$(openssl x509 -in "${4:-$3}" -outform DER | sha256sum | cut -d' ' -f1)
	printf '{"rootHash":"%s","certificateFingerprint":"%s","signature":"%s"}' \
		"$1" "$fp" "$(base64 -w0 "$T/sig.p7s")"
}

# verity_parts NAME MIB: random data $T/NAME.data, its tree $T/NAME.hash
# (veritysetup, 4 KiB blocks), root hash in $root, partition UUIDs in
# $data_uuid and $hash_uuid (the two halves of the root hash).
verity_parts() {
	head -c $(($2 << 20)) /dev/urandom >"$T/$1.data"
	root=$(veritysetup format "$T/$1.data" "$T/$1.hash" | sed -n 's/^Root hash:[[:space:]]*//p')
	[ -n "$root" ] || return 1
	data_uuid=$(uuid_of "$(echo "$root" | cut -c1-32)")
	hash_uuid=$(uuid_of "$(echo "$root" | cut -c33-64)")
}

uuid_of() {
	echo "$1" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/'
}
