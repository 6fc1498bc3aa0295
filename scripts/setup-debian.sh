#!/bin/sh
# Installs everything the build, the demo and the tests need on Debian 12.
# Run as root on a fresh machine; safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
# arm64 mbedTLS (multiarch) and libfdt's arm64 shared library for linking the
# freestanding aarch64 core into the bootloader example's test program.
# (libfdt-dev is not co-installable across architectures: it would replace
# the amd64 headers.)
dpkg --add-architecture arm64
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
	qemu-system-x86 dmsetup libfec-dev libisal-dev \
	systemd e2fsprogs mount python3 \
	libsquashfs-dev libext2fs-dev squashfs-tools \
	nbdkit nbdkit-plugin-dev libnbd-bin qemu-utils \
	libmbedtls-dev:arm64 libfdt1:arm64
# Debian's kernel, unpacked, for the tests where the kernel judges table lines.
sh "$(dirname "$0")/fetch-kernel.sh"
