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

# Signed root hash: format, sign with a throwaway key, verify; then a tampered
# image and a wrong signature are refused.
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
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
echo "== a signature by an untrusted key (expect exit 5)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$demo/evil.key" \
	-out "$demo/evil.pem" -subj /CN=demo-signer -days 30 2>/dev/null
openssl smime -sign -binary -noattr -in "$demo/root.txt" -signer "$demo/evil.pem" \
	-inkey "$demo/evil.key" -outform DER -out "$demo/evil.p7s"
rc=0
"$vi" verify "$demo/data.img" "$demo/hash.img" "$root" \
	--root-hash-signature "$demo/evil.p7s" --trusted-cert "$demo/cert.pem" || rc=$?
echo "exit $rc"
echo "== the signed root hash over a tampered image (expect exit 3)"
printf 'X' | dd of="$demo/data.img" bs=1 seek=1000000 conv=notrunc 2>/dev/null
rc=0
"$vi" verify "$demo/data.img" "$demo/hash.img" "$root" \
	--root-hash-signature "$demo/root.p7s" --trusted-cert "$demo/cert.pem" || rc=$?
echo "exit $rc"
