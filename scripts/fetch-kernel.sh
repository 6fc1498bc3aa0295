#!/bin/sh
# Unpacks (does not install) Debian's current amd64 kernel package into a
# cache folder, with busybox-static, for the tests that let the real
# kernel's dm-verity judge table lines (tests/kernel/). Safe to run again.
# LIBVERITY_KERNEL_DIR overrides the folder.
set -eu
dir=${LIBVERITY_KERNEL_DIR:-/var/cache/libverity/kernel}
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: *\(linux-image-[0-9].*\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || { echo "fetch-kernel: no linux-image-amd64 in the package lists" >&2; exit 1; }
if [ -e "$dir/$pkg.done" ]; then
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
(cd "$work" && apt-get download "$pkg" busybox-static >/dev/null 2>&1) ||
	(cd "$work" && chown _apt "$work" 2>/dev/null; cd "$work" && apt-get download "$pkg" busybox-static >/dev/null)
for deb in "$work"/*.deb; do
	dpkg -x "$deb" "$work/unpacked"
done
# Keep the kernel, busybox and the modules the tests load (about 10 MB of 400).
rm -rf "$dir" && mkdir -p "$dir/modules"
cp "$work"/unpacked/boot/vmlinuz-* "$dir/vmlinuz"
cp "$work/unpacked/bin/busybox" "$dir/busybox"
for mod in drivers/md/dm-mod drivers/md/dm-bufio drivers/md/dm-verity \
	lib/reed_solomon/reed_solomon crypto/sha512_generic drivers/block/virtio_blk drivers/virtio/virtio \
	drivers/virtio/virtio_ring drivers/virtio/virtio_pci drivers/virtio/virtio_pci_modern_dev \
	drivers/virtio/virtio_pci_legacy_dev; do
	cp "$work"/unpacked/lib/modules/*/kernel/$mod.ko "$dir/modules/"
done
touch "$dir/$pkg.done"
echo "fetch-kernel: $pkg unpacked in $dir"
