#!/bin/sh
# verify-image extract and ls on squashfs (mksquashfs) and ext4 (mkfs.ext4 -d)
# images made at test time: a kernel-sized random file and a nested DTB come
# out byte for byte; a flipped byte in the file's blocks, in the filesystem
# metadata (squashfs inode table, ext4 superblock and inode) or in the tree is
# refused and leaves no output file; symlinks
# never leave the image; special files, directories and existing outputs are
# refused; the signature is checked before any data is read.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PATH="$PATH:/usr/sbin:/sbin"
vi=$top_builddir/verify-image

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top_srcdir/tests/common.sh"
. "$top_srcdir/tests/exit-status.sh"
E_USAGE=$EX_USAGE
E_CORRUPT=$EX_CORRUPT
E_BAD_SIG=$EX_SIG
E_NOT_FOUND=$EX_NOT_FOUND

for tool in mksquashfs mkfs.ext4 dtc od; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool not found"
		exit 77
	}
done
"$vi" --help | grep -q '	extract ' || {
	echo "SKIP: verify-image without extract"
	exit 77
}

# no_output DIR: the failed extraction left nothing there
no_output() {
	[ -z "$(ls -A "$1")" ] || fail "left behind: $(ls -A "$1")"
}
# flip FILE OFFSET: invert one byte
flip() {
	b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# offset_of FILE STRING: byte offset of the first occurrence
offset_of() {
	grep -obUa "$2" "$1" | head -n 1 | cut -d: -f1
}

# The tree: the kernel holds a marker in the middle of random bytes, so that
# its place in an image can be found (random data is stored uncompressed).
MARK=libverity-extract-test-marker-7f3a9c
tree=$tmp/tree
mkdir -p "$tree/boot/dtbs/vendor" "$tree/etc" "$tree/empty"
{
	head -c 4194304 /dev/urandom
	printf '%s' "$MARK"
	head -c 4194000 /dev/urandom
} >"$tree/boot/Image"
printf '/dts-v1/;\n/ { model = "libverity,test"; soc { #address-cells = <1>;
	#size-cells = <0>; cpu@0 { reg = <0>; }; }; };\n' \
	>"$tmp/board.dts"
dtc -I dts -O dtb -o "$tree/boot/dtbs/vendor/board.dtb" "$tmp/board.dts"
echo "the image's hostname" >"$tree/etc/hostname"
ln -s ../../../../../etc/hostname "$tree/boot/up"
ln -s /etc/hostname "$tree/boot/abs"
ln -s ../../../../../etc/passwd "$tree/boot/passwd"
ln -s boot/Image "$tree/vmlinuz"
ln -s loop "$tree/loop"
ln -s a "$tree/b"
ln -s b "$tree/a"
mkfifo "$tree/fifo"

make_image() { # make_image squashfs|ext4 -> $img (data), $hash, $root
	img=$tmp/$1.img
	hash=$tmp/$1.hash
	case $1 in
	squashfs) mksquashfs "$tree" "$img" -noappend -quiet -no-progress >/dev/null ;;
	ext4) mkfs.ext4 -q -F -b 4096 -d "$tree" "$img" 24M >/dev/null ;;
	esac
	root=$("$vi" format "$img" "$hash" --no-progress | awk '/^Root hash:/ {print $3}')
	[ -n "$root" ] || fail "format $1"
}

for fs in squashfs ext4; do
	make_image $fs
	cp "$img" "$tmp/pristine.img"
	cp "$hash" "$tmp/pristine.hash"
	out=$tmp/out.d
	rm -rf "$out"
	mkdir "$out"

	# --- listings ---
	"$vi" ls "$img" "$hash" "$root" / >"$tmp/ls"
	grep -q '^d.* boot$' "$tmp/ls" || fail "$fs: ls / has no boot"
	grep -q '^l.* vmlinuz -> boot/Image$' "$tmp/ls" || fail "$fs: ls / vmlinuz"
	grep -q '^?.* fifo$' "$tmp/ls" || fail "$fs: ls / fifo"
	"$vi" ls "$img" "$hash" "$root" /boot/dtbs/vendor >"$tmp/ls"
	size=$(wc -c <"$tree/boot/dtbs/vendor/board.dtb")
	grep -Eq "^-rw-r--r-- +$size board.dtb$" "$tmp/ls" || fail "$fs: ls of the DTB folder"
	"$vi" ls --json "$img" "$hash" "$root" boot/../boot//dtbs/ >"$tmp/ls"
	grep -q '"status":"ok".*"entries":\[{"name":"vendor","type":"directory"' "$tmp/ls" ||
		fail "$fs: ls --json"
	"$vi" ls "$img" "$hash" "$root" /empty >"$tmp/ls"
	[ ! -s "$tmp/ls" ] || fail "$fs: empty folder lists entries"
	expect_rc "$E_NOT_FOUND" "$vi" ls "$img" "$hash" "$root" /nothing

	# --- files come out byte for byte ---
	"$vi" extract "$img" "$hash" "$root" /boot/Image -o "$out/Image"
	cmp "$out/Image" "$tree/boot/Image" || fail "$fs: kernel differs"
	"$vi" extract "$img" "$hash" "$root" boot/dtbs/vendor/board.dtb -o "$out/board.dtb"
	cmp "$out/board.dtb" "$tree/boot/dtbs/vendor/board.dtb" || fail "$fs: DTB differs"
	"$vi" extract "$img" "$hash" "$root" vmlinuz -o - | cmp - "$tree/boot/Image" ||
		fail "$fs: kernel through a symlink to stdout"
	printf '%s\n' "$root" >"$tmp/root.txt"
	"$vi" extract --root-hash-file "$tmp/root.txt" "$img" "$hash" etc/hostname -o - |
		cmp - "$tree/etc/hostname" || fail "$fs: --root-hash-file"

	# --- an existing output is kept unless --force ---
	echo keep >"$out/keep"
	expect_rc "$E_USAGE" "$vi" extract "$img" "$hash" "$root" etc/hostname -o "$out/keep"
	[ "$(cat "$out/keep")" = keep ] || fail "$fs: existing output overwritten"
	"$vi" extract --force "$img" "$hash" "$root" etc/hostname -o "$out/keep"
	cmp "$out/keep" "$tree/etc/hostname" || fail "$fs: --force"
	rm -f "$out"/*

	# --- symlinks stay inside the image ---
	for link in boot/up boot/abs; do
		"$vi" extract "$img" "$hash" "$root" "$link" -o - >"$tmp/got"
		cmp "$tmp/got" "$tree/etc/hostname" || fail "$fs: $link left the image"
	done
	"$vi" extract "$img" "$hash" "$root" ../../../../etc/hostname -o - >"$tmp/got"
	cmp "$tmp/got" "$tree/etc/hostname" || fail "$fs: .. left the image"
	expect_rc "$E_NOT_FOUND" "$vi" extract "$img" "$hash" "$root" boot/passwd -o "$out/x"
	expect_rc "$E_NOT_FOUND" "$vi" extract "$img" "$hash" "$root" loop -o "$out/x"
	expect_rc "$E_NOT_FOUND" "$vi" extract "$img" "$hash" "$root" a -o "$out/x"
	expect_rc "$E_NOT_FOUND" "$vi" extract "$img" "$hash" "$root" boot/Image/x -o "$out/x"
	expect_rc "$E_USAGE" "$vi" extract "$img" "$hash" "$root" fifo -o "$out/x"
	expect_rc "$E_USAGE" "$vi" extract "$img" "$hash" "$root" boot -o "$out/x"
	expect_rc "$E_USAGE" "$vi" extract "$img" "$hash" "$root" boot/Image
	no_output "$out"

	# --- signature options: checked before reading ---
	expect_rc "$E_USAGE" "$vi" extract "$img" "$hash" "$root" etc/hostname -o "$out/x" \
		--trusted-cert "$tmp/none.pem"
	if command -v openssl >/dev/null 2>&1; then
		sign_root "$root"
		"$vi" extract "$img" "$hash" "$root" etc/hostname -o - \
			--root-hash-signature "$tmp/root.p7s" --trusted-cert "$tmp/signer.pem" |
			cmp - "$tree/etc/hostname" || fail "$fs: signed extract"
		head -c 100 /dev/urandom >"$tmp/bad.p7s"
		expect_rc "$E_BAD_SIG" "$vi" extract "$img" "$hash" "$root" etc/hostname \
			-o "$out/x" --root-hash-signature "$tmp/bad.p7s" --trusted-cert "$tmp/signer.pem"
		no_output "$out"
	fi

	# --- corruption: the file's blocks, the filesystem metadata, the tree ---
	at=$(offset_of "$img" "$MARK")
	[ -n "$at" ] || fail "$fs: marker not found in the image"
	flip "$img" $((at + 3))
	expect_rc "$E_CORRUPT" "$vi" extract "$img" "$hash" "$root" boot/Image -o "$out/Image"
	grep -q "data block $(((at + 3) / 4096))" "$tmp/err" || fail "$fs: block not named"
	no_output "$out"
	# Standard output stops before the bad block: a strict prefix of the file.
	set +e
	"$vi" extract "$img" "$hash" "$root" boot/Image -o - >"$tmp/got" 2>/dev/null
	rc=$?
	set -e
	[ "$rc" = "$E_CORRUPT" ] || fail "$fs: stdout extract of a corrupt file: exit $rc"
	got=$(wc -c <"$tmp/got")
	[ "$got" -le $((4194304 + 3 - (at + 3) % 4096)) ] ||
		fail "$fs: $got bytes written, past the bad block"
	head -c "$got" "$tree/boot/Image" | cmp - "$tmp/got" || fail "$fs: prefix differs"
	# Other files still come out.
	"$vi" extract "$img" "$hash" "$root" boot/dtbs/vendor/board.dtb -o "$out/board.dtb"
	cmp "$out/board.dtb" "$tree/boot/dtbs/vendor/board.dtb" || fail "$fs: DTB after damage"
	rm -f "$out/board.dtb"
	cp "$tmp/pristine.img" "$img"

	case $fs in
	squashfs) # a byte of the inode table (its start is at offset 64 of the superblock)
		meta=$(od -An -tu8 -j 64 -N 8 "$img" | tr -d ' ') ;;
	ext4) meta=1100 ;; # the superblock
	esac
	flip "$img" $((meta + 2))
	expect_rc "$E_CORRUPT" "$vi" extract "$img" "$hash" "$root" boot/Image -o "$out/Image"
	no_output "$out"
	expect_rc "$E_CORRUPT" "$vi" ls "$img" "$hash" "$root" /boot
	cp "$tmp/pristine.img" "$img"
	if [ $fs = ext4 ] && command -v debugfs >/dev/null 2>&1; then
		# The kernel's own inode, in the inode table.
		set -- $(debugfs -R 'imap /boot/Image' "$img" 2>/dev/null |
			sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p')
		[ $# = 2 ] || fail "ext4: debugfs imap"
		flip "$img" $(($1 * 4096 + $2 + 40))
		expect_rc "$E_CORRUPT" "$vi" extract "$img" "$hash" "$root" boot/Image -o "$out/Image"
		no_output "$out"
		cp "$tmp/pristine.img" "$img"
	fi

	flip "$hash" $((4096 + 17)) # the top tree block, after the superblock
	expect_rc "$E_CORRUPT" "$vi" extract "$img" "$hash" "$root" boot/Image -o "$out/Image"
	no_output "$out"
	cp "$tmp/pristine.hash" "$hash"

	# --- the image with systemd sidecar files (IMAGE.roothash, .verity, .p7s) ---
	cp "$img" "$tmp/os.raw"
	cp "$hash" "$tmp/os.verity"
	printf '%s\n' "$root" >"$tmp/os.roothash"
	expect_rc "$E_BAD_SIG" "$vi" extract "$tmp/os.raw" etc/hostname -o "$out/x"
	no_output "$out"
	"$vi" extract --root-hash "$root" "$tmp/os.raw" boot/dtbs/vendor/board.dtb -o - |
		cmp - "$tree/boot/dtbs/vendor/board.dtb" || fail "$fs: sidecar form, --root-hash"
	if [ -f "$tmp/root.p7s" ]; then
		cp "$tmp/root.p7s" "$tmp/os.roothash.p7s"
		"$vi" ls --trusted-cert "$tmp/signer.pem" "$tmp/os.raw" /boot/dtbs/vendor >"$tmp/ls"
		grep -q ' board.dtb$' "$tmp/ls" || fail "$fs: sidecar form, signed"
	fi
	rm -f "$tmp"/os.*

	# --- not a filesystem ---
	head -c 65536 /dev/urandom >"$tmp/random.img"
	r=$("$vi" format "$tmp/random.img" "$tmp/random.hash" | awk '/^Root hash:/ {print $3}')
	set +e
	"$vi" ls "$tmp/random.img" "$tmp/random.hash" "$r" / >/dev/null 2>"$tmp/err"
	rc=$?
	set -e
	[ "$rc" != 0 ] && grep -q 'neither squashfs nor ext' "$tmp/err" ||
		fail "random data taken for a filesystem"
	echo "ok: $fs"
done
echo "all passed"
