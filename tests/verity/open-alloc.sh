#!/bin/sh
# verity_open() with a signature check, reads and close, all through a
# counting allocator (tests/verity/open-alloc.c); the root hash is signed
# with the real openssl now.
: "${top_builddir:=.}"
prog=$top_builddir/tests/verity/open-alloc
if ! command -v openssl >/dev/null 2>&1; then
	echo "SKIP: openssl not installed"
	exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
"$prog" root | tr -d '\n' >"$T/root.txt" || exit 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/k.key" \
	-out "$T/k.pem" -subj /CN=open-alloc -days 30 2>/dev/null || exit 1
openssl cms -sign -binary -nocerts -noattr -in "$T/root.txt" -signer "$T/k.pem" \
	-inkey "$T/k.key" -outform DER -out "$T/root.p7s" || exit 1
"$prog" "$T/k.pem" "$T/root.p7s"
