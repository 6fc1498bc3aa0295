#!/bin/sh
# Installs everything the build, the demo and the tests need on Debian 12.
# Run as root on a fresh machine; safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	ca-certificates git make gcc libc6-dev autoconf automake libtool \
	autoconf-archive pkg-config libmbedtls-dev libfdt-dev \
	device-tree-compiler libcriterion-dev cryptsetup-bin openssl \
	libssl-dev valgrind clang-format \
	lvm2 \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user \
	afl++ clang libclang-rt-14-dev time gnuplot-nox debootstrap \
	qemu-system-x86 dmsetup \
	systemd e2fsprogs mount python3 \
	libsquashfs-dev libext2fs-dev squashfs-tools \
	nbdkit nbdkit-plugin-dev libnbd-bin qemu-utils
# Debian's kernel, unpacked, for the tests where the kernel judges table lines.
sh "$(dirname "$0")/fetch-kernel.sh"
