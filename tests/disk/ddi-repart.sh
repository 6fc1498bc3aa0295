#!/bin/sh
# Discoverable disk images built by systemd-repart (Debian 12: version 252)
# with Verity=data/hash/signature, VerityMatchKey= and a throwaway key:
# root only, root + /usr, x86-64 and arm64 types, ext4 contents. dissect,
# verify, read and table must accept them, agree with repart's root hashes
# and with veritysetup on the extracted partitions. repart 252 has no
# --offline: it formats through loop devices (no device-mapper needed).
# SKIP (77) when not root, without loop devices or without the tools.
# $trust, $GPTIMG, the partition lists and "set -- $(... offset ...)" are word lists.
# shellcheck disable=SC2086,SC2046
. "$top_srcdir/tests/disk/common.sh"
[ "$(id -u)" -eq 0 ] || {
	echo "SKIP: not root (systemd-repart needs loop devices)"
	exit 77
}
ddi_test_start systemd-repart mkfs.ext4 veritysetup openssl python3 losetup
[ -e /dev/loop-control ] || {
	echo "SKIP: no loop devices"
	exit 77
}
trust="--trusted-cert $T/cert.pem"
mkdir -p "$T/src/usr"
echo "hello from root" >"$T/src/hello"
echo "hello from usr" >"$T/src/usr/hello"

# defs DIR ROLE-SUFFIX KEY: data, verity and signature partitions for one role.
defs() {
	mkdir -p "$1"
	cat >"$1/10-$2.conf" <<EOT
[Partition]
Type=$2
Format=ext4
CopyFiles=$4
Verity=data
VerityMatchKey=$3
EOT
	cat >"$1/20-$2-verity.conf" <<EOT
[Partition]
Type=$2-verity
Verity=hash
VerityMatchKey=$3
EOT
	cat >"$1/30-$2-verity-sig.conf" <<EOT
[Partition]
Type=$2-verity-sig
Verity=signature
VerityMatchKey=$3
EOT
}

# repart NAME DEFS: build $T/NAME.img; its JSON report in $T/NAME.json.
repart() {
	rm -f "$T/$1.img"
	systemd-repart --empty=create --size=auto --definitions="$2" --private-key="$T/key.pem" \
		--certificate="$T/cert.pem" --root="$T/src" --dry-run=no --json=short \
		--no-pager "$T/$1.img" >"$T/$1.json" 2>"$T/$1.log" || {
		echo "systemd-repart failed:"
		cat "$T/$1.log"
		return 1
	}
}

# Root hashes in repart's report, in partition order.
roothashes() {
	grep -o '"roothash":"[0-9a-f]*"' "$T/$1.json" | cut -d'"' -f4
}

defs "$T/d-root" root root /hello:/hello
repart root "$T/d-root" || exit 1
root=$(roothashes root)
expect "repart root: dissect" $E_OK "" "$VI" dissect "$T/root.img" $trust --json
ok "repart root: signed, root hash as repart" grep -q "\"root_hash\":\"$root\",\"signed\":true" "$T/out"
expect "repart root: verify" $E_OK "" "$VI" verify "$T/root.img" $trust
expect "repart root: table" $E_OK "" "$VI" table "$T/root.img" $trust
ok "repart root: roothash=" grep -qx "roothash=$root" "$T/out"

# veritysetup agrees on the partitions cut out of the image.
set -- $($GPTIMG offset "$T/root.img" 1)
dd if="$T/root.img" of="$T/root.data" bs=512 skip=$(($1 / 512)) count=$(($2 / 512)) 2>/dev/null
set -- $($GPTIMG offset "$T/root.img" 2)
dd if="$T/root.img" of="$T/root.hash" bs=512 skip=$(($1 / 512)) count=$(($2 / 512)) 2>/dev/null
expect "veritysetup verify of the partitions" 0 "" veritysetup verify "$T/root.data" "$T/root.hash" "$root"
expect "read the first data block" $E_OK "" "$VI" read "$T/root.img" $trust --length 4096
ok "read matches the partition" cmp -s "$T/out" "$(head -c 4096 "$T/root.data" >"$T/want"; echo "$T/want")"

# The signature partition's own certificate is not trusted by itself.
expect "repart root: no trusted cert" $E_SIG "" "$VI" dissect "$T/root.img" --trusted-cert "$T/cert2.pem"
# One byte changed in each partition.
set -- $($GPTIMG offset "$T/root.img" 1)
cp "$T/root.img" "$T/bad.img"
flip_byte "$T/bad.img" $(($1 + $2 - 5000))
expect "repart root: one byte in data" $E_CORRUPT "" "$VI" verify "$T/bad.img" $trust

# root + /usr, then arm64 types checked from this x86-64 host.
defs "$T/d-both" root root /hello:/hello
defs "$T/d-both" usr usr /usr:/usr
repart both "$T/d-both" || exit 1
expect "root+usr: dissect" $E_OK "" "$VI" dissect "$T/both.img" $trust --json
ok "root+usr: two signed pairs" [ "$(grep -o '"signed":true' "$T/out" | wc -l)" -eq 2 ]
expect "root+usr: verify both" $E_OK "" "$VI" verify "$T/both.img" $trust --json
ok "root+usr: one JSON object, two pairs" python3 -c \
	'import json,sys; assert len(json.load(open(sys.argv[1]))["pairs"]) == 2' "$T/out"
set -- $($GPTIMG offset "$T/both.img" 2) # 10-usr.conf: the usr data
cp "$T/both.img" "$T/bad.img"
flip_byte "$T/bad.img" $(($1 + $2 - 5000))
expect "root+usr: one byte in usr, verify every pair" $E_CORRUPT "" "$VI" verify "$T/bad.img" $trust
expect "root+usr: root alone still verifies" $E_OK "" "$VI" verify "$T/bad.img" $trust --partition root
expect "root+usr: verify usr" $E_OK "" "$VI" verify "$T/both.img" $trust --partition usr
expect "root+usr: --fec-device names a pair" $E_USAGE "name the one" "$VI" verify "$T/both.img" $trust --fec-device "$T/both.img"
expect "root+usr: table usr" $E_OK "" "$VI" table "$T/both.img" $trust --partition usr
ok "root+usr: usrhash=" grep -q "^usrhash=" "$T/out"

defs "$T/d-arm" root-arm64 root /hello:/hello
repart arm "$T/d-arm" || exit 1
expect "arm64: foreign by default" $E_NOTFOUND "" "$VI" dissect "$T/arm.img" $trust --architecture x86-64
expect "arm64: --architecture arm64" $E_OK "" "$VI" verify "$T/arm.img" $trust --architecture arm64

ddi_test_finish
