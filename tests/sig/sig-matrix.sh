#!/bin/sh
# Root-hash signature matrix (shared reference "root-hash-signatures" §4)
# generated now with the real openssl, checked with tests/sig/sig-check:
# RSA-2048, RSA-4096, P-256, P-384 self-signed certificates; every row of the
# matrix with its expected verdict (the "2.28 build" column); negative cases;
# keyrings from PEM, DER, a PEM bundle, a directory and a device tree built
# with dtc. Each expectation names the exact error, not just "rejected".
set -eu

. "$(dirname "$0")/common.sh"
SC="${SIG_CHECK:-$top_builddir/tests/sig/sig-check}"
sig_test_start openssl dtc od

# expect WANT DESCRIPTION sig-check-arguments...
# WANT is ACCEPT, KEYRING-OK, or the symbolic error (REJECT/KEYRING lines).
expect() {
	want=$1
	desc=$2
	shift 2
	out=$("$SC" "$@" 2>&1) || true
	case "$out" in
	ACCEPT* | KEYRING-OK*) got=${out%% *} ;;
	*) got=$(printf '%s\n' "$out" | tail -n 1 | awk '{print $2}') ;;
	esac
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
		printf 'ok    %-58s %s\n' "$desc" "$got"
	else
		failed=$((failed + 1))
		printf 'FAIL  %-58s expected %s, got: %s\n' "$desc" "$want" "$out"
	fi
}

# expect_output DESCRIPTION PATTERN sig-check-arguments...: output must match.
expect_output() {
	desc=$1
	pattern=$2
	shift 2
	out=$("$SC" "$@" 2>&1) || true
	if printf '%s\n' "$out" | grep -q -- "$pattern"; then
		pass=$((pass + 1))
		printf 'ok    %-58s\n' "$desc"
	else
		failed=$((failed + 1))
		printf 'FAIL  %-58s no "%s" in: %s\n' "$desc" "$pattern" "$out"
	fi
}

# xor_byte FILE OFFSET MASK: flip bits of one byte in place.
xor_byte() {
	old=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	new=$((old ^ $3))
	printf "\\$(printf '%03o' "$new")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# find_bytes FILE HEX...: offset of the first occurrence of a byte sequence.
find_bytes() {
	file=$1
	shift
	od -An -tx1 -v "$file" | tr -s ' \n' '\n\n' | grep -v '^$' | awk -v pat="$*" '
		BEGIN { n = split(pat, want, " ") }
		{ b[NR - 1] = $1 }
		END {
			for (i = 0; i + n <= NR; i++) {
				ok = 1
				for (j = 1; j <= n; j++) if (b[i + j - 1] != want[j]) { ok = 0; break }
				if (ok) { print i; exit }
			}
			print -1
		}'
}

# The payload: a real root hash from veritysetup when available.
if command -v veritysetup >/dev/null 2>&1; then
	head -c 1048576 /dev/urandom >"$T/data.img"
	ROOT=$(veritysetup format "$T/data.img" "$T/hash.img" | awk '/^Root hash:/ {print $3}')
else
	ROOT=$(openssl rand -hex 32)
fi
OTHER=$(openssl rand -hex 32)
printf '%s' "$ROOT" >"$T/root.txt"
printf '%s\n' "$ROOT" >"$T/root-nl.txt"
printf '%s' "$ROOT" | tr a-f A-F >"$T/root-upper.txt"
printf '%s' "$OTHER" >"$T/other.txt"
echo "root hash: $ROOT"

# Keys and self-signed certificates, each generated once.
mkcert() {
	name=$1
	shift
	openssl req -x509 -newkey "$@" -nodes -keyout "$T/$name.key" -out "$T/$name.pem" \
		-subj /CN=verity-test -days 3650 2>/dev/null
	openssl x509 -in "$T/$name.pem" -outform DER -out "$T/$name.der"
}
mkcert rsa2048 rsa:2048
mkcert rsa4096 rsa:4096
mkcert p256 ec -pkeyopt ec_paramgen_curve:P-256
mkcert p384 ec -pkeyopt ec_paramgen_curve:P-384

# S: openssl smime, C: openssl cms; sign KEY OUT PAYLOAD extra-args...
smime() {
	key=$1 out=$2 in=$3
	shift 3
	openssl smime -sign -binary -in "$in" -signer "$T/$key.pem" -inkey "$T/$key.key" \
		-outform DER -out "$T/$out" "$@"
}
cms() {
	key=$1 out=$2 in=$3
	shift 3
	openssl cms -sign -binary -in "$in" -signer "$T/$key.pem" -inkey "$T/$key.key" \
		-outform DER -out "$T/$out" "$@"
}

R="$T/root.txt"
for k in rsa2048 rsa4096 p256 p384; do
	C="--cert $T/$k.pem"
	smime "$k" "$k-1.p7s" "$R" -nocerts -noattr
	expect ACCEPT "$k row 1 canonical" $C "$ROOT" "$T/$k-1.p7s"
	smime "$k" "$k-2.p7s" "$R" -noattr
	expect ACCEPT "$k row 2 certificate embedded" $C "$ROOT" "$T/$k-2.p7s"
	smime "$k" "$k-3.p7s" "$R" -nocerts
	expect VERITY_E_SIG_FORBIDDEN_ATTR "$k row 3 default attrs (smimeCapabilities)" \
		$C "$ROOT" "$T/$k-3.p7s"
	smime "$k" "$k-4.p7s" "$R" -nocerts -nosmimecap
	expect ACCEPT "$k row 4 attrs without smimeCapabilities" $C "$ROOT" "$T/$k-4.p7s"
	cms "$k" "$k-4e.p7s" "$R" -nosmimecap
	expect ACCEPT "$k row 4 attrs + embedded (signingTime checked)" \
		$C "$ROOT" "$T/$k-4e.p7s"
	cms "$k" "$k-5a.p7s" "$R" -nocerts -noattr -md sha512
	expect ACCEPT "$k row 5 SHA-512 without attrs" $C "$ROOT" "$T/$k-5a.p7s"
	cms "$k" "$k-5b.p7s" "$R" -nocerts -nosmimecap -md sha512
	expect ACCEPT "$k row 5 SHA-512 with attrs" $C "$ROOT" "$T/$k-5b.p7s"
	cms "$k" "$k-384.p7s" "$R" -nocerts -noattr -md sha384
	expect ACCEPT "$k SHA-384" $C "$ROOT" "$T/$k-384.p7s"
	cms "$k" "$k-6a.p7s" "$R" -nocerts -noattr -keyid
	expect ACCEPT "$k row 6 SKID (v3) without attrs" $C "$ROOT" "$T/$k-6a.p7s"
	cms "$k" "$k-6b.p7s" "$R" -nocerts -nosmimecap -keyid
	expect ACCEPT "$k row 6 SKID (v3) with attrs" $C "$ROOT" "$T/$k-6b.p7s"
	cms "$k" "$k-6c.p7s" "$R" -nosmimecap -keyid
	expect ACCEPT "$k row 6 SKID (v3), cert embedded" $C "$ROOT" "$T/$k-6c.p7s"
	cms "$k" "$k-7.p7s" "$R" -nocerts -noattr -md sha1
	expect VERITY_E_SIG_SHA1_DISABLED "$k row 7 SHA-1 (default policy)" $C "$ROOT" "$T/$k-7.p7s"
	expect ACCEPT "$k row 7 SHA-1 with --allow-sha1" --allow-sha1 $C "$ROOT" "$T/$k-7.p7s"
	cms "$k" "$k-9.p7s" "$R" -nocerts -noattr -stream
	expect VERITY_E_SIG_BER "$k row 9 BER streaming" $C "$ROOT" "$T/$k-9.p7s"
	smime "$k" "$k-11.p7s" "$R" -nocerts -noattr -nodetach
	expect VERITY_E_SIG_NOT_DETACHED "$k row 11 opaque (non-detached)" $C "$ROOT" "$T/$k-11.p7s"
	smime "$k" "$k-12n.p7s" "$T/root-nl.txt" -nocerts -noattr
	expect VERITY_E_SIG_BAD_SIGNATURE "$k row 12 payload with newline" $C "$ROOT" "$T/$k-12n.p7s"
	smime "$k" "$k-12u.p7s" "$T/root-upper.txt" -nocerts -noattr
	expect VERITY_E_SIG_BAD_SIGNATURE "$k row 12 upper-case payload" $C "$ROOT" "$T/$k-12u.p7s"
	smime "$k" "$k-12o.p7s" "$T/other.txt" -nocerts -noattr
	expect VERITY_E_SIG_BAD_SIGNATURE "$k row 12 another hash" $C "$ROOT" "$T/$k-12o.p7s"
	smime "$k" "$k-12a.p7s" "$T/root-nl.txt" -nocerts -nosmimecap
	expect VERITY_E_SIG_DIGEST_MISMATCH "$k row 12 newline payload, with attrs" \
		$C "$ROOT" "$T/$k-12a.p7s"
	openssl smime -sign -in "$R" -signer "$T/$k.pem" -inkey "$T/$k.key" -outform DER \
		-out "$T/$k-13.p7s" -nocerts -noattr
	expect ACCEPT "$k row 13 without -binary" $C "$ROOT" "$T/$k-13.p7s"
done

# RSA-only rows: SHA3-256 (no SHA-3 in the accepted set) and RSA-PSS.
for k in rsa2048 rsa4096; do
	C="--cert $T/$k.pem"
	cms "$k" "$k-8.p7s" "$R" -nocerts -noattr -md sha3-256
	expect VERITY_E_SIG_UNSUPPORTED_DIGEST "$k row 8 SHA3-256" $C "$ROOT" "$T/$k-8.p7s"
	cms "$k" "$k-10.p7s" "$R" -nocerts -noattr -keyopt rsa_padding_mode:pss
	expect VERITY_E_SIG_RSA_PSS_DISABLED "$k row 10 RSA-PSS (default policy)" \
		$C "$ROOT" "$T/$k-10.p7s"
	expect ACCEPT "$k row 10 RSA-PSS with --allow-pss" --allow-pss $C "$ROOT" "$T/$k-10.p7s"
done

# Row 14: two signers, only P-256 trusted; and variations.
openssl cms -sign -binary -in "$R" -signer "$T/rsa2048.pem" -inkey "$T/rsa2048.key" \
	-signer "$T/p256.pem" -inkey "$T/p256.key" -outform DER -out "$T/two.p7s" -nocerts -noattr
expect ACCEPT "row 14 two signers, P-256 trusted" --cert "$T/p256.pem" "$ROOT" "$T/two.p7s"
expect ACCEPT "row 14 two signers, RSA-2048 trusted" --cert "$T/rsa2048.pem" "$ROOT" "$T/two.p7s"
expect VERITY_E_SIG_UNTRUSTED "row 14 two signers, neither trusted" \
	--cert "$T/p384.pem" "$ROOT" "$T/two.p7s"
openssl cms -sign -binary -in "$R" -signer "$T/rsa2048.pem" -inkey "$T/rsa2048.key" \
	-signer "$T/p256.pem" -inkey "$T/p256.key" -outform DER -out "$T/two-attr.p7s" -nosmimecap
expect ACCEPT "row 14 two signers, certs + attrs, P-256 trusted" \
	--cert "$T/p256.pem" "$ROOT" "$T/two-attr.p7s"

# Row 15: untrusted signer, with and without its certificate embedded.
expect VERITY_E_SIG_UNTRUSTED "row 15 untrusted signer" --cert "$T/p256.pem" "$ROOT" \
	"$T/rsa2048-1.p7s"
expect VERITY_E_SIG_UNTRUSTED "row 15 untrusted signer, cert embedded" \
	--cert "$T/p256.pem" "$ROOT" "$T/rsa2048-2.p7s"
expect VERITY_E_SIG_UNTRUSTED "row 15 untrusted SKID signer" --cert "$T/p384.pem" "$ROOT" \
	"$T/p256-6a.p7s"

# Wrong certificate: same issuer and serial number, another key.
openssl req -x509 -new -key "$T/rsa2048.key" -set_serial 4242 -subj /CN=verity-test \
	-days 3650 -out "$T/serial.pem" 2>/dev/null
openssl genrsa -out "$T/impostor.key" 2048 2>/dev/null
openssl req -x509 -new -key "$T/impostor.key" -set_serial 4242 -subj /CN=verity-test \
	-days 3650 -out "$T/impostor.pem" 2>/dev/null
openssl smime -sign -binary -in "$R" -signer "$T/serial.pem" -inkey "$T/rsa2048.key" \
	-outform DER -out "$T/serial.p7s" -nocerts -noattr
expect ACCEPT "issuer+serial match, right key" --cert "$T/serial.pem" "$ROOT" "$T/serial.p7s"
expect VERITY_E_SIG_BAD_SIGNATURE "wrong certificate (same issuer+serial, other key)" \
	--cert "$T/impostor.pem" "$ROOT" "$T/serial.p7s"
openssl smime -sign -binary -in "$R" -signer "$T/impostor.pem" -inkey "$T/impostor.key" \
	-outform DER -out "$T/impostor.p7s" -noattr
# The kernel looks the embedded self-signed certificate up by issuer+serial
# AND key ID; the key IDs differ, so nothing vouches for it: untrusted.
expect VERITY_E_SIG_UNTRUSTED "impostor embeds its cert, trusted cert differs" \
	--cert "$T/serial.pem" "$ROOT" "$T/impostor.p7s"

# A chain as openssl writes it (authority key identifiers): root CA (trusted,
# not embedded) -> intermediate -> leaf, both embedded; the leaf signs.
printf '[ca]\nbasicConstraints = critical, CA:true\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n' >"$T/ca.cnf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" \
	-out "$T/ca.pem" -subj /CN=verity-root -days 3650 2>/dev/null
for n in mid leaf; do
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$n.key" -out "$T/$n.csr" -subj "/CN=verity-$n" 2>/dev/null
done
openssl x509 -req -in "$T/mid.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -set_serial 2 \
	-extfile "$T/ca.cnf" -extensions ca -days 3650 -out "$T/mid.pem" 2>/dev/null
openssl x509 -req -in "$T/leaf.csr" -CA "$T/mid.pem" -CAkey "$T/mid.key" -set_serial 3 \
	-extfile "$T/ca.cnf" -extensions ca -days 3650 -out "$T/leaf.pem" 2>/dev/null
openssl smime -sign -binary -in "$R" -signer "$T/leaf.pem" -inkey "$T/leaf.key" \
	-certfile "$T/mid.pem" -outform DER -out "$T/chain.p7s" -noattr
expect ACCEPT "chain leaf -> intermediate -> trusted root" --cert "$T/ca.pem" "$ROOT" \
	"$T/chain.p7s"
expect ACCEPT "chain: trusted intermediate" --cert "$T/mid.pem" "$ROOT" "$T/chain.p7s"
expect VERITY_E_SIG_UNTRUSTED "chain to an untrusted root" --cert "$T/p256.pem" "$ROOT" \
	"$T/chain.p7s"

# RSA moduli: the kernel takes 512/1024/1536/2048/3072/4096 bits only (this
# library's policy: 2048 and up); other sizes are refused as signer
# certificates and as trusted certificates.
mkcert rsa3072 rsa:3072
smime rsa3072 rsa3072-2.p7s "$R" -noattr
expect ACCEPT "RSA-3072 embedded and trusted" --cert "$T/rsa3072.pem" "$ROOT" "$T/rsa3072-2.p7s"
for bits in 2056 2560 3000; do
	mkcert "rsa$bits" "rsa:$bits"
	smime "rsa$bits" "rsa$bits-2.p7s" "$R" -noattr
	expect VERITY_E_KEYRING_BAD_CERT "RSA-$bits trusted certificate refused" \
		--cert "$T/rsa$bits.pem"
	expect VERITY_E_SIG_KEY_UNSUPPORTED "RSA-$bits embedded signer refused" \
		--cert "$T/rsa2048.pem" "$ROOT" "$T/rsa$bits-2.p7s"
done

# A self-signed certificate whose own signature is broken: refused as a
# trusted certificate (test_pkcs7 covers the embedded case).
size=$(wc -c <"$T/p256.der")
cp "$T/p256.der" "$T/badself.der"
xor_byte "$T/badself.der" $((size - 2)) 1
expect VERITY_E_KEYRING_BAD_CERT "trusted self-signed certificate, broken self-signature" \
	--cert "$T/badself.der"

# Root hash argument must be the exact lowercase string.
expect VERITY_E_BAD_HEX "upper-case root hash argument" --cert "$T/p256.pem" \
	"$(cat "$T/root-upper.txt")" "$T/p256-1.p7s"
expect VERITY_E_SIG_BAD_SIGNATURE "other root hash argument" --cert "$T/p256.pem" \
	"$OTHER" "$T/p256-1.p7s"

# Tampered signature bytes (the signature value ends the canonical form).
for k in rsa2048 p256; do
	cp "$T/$k-1.p7s" "$T/$k-tamper.p7s"
	size=$(wc -c <"$T/$k-tamper.p7s")
	xor_byte "$T/$k-tamper.p7s" $((size - 5)) 1
	expect VERITY_E_SIG_BAD_SIGNATURE "$k tampered signature value" --cert "$T/$k.pem" \
		"$ROOT" "$T/$k-tamper.p7s"
	# Tampered signed attribute: a digit of signingTime (UTCTime 17 0d ...).
	cp "$T/$k-4.p7s" "$T/$k-tattr.p7s"
	at=$(find_bytes "$T/$k-tattr.p7s" 17 0d)
	if [ "$at" -ge 0 ]; then
		xor_byte "$T/$k-tattr.p7s" $((at + 2 + 11)) 1 # seconds, ones digit: stays a digit
		expect VERITY_E_SIG_BAD_SIGNATURE "$k tampered signingTime attribute" \
			--cert "$T/$k.pem" "$ROOT" "$T/$k-tattr.p7s"
	else
		failed=$((failed + 1))
		echo "FAIL  no signingTime found in $k-4.p7s"
	fi
	# messageDigest over other data: flip a byte of its OCTET STRING value.
	cp "$T/$k-4.p7s" "$T/$k-tmd.p7s"
	at=$(find_bytes "$T/$k-tmd.p7s" 2a 86 48 86 f7 0d 01 09 04 31)
	xor_byte "$T/$k-tmd.p7s" $((at + 10 + 4)) 128
	expect VERITY_E_SIG_DIGEST_MISMATCH "$k messageDigest over other data" \
		--cert "$T/$k.pem" "$ROOT" "$T/$k-tmd.p7s"
	# Trailing garbage after the ContentInfo.
	cp "$T/$k-1.p7s" "$T/$k-trail.p7s"
	printf '\000' >>"$T/$k-trail.p7s"
	expect VERITY_E_SIG_TRAILING_DATA "$k trailing byte" --cert "$T/$k.pem" "$ROOT" \
		"$T/$k-trail.p7s"
done

# Every proper prefix of a signature fails cleanly (sig-check loops in-process).
for f in rsa4096-2 p384-4e two-attr; do
	expect_output "truncation at every length: $f" "TRUNCATIONS-REJECTED" \
		--truncations --cert "$T/rsa4096.pem" --cert "$T/p384.pem" --cert "$T/p256.pem" \
		"$ROOT" "$T/$f.p7s"
done

# Size cap: 32768 bytes is over the limit whatever they hold.
head -c 32768 /dev/zero >"$T/big.p7s"
expect VERITY_E_SIG_TOO_LARGE "32768-byte signature" --cert "$T/p256.pem" "$ROOT" "$T/big.p7s"

# Keyrings: PEM, DER, bundle, directory.
expect ACCEPT "keyring from DER file" --cert "$T/p384.der" "$ROOT" "$T/p384-1.p7s"
cat "$T/rsa2048.pem" "$T/p256.pem" >"$T/bundle.pem"
expect_output "PEM bundle gives two certificates" "KEYRING-OK 2 \[bundle.pem#1\] \[bundle.pem#2\]" \
	--cert "$T/bundle.pem"
expect ACCEPT "keyring from PEM bundle" --cert "$T/bundle.pem" "$ROOT" "$T/p256-1.p7s"
cp "$T/rsa2048.der" "$T/trail.der"
printf 'x' >>"$T/trail.der"
expect VERITY_E_KEYRING_BAD_CERT "DER file with trailing byte" --cert "$T/trail.der"
expect VERITY_E_IO "missing certificate file" --cert "$T/missing.pem"
mkdir "$T/certs" "$T/empty"
cp "$T/rsa4096.pem" "$T/certs/a.crt"
cp "$T/p384.der" "$T/certs/b.der"
cp "$T/p256.pem" "$T/certs/c.pem"
echo "not a certificate" >"$T/certs/README"
expect_output "directory: *.crt, *.der, *.pem only" "KEYRING-OK 3 \[a.crt\] \[b.der\] \[c.pem\]" \
	--dir "$T/certs"
expect ACCEPT "keyring from directory" --dir "$T/certs" "$ROOT" "$T/p384-6b.p7s"
expect VERITY_E_KEYRING_EMPTY "empty directory" --dir "$T/empty"
echo garbage >"$T/empty/bad.pem"
expect VERITY_E_KEYRING_BAD_CERT "directory with a bad *.pem" --dir "$T/empty"

# Device tree keyring, built with dtc; the disabled node must be ignored.
openssl dgst -sha256 -binary "$T/p256.der" >"$T/p256.fp"
cat >"$T/keys.dts" <<'EOF'
/dts-v1/;
/ {
	verity-keys {
		compatible = "libverity,dm-verity-keys";
		rsa {
			key-name-hint = "rsa2048";
			x509-certificate = /incbin/("rsa2048.der");
		};
		ec {
			key-name-hint = "p256";
			x509-certificate = /incbin/("p256.der");
			sha256-fingerprint = /incbin/("p256.fp");
			status = "okay";
		};
		off {
			key-name-hint = "p384-disabled";
			x509-certificate = /incbin/("p384.der");
			status = "disabled";
		};
	};
};
EOF
dtc -q -I dts -O dtb -i "$T" -o "$T/keys.dtb" "$T/keys.dts"
expect_output "DTB: two active certificates" "KEYRING-OK 2 \[rsa2048\] \[p256\]" --dtb "$T/keys.dtb"
expect ACCEPT "DTB keyring, RSA-2048 signer" --dtb "$T/keys.dtb" "$ROOT" "$T/rsa2048-1.p7s"
expect ACCEPT "DTB keyring, P-256 SKID signer" --dtb "$T/keys.dtb" "$ROOT" "$T/p256-6a.p7s"
expect VERITY_E_SIG_UNTRUSTED "DTB keyring, disabled node ignored" --dtb "$T/keys.dtb" \
	"$ROOT" "$T/p384-1.p7s"
expect ACCEPT "DTB keyring by path" --dtb-path /verity-keys --dtb "$T/keys.dtb" "$ROOT" \
	"$T/p256-1.p7s"
expect VERITY_E_KEYRING_DTB_NO_NODE "DTB path not present" --dtb-path /nowhere --dtb "$T/keys.dtb"

cp "$T/keys.dtb" "$T/badmagic.dtb"
xor_byte "$T/badmagic.dtb" 0 255
expect VERITY_E_KEYRING_BAD_DTB "DTB with corrupt magic" --dtb "$T/badmagic.dtb"
cp "$T/keys.dtb" "$T/badsize.dtb"
xor_byte "$T/badsize.dtb" 5 64 # totalsize grows past the file
expect VERITY_E_KEYRING_BAD_DTB "DTB with totalsize past the end" --dtb "$T/badsize.dtb"
head -c 200 "$T/keys.dtb" >"$T/short.dtb"
expect VERITY_E_KEYRING_BAD_DTB "DTB truncated" --dtb "$T/short.dtb"

mkdts() { # mkdts NAME NODE-BODY
	printf '/dts-v1/;\n/ {\n\tkeys {\n\t\tcompatible = "libverity,dm-verity-keys";\n\t\tk {\n%s\n\t\t};\n\t};\n};\n' \
		"$2" >"$T/$1.dts"
	dtc -q -I dts -O dtb -i "$T" -o "$T/$1.dtb" "$T/$1.dts"
}
mkdts notder 'x509-certificate = [01 02 03 04];'
expect VERITY_E_KEYRING_BAD_CERT "DTB certificate property not DER" --dtb "$T/notder.dtb"
expect_output "DTB error names the node" "/keys/k: x509-certificate is not one DER" \
	--dtb "$T/notder.dtb"
mkdts notcert 'x509-certificate = [30 03 02 01 01];'
expect VERITY_E_KEYRING_BAD_CERT "DTB DER that is not X.509" --dtb "$T/notcert.dtb"
mkdts noprop 'key-name-hint = "x";'
expect VERITY_E_KEYRING_DTB_PROPERTY "DTB node without x509-certificate" --dtb "$T/noprop.dtb"
mkdts badfp 'x509-certificate = /incbin/("p384.der"); sha256-fingerprint = /incbin/("p256.fp");'
expect VERITY_E_KEYRING_FINGERPRINT "DTB sha256-fingerprint mismatch" --dtb "$T/badfp.dtb"
mkdts alloff 'x509-certificate = /incbin/("p384.der"); status = "disabled";'
expect VERITY_E_KEYRING_EMPTY "DTB with only disabled nodes" --dtb "$T/alloff.dtb"
printf '/dts-v1/;\n/ { chosen { }; };\n' >"$T/none.dts"
dtc -q -I dts -O dtb -o "$T/none.dtb" "$T/none.dts"
expect VERITY_E_KEYRING_DTB_NO_NODE "DTB without a keys node" --dtb "$T/none.dtb"

sig_test_finish
