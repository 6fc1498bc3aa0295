#!/bin/sh
# The seed scenario end to end: a volume group with two OS versions, each an
# LV holding an ext4 image, its hash tree and (beside the disk) a signed root
# hash; the LVs carry "version=N" and "roothash=<hex>" tags. List them, pick
# the newest by tag, check its signature, verify it, and read one file's
# bytes through the verified device: a file by path (extract), and a byte
# range located with debugfs.
# shellcheck source=tests/lvm/common.sh disable=SC2154
. "$(dirname "$0")/common.sh"
for tool in mkfs.ext4 debugfs openssl; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done

attach disk.img 64M
DISK=$dev
lvm_setup
disk=$tmp/disk.img
lvm_do pvcreate -q "$DISK"
vg_create vgcreate -q -s 4M os "$DISK"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/vendor.key" \
	-out "$tmp/vendor.pem" -subj "/CN=os-vendor" -days 3650 2>/dev/null

# make_os N SIZE: an ext4 image of version N with its tree at 12 MiB, and LV os/os-vN.
make_os() {
	mkdir -p "$tmp/root$1/etc" "$tmp/root$1/usr"
	printf 'NAME=Seed\nVERSION_ID=%s\n' "$1" >"$tmp/root$1/etc/os-release"
	gen "usr$1" 300000 >"$tmp/root$1/usr/payload"
	mkfs.ext4 -q -F -b 4096 -O ^has_journal -d "$tmp/root$1" "$tmp/os$1.img" 12M >/dev/null 2>&1 ||
		fail "mkfs.ext4"
	root=$(veritysetup format --hash-offset=$((12 << 20)) "$tmp/os$1.img" "$tmp/os$1.img" |
		awk '/^Root hash:/ { print $3 }')
	printf '%s' "$root" >"$tmp/os$1.root"
	openssl smime -sign -binary -noattr -in "$tmp/os$1.root" -signer "$tmp/vendor.pem" \
		-inkey "$tmp/vendor.key" -outform DER -out "$tmp/os$1.p7s"
	lvm_do lvcreate --driverloaded n -an -Zn -L "$2" -n "os-v$1" \
		--addtag "version=$1" --addtag "roothash=$root" os
}
make_os 1 8M
make_os 2 16M
# Version 1 grows after version 2 was made: its second segment (from 8 MiB)
# follows os-v2.
lvm_do lvextend --driverloaded n -L 16M os/os-v1
lv_write os/os-v1 "$tmp/os1.img"
lv_write os/os-v2 "$tmp/os2.img"

# List, and pick the newest version by tag.
expect_rc 0 "$VI" lvm --json "$disk"
newest=$(tr '{' '\n' <"$tmp/out" | sed -n 's/^"name":"\(os-v[0-9]*\)".*"version=\([0-9]*\)".*/\2 \1/p' |
	sort -n | tail -n 1)
[ "${newest#* }" = os-v2 ] || fail "newest by tag: got '$newest'"
lv=os/${newest#* }
root=$(tr '{' '\n' <"$tmp/out" | sed -n "s/^\"name\":\"${newest#* }\".*\"roothash=\\([0-9a-f]*\\)\".*/\\1/p")
[ "$root" = "$(cat "$tmp/os2.root")" ] || fail "root hash tag"

# Its signature, then the whole image.
sig="--root-hash-signature $tmp/os2.p7s --trusted-cert $tmp/vendor.pem"
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify --pv "$disk" --hash-offset=$((12 << 20)) $sig "$lv" "$lv" "$root"
# shellcheck disable=SC2086
expect_rc "$E_BAD_SIGNATURE" "$VI" verify --pv "$disk" --hash-offset=$((12 << 20)) \
	--root-hash-signature "$tmp/os1.p7s" --trusted-cert "$tmp/vendor.pem" "$lv" "$lv" "$root"

# A file out of it, by path (extract reads the ext4 image through the verified LV).
if "$VI" --help | grep -q '	extract '; then # built with the filesystem readers
	# shellcheck disable=SC2086
	expect_rc 0 "$VI" extract --pv "$disk" --hash-offset=$((12 << 20)) $sig "$lv" "$lv" "$root" \
		/usr/payload -o "$tmp/payload"
	cmp -s "$tmp/payload" "$tmp/root2/usr/payload" || fail "extract through the LV"
fi

# A file's bytes: debugfs gives the block of /etc/os-release in the image.
block=$(debugfs -R "bmap /etc/os-release 0" "$tmp/os2.img" 2>/dev/null)
size=$(stat -c %s "$tmp/root2/etc/os-release")
# shellcheck disable=SC2086
expect_rc 0 "$VI" read --pv "$disk" --hash-offset=$((12 << 20)) $sig \
	--offset $((block * 4096)) --length "$size" "$lv" "$lv" "$root"
cmp -s "$tmp/out" "$tmp/root2/etc/os-release" || fail "os-release read through the LV"
grep -q '^VERSION_ID=2$' "$tmp/out" || fail "not version 2"
# The same file by name, out of the filesystem on the LV.
if "$VI" --help | grep -q '	extract '; then
	# shellcheck disable=SC2086
	expect_rc 0 "$VI" extract --pv "$disk" --hash-offset=$((12 << 20)) $sig "$lv" "$lv" "$root" \
		/etc/os-release -o -
	cmp -s "$tmp/out" "$tmp/root2/etc/os-release" || fail "os-release extracted from the LV"
fi

# The older version, whose image spans two segments, verifies too; a changed
# data byte in its second segment does not.
root1=$(cat "$tmp/os1.root")
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify --pv "$disk" --hash-offset=$((12 << 20)) os/os-v1 os/os-v1 "$root1"
# shellcheck disable=SC2046
set -- $(lv_offset os/os-v1 $((10 << 20)))
flip "$1" "$2"
expect_rc "$E_CORRUPT" "$VI" verify --pv "$disk" --hash-offset=$((12 << 20)) os/os-v1 os/os-v1 \
	"$root1"
echo "seed: all passed"
