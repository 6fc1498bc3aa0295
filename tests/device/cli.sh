#!/bin/sh
# verify-image read/cat and table on veritysetup images: verified bytes equal
# the raw ones for any range; a corrupt block stops the output right before
# it (nothing unverified is written) with exit 2 and the block number; the
# table line is exactly veritysetup's, for the public 8 MiB test vector too.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
vi=$top_builddir/verify-image
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top_srcdir/tests/exit-status.sh"
. "$top_srcdir/tests/device/images.sh"
have_veritysetup || {
	echo "SKIP: veritysetup not found"
	exit 77
}
. "$top_srcdir/tests/common.sh"
# bytes OFFSET LENGTH FILE: that range of a file
bytes() {
	tail -c +$(($1 + 1)) "$3" | head -c "$2"
}

SALT=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d

# --- read, with a superblock ---
mkimage sb 700 4096 4096 1 sha256 $SALT
size=$((700 * 4096))
"$vi" read "$data" "$hash" "$root" | cmp - "$data" || fail "full read"
bytes 4095 9000 "$data" >"$tmp/want"
"$vi" cat "$data" "$hash" "$root" --offset 4095 --length 9000 | cmp - "$tmp/want" ||
	fail "unaligned read"
for range in "0 1" "$((size - 1)) 1" "12345 0" "1 $((size - 1))" "4096 4096" "100000 1234567"; do
	set -- $range
	bytes "$1" "$2" "$data" >"$tmp/want"
	"$vi" read --offset "$1" --length "$2" "$data" "$hash" "$root" | cmp - "$tmp/want" ||
		fail "read $range"
done
printf '%s\n' "$root" >"$tmp/root"
bytes 7 $((size - 7)) "$data" >"$tmp/want"
"$vi" read --root-hash-file "$tmp/root" --offset 7 "$data" "$hash" | cmp - "$tmp/want" ||
	fail "read with --root-hash-file"
expect_rc $EX_USAGE "$vi" read --offset $((size + 1)) "$data" "$hash" "$root"
expect_rc $EX_USAGE "$vi" read --offset 10 --length $((size - 9)) "$data" "$hash" "$root"
expect_rc $EX_USAGE "$vi" read "$data" "$hash" 1234
expect_rc $EX_USAGE "$vi" read --length=abc "$data" "$hash" "$root"

# A wrong root hash: nothing written, exit 1 (as veritysetup verify).
bad_root=$(printf '%s' "$root" | sed 's/^./0/; t; s/^/x/')
[ "$bad_root" != "$root" ] || bad_root=$(printf '%s' "$root" | sed 's/^./1/')
expect_rc $EX_USAGE "$vi" read "$data" "$hash" "$bad_root"
[ ! -s "$tmp/out" ] || fail "bytes written under a wrong root hash"
grep -q "Verification of root hash failed." "$tmp/err" || fail "wrong root: $(cat "$tmp/err")"
# A corrupt top block is corruption (2), as veritysetup verify says.
cp "$hash" "$tmp/bad.hash"
flip_byte "$tmp/bad.hash" $((1 * 4096 + 17))
expect_rc $EX_CORRUPT "$vi" read "$data" "$tmp/bad.hash" "$root"
[ ! -s "$tmp/out" ] || fail "bytes written under a corrupt top block"

# A corrupt data block: exactly the bytes before it come out.
cp "$data" "$tmp/bad.data"
flip_byte "$tmp/bad.data" $((333 * 4096 + 100))
expect_rc $EX_CORRUPT "$vi" read "$tmp/bad.data" "$hash" "$root"
head -c $((333 * 4096)) "$data" | cmp - "$tmp/out" || fail "output before the corrupt block"
grep -q "data block 333 " "$tmp/err" || fail "block number not reported: $(cat "$tmp/err")"
expect_rc $EX_CORRUPT "$vi" read --offset $((333 * 4096 - 10)) --length 20 "$tmp/bad.data" "$hash" "$root"
[ "$(wc -c <"$tmp/out")" -eq 10 ] || fail "partial chunk before the corrupt block"
# Reads that do not touch it still work.
bytes $((334 * 4096)) 50000 "$data" >"$tmp/want"
"$vi" read --offset $((334 * 4096)) --length 50000 "$tmp/bad.data" "$hash" "$root" |
	cmp - "$tmp/want" || fail "read after the corrupt block"

# A corrupt leaf hash block: superblock, top block, then leaves; block 3 is
# the second leaf, covering data blocks 128..255.
cp "$hash" "$tmp/bad.hash"
flip_byte "$tmp/bad.hash" $((3 * 4096 + 17))
expect_rc $EX_CORRUPT "$vi" read "$data" "$tmp/bad.hash" "$root"
head -c $((128 * 4096)) "$data" | cmp - "$tmp/out" || fail "output before the corrupt leaf"
grep -q "hash block 3 " "$tmp/err" || fail "hash block not reported: $(cat "$tmp/err")"
# A truncated hash file: too small for its tree (1, as veritysetup verify).
head -c 8192 "$hash" >"$tmp/short.hash"
expect_rc $EX_USAGE "$vi" read "$data" "$tmp/short.hash" "$root"

# A signed root hash: read checks the signature first (as verify does).
if command -v openssl >/dev/null 2>&1; then
	printf '%s' "$root" >"$tmp/root.txt"
	for k in good other; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$tmp/$k.key" -out "$tmp/$k.pem" -subj "/CN=verity-$k" -days 3650 2>/dev/null
	done
	openssl smime -sign -binary -noattr -in "$tmp/root.txt" -signer "$tmp/good.pem" \
		-inkey "$tmp/good.key" -outform DER -out "$tmp/root.p7s"
	"$vi" read --root-hash-signature "$tmp/root.p7s" --trusted-cert "$tmp/good.pem" \
		"$data" "$hash" "$root" | cmp - "$data" || fail "read with a good signature"
	expect_rc $EX_SIG "$vi" read --root-hash-signature "$tmp/root.p7s" --trusted-cert "$tmp/other.pem" \
		"$data" "$hash" "$root"
	[ ! -s "$tmp/out" ] || fail "bytes written under an untrusted signature"
	expect_rc $EX_USAGE "$vi" read --trusted-cert "$tmp/good.pem" "$data" "$hash" "$root"
fi

# --- without a superblock, one file with --hash-offset ---
mkimage nosb 300 1024 512 0 sha256 - --no-superblock
"$vi" read --no-superblock --format 0 --data-block-size 1024 --hash-block-size 512 --salt - \
	"$data" "$hash" "$root" | cmp - "$data" || fail "--no-superblock read"
mkimage onefile 200 4096 4096 1 sha256 5a5a --hash-offset=819200
head -c 819200 "$data" >"$tmp/want"
"$vi" read --hash-offset 819200 "$data" "$data" "$root" | cmp - "$tmp/want" || fail "one file"

# --- table ---
mkimage tsb 700 4096 4096 1 sha256 $SALT
want="0 5600 verity 1 $data $hash 4096 4096 700 1 sha256 $root $SALT"
[ "$("$vi" table "$data" "$hash" "$root" | sed -n 1p)" = "$want" ] || fail "table line"
[ "$("$vi" table "$data" "$hash" "$root" | sed -n 2p)" = "dm-mod.create=\"vroot,,,ro,$want\"" ] ||
	fail "dm-mod.create"
got=$("$vi" table --check-at-most-once --restart-on-corruption --ignore-zero-blocks \
	--error-as-corruption --use-tasklets "$data" "$hash" "$root" | sed -n 1p)
[ "$got" = "$want 5 restart_on_corruption restart_on_error ignore_zero_blocks check_at_most_once try_verify_in_tasklet" ] ||
	fail "table options: $got"
got=$("$vi" table --ignore-corruption --dm-name root "$data" "$hash" "$root" | sed -n 2p)
[ "$got" = "dm-mod.create=\"root,,,ro,$want 1 ignore_corruption\"" ] || fail "dm-name: $got"
expect_rc $EX_USAGE "$vi" table --ignore-corruption --panic-on-corruption "$data" "$hash" "$root"
expect_rc $EX_USAGE "$vi" table --error-as-corruption "$data" "$hash" "$root"
"$vi" table --json "$data" "$hash" "$root" | grep -q "^{\"status\":\"ok\",\"exit_code\":0,\"table\":\"$want\",\"dm_mod_create\":" ||
	fail "table --json"
# The no-superblock offset becomes the hash start block.
mkimage tnosb 100 4096 4096 1 sha1 - --no-superblock
want="0 800 verity 1 $data $hash 4096 4096 100 0 sha1 $root -"
[ "$("$vi" table --no-superblock --hash sha1 --salt - "$data" "$hash" "$root" | sed -n 1p)" = "$want" ] ||
	fail "no-superblock table"

# The public vector (reference §11): 8 MiB of zeros, 4096, sha256, v1, SALT.
head -c 8388608 /dev/zero >"$tmp/z.data"
veritysetup format "$tmp/z.data" "$tmp/z.hash" --salt=$SALT >/dev/null
zroot=e522df0f97da4febb882ac40f30b37dc0b444bf6df418929463fa25280f09d5c
[ "$("$vi" table "$tmp/z.data" "$tmp/z.hash" $zroot | sed -n 1p)" = \
	"0 16384 verity 1 $tmp/z.data $tmp/z.hash 4096 4096 2048 1 sha256 $zroot $SALT" ] ||
	fail "public vector table line"
head -c 300000 /dev/zero >"$tmp/want"
"$vi" read --offset 4000000 --length 300000 "$tmp/z.data" "$tmp/z.hash" $zroot |
	cmp - "$tmp/want" || fail "public vector read"
echo "verify-image read/table tests passed"
