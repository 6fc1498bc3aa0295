#!/bin/sh
# The main job, from a fresh Debian 12 machine as root: set-up, build, then a
# walk through what libverity does. Set LIBVERITY_SKIP_SETUP=1 to skip apt-get.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "${LIBVERITY_SKIP_SETUP:-0}" = 1 ] || sh scripts/setup-debian.sh
sh scripts/build.sh >/dev/null
vi="$top/build/verify-image"
echo "== $("$vi" --version)"
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
PATH="$PATH:/usr/sbin:/sbin"
# tamper FILE OFFSET: change one byte (xor, so it always changes).
tamper() {
	old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((old ^ 90)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# Hash tree: format a 16 MiB image, verify it, tamper one byte and see it
# refused; the root hash is the one veritysetup computes for the same salt.
head -c 16777216 /dev/urandom >"$demo/sample.img"
salt=$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
echo "== verify-image format sample.img sample.hash (16 MiB, salt $salt)"
"$vi" format "$demo/sample.img" "$demo/sample.hash" --salt "$salt" \
	--root-hash-file "$demo/sample.root"
root=$(cat "$demo/sample.root")
echo "== verify-image verify with the root hash (expect exit 0)"
"$vi" verify -v "$demo/sample.img" "$demo/sample.hash" "$root"
echo "exit 0"
echo "== veritysetup format, same salt: same root hash?"
if command -v veritysetup >/dev/null 2>&1; then
	vs_root=$(veritysetup format "$demo/sample.img" "$demo/vs.hash" --salt "$salt" |
		sed -n 's/^Root hash:[[:space:]]*//p')
	echo "verify-image: $root"
	echo "veritysetup:  $vs_root"
	[ "$root" = "$vs_root" ] && echo "same root hash" || { echo "ROOT HASHES DIFFER"; exit 1; }
	veritysetup verify "$demo/sample.img" "$demo/sample.hash" "$root" &&
		echo "veritysetup verify accepts verify-image's hash tree"
else
	echo "(veritysetup not installed: skipped)"
fi
echo "== tamper one byte of block 1000 and verify again (expect exit 2)"
tamper "$demo/sample.img" $((1000 * 4096 + 123))
rc=0
"$vi" verify "$demo/sample.img" "$demo/sample.hash" "$root" || rc=$?
echo "exit $rc"
[ "$rc" = 2 ] || { echo "TAMPERING NOT DETECTED"; exit 1; }

# Signed root hash: format, sign with a throwaway key, verify; then a tampered
# image and a wrong signature are refused.
head -c 4194304 /dev/urandom >"$demo/data.img"
"$vi" format "$demo/data.img" "$demo/hash.img" --root-hash-file "$demo/root.txt" >/dev/null
root=$(cat "$demo/root.txt")
echo "== root hash $root"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$demo/key.pem" \
	-out "$demo/cert.pem" -subj /CN=demo-signer -days 30 2>/dev/null
openssl smime -sign -binary -noattr -in "$demo/root.txt" -signer "$demo/cert.pem" \
	-inkey "$demo/key.pem" -outform DER -out "$demo/root.p7s"
echo "== verify with a good signature"
"$vi" verify -v "$demo/data.img" "$demo/hash.img" "$root" \
	--root-hash-signature "$demo/root.p7s" --trusted-cert "$demo/cert.pem"
echo "== a signature by an untrusted key (expect exit 6)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$demo/evil.key" \
	-out "$demo/evil.pem" -subj /CN=demo-signer -days 30 2>/dev/null
openssl smime -sign -binary -noattr -in "$demo/root.txt" -signer "$demo/evil.pem" \
	-inkey "$demo/evil.key" -outform DER -out "$demo/evil.p7s"
rc=0
"$vi" verify "$demo/data.img" "$demo/hash.img" "$root" \
	--root-hash-signature "$demo/evil.p7s" --trusted-cert "$demo/cert.pem" || rc=$?
echo "exit $rc"
echo "== the signed root hash over a tampered image (expect exit 2)"
tamper "$demo/data.img" 1000000
rc=0
"$vi" verify "$demo/data.img" "$demo/hash.img" "$root" \
	--root-hash-signature "$demo/root.p7s" --trusted-cert "$demo/cert.pem" || rc=$?
echo "exit $rc"
