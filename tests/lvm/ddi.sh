#!/bin/sh
# A discoverable disk image (GPT, root + verity + signature JSON, made by
# tests/disk's helpers) inside a logical volume whose extents are not
# contiguous: dissect and verify it through --pv, and see a changed byte in
# the LV's second segment refused.
# shellcheck source=tests/lvm/common.sh disable=SC2154
. "$(dirname "$0")/common.sh"
for tool in python3 openssl base64; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}

# The image, with tests/disk/common.sh in a subshell (its own scratch folder).
(
	# shellcheck source=tests/disk/common.sh
	. "$top_srcdir/tests/disk/common.sh"
	ddi_test_start veritysetup openssl python3 base64
	verity_parts a 6 || exit 1
	sign_json "$root" "$T/key.pem" "$T/cert.pem" >"$T/a.json"
	$GPTIMG make "$tmp/ddi.img" \
		--part "type=root-x86-64,uuid=$data_uuid,label=os_1,file=$T/a.data" \
		--part "type=root-verity-x86-64,uuid=$hash_uuid,label=os_1,file=$T/a.hash" \
		--part "type=root-verity-sig-x86-64,uuid=$(uuid_of 0123456789abcdef0123456789abcdef),label=os_1,file=$T/a.json"
	cp "$T/cert.pem" "$tmp/cert.pem"
) || fail "making the disk image"
[ -s "$tmp/ddi.img" ] || fail "no disk image"

attach disk.img 32M
DISK=$dev
lvm_setup
disk=$tmp/disk.img
lvm_do pvcreate -q "$DISK"
vg_create vgcreate -q -s 1M vg0 "$DISK"
lvm_do lvcreate --driverloaded n -an -Zn -L 3M -n img vg0
lvm_do lvcreate --driverloaded n -an -Zn -L 1M -n other vg0
lvm_do lvextend --driverloaded n -L 12M vg0/img
lv_write vg0/img "$tmp/ddi.img"
trust="--trusted-cert $tmp/cert.pem"

# shellcheck disable=SC2086
expect_rc 0 "$VI" dissect --pv "$disk" vg0/img $trust --json
grep -q '"root"' "$tmp/out" || fail "dissect: no root pair"
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify --pv "$disk" vg0/img $trust
# shellcheck disable=SC2086
expect_rc "$E_NOT_FOUND" "$VI" dissect --pv "$disk" vg0/nothing $trust
# A data byte 5 MiB into the LV (its second segment, inside the root partition).
# shellcheck disable=SC2046
set -- $(lv_offset vg0/img $((5 << 20)))
flip "$1" "$2"
# shellcheck disable=SC2086
expect_rc "$E_CORRUPT" "$VI" verify --pv "$disk" vg0/img $trust
echo "ddi: all passed"
