#!/bin/sh
# clang-format over the tracked C sources: --check reports, --fix rewrites.
set -eu
mode=$1
cd "$2"
if [ ! -d .git ] && ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "format: not a git checkout, nothing to check"
	exit 0
fi
files=$(git ls-files '*.c' '*.h')
if [ "$mode" = --fix ]; then
	clang-format -i $files
else
	clang-format --dry-run -Werror $files
	echo "format-check: ok"
fi
