#!/bin/sh
# verify-image's own behaviour: superblock fields, bad input, truncated and
# unreadable files, exit codes and messages, JSON, threads, help. Every
# failure must be a clear message and its documented exit code, never a crash.
. "$(dirname "$0")/lib.sh"

SALT=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
UUID=12345678-1234-4234-8234-123456789abc

# A reference image: 300 random 4 KiB blocks; tree: top block 1, leaves 2..4.
gen cli 1228800 >"$tmp/data"
expect_rc 0 "$VI" format "$tmp/data" "$tmp/hash" -s "$SALT" --uuid "$UUID" --root-hash-file "$tmp/root"
root=$(cat "$tmp/root")
[ "$(root_of "$tmp/out")" = "$root" ] || fail "printed root differs from --root-hash-file"
grep -q "^UUID:            	$UUID\$" "$tmp/out" || fail "UUID line"
expect_rc 0 "$VI" verify "$tmp/data" "$tmp/hash" "$root"
[ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] || fail "verify is silent on success"
expect_rc 0 "$VI" verify -v "$tmp/data" "$tmp/hash" --root-hash-file "$tmp/root"
grep -q "Command successful." "$tmp/err" || fail "-v says Command successful."
expect_rc 0 "$VI" --json verify "$tmp/data" "$tmp/hash" "$root"
[ "$(json_field status)" = ok ] || fail "json status: $(cat "$tmp/out")"

# ---- superblock fields: each corruption has its exit code and message ----
# offset value expected-exit veritysetup message ("stricter": veritysetup accepts it)
while read -r off val want vs msg; do
	cp "$tmp/hash" "$tmp/bad"
	set_byte "$tmp/bad" "$off" "$val"
	expect_rc "$want" "$VI" verify "$tmp/data" "$tmp/bad" "$root"
	grep -qF "$msg" "$tmp/err" || fail "byte $off=$val: wanted '$msg', got: $(cat "$tmp/err")"
	[ "$vs" = stricter ] || same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
	[ "$want" = 0 ] || {
		expect_rc "$want" "$VI" dump "$tmp/bad"
		grep -qF "$msg" "$tmp/err" || fail "dump, byte $off=$val: $(cat "$tmp/err")"
		[ "$vs" = stricter ] || same_as_veritysetup dump "$tmp/bad"
	}
done <<FIELDS
0 86 $EX_USAGE same No VERITY signature detected
7 1 $EX_USAGE same No VERITY signature detected
8 2 $EX_USAGE same Unsupported VERITY version
11 1 $EX_USAGE same Unsupported VERITY version
12 2 $EX_USAGE same Unsupported VERITY hash type
32 83 $EX_USAGE stricter Superblock hash algorithm not supported
65 0 $EX_USAGE same Unsupported VERITY block size (data block size)
66 1 $EX_USAGE same Unsupported VERITY block size (data block size)
69 0 $EX_USAGE same Unsupported VERITY block size (hash block size)
81 1 $EX_USAGE same salt size over 256
83 1 $EX_USAGE stricter reserved bytes not zero
400 1 $EX_USAGE stricter reserved bytes not zero
511 128 $EX_USAGE stricter reserved bytes not zero
FIELDS
cp "$tmp/hash" "$tmp/bad"
printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' | dd of="$tmp/bad" bs=1 seek=32 conv=notrunc 2>/dev/null
expect_rc $EX_USAGE "$VI" dump "$tmp/bad"
grep -q "hash algorithm name not terminated" "$tmp/err" || fail "unterminated name: $(cat "$tmp/err")"
same_as_veritysetup dump "$tmp/bad"
# Fields that pass the superblock checks but not verification: veritysetup
# checks from the data up, so it finds a mismatching block (2) first.
cp "$tmp/hash" "$tmp/bad"
set_byte "$tmp/bad" 100 $(($(byte_at "$tmp/bad" 100) ^ 1)) # a salt byte
expect_rc $EX_CORRUPT "$VI" verify "$tmp/data" "$tmp/bad" "$root"
grep -q "Verification of data area failed." "$tmp/err" || fail "salt change"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
cp "$tmp/hash" "$tmp/bad"
set_byte "$tmp/bad" 80 31 # salt size 31
expect_rc $EX_CORRUPT "$VI" verify "$tmp/data" "$tmp/bad" "$root"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
cp "$tmp/hash" "$tmp/bad"
set_byte "$tmp/bad" 72 43 # data blocks 300 -> 299: another tree
expect_rc $EX_CORRUPT "$VI" verify "$tmp/data" "$tmp/bad" "$root"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
set_byte "$tmp/bad" 73 255 # far more blocks than the data file holds
expect_rc $EX_USAGE "$VI" verify "$tmp/data" "$tmp/bad" "$root"
grep -q "Data device .* is too small" "$tmp/err" || fail "data blocks field"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
cp "$tmp/hash" "$tmp/bad"
set_byte "$tmp/bad" 12 0 # hash type 1 -> 0: another tree
expect_rc $EX_CORRUPT "$VI" verify "$tmp/data" "$tmp/bad" "$root"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
cp "$tmp/hash" "$tmp/bad"
set_byte "$tmp/bad" 17 0 # the UUID is not covered by anything (as veritysetup)
expect_rc $EX_OK "$VI" verify "$tmp/data" "$tmp/bad" "$root"

# ---- corruption: positions, padding, root, and the same answer at any -j ----
cp "$tmp/data" "$tmp/bad"
flip "$tmp/bad" $((299 * 4096 + 4095))
flip "$tmp/bad" $((123 * 4096 + 7))
for j in 1 2 3 8; do
	expect_rc $EX_CORRUPT "$VI" verify --json -j "$j" "$tmp/bad" "$tmp/hash" "$root"
	[ "$(json_field kind)/$(json_field block)/$(json_field position)" = data/123/503808 ] ||
		fail "-j$j: first failure is data block 123: $(cat "$tmp/out")"
done
grep -q "Verification failed at position 503808." "$tmp/err" || fail "position message"
grep -q "Verification of data area failed." "$tmp/err" || fail "data area message"
cp "$tmp/hash" "$tmp/bad"
flip "$tmp/bad" $((4 * 4096 + 2000)) # last leaf holds 44 digests: spare from byte 1408
expect_rc $EX_CORRUPT "$VI" verify --json "$tmp/data" "$tmp/bad" "$root"
[ "$(json_field verity_message)" = "Spare area of a hash block is not zeroed" ] &&
	[ "$(json_field position)" = $((4 * 4096 + 1408)) ] || fail "padding: $(cat "$tmp/out")"
grep -q "Spare area is not zeroed at position $((4 * 4096 + 1408))." "$tmp/err" || fail "padding message"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
cp "$tmp/hash" "$tmp/bad"
flip "$tmp/bad" $((3 * 4096 + 64)) # digest of data block 130, in leaf block 3
expect_rc $EX_CORRUPT "$VI" verify --json "$tmp/data" "$tmp/bad" "$root"
[ "$(json_field kind)/$(json_field level)/$(json_field block)" = hash/0/3 ] || fail "leaf: $(cat "$tmp/out")"
grep -q "Verification failed at position 12288." "$tmp/err" || fail "hash position message"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
cp "$tmp/hash" "$tmp/bad"
flip "$tmp/bad" $((1 * 4096 + 40)) # the top block: veritysetup finds the leaf below first
expect_rc $EX_CORRUPT "$VI" verify "$tmp/data" "$tmp/bad" "$root"
same_as_veritysetup verify "$tmp/data" "$tmp/bad" "$root"
bad_root=$(echo "$root" | sed 's/^./0/;t;s/^/x/')
[ "$bad_root" != "$root" ] || bad_root=$(echo "$root" | sed 's/^./1/')
expect_rc $EX_USAGE "$VI" verify "$tmp/data" "$tmp/hash" "$bad_root"
grep -q "Verification of root hash failed." "$tmp/err" || fail "root message"
same_as_veritysetup verify "$tmp/data" "$tmp/hash" "$bad_root"
expect_rc $EX_USAGE "$VI" verify "$tmp/hash" "$tmp/data" "$root" # swapped
same_as_veritysetup verify "$tmp/hash" "$tmp/data" "$root"

# ---- truncated and missing files (too small: 1, as veritysetup) ----
head -c 16000 "$tmp/hash" >"$tmp/short"
expect_rc $EX_USAGE "$VI" verify "$tmp/data" "$tmp/short" "$root"
grep -q "too small" "$tmp/err" || fail "short hash message"
same_as_veritysetup verify "$tmp/data" "$tmp/short" "$root"
head -c 300 "$tmp/hash" >"$tmp/short"
expect_rc $EX_USAGE "$VI" verify "$tmp/data" "$tmp/short" "$root"
expect_rc $EX_USAGE "$VI" dump "$tmp/short"
same_as_veritysetup dump "$tmp/short"
head -c 1000000 "$tmp/data" >"$tmp/short"
expect_rc $EX_USAGE "$VI" verify "$tmp/short" "$tmp/hash" "$root"
same_as_veritysetup verify "$tmp/short" "$tmp/hash" "$root"
expect_rc $EX_IO "$VI" verify "$tmp/missing" "$tmp/hash" "$root"
grep -q "does not exist or access denied" "$tmp/err" || fail "missing file message"
same_as_veritysetup verify "$tmp/missing" "$tmp/hash" "$root"
expect_rc $EX_IO "$VI" verify "$tmp/data" "$tmp/missing" "$root"
expect_rc $EX_IO "$VI" verify "$tmp" "$tmp/hash" "$root" # a directory is not a device
same_as_veritysetup verify "$tmp" "$tmp/hash" "$root"
expect_rc $EX_IO "$VI" format "$tmp/data" "$tmp" # cannot write a directory
expect_rc $EX_IO "$VI" format "$tmp/missing" "$tmp/h"
same_as_veritysetup format "$tmp/missing" "$tmp/h"
expect_rc $EX_IO "$VI" verify "$tmp/data" "$tmp/hash" --root-hash-file "$tmp/missing"
if [ "$(id -u)" != 0 ]; then # root reads anything
	cp "$tmp/data" "$tmp/noread"
	chmod 000 "$tmp/noread"
	expect_rc $EX_IO "$VI" verify "$tmp/noread" "$tmp/hash" "$root"
fi

# ---- bad input: exit 1 and veritysetup's message ----
# vs (=: veritysetup exits the same) | expected-message | arguments
while IFS='|' read -r vs msg args; do
	# shellcheck disable=SC2086
	expect_rc $EX_USAGE "$VI" $args
	grep -qF "$msg" "$tmp/err" || fail "'$args': wanted '$msg', got: $(cat "$tmp/err")"
	# shellcheck disable=SC2086
	[ "$vs" != = ] || same_as_veritysetup $args
done <<EOF2
=|Unsupported VERITY block size|format $tmp/data $tmp/h --data-block-size 3
=|Unsupported VERITY block size|format $tmp/data $tmp/h --data-block-size 2147483648
=|Invalid data block size|format $tmp/data $tmp/h --data-block-size 333
=|Invalid hash block size|format $tmp/data $tmp/h --hash-block-size 1048576
=|Hash algorithm blah not supported.|format $tmp/data $tmp/h --hash blah
=|Unsupported VERITY hash type 3.|format $tmp/data $tmp/h --format 3
=|Invalid salt string specified.|format $tmp/data $tmp/h --salt $(printf '%0514d' 0)
=|Invalid salt string specified.|format $tmp/data $tmp/h --salt xyz
=|Wrong VERITY UUID format|format $tmp/data $tmp/h --uuid xyz
=|Unsupported VERITY hash offset.|format $tmp/data $tmp/h --hash-offset 1000
=|Unsupported VERITY hash offset.|format $tmp/data $tmp/h --no-superblock --hash-offset 1000
=|Size or offset overflows 64 bits|format $tmp/data $tmp/h --data-blocks 9223372036854775808
=|Invalid value|format $tmp/data $tmp/h --data-blocks 18446744073709551616
=|Invalid value|format $tmp/data $tmp/h --data-blocks -1
-|Invalid value|format $tmp/data $tmp/h -j x
=|Data area overlaps with hash area.|format $tmp/data $tmp/data --hash-offset 614400
=|Data area overlaps with hash area.|format $tmp/data $tmp/data --no-superblock --hash-offset 1224704
=|Data area overlaps with hash area.|verify $tmp/data $tmp/data $root --no-superblock --hash-offset 4096 -s -
=|Invalid root hash string specified.|verify $tmp/data $tmp/hash zz
=|Invalid root hash string specified.|verify $tmp/data $tmp/hash abcd
=|Root hash not specified|verify $tmp/data $tmp/hash
-|either as an argument or with --root-hash-file|verify $tmp/data $tmp/hash $root --root-hash-file $tmp/root
=|Unknown action|frobnicate $tmp/data
=|Unknown option|verify --frobnicate $tmp/data $tmp/hash $root
=|wrong number of arguments|format $tmp/data
-|wrong number of arguments|dump $tmp/hash extra
=|Argument <action> missing.|--hash sha1
-|doesn't use on-disk header|dump $tmp/hash --no-superblock
EOF2
expect_rc $EX_USAGE "$VI" verify --json "$tmp/data" "$tmp/hash" abcd
[ "$(json_field status)/$(json_field exit_code)" = error/$EX_USAGE ] || fail "json before verifying: $(cat "$tmp/out")"
printf 'nothex\n' >"$tmp/badroot"
expect_rc $EX_USAGE "$VI" verify "$tmp/data" "$tmp/hash" --root-hash-file "$tmp/badroot"
grep -q "Invalid root hash file" "$tmp/err" || fail "root hash file message"
head -c 100 /dev/zero >"$tmp/tiny"
expect_rc $EX_USAGE "$VI" format "$tmp/tiny" "$tmp/h"
grep -q "smaller than one data block" "$tmp/err" || fail "tiny data message"
expect_rc $EX_USAGE "$VI" format "$tmp/data" "$tmp/h" --data-blocks 301
# Hash offset past the data in one file works, and verifies.
cp "$tmp/data" "$tmp/one"
expect_rc 0 "$VI" format "$tmp/one" "$tmp/one" --hash-offset 1228800 --data-blocks 300 -s - --root-hash-file "$tmp/r1"
expect_rc 0 "$VI" verify "$tmp/one" "$tmp/one" --hash-offset 1228800 --data-blocks 300 --root-hash-file "$tmp/r1"
expect_rc $EX_USAGE "$VI" verify "$tmp/one" "$tmp/one" --root-hash-file "$tmp/r1" # no superblock at 0
# A superblock claiming a huge image fails cleanly.
cp "$tmp/hash" "$tmp/bad"
set_byte "$tmp/bad" 79 128 # data blocks 2^63 + 300
expect_rc $EX_USAGE "$VI" verify "$tmp/data" "$tmp/bad" "$root"
grep -q "Invalid VERITY parameters" "$tmp/err" || fail "huge data blocks"

# ---- options anywhere, help, dump, JSON ----
expect_rc 0 "$VI" --hash-offset 0 verify "$tmp/data" -j1 "$tmp/hash" --no-progress "$root"
expect_rc 0 "$VI" --help
grep -q "verify .*<data_device> <hash_device>" "$tmp/out" || fail "--help lists actions"
for cmd in format verify dump; do
	expect_rc 0 "$VI" "$cmd" --help
	grep -q "Usage: verify-image $cmd" "$tmp/out" || fail "$cmd --help"
	expect_rc 0 "$VI" -? "$cmd"
done
grep -q -- "--hash-offset" "$tmp/out" || fail "dump --help shows --hash-offset"
expect_rc 0 "$VI" --version
grep -q "^SHA-256 for many blocks: ." "$tmp/out" || fail "--version says how SHA-256 was chosen"
expect_rc 0 env VERITY_SHA256_IMPL=generic "$VI" --version
grep -q "generic for many blocks" "$tmp/out" && grep -q "forced by VERITY_SHA256_IMPL" "$tmp/out" ||
	fail "--version with VERITY_SHA256_IMPL: $(cat "$tmp/out")"
expect_rc $EX_USAGE env VERITY_SHA256_IMPL=no-such-impl "$VI" verify "$tmp/data" "$tmp/hash" "$root"
grep -q "VERITY_SHA256_IMPL=no-such-impl" "$tmp/err" || fail "unknown implementation: $(cat "$tmp/err")"
expect_rc 0 "$VI" verify --debug "$tmp/data" "$tmp/hash" "$root"
grep -q "SHA-256 for many blocks: " "$tmp/err" || fail "--debug says how SHA-256 was chosen"
expect_rc 0 "$VI" dump "$tmp/hash" --json
[ "$(json_field uuid)" = "$UUID" ] && [ "$(json_field data_blocks)" = 300 ] &&
	[ "$(json_field hash_device_size)" = 20480 ] || fail "dump json: $(cat "$tmp/out")"
expect_rc 0 "$VI" format "$tmp/data" "$tmp/h2" -s "$SALT" --json --debug -q
[ "$(json_field root_hash)" = "$root" ] || fail "format json: $(cat "$tmp/out")"
grep -q '^# ' "$tmp/err" || fail "--debug prints debug lines"
echo "cli: ok"
