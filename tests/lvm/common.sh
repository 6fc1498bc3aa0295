# Shared by the tests/lvm shell tests (sourced): real lvm2 volumes on loop
# devices without device-mapper (activation disabled), a private lvm.conf,
# and writing images into LVs through their extent map. POSIX sh.
set -eu
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
VI="$top_builddir/verify-image"
PATH="$PATH:/usr/sbin:/sbin"
export PATH
[ -x "$VI" ] || {
	echo "no $VI: build first"
	exit 99
}

# verify-image exit status (DESIGN.md table, named once in tests/exit-status.sh).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/exit-status.sh"
E_USAGE=$EX_USAGE
E_CORRUPT=$EX_CORRUPT
E_IO=$EX_IO
E_NOT_FOUND=$EX_NOT_FOUND
E_BAD_SIGNATURE=$EX_SIG

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] || skip "not root (loop devices)"
for tool in losetup pvcreate vgcreate lvcreate lvs veritysetup; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/libverity-lvm.XXXXXX")
loops=""
cleanup() {
	for vg in $(cat "$tmp/vgs" 2>/dev/null); do
		vgremove -ff --driverloaded n "$vg" >/dev/null 2>&1 || :
	done
	for l in $loops; do
		losetup -d "$l" 2>/dev/null || :
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# attach NAME SIZE: a sparse file $tmp/NAME on a new loop device, named in $dev.
# (Not in a subshell: the trap must know every device.)
attach() {
	truncate -s "$2" "$tmp/$1"
	dev=$(losetup -f --show "$tmp/$1") || skip "no free loop device"
	loops="$loops $dev"
	echo "$dev $tmp/$1" >>"$tmp/loopmap"
}

# lvm_setup: a private configuration that sees only our loop devices (call after attach).
lvm_setup() {
	filter=""
	for l in $loops; do
		filter="$filter\"a|^$l\$|\", "
	done
	mkdir -p "$tmp/lvm/lock"
	cat >"$tmp/lvm/lvm.conf" <<CONF
devices {
	obtain_device_list_from_udev = 0
	external_device_info_source = "none"
	use_devicesfile = 0
	hints = "none"
	filter = [ $filter"r|.*|" ]
}
global {
	locking_dir = "$tmp/lvm/lock"
	event_activation = 0
}
activation {
	udev_sync = 0
	udev_rules = 0
	monitoring = 0
}
backup {
	backup = 0
	archive = 0
}
CONF
	LVM_SYSTEM_DIR="$tmp/lvm"
	LVM_SUPPRESS_FD_WARNINGS=1
	export LVM_SYSTEM_DIR LVM_SUPPRESS_FD_WARNINGS
}

# lvm CMD ARGS...: an lvm2 command, quiet unless it fails.
lvm_do() {
	"$@" >"$tmp/lvm.out" 2>&1 || {
		cat "$tmp/lvm.out" >&2
		fail "$*"
	}
}

vg_create() {
	echo "$1" >>"$tmp/vgs"
	lvm_do "$@"
}

# pv_file DEVICE: the file behind one of our loop devices.
pv_file() {
	awk -v d="$1" '$1 == d { print $2 }' "$tmp/loopmap"
}

# lv_write VG/LV FILE: write FILE at the start of the LV, following its segments.
lv_write() {
	es=$(vgs --noheadings --nosuffix --units b -o vg_extent_size "${1%/*}" 2>/dev/null | tr -d ' ')
	lvs --segments --noheadings --nosuffix --units b -o seg_start,seg_size,seg_pe_ranges "$1" \
		2>/dev/null >"$tmp/segs"
	size=$(stat -c %s "$2")
	while read -r start ssize range; do
		[ "$start" -lt "$size" ] || continue
		dev=${range%%:*}
		pe=${range#*:}
		pe=${pe%-*}
		pe_start=$(pvs --noheadings --nosuffix --units b -o pe_start "$dev" 2>/dev/null | tr -d ' ')
		dd if="$2" of="$(pv_file "$dev")" bs=64k iflag=skip_bytes,count_bytes oflag=seek_bytes \
			skip="$start" seek=$((pe_start + pe * es)) count="$ssize" conv=notrunc 2>/dev/null
	done <"$tmp/segs"
}

# lv_offset VG/LV OFFSET: "FILE BYTE" where byte OFFSET of the LV lies.
lv_offset() {
	es=$(vgs --noheadings --nosuffix --units b -o vg_extent_size "${1%/*}" 2>/dev/null | tr -d ' ')
	lvs --segments --noheadings --nosuffix --units b -o seg_start,seg_size,seg_pe_ranges "$1" \
		2>/dev/null | while read -r start ssize range; do
		if [ "$2" -ge "$start" ] && [ "$2" -lt $((start + ssize)) ]; then
			dev=${range%%:*}
			pe=${range#*:}
			pe=${pe%-*}
			pe_start=$(pvs --noheadings --nosuffix --units b -o pe_start "$dev" 2>/dev/null | tr -d ' ')
			echo "$(pv_file "$dev") $((pe_start + pe * es + $2 - start))"
		fi
	done
}

# expect_rc CODE CMD...: stdout in $tmp/out, stderr in $tmp/err.
expect_rc() {
	want=$1
	shift
	rc=0
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] || {
		cat "$tmp/err" >&2
		fail "exit $rc, expected $want: $*"
	}
}

# flip FILE OFFSET: change one byte.
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 90)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# gen SEED BYTES: deterministic pseudo-random bytes.
gen() {
	openssl enc -aes-128-ctr -nosalt -pbkdf2 -iter 1 -pass "pass:$1" </dev/zero 2>/dev/null |
		head -c "$2"
}
