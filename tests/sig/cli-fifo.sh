#!/bin/sh
# A FIFO given as any path argument is refused at once (exit 4, "not a
# regular file or block device") instead of blocking forever in open():
# data, hash, --root-hash-file (read and written), the signature,
# --trusted-cert, a FIFO inside --trusted-certs, --trusted-dtb, format's
# input and output, a disk image, its sidecar root hash, a physical volume. `timeout` is only a safety net: a hang fails the test.
set -eu

. "$(dirname "$0")/common.sh"
VI="$top_builddir/verify-image"
. "$(dirname "$0")/../exit-status.sh"
sig_test_start openssl mkfifo timeout

# expect_io DESCRIPTION command...: exit EX_IO with the message, within the net.
expect_io() {
	desc=$1
	shift
	set +e
	timeout 20 "$@" >"$T/out" 2>&1
	got=$?
	set -e
	if [ "$got" -eq "$EX_IO" ] && grep -q "not a regular file" "$T/out"; then
		pass=$((pass + 1))
		printf 'ok    %-55s exit %s\n' "$desc" "$got"
	else
		failed=$((failed + 1))
		printf 'FAIL  %-55s expected exit %s and a message, got %s:\n' "$desc" "$EX_IO" "$got"
		sed 's/^/      /' "$T/out"
	fi
}

head -c 65536 /dev/urandom >"$T/data.img"
ROOT=$("$VI" format "$T/data.img" "$T/hash.img" | awk '/^Root hash:/ {print $3}')
printf '%s' "$ROOT" >"$T/root.txt"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/k.key" \
	-out "$T/k.pem" -subj /CN=verity-fifo -days 3650 2>/dev/null
openssl smime -sign -binary -noattr -in "$T/root.txt" -signer "$T/k.pem" -inkey "$T/k.key" \
	-outform DER -out "$T/k.p7s"
mkfifo "$T/fifo"
mkdir "$T/certs"
cp "$T/k.pem" "$T/certs/a.crt"
mkfifo "$T/certs/b.crt"

"$VI" sig "$ROOT" "$T/k.p7s" --trusted-cert "$T/k.pem" >/dev/null # the control

expect_io "verify: data is a FIFO" "$VI" verify "$T/fifo" "$T/hash.img" "$ROOT"
expect_io "verify: hash is a FIFO" "$VI" verify "$T/data.img" "$T/fifo" "$ROOT"
expect_io "verify: --root-hash-file is a FIFO" "$VI" verify "$T/data.img" "$T/hash.img" \
	--root-hash-file "$T/fifo"
expect_io "sig: signature is a FIFO" "$VI" sig "$ROOT" "$T/fifo" --trusted-cert "$T/k.pem"
expect_io "sig: --trusted-cert is a FIFO" "$VI" sig "$ROOT" "$T/k.p7s" --trusted-cert "$T/fifo"
expect_io "sig: a FIFO inside --trusted-certs" "$VI" sig "$ROOT" "$T/k.p7s" \
	--trusted-certs "$T/certs"
expect_io "sig: --trusted-dtb is a FIFO" "$VI" sig "$ROOT" "$T/k.p7s" --trusted-dtb "$T/fifo"
expect_io "verify: --root-hash-signature is a FIFO" "$VI" verify "$T/data.img" "$T/hash.img" \
	"$ROOT" --root-hash-signature "$T/fifo" --trusted-cert "$T/k.pem"
expect_io "format: input is a FIFO" "$VI" format "$T/fifo" "$T/hash2.img"
expect_io "format: hash output is a FIFO" "$VI" format "$T/data.img" "$T/fifo"
expect_io "format: --root-hash-file output is a FIFO" "$VI" format "$T/data.img" \
	"$T/hash3.img" --root-hash-file "$T/fifo"
expect_io "dissect: the disk image is a FIFO" "$VI" dissect "$T/fifo"
cp "$T/data.img" "$T/side.raw"
mkfifo "$T/side.roothash"
expect_io "dissect: the sidecar root hash file is a FIFO" "$VI" dissect "$T/side.raw"
expect_io "verify --pv: a physical volume is a FIFO" "$VI" verify --pv "$T/fifo" vg/a vg/a \
	"$ROOT"

sig_test_finish
