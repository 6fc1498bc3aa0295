#!/bin/sh
# verify-image lvm and --pv against volumes made by the real lvm2: one and
# two PVs, 1 MiB and 4 MiB extents, two metadata areas on a PV, multi-segment
# LVs, an LV spanning two PVs, hidden LVs, a thin pool (written with
# vgcfgrestore: lvm2 will not create one without device-mapper), a wrapped
# metadata ring, and verity images written through the extent map.
# shellcheck source=tests/lvm/common.sh disable=SC2154
. "$(dirname "$0")/common.sh"

attach a.img 48M
A=$dev
attach b.img 32M
B=$dev
attach c.img 40M
C=$dev
attach d.img 16M
D=$dev
lvm_setup
a=$tmp/a.img b=$tmp/b.img c=$tmp/c.img d=$tmp/d.img

lvm_do pvcreate -q "$A" "$B"
# Two metadata copies: one at the start, one at the end of the PV.
lvm_do pvcreate -q --pvmetadatacopies 2 "$C"
vg_create vgcreate -q -s 1M vg0 "$A"
lvm_do lvcreate --driverloaded n -an -Zn -L 6M -n os-a vg0
lvm_do lvcreate --driverloaded n -an -Zn -L 5M -n os-b vg0
lvm_do lvextend --driverloaded n -L 12M vg0/os-a
lvm_do vgextend -q vg0 "$B"
lvm_do lvcreate --driverloaded n -an -Zn -L 40M -n span vg0
vg_create vgcreate -q -s 4M vg4 "$C"
lvm_do lvcreate --driverloaded n -an -Zn -L 8M -n x vg4
lvm_do lvcreate --driverloaded n -an -Zn -L 4M -n y vg4
lvm_do lvextend --driverloaded n -L 16M vg4/x

# A thin pool with its hidden data and metadata LVs on free extents of pv0.
lvm_do vgcfgbackup -f "$tmp/vg0.txt" vg0
head -n -3 "$tmp/vg0.txt" >"$tmp/vg0-pool.txt"
for lv in pool_tmeta:0:2:26 pool_tdata:1:4:28; do
	IFS=: read -r name n count pe <<LV
$lv
LV
	cat >>"$tmp/vg0-pool.txt" <<LV
		$name {
			id = "pool0$n-0000-0000-0000-0000-0000-000000"
			status = ["READ", "WRITE"]
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = $count
				type = "striped"
				stripe_count = 1
				stripes = ["pv0", $pe]
			}
		}
LV
done
cat >>"$tmp/vg0-pool.txt" <<'LV'
		pool {
			id = "pool02-0000-0000-0000-0000-0000-000000"
			status = ["READ", "WRITE", "VISIBLE"]
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 4
				type = "thin-pool"
				metadata = "pool_tmeta"
				pool = "pool_tdata"
				transaction_id = 0
				chunk_size = 128
				discards = "passdown"
				zero_new_blocks = 1
			}
		}
	}
}
LV
lvm_do vgcfgrestore --force -f "$tmp/vg0-pool.txt" vg0

# The listing agrees with lvs --segments (linear LVs; lvs names the pool's data LV instead).
expect_rc 0 "$VI" lvm "$a" "$b" "$c"
grep -v ' pool ' "$tmp/out" | sort >"$tmp/ours"
lvs --segments --noheadings --nosuffix --units b \
	-o vg_name,lv_name,lv_size,seg_start_pe,seg_size_pe,seg_pe_ranges vg0 vg4 2>/dev/null |
	awk '$2 != "pool" { $1 = $1; print }' | sort >"$tmp/theirs"
diff "$tmp/theirs" "$tmp/ours" || fail "lvm listing differs from lvs --segments"
[ "$(wc -l <"$tmp/ours")" -eq 8 ] || fail "expected 8 linear segments"
grep -q '^vg0 pool 4194304 0 4 (thin-pool)$' "$tmp/out" || fail "thin pool not listed as such"
! grep -q 'pool_t' "$tmp/out" || fail "hidden LVs listed"
expect_rc 0 "$VI" lvm --json "$a" "$b" "$c"
grep -q '"name":"os-a","id":"[^"]*","size":12582912,"extent_count":12,"linear":true' "$tmp/out" ||
	fail "JSON: os-a"
grep -q '"extent_size":4194304' "$tmp/out" || fail "JSON: 4 MiB extents"
grep -q '"unsupported_type":"thin-pool"' "$tmp/out" || fail "JSON: thin pool"

# A PV left out is refused by name.
expect_rc "$E_IO" "$VI" lvm "$a"
grep -q 'pv1' "$tmp/err" || fail "missing PV not named"
expect_rc "$E_IO" "$VI" lvm --json "$a"
grep -q '"status":"error","exit_code":4,.*"detail":"pv1' "$tmp/out" || fail "JSON missing PV"

# A verity image (data 8 MiB, then its tree) inside os-a, whose second
# segment lies after os-b.
gen os-a $((8 << 20)) >"$tmp/os-a.img"
root=$(veritysetup format --hash-offset=$((8 << 20)) "$tmp/os-a.img" "$tmp/os-a.img" |
	awk '/^Root hash:/ { print $3 }')
lv_write vg0/os-a "$tmp/os-a.img"
pvs="--pv $a --pv $b --pv $c"
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify $pvs --hash-offset=$((8 << 20)) vg0/os-a vg0/os-a "$root"
# shellcheck disable=SC2086
expect_rc 0 "$VI" read $pvs --hash-offset=$((8 << 20)) --offset $((6 << 20)) --length 4096 \
	vg0/os-a vg0/os-a "$root"
dd if="$tmp/os-a.img" bs=4096 skip=1536 count=1 2>/dev/null | cmp -s - "$tmp/out" ||
	fail "read across the segment boundary"

# table: a linear table per LV (sectors; pe_start is 1 MiB), then the verity line.
# shellcheck disable=SC2086
expect_rc 0 "$VI" table $pvs --hash-offset=$((8 << 20)) vg0/os-a vg0/os-a "$root"
grep -qx "0 12288 linear $a 2048" "$tmp/out" || fail "table: first segment"
grep -qx "12288 12288 linear $a 24576" "$tmp/out" || fail "table: second segment"
grep -q "^0 16384 verity 1 /dev/mapper/vg0-os--a /dev/mapper/vg0-os--a 4096 4096 2048 " "$tmp/out" ||
	fail "table: verity line"
grep -q "^dm-mod.create=\"vg0-os--a,,0,ro,0 12288 linear $a 2048,12288 12288 linear $a 24576;vroot,,,ro,0 16384 verity 1 /dev/dm-0 /dev/dm-0 4096 4096 2048 " "$tmp/out" ||
	fail "table: dm-mod.create"

# Data on an LV spanning both PVs, its tree on a 4 MiB-extent LV of another VG.
gen span $((36 << 20)) >"$tmp/span.data"
root2=$(veritysetup format "$tmp/span.data" "$tmp/span.hash" | awk '/^Root hash:/ { print $3 }')
lv_write vg0/span "$tmp/span.data"
lv_write vg4/x "$tmp/span.hash"
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify $pvs vg0/span vg4/x "$root2"

# shellcheck disable=SC2086
expect_rc 0 "$VI" table --json $pvs vg0/span vg4/x "$root2"
grep -q 'verity 1 /dev/dm-0 /dev/dm-1 4096 4096 9216 1 sha256' "$tmp/out" || fail "table: two LVs"
grep -q '"linear":\[{"name":"vg0-span","logical_volume":"vg0/span","table":\["0 63488 linear [^"]*b.img 2048","63488 18432 linear [^"]*a.img 36864"\]},{"name":"vg4-x"' "$tmp/out" ||
	fail "table: JSON linear tables"

# FEC with --pv: veritysetup's parity of the span image (its hash device as
# large as vg4/x, since FEC covers the whole hash device) on the LV vg4/y.
salt2=$(veritysetup dump "$tmp/span.hash" | awk '/^Salt:/ { print $2 }')
truncate -s 16M "$tmp/span16.hash"
root3=$(veritysetup format --salt "$salt2" --fec-device "$tmp/span.fec" --fec-roots 4 \
	"$tmp/span.data" "$tmp/span16.hash" | awk '/^Root hash:/ { print $3 }')
[ "$root3" = "$root2" ] || fail "same salt, same data: same root"
lv_write vg4/x "$tmp/span16.hash"
lv_write vg4/y "$tmp/span.fec"
fecopts="--fec-device vg4/y --fec-roots 4"
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify $pvs $fecopts vg0/span vg4/x "$root2"
# Two wrong bytes in one data block on the PV: corrected from the parity on the LV.
at=$(((5 << 20) + 100))
# shellcheck disable=SC2046
set -- $(lv_offset vg0/span "$at")
flip "$1" "$2"
flip "$1" $(($2 + 1))
# shellcheck disable=SC2086
expect_rc "$E_CORRUPT" "$VI" verify $pvs vg0/span vg4/x "$root2"
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify $pvs $fecopts vg0/span vg4/x "$root2"
grep -q 'Found 2 repairable errors with FEC device' "$tmp/out" "$tmp/err" ||
	fail "FEC on an LV: corrections not reported"
# shellcheck disable=SC2086
expect_rc 0 "$VI" read $pvs $fecopts --offset $((5 << 20)) --length 4096 vg0/span vg4/x "$root2"
dd if="$tmp/span.data" bs=4096 skip=1280 count=1 2>/dev/null | cmp -s - "$tmp/out" ||
	fail "FEC on an LV: corrected read"
# The same parity as a file, and a table naming the FEC LV's mapped device.
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify $pvs --fec-device "$tmp/span.fec" --fec-roots 4 vg0/span vg4/x "$root2"
# shellcheck disable=SC2086
expect_rc 0 "$VI" table $pvs $fecopts vg0/span vg4/x "$root2"
grep -q "^0 [0-9]* verity 1 /dev/mapper/vg0-span /dev/mapper/vg4-x .* use_fec_from_device /dev/mapper/vg4-y fec_start 0 fec_blocks $((9216 + 4096 - 1)) fec_roots 4" \
	"$tmp/out" || fail "table: FEC LV (fec_blocks: data, then the hash LV past its superblock)"
grep -q '^# vg4-y (vg4/y)$' "$tmp/out" || fail "table: FEC LV's linear table"
grep -q 'verity 1 /dev/dm-0 /dev/dm-1 .* use_fec_from_device /dev/dm-2 ' "$tmp/out" ||
	fail "table: dm-mod.create FEC minor"
# shellcheck disable=SC2086
expect_rc 0 "$VI" dump $pvs $fecopts vg4/x
grep -q '^Data blocks:[[:space:]]*9216$' "$tmp/out" || fail "dump of a hash LV"
grep -q '^FEC blocks:[[:space:]]*' "$tmp/out" || fail "dump: FEC fields of an LV"
# A missing FEC LV is named.
# shellcheck disable=SC2086
expect_rc "$E_NOT_FOUND" "$VI" verify $pvs --fec-device vg4/nope vg0/span vg4/x "$root2"
at=$(((5 << 20) + 100))
# shellcheck disable=SC2046
set -- $(lv_offset vg0/span "$at")
flip "$1" "$2"
flip "$1" $(($2 + 1))

# "./vg0/os-a" is a file; "vg0/os-a" the LV, even where such a file exists.
mkdir "$tmp/vg0"
cp "$tmp/os-a.img" "$tmp/vg0/os-a"
# shellcheck disable=SC2046
set -- $(lv_offset vg0/os-a $((7 << 20)))
flip "$1" "$2"
cd "$tmp" || exit 1
# shellcheck disable=SC2086
expect_rc "$E_CORRUPT" "$VI" verify $pvs --hash-offset=$((8 << 20)) vg0/os-a vg0/os-a "$root"
grep -q 'position 7340032' "$tmp/err" || fail "corruption not found in the second segment"
# shellcheck disable=SC2086
expect_rc 0 "$VI" verify $pvs --hash-offset=$((8 << 20)) ./vg0/os-a ./vg0/os-a "$root"
# shellcheck disable=SC2086
expect_rc "$E_NOT_FOUND" "$VI" verify $pvs vg0/nope vg4/x "$root2"
# shellcheck disable=SC2086
expect_rc "$E_USAGE" "$VI" verify $pvs vg0/pool vg4/x "$root2"
grep -q 'thin-pool' "$tmp/err" || fail "thin pool refusal does not name the type"
# Across the PV boundary: a flipped byte on the second PV's part of span.
# shellcheck disable=SC2046
set -- $(lv_offset vg0/span $((33 << 20)))
[ "$1" = "$a" ] || fail "span: lvm2 put its first 31 MiB on b.img, the rest on a.img"
flip "$1" "$2"
# shellcheck disable=SC2086
expect_rc "$E_CORRUPT" "$VI" verify $pvs vg0/span vg4/x "$root2"

# Metadata whose ring buffer has wrapped: a small metadata area, tags added
# until the committed text runs past the area's end.
lvm_do pvcreate -q --metadatasize 16k --dataalignment 64k "$D"
vg_create vgcreate -q -s 4M vgw "$D"
lvm_do lvcreate --driverloaded n -an -Zn -L 4M -n w vgw
i=0
wrapped=no
while [ $i -lt 200 ]; do
	i=$((i + 1))
	lvm_do lvchange --driverloaded n --addtag "tag-number-$i" vgw/w
	# mda_header at 4096: size at +32, slot 0 offset at +40 and size at +48.
	# shellcheck disable=SC2046
	set -- $(od -An -tu8 -j $((4096 + 32)) -N 24 "$d")
	if [ $(($2 + $3)) -gt "$1" ]; then
		wrapped=yes
		break
	fi
done
[ $wrapped = yes ] || fail "metadata ring did not wrap"
expect_rc 0 "$VI" lvm --json "$d"
grep -q "\"tag-number-$i\"\\]" "$tmp/out" || fail "wrapped metadata: last tag missing"

# Damaged copies of a PV, through the CLI: each refused with its own message.
cp "$c" "$tmp/bad.img"
flip "$tmp/bad.img" $((512 + 100)) # in the label sector, under its CRC
expect_rc "$E_CORRUPT" "$VI" lvm "$tmp/bad.img"
grep -q 'label checksum' "$tmp/err" || fail "label CRC message"
cp "$c" "$tmp/bad.img"
flip "$tmp/bad.img" $((4096 + 200)) # in the metadata area header
expect_rc "$E_CORRUPT" "$VI" lvm "$tmp/bad.img"
grep -q 'metadata area header checksum' "$tmp/err" || fail "mda CRC message"
head -c 8192 "$c" >"$tmp/bad.img"
expect_rc "$E_IO" "$VI" lvm "$tmp/bad.img"
grep -q 'truncated' "$tmp/err" || fail "truncated PV message"
expect_rc "$E_USAGE" "$VI" lvm "$tmp/os-a.img"
grep -q 'No LVM2 label' "$tmp/err" || fail "not a PV message"
mkfifo "$tmp/fifo"
expect_rc "$E_IO" timeout 20 "$VI" lvm "$tmp/fifo"
expect_rc "$E_IO" timeout 20 "$VI" verify --pv "$tmp/fifo" vg0/os-a vg0/os-a "$root"
echo "lvm: all passed (ring wrapped after $i commits)"
