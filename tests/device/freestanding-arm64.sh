#!/bin/sh
# The freestanding core (sha/, verity/ without the fd adapter, superblock/)
# cross-compiled for aarch64 with -ffreestanding -DVERITY_FREESTANDING:
# its objects may reference no C library symbol beyond the string functions
# (no malloc, no stdio, no threads); linked into a small test program that
# uses a memory bdev and a static-arena allocator, it reads a veritysetup
# image under qemu-aarch64. SKIP (77) without the cross tools or veritysetup.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
cross=${VERITY_CROSS_PREFIX:-aarch64-linux-gnu-}
sysroot=${VERITY_CROSS_SYSROOT:-/usr/aarch64-linux-gnu}
for tool in "${cross}gcc" "${cross}nm" qemu-aarch64; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool not found"
		exit 77
	}
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top_srcdir/tests/device/images.sh"
have_veritysetup || {
	echo "SKIP: veritysetup not found"
	exit 77
}

s=$top_srcdir
core="$s/sha/sha256.c $s/sha/sha256_generic.c $s/sha/dispatch.c $s/sha/cpu.c"
# disk/: the parsers (disk/ddi.c needs sig/, which needs mbedTLS).
for f in "$s"/verity/*.c "$s"/superblock/*.c "$s"/disk/crc32.c "$s"/disk/gpt.c "$s"/disk/dps.c \
	"$s"/disk/json_sig.c "$s"/disk/lvm*.c; do
	[ -f "$f" ] || continue
	case $f in
	*_fd.c | *thread* | */open_path.c) continue ;; # hosted-only: file adapters, paths, threads
	esac
	core="$core $f"
done

objs=
for src in $core; do
	obj=$tmp/$(echo "$src" | sed "s|^$s/||; s|/|_|g; s|\.c$|.o|")
	"${cross}gcc" -std=c11 -O2 -ffreestanding -DVERITY_FREESTANDING \
		-Wall -Wextra -Wundef -Wvla -Wshadow -Werror \
		-I"$s/include" -I"$s" -c "$src" -o "$obj"
	objs="$objs $obj"
done

# Symbols the core needs from outside itself: the string functions a
# bootloader provides, and compiler runtime helpers. Nothing else.
# shellcheck disable=SC2086
"${cross}nm" $objs | awk '$1 != "U" && NF == 3 { print $3 }' | sort -u >"$tmp/defined"
# shellcheck disable=SC2086
"${cross}nm" -u $objs | awk 'NF >= 2 { print $2 }' | sort -u >"$tmp/undefined"
comm -23 "$tmp/undefined" "$tmp/defined" >"$tmp/external"
bad=$(grep -v -x -E 'mem(cpy|set|cmp|move|chr)|str(len|cmp|ncmp)|__aarch64_[a-z0-9_]+|__stack_chk_(fail|guard)' "$tmp/external" || true)
if [ -n "$bad" ]; then
	echo "FAIL: the freestanding core references:"
	echo "$bad"
	exit 1
fi
echo "freestanding core: $(echo $objs | wc -w) objects, external symbols: $(tr '\n' ' ' <"$tmp/external")"

# shellcheck disable=SC2086
"${cross}gcc" -std=c11 -O2 -Wall -Wextra -Werror -I"$s/include" \
	"$s/tests/device/freestanding_main.c" $objs -o "$tmp/freestanding_main"

mkimage fs-4k 300 4096 4096 1 sha256 e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
qemu-aarch64 -cpu max -L "$sysroot" "$tmp/freestanding_main" "$data" "$hash" "$table"
mkimage fs-512 1500 512 512 1 sha256 -
qemu-aarch64 -cpu max -L "$sysroot" "$tmp/freestanding_main" "$data" "$hash" "$table"
