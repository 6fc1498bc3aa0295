#!/bin/sh
# The Linux kernel as the judge of the table lines verify-image writes:
# boots Debian's kernel (unpacked by scripts/fetch-kernel.sh) under
# qemu-system-x86_64 (KVM when /dev/kvm works, else TCG) with a busybox
# initramfs, loads each `verify-image table` line with `dmsetup create` over
# virtio disks and reads the whole device. Every verdict (bytes out, or the
# first block the kernel refuses) must agree with `verify-image verify`.
# Skipped when qemu, dmsetup, veritysetup or the unpacked kernel is missing.
. "$(dirname "$0")/../verity/lib.sh"
kdir=${LIBVERITY_KERNEL_DIR:-/var/cache/libverity/kernel}
for tool in qemu-system-x86_64 dmsetup veritysetup openssl; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$tool not found: skipped"
		exit 77
	}
done
[ -r "$kdir/vmlinuz" ] && [ -x "$kdir/busybox" ] || {
	echo "no unpacked kernel in $kdir (scripts/fetch-kernel.sh): skipped"
	exit 77
}
bb="$kdir/busybox"

# ---- the cases ----------------------------------------------------------
# disk NAME FILE: attach FILE read-only as a virtio disk the guest sees as
# /dev/disk/NAME (its serial number).
disks=""
disk() {
	disks="$disks -drive file=$2,format=raw,if=none,readonly=on,id=$1 -device virtio-blk-pci,drive=$1,serial=$1"
}
# kcase NAME TABLE_LINE: the kernel loads the line (host paths of the disks
# replaced by /dev/disk/NAME) and reads the device.
: >"$tmp/cases"
kcase() {
	echo "$1 $2" >>"$tmp/cases"
}
# expect NAME ok SHA256 | NAME fail FIRST_BAD_BLOCK (in 4096-byte units read)
: >"$tmp/expected"
expect() {
	echo "$*" >>"$tmp/expected"
}
sha() {
	sha256sum "$1" | cut -d' ' -f1
}
# table_for NAME DISKNAME... ARGS: the table line of `verify-image table ARGS`
# with each disk's host path replaced by its guest path.
table_line() {
	"$VI" table "$@" | head -n 1
}
guest() {
	line=$1
	shift
	for pair in "$@"; do
		line=$(printf '%s' "$line" | sed "s|${pair%%=*}|/dev/disk/${pair#*=}|g")
	done
	printf '%s' "$line"
}
# vi_verdict ARGS: 0 when verify-image verify accepts, 1 when not.
vi_verdict() {
	if "$VI" verify "$@" >/dev/null 2>&1; then echo ok; else echo fail; fi
}

# A: separate data and hash files, superblock, 256 blocks.
gen a 1048576 >"$tmp/a.data"
"$VI" format "$tmp/a.data" "$tmp/a.hash" --root-hash-file "$tmp/a.root" >/dev/null
root_a=$(cat "$tmp/a.root")
disk ad "$tmp/a.data"
disk ah "$tmp/a.hash"
kcase a "$(guest "$(table_line "$tmp/a.data" "$tmp/a.hash" "$root_a")" "$tmp/a.data=ad" "$tmp/a.hash=ah")"
expect a ok "$(sha "$tmp/a.data")"
[ "$(vi_verdict "$tmp/a.data" "$tmp/a.hash" "$root_a")" = ok ] || fail "verify-image refuses a"

# B: data and hash in one file (--hash-offset), superblock.
gen b 2097152 >"$tmp/b.img"
"$VI" format "$tmp/b.img" "$tmp/b.img" --hash-offset 2097152 --data-blocks 512 \
	--root-hash-file "$tmp/b.root" >/dev/null
truncate -s %4096 "$tmp/b.img"
root_b=$(cat "$tmp/b.root")
disk bd "$tmp/b.img"
kcase b "$(guest "$(table_line "$tmp/b.img" "$tmp/b.img" "$root_b" --hash-offset 2097152)" "$tmp/b.img=bd")"
head -c 2097152 "$tmp/b.img" >"$tmp/b.expect"
expect b ok "$(sha "$tmp/b.expect")"

# C: no superblock, version 0, sha1, 512-byte data and 1024-byte hash blocks, a salt.
gen c 524288 >"$tmp/c.data"
copts="--no-superblock --format 0 --hash sha1 --data-block-size 512 --hash-block-size 1024 --salt 0123456789abcdef"
# shellcheck disable=SC2086
"$VI" format $copts "$tmp/c.data" "$tmp/c.hash" --root-hash-file "$tmp/c.root" >/dev/null
truncate -s %4096 "$tmp/c.hash"
root_c=$(cat "$tmp/c.root")
disk cd "$tmp/c.data"
disk ch "$tmp/c.hash"
# shellcheck disable=SC2086
kcase c "$(guest "$(table_line $copts "$tmp/c.data" "$tmp/c.hash" "$root_c")" "$tmp/c.data=cd" "$tmp/c.hash=ch")"
expect c ok "$(sha "$tmp/c.data")"

# D: sha512, 1024-byte hash blocks (three levels), check_at_most_once.
gen d 4194304 >"$tmp/d.data"
"$VI" format --hash sha512 --hash-block-size 1024 "$tmp/d.data" "$tmp/d.hash" \
	--root-hash-file "$tmp/d.root" >/dev/null
truncate -s %4096 "$tmp/d.hash"
root_d=$(cat "$tmp/d.root")
disk dd "$tmp/d.data"
disk dh "$tmp/d.hash"
kcase d "$(guest "$(table_line --check-at-most-once "$tmp/d.data" "$tmp/d.hash" "$root_d")" "$tmp/d.data=dd" "$tmp/d.hash=dh")"
expect d ok "$(sha "$tmp/d.data")"

# E: A's data with one byte changed in block 100: refused from block 100 on.
cp "$tmp/a.data" "$tmp/e.data"
flip "$tmp/e.data" $((100 * 4096 + 1234))
disk ed "$tmp/e.data"
kcase e "$(guest "$(table_line "$tmp/a.data" "$tmp/a.hash" "$root_a")" "$tmp/a.data=ed" "$tmp/a.hash=ah")"
expect e fail 100
[ "$(vi_verdict "$tmp/e.data" "$tmp/a.hash" "$root_a")" = fail ] || fail "verify-image accepts e"

# F: the same with --ignore-corruption: the kernel returns the changed bytes.
kcase f "$(guest "$(table_line --ignore-corruption "$tmp/a.data" "$tmp/a.hash" "$root_a")" "$tmp/a.data=ed" "$tmp/a.hash=ah")"
expect f ok "$(sha "$tmp/e.data")"

# G: a changed byte in the hash tree's leaf level (covers blocks 0..127).
cp "$tmp/a.hash" "$tmp/g.hash"
flip "$tmp/g.hash" $((4096 + 4096 + 77))
disk gh "$tmp/g.hash"
kcase g "$(guest "$(table_line "$tmp/a.data" "$tmp/a.hash" "$root_a")" "$tmp/a.data=ad" "$tmp/a.hash=gh")"
expect g fail 0
[ "$(vi_verdict "$tmp/a.data" "$tmp/g.hash" "$root_a")" = fail ] || fail "verify-image accepts g"

# H: a wrong root hash: nothing is readable.
wrong=$(printf '%s' "$root_a" | sed 's/^./0/;t;s/^/0/')
[ "$wrong" != "$root_a" ] || wrong=$(printf '%s' "$root_a" | sed 's/^./1/')
kcase h "$(guest "$(table_line "$tmp/a.data" "$tmp/a.hash" "$wrong")" "$tmp/a.data=ad" "$tmp/a.hash=ah")"
expect h fail 0

# I: zero blocks with ignore_zero_blocks: every block readable.
{ gen i1 65536; head -c 131072 /dev/zero; gen i2 65536; } >"$tmp/i.data"
"$VI" format "$tmp/i.data" "$tmp/i.hash" --root-hash-file "$tmp/i.root" >/dev/null
root_i=$(cat "$tmp/i.root")
disk id "$tmp/i.data"
disk ih "$tmp/i.hash"
kcase i "$(guest "$(table_line --ignore-zero-blocks "$tmp/i.data" "$tmp/i.hash" "$root_i")" "$tmp/i.data=id" "$tmp/i.hash=ih")"
expect i ok "$(sha "$tmp/i.data")"

# Extra cases (sourced, e.g. FEC) may add disks, cases and verdicts here.
for extra in "$(dirname "$0")"/cases-*.sh; do
	[ -r "$extra" ] && . "$extra"
done

# ---- the initramfs ------------------------------------------------------
ir="$tmp/initramfs"
mkdir -p "$ir/bin" "$ir/sbin" "$ir/modules" "$ir/proc" "$ir/sys" "$ir/dev" "$ir/tmp"
cp "$bb" "$ir/bin/busybox"
cp "$kdir"/modules/*.ko "$ir/modules/"
cp "$(command -v dmsetup)" "$ir/sbin/dmsetup"
for lib in $(ldd "$(command -v dmsetup)" | sed -n 's|.*[[:space:]]\(/[^[:space:]]*\) (0x.*|\1|p'); do
	mkdir -p "$ir$(dirname "$lib")"
	cp -L "$lib" "$ir$lib"
done
cp "$tmp/cases" "$ir/cases"
echo "$disks" | grep -o -- "-device" | wc -l >"$ir/ndisks"
cat >"$ir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin DM_DISABLE_UDEV=1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk \
	sha512_generic dm-mod dm-bufio reed_solomon dm-verity; do
	insmod /modules/$m.ko || echo "RESULT insmod $m failed"
done
mkdir -p /dev/disk
n=0
while [ $n -lt 50 ]; do
	for b in /sys/block/vd*; do
		[ -e "$b/serial" ] && ln -sf /dev/${b##*/} /dev/disk/$(cat $b/serial) 2>/dev/null
	done
	[ "$(ls /dev/disk | wc -l)" -ge "$(cat /ndisks)" ] && break
	n=$((n + 1)); sleep 0.1
done
while read -r name table; do
	if ! dmsetup create --readonly --noudevsync "v$name" --table "$table" 2>/dm.err; then
		echo "RESULT $name create-failed $(tr '\n' ' ' </dm.err)"
		continue
	fi
	dmsetup mknodes "v$name" 2>/dev/null
	if sum=$(sha256sum "/dev/mapper/v$name" 2>/dev/null); then
		echo "RESULT $name ok ${sum%% *}"
	else
		# The first block refused: the longest readable prefix, by bisection.
		lo=0
		hi=$(($(blockdev --getsize64 "/dev/mapper/v$name") / 4096))
		while [ $lo -lt $hi ]; do
			mid=$(((lo + hi + 1) / 2))
			if dd if="/dev/mapper/v$name" of=/dev/null bs=4096 count=$mid 2>/dev/null; then
				lo=$mid
			else
				hi=$((mid - 1))
			fi
		done
		echo "RESULT $name fail $lo"
	fi
	dmsetup remove "v$name" 2>/dev/null
done </cases
echo "RESULT kernel $(uname -r)"
echo RESULT done
poweroff -f
INIT
chmod +x "$ir/init"
(cd "$ir" && find . | "$bb" cpio -o -H newc 2>/dev/null | gzip -1 >"$tmp/initramfs.gz")

# boot ACCEL TIMEOUT: run the guest; its console goes to $tmp/console.
boot() {
	# shellcheck disable=SC2086
	timeout "$2" qemu-system-x86_64 $1 -m 512 -smp 1 -nodefaults -display none -no-reboot \
		-serial "file:$tmp/console" -kernel "$kdir/vmlinuz" -initrd "$tmp/initramfs.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=3" $disks
}
# KVM when it works (a nested guest can hang there: then TCG, which boots
# this guest in about ten seconds).
booted=""
if [ -w /dev/kvm ] && [ "${LIBVERITY_KERNEL_ACCEL:-kvm}" = kvm ]; then
	boot "-accel kvm -cpu host" "${LIBVERITY_KVM_TIMEOUT:-20}" >/dev/null 2>&1 &&
		grep -q -a '^RESULT done' "$tmp/console" && booted=kvm
fi
if [ -z "$booted" ]; then
	boot "-accel tcg" "${LIBVERITY_KERNEL_TIMEOUT:-300}" || fail "qemu (TCG): exit $?"
	booted=tcg
fi
echo "booted $(basename "$(readlink -f "$kdir/vmlinuz")") with $booted"
grep -a '^RESULT' "$tmp/console" | tr -d '\r' >"$tmp/results"
cat "$tmp/results"
grep -q '^RESULT done' "$tmp/results" || { tail -n 40 "$tmp/console"; fail "the guest did not finish"; }
bad=0
while read -r name verdict value; do
	got=$(sed -n "s/^RESULT $name //p" "$tmp/results")
	if [ "$got" != "$verdict $value" ]; then
		echo "case $name: the kernel says '$got', expected '$verdict $value'"
		bad=1
	fi
done <"$tmp/expected"
[ "$bad" = 0 ] || fail "the kernel disagrees"
echo "PASS: $(wc -l <"$tmp/expected") table lines judged by the kernel"
