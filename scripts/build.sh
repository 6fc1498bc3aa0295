#!/bin/sh
# Configure (once) and build in $BUILD_DIR (default: build/).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] || autoreconf -fi
BUILD_DIR=${BUILD_DIR:-$top/build}
mkdir -p "$BUILD_DIR"
cd "$BUILD_DIR"
[ -f Makefile ] || "$top/configure" --enable-werror "$@"
make -j"$(nproc)"
