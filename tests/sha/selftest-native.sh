#!/bin/sh
# The standalone SHA-256 self-test on this machine, over every implementation
# the CPU supports. --quick keeps it cheap: test_sha256 is the thorough native
# test; the full run is for cross builds (cross-arm.sh) and by hand.
set -eu
exec "${top_builddir:-.}/tests/sha/sha_selftest" --quick
