#!/bin/sh
# verify-image with root-hash signatures: `sig` and `verify --root-hash-signature`
# over an image formatted by veritysetup, signed with openssl at test time;
# exit codes 0 (good), 6 (bad signature), 2 (good signature, corrupt image),
# 1 (missing or unusable trust options).
set -eu

. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/../exit-status.sh"
VI="$top_builddir/verify-image"
sig_test_start openssl dtc veritysetup

# expect_exit CODE DESCRIPTION command...
expect_exit() {
	want=$1
	desc=$2
	shift 2
	set +e
	"$@" >"$T/out" 2>&1
	got=$?
	set -e
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
		printf 'ok    %-55s exit %s\n' "$desc" "$got"
	else
		failed=$((failed + 1))
		printf 'FAIL  %-55s expected exit %s, got %s:\n' "$desc" "$want" "$got"
		sed 's/^/      /' "$T/out"
	fi
}

head -c 2097152 /dev/urandom >"$T/data.img"
ROOT=$(veritysetup format "$T/data.img" "$T/hash.img" | awk '/^Root hash:/ {print $3}')
printf '%s' "$ROOT" >"$T/root.txt"
for k in good other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$k.key" \
		-out "$T/$k.pem" -subj "/CN=verity-$k" -days 3650 2>/dev/null
	openssl smime -sign -binary -noattr -in "$T/root.txt" -signer "$T/$k.pem" \
		-inkey "$T/$k.key" -outform DER -out "$T/$k.p7s"
done
openssl x509 -in "$T/good.pem" -outform DER -out "$T/good.der"
cat >"$T/keys.dts" <<'DTS'
/dts-v1/;
/ { verity-keys { compatible = "libverity,dm-verity-keys";
	good { key-name-hint = "good"; x509-certificate = /incbin/("good.der"); }; }; };
DTS
dtc -q -I dts -O dtb -i "$T" -o "$T/keys.dtb" "$T/keys.dts"
mkdir "$T/certs"
cp "$T/good.pem" "$T/certs/good.crt"
UPPER=$(printf '%s' "$ROOT" | tr a-f A-F)

expect_exit 0 "sig: good signature, --trusted-cert" \
	"$VI" sig "$ROOT" "$T/good.p7s" --trusted-cert "$T/good.pem"
expect_exit 0 "sig: upper-case root hash argument (signed string is lowercase)" \
	"$VI" sig "$UPPER" "$T/good.p7s" --trusted-cert "$T/good.pem"
expect_exit 0 "sig: --trusted-certs directory" \
	"$VI" sig "$ROOT" "$T/good.p7s" --trusted-certs "$T/certs"
expect_exit 0 "sig: --trusted-dtb" "$VI" sig "$ROOT" "$T/good.p7s" --trusted-dtb "$T/keys.dtb"
expect_exit 0 "sig: two --trusted-cert" "$VI" sig "$ROOT" "$T/good.p7s" \
	--trusted-cert "$T/other.pem" --trusted-cert "$T/good.pem"
expect_exit $EX_SIG "sig: untrusted signer" \
	"$VI" sig "$ROOT" "$T/other.p7s" --trusted-cert "$T/good.pem"
grep -q "No signer is trusted" "$T/out" && pass=$((pass + 1)) ||
	{ failed=$((failed + 1)); echo "FAIL  untrusted message missing"; }
expect_exit $EX_SIG "sig: other root hash" \
	"$VI" sig "$(openssl rand -hex 32)" "$T/good.p7s" --trusted-cert "$T/good.pem"
expect_exit $EX_USAGE "sig: no trust option" "$VI" sig "$ROOT" "$T/good.p7s"
expect_exit $EX_USAGE "sig: certificate file is not a certificate" \
	"$VI" sig "$ROOT" "$T/good.p7s" --trusted-cert "$T/root.txt"
expect_exit $EX_IO "sig: missing signature file" \
	"$VI" sig "$ROOT" "$T/missing.p7s" --trusted-cert "$T/good.pem"
expect_exit 0 "sig --json" "$VI" sig --json "$ROOT" "$T/good.p7s" --trusted-cert "$T/good.pem"
grep -q '"status":"ok"' "$T/out" && pass=$((pass + 1)) ||
	{ failed=$((failed + 1)); echo "FAIL  --json status"; }

expect_exit 0 "verify --root-hash-signature, good" "$VI" verify "$T/data.img" "$T/hash.img" \
	"$ROOT" --root-hash-signature "$T/good.p7s" --trusted-cert "$T/good.pem"
: >"$T/empty.p7s"
expect_exit $EX_SIG "verify: empty signature file" "$VI" verify "$T/data.img" "$T/hash.img" \
	"$ROOT" --root-hash-signature "$T/empty.p7s" --trusted-cert "$T/good.pem"
mkdir -p "$T/sigdir"
expect_exit $EX_IO "verify: a directory as signature file" "$VI" verify "$T/data.img" \
	"$T/hash.img" "$ROOT" --root-hash-signature "$T/sigdir" --trusted-cert "$T/good.pem"
expect_exit $EX_SIG "verify --root-hash-signature, untrusted" "$VI" verify "$T/data.img" \
	"$T/hash.img" "$ROOT" --root-hash-signature "$T/other.p7s" --trusted-dtb "$T/keys.dtb"
expect_exit $EX_USAGE "verify: trust options without signature" "$VI" verify "$T/data.img" \
	"$T/hash.img" "$ROOT" --trusted-cert "$T/good.pem"
expect_exit $EX_USAGE "verify: signature without trust options" "$VI" verify "$T/data.img" \
	"$T/hash.img" "$ROOT" --root-hash-signature "$T/good.p7s"
# Good signature, corrupt image: the signature passes, the data does not.
flip_byte "$T/data.img" 123456
expect_exit $EX_CORRUPT "verify: good signature, tampered image" "$VI" verify "$T/data.img" \
	"$T/hash.img" "$ROOT" --root-hash-signature "$T/good.p7s" --trusted-cert "$T/good.pem"

sig_test_finish
