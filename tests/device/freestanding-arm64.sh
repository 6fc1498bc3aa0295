#!/bin/sh
# The freestanding core as a bootloader gets it: `configure --enable-freestanding`
# for aarch64 (and 32-bit ARM) builds libverity.a alone; its objects need
# from outside only the string functions, mbedTLS, libfdt and compiler
# support. examples/boot.c, compiled -ffreestanding against the installed
# header, is linked with it into a small static program (hosted harness)
# and run under qemu-aarch64: a veritysetup image whose root hash is signed
# with openssl, certificates in a dtc-built device tree, SHA-256 through
# the declared ARMv8 crypto extensions; a tampered image and an untrusted
# certificate are refused. SKIP (77) without the tools or arm64 libraries.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
s=$top_srcdir
arm64_libs=/usr/lib/aarch64-linux-gnu
for tool in aarch64-linux-gnu-gcc aarch64-linux-gnu-nm qemu-aarch64 veritysetup openssl dtc; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool not found"
		exit 77
	}
done
for lib in libmbedx509.a libmbedcrypto.a libfdt.so.1; do
	[ -f "$arm64_libs/$lib" ] || {
		echo "SKIP: $arm64_libs/$lib not found (libmbedtls-dev:arm64, libfdt1:arm64)"
		exit 77
	}
done
sysroot=/usr/aarch64-linux-gnu
# make check exports the host's CC; configure must find the cross compiler.
unset CC CFLAGS CPPFLAGS LDFLAGS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The bootloader's mbedTLS and libfdt headers: the host's, which do not
# depend on the architecture (and nothing else from the host's include dir).
mkdir "$tmp/inc"
ln -s /usr/include/mbedtls "$tmp/inc/mbedtls"
for h in libfdt.h fdt.h libfdt_env.h; do ln -s "/usr/include/$h" "$tmp/inc/$h"; done

# Objects allowed to need more than the list below (none: sig/ allocates
# through the hooks and its file loaders are hosted-only).
pending=""
allowed='^(mem(cpy|move|set|cmp|chr)|str(len|nlen|cmp|ncmp|chr)|(mbedtls|psa|fdt)_.*|__aarch64_.*|__stack_chk_.*|__aeabi_.*|_GLOBAL_OFFSET_TABLE_|__(u|)div.*|__gnu_.*)$'

# freestanding HOST: configure, build and install libverity.a; check its symbols.
freestanding() {
	host=$1 dir=$tmp/$1
	mkdir -p "$dir"
	(cd "$dir" && "$s/configure" --host="$host" --enable-freestanding --enable-werror \
		--prefix=/usr --with-mbedtls-include="$tmp/inc" --with-fdt-include="$tmp/inc" \
		CFLAGS=-Os >configure.log 2>&1 && make -j2 >make.log 2>&1 &&
		make install DESTDIR="$dir/inst" >install.log 2>&1) || {
		echo "FAIL: freestanding build for $host"
		tail -n 20 "$dir"/*.log
		exit 1
	}
	lib=$dir/inst/usr/lib/libverity.a
	[ -f "$lib" ] && [ ! -e "$dir/inst/usr/bin" ] || {
		echo "FAIL: $host: expected libverity.a and no programs"
		exit 1
	}
	mkdir "$dir/objs"
	(cd "$dir/objs" && "${host}-ar" x "$lib")
	# What the archive defines itself does not count as outside.
	"${host}-nm" --defined-only "$dir"/objs/*.o | awk 'NF == 3 { print $3 }' | sort -u >"$dir/defined"
	for o in "$dir"/objs/*.o; do
		bad=$("${host}-nm" -u "$o" | awk 'NF >= 2 { print $2 }' | sort -u |
			comm -23 - "$dir/defined" | grep -v -E "$allowed" | tr '\n' ' ')
		case " $pending " in *" ${o##*/} "*) continue ;; esac
		if [ -n "$bad" ]; then
			echo "FAIL: $host: ${o##*/} needs $bad"
			exit 1
		fi
	done
	echo "$host: $(ls "$dir/objs" | wc -l) objects; text bytes: $("${host}-size" -t "$lib" | tail -n 1 | awk '{ print $1 }')"
}

freestanding aarch64-linux-gnu
if command -v arm-linux-gnueabihf-gcc >/dev/null 2>&1; then
	freestanding arm-linux-gnueabihf
fi
a64=$tmp/aarch64-linux-gnu/inst/usr

# The example: freestanding, against the installed header, needing only the library.
aarch64-linux-gnu-gcc -std=c11 -Os -ffreestanding -Wall -Wextra -Wmissing-prototypes \
	-Wstrict-prototypes -Werror -I"$a64/include" -c "$s/examples/boot.c" -o "$tmp/boot.o"
bad=$(aarch64-linux-gnu-nm -u "$tmp/boot.o" | awk '{ print $2 }' | grep -v -x -E 'verity_[a-z0-9_]+|mem(cpy|set)' || true)
if [ -n "$bad" ]; then
	echo "FAIL: examples/boot.c references: $bad"
	exit 1
fi
# libfdt-dev has no arm64 package beside the host's: its shared library, by name.
aarch64-linux-gnu-gcc -std=c11 -O2 -I"$a64/include" "$s/tests/device/boot_main.c" \
	"$tmp/boot.o" "$a64/lib/libverity.a" "$arm64_libs/libmbedx509.a" \
	"$arm64_libs/libmbedcrypto.a" "$arm64_libs/libfdt.so.1" \
	-Wl,-rpath-link,"$arm64_libs" -Wl,-rpath,"$arm64_libs" -o "$tmp/boot"

# One partition: 300 data blocks, then the superblock and the tree.
img=$tmp/part.img
head -c 1228800 /dev/urandom >"$img"
root=$(veritysetup format --data-blocks=300 --hash-offset=1228800 "$img" "$img" |
	awk '/^Root hash:/ { print $3 }')
printf '%s' "$root" >"$tmp/root.txt"
for k in good other; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/$k.key" -out "$tmp/$k.pem" \
		-subj "/CN=boot-$k" -days 3650 2>/dev/null
	openssl x509 -in "$tmp/$k.pem" -outform DER -out "$tmp/$k.der"
	cat >"$tmp/$k.dts" <<DTS
/dts-v1/;
/ { verity-keys { compatible = "libverity,dm-verity-keys";
	$k { key-name-hint = "$k"; x509-certificate = /incbin/("$k.der"); }; }; };
DTS
	dtc -q -I dts -O dtb -i "$tmp" -o "$tmp/$k.dtb" "$tmp/$k.dts"
done
openssl cms -sign -binary -nocerts -noattr -in "$tmp/root.txt" -signer "$tmp/good.pem" \
	-inkey "$tmp/good.key" -outform DER -out "$tmp/root.p7s"

run() { qemu-aarch64 -cpu max -L "$sysroot" "$tmp/boot" "$img" 1228800 "$root" "$tmp/root.p7s" "$@"; }

run "$tmp/good.dtb" 5000 700000 >"$tmp/out" 2>"$tmp/err" || {
	echo "FAIL: verified read refused:"
	cat "$tmp/err"
	exit 1
}
dd if="$img" bs=1 skip=5000 count=700000 2>/dev/null | cmp - "$tmp/out" || {
	echo "FAIL: verified bytes differ from the image"
	exit 1
}
grep -q '^sha256: armv8ce' "$tmp/err" || {
	echo "FAIL: the declared ARMv8 crypto extensions were not used:"
	cat "$tmp/err"
	exit 1
}
echo "verified read: $(wc -c <"$tmp/out") bytes, $(cat "$tmp/err")"

if run "$tmp/other.dtb" 0 4096 >/dev/null 2>"$tmp/err"; then
	echo "FAIL: untrusted certificate accepted"
	exit 1
fi
grep -q "error -425" "$tmp/err" || {
	echo "FAIL: untrusted certificate: $(cat "$tmp/err")"
	exit 1
}
# One byte of data block 73 changed (to a value it does not have).
byte=$(dd if="$img" bs=1 skip=300000 count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
# shellcheck disable=SC2059 # an octal escape built on purpose
printf "\\$(printf %03o $(((byte + 1) % 256)))" | dd of="$img" bs=1 seek=300000 conv=notrunc 2>/dev/null
if run "$tmp/good.dtb" 296000 8192 >/dev/null 2>"$tmp/err"; then
	echo "FAIL: tampered image read"
	exit 1
fi
grep -q "error -113" "$tmp/err" || {
	echo "FAIL: tampered image: $(cat "$tmp/err")"
	exit 1
}
echo "untrusted certificate and tampered block refused"
