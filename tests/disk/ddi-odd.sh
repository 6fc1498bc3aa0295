#!/bin/sh
# Discoverable disk images that systemd-repart cannot make, written by
# tests/disk/gptimg.py around veritysetup trees and openssl signatures:
# 4096-byte sectors, a damaged primary header, A/B pairs chosen by label
# version, a signature naming another root hash, partitions past the end or
# overlapping, no-auto and PRT# entries, and every corruption refused with
# its reason. SKIP (77) without veritysetup, openssl or python3.
# $trust, $GPTIMG, the partition lists and "set -- $(... offset ...)" are word lists.
# shellcheck disable=SC2086,SC2046
. "$top_srcdir/tests/disk/common.sh"
ddi_test_start veritysetup openssl python3 base64
trust="--trusted-cert $T/cert.pem"

# One signed root pair (A), a second (B) for A/B and mismatches.
verity_parts a 2 || exit 1
root_a=$root a_data=$data_uuid a_hash=$hash_uuid
sign_json "$root_a" "$T/key.pem" "$T/cert.pem" >"$T/a.json"
verity_parts b 2 || exit 1
root_b=$root b_data=$data_uuid b_hash=$hash_uuid
sign_json "$root_b" "$T/key.pem" "$T/cert.pem" >"$T/b.json"
sig_uuid=$(uuid_of 0123456789abcdef0123456789abcdef)
sig2_uuid=$(uuid_of fedcba9876543210fedcba9876543210)

pair_a="--part type=root-x86-64,uuid=$a_data,label=os_1.2,file=$T/a.data \
 --part type=root-verity-x86-64,uuid=$a_hash,label=os_1.2,file=$T/a.hash \
 --part type=root-verity-sig-x86-64,uuid=$sig_uuid,label=os_1.2,file=$T/a.json"
pair_b="--part type=root-x86-64,uuid=$b_data,label=os_1.10,file=$T/b.data \
 --part type=root-verity-x86-64,uuid=$b_hash,label=os_1.10,file=$T/b.hash \
 --part type=root-verity-sig-x86-64,uuid=$sig2_uuid,label=os_1.10,file=$T/b.json"

{
	$GPTIMG make "$T/s512.img" $pair_a
	$GPTIMG make "$T/s4k.img" --sector-size 4096 $pair_a
	$GPTIMG make "$T/damaged.img" --damage primary $pair_a
	$GPTIMG make "$T/damaged-entries.img" --damage primary-entries $pair_a
	$GPTIMG make "$T/ab.img" $pair_a $pair_b
}

expect "512-byte sectors" $E_OK "" "$VI" dissect "$T/s512.img" $trust
expect "verify 512" $E_OK "" "$VI" verify "$T/s512.img" $trust --json
ok "verify --json names the partitions" grep -q "\"data_device\":\"/dev/disk/by-partuuid/$a_data\",\"hash_device\":\"/dev/disk/by-partuuid/$a_hash\"" "$T/out"
expect "4096-byte sectors" $E_OK "" "$VI" dissect "$T/s4k.img" $trust --json
ok "4096 reported" grep -q '"sector_size":4096' "$T/out"
expect "verify 4096" $E_OK "" "$VI" verify "$T/s4k.img" $trust
expect "4096 named 512" $E_USAGE "No GPT header" "$VI" dissect "$T/s4k.img" $trust --sector-size 512
expect "damaged primary header: backup" $E_OK "" "$VI" dissect "$T/damaged.img" $trust --json
ok "backup reported" grep -q '"backup_header_used":true' "$T/out"
expect "damaged primary entries: backup" $E_OK "" "$VI" verify "$T/damaged-entries.img" $trust

# A/B: the higher label version (1.10 > 1.2) wins; --root-hash picks the other.
expect "A/B dissect" $E_OK "" "$VI" dissect "$T/ab.img" $trust --json
ok "A/B two pairs" [ "$(grep -o '"role":"root","data"' "$T/out" | wc -l)" -eq 2 ]
expect "A/B table" $E_OK "" "$VI" table "$T/ab.img" $trust
ok "A/B picks 1.10" grep -q "roothash=$root_b" "$T/out"
expect "A/B, --root-hash names A" $E_OK "" "$VI" table "$T/ab.img" $trust --root-hash "$root_a"
ok "A/B picks the named one" grep -q "roothash=$root_a" "$T/out"

# Trust: no certificate, another certificate, a fingerprint naming another one.
# (The JSON names cert.pem's fingerprint, so only cert.pem could vouch.)
expect "untrusted" $E_SIG "certificateFingerprint" "$VI" dissect "$T/s512.img" --trusted-cert "$T/cert2.pem"
sign_json "$root_a" "$T/key.pem" "$T/cert.pem" "$T/cert2.pem" >"$T/fp.json"
cp "$T/s512.img" "$T/fp.img"
$GPTIMG sig-json "$T/fp.img" 3 "$(cat "$T/fp.json")"
expect "fingerprint of an untrusted cert" $E_SIG "certificateFingerprint" "$VI" dissect "$T/fp.img" $trust
expect "fingerprint of another trusted cert" $E_SIG "No signer is trusted" \
	"$VI" dissect "$T/fp.img" $trust --trusted-cert "$T/cert2.pem"

# A forged rootHash (B's) with A's signature: the signature fails.
cp "$T/s512.img" "$T/forged.img"
$GPTIMG sig-json "$T/forged.img" 3 "$(sed "s/$root_a/$root_b/" "$T/a.json")"
expect "forged rootHash" $E_SIG "Signature verification failed|No signer" "$VI" dissect "$T/forged.img" $trust
# A correctly signed JSON naming another image's root hash: no such pair here.
cp "$T/s512.img" "$T/other.img"
$GPTIMG sig-json "$T/other.img" 3 "$(cat "$T/b.json")"
expect "signature for another root" $E_CORRUPT "UUIDs do not match" "$VI" dissect "$T/other.img" $trust
# Data and verity partition UUIDs swapped.
cp "$T/s512.img" "$T/swapped.img"
$GPTIMG swap-uuids "$T/swapped.img" 1 2
expect "swapped pair" $E_CORRUPT "UUIDs do not match" "$VI" dissect "$T/swapped.img" $trust
# Strict JSON: a duplicate key, trailing garbage after the padding starts.
cp "$T/s512.img" "$T/dup.img"
$GPTIMG sig-json "$T/dup.img" 3 "$(sed 's/^{/{"rootHash":"00",/' "$T/a.json")"
expect "duplicate JSON key" $E_SIG "Duplicate key" "$VI" dissect "$T/dup.img" $trust

# One byte changed in the data, in the tree: verify refuses (dissect reads only the first path).
set -- $($GPTIMG offset "$T/s512.img" 1)
cp "$T/s512.img" "$T/data1.img"
flip_byte "$T/data1.img" $(($1 + $2 / 2))
expect "one byte in data" $E_CORRUPT "" "$VI" verify "$T/data1.img" $trust
set -- $($GPTIMG offset "$T/s512.img" 2)
cp "$T/s512.img" "$T/hash1.img"
flip_byte "$T/hash1.img" $(($1 + 4096 + 100))
expect "one byte in the tree" $E_CORRUPT "" "$VI" verify "$T/hash1.img" $trust
expect "tree top checked by dissect" $E_CORRUPT "" "$VI" dissect "$T/hash1.img" $trust

# Partition tables that cannot be right.
{
	$GPTIMG make "$T/past.img" $pair_a --part "type=root-x86-64,uuid=$(uuid_of 11111111111111111111111111111111),first=100000,last=100010"
	$GPTIMG make "$T/overlap.img" $pair_a --part "type=root-x86-64,uuid=$(uuid_of 22222222222222222222222222222222),first=40,last=50"
}
expect "partition past the end" $E_CORRUPT "past the end" "$VI" dissect "$T/past.img" $trust
expect "overlapping partitions" $E_CORRUPT "overlap" "$VI" dissect "$T/overlap.img" $trust

# no-auto and PRT# entries are ignored: the A/B choice falls back to A.
pair_b_noauto=$(echo "$pair_b" | sed 's/label=os_1.10,file/label=os_1.10,attrs=9223372036854775808,file/g')
$GPTIMG make "$T/noauto.img" $pair_a $pair_b_noauto
expect "no-auto ignored" $E_OK "" "$VI" table "$T/noauto.img" $trust
ok "no-auto falls back to A" grep -q "roothash=$root_a" "$T/out"
pair_b_prt=$(echo "$pair_b" | sed 's/label=os_1.10/label=PRT#os_1.10/g')
$GPTIMG make "$T/prt.img" $pair_a $pair_b_prt
expect "PRT# ignored" $E_OK "" "$VI" table "$T/prt.img" $trust
ok "PRT# falls back to A" grep -q "roothash=$root_a" "$T/out"

# A trusted root hash instead of a signature; a wrong one.
$GPTIMG make "$T/unsigned.img" --part "type=root-x86-64,uuid=$a_data,file=$T/a.data" \
	--part "type=root-verity-x86-64,uuid=$a_hash,file=$T/a.hash"
expect "unsigned, no root hash" $E_SIG "without a signature" "$VI" dissect "$T/unsigned.img" $trust
expect "unsigned, --root-hash" $E_OK "" "$VI" verify "$T/unsigned.img" --root-hash "$root_a"
expect "unsigned, wrong --root-hash" $E_CORRUPT "UUIDs do not match" "$VI" dissect "$T/unsigned.img" --root-hash "$root_b"

# Another architecture's types are foreign unless asked for.
$GPTIMG make "$T/arm64.img" $(echo "$pair_a" | sed 's/x86-64/arm64/g')
expect "arm64 on x86-64" $E_NOTFOUND "" "$VI" dissect "$T/arm64.img" $trust --architecture x86-64
expect "arm64 asked for" $E_OK "" "$VI" verify "$T/arm64.img" $trust --architecture arm64
expect "unknown architecture" $E_USAGE "Unknown architecture" "$VI" dissect "$T/arm64.img" --architecture vax

# systemd's sidecar files: foo.raw + foo.verity + foo.roothash(.p7s).
mkdir "$T/sc"
cp "$T/a.data" "$T/sc/foo.raw"
cp "$T/a.hash" "$T/sc/foo.verity"
echo "$root_a" >"$T/sc/foo.roothash"
expect "sidecar, unsigned" $E_SIG "not signed" "$VI" verify "$T/sc/foo.raw" $trust
expect "sidecar, --root-hash" $E_OK "" "$VI" verify "$T/sc/foo.raw" --root-hash "$root_a"
printf '%s' "$root_a" >"$T/rh"
openssl cms -sign -binary -noattr -outform DER -signer "$T/cert.pem" -inkey "$T/key.pem" \
	-in "$T/rh" -out "$T/sc/foo.roothash.p7s"
expect "sidecar, signed" $E_OK "" "$VI" verify "$T/sc/foo.raw" $trust
expect "sidecar, other cert" $E_SIG "" "$VI" verify "$T/sc/foo.raw" --trusted-cert "$T/cert2.pem"
expect "sidecar dissect" $E_OK "" "$VI" dissect "$T/sc/foo.raw" $trust
expect "sidecar table" $E_OK "" "$VI" table "$T/sc/foo.raw" $trust
ok "sidecar roothash=" grep -qx "roothash=$root_a" "$T/out"
flip_byte "$T/sc/foo.raw" 123456
expect "sidecar, one byte in data" $E_CORRUPT "" "$VI" verify "$T/sc/foo.raw" $trust
# A partitioned image without a signature partition, with a signed sidecar root hash.
cp "$T/unsigned.img" "$T/sc/bar.raw"
echo "$root_a" >"$T/sc/bar.roothash"
cp "$T/sc/foo.roothash.p7s" "$T/sc/bar.roothash.p7s"
expect "GPT + sidecar signature" $E_OK "" "$VI" verify "$T/sc/bar.raw" $trust
mv "$T/sc/bar.roothash.p7s" "$T/sc/bar.roothash.p7s.off"
expect "GPT + unsigned sidecar" $E_SIG "not signed" "$VI" verify "$T/sc/bar.raw" $trust

# The verified bytes read back are the data partition's.
expect "read" $E_OK "" "$VI" read "$T/s4k.img" $trust --offset 4096 --length 8192
ok "read content" cmp -s "$T/out" "$(dd if="$T/a.data" bs=4096 skip=1 count=2 2>/dev/null >"$T/want"; echo "$T/want")"

ddi_test_finish
