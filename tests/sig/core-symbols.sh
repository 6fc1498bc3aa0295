#!/bin/sh
# The signature code a bootloader links (PKCS#7, in-memory and device-tree
# keyrings, FIT parameters) needs from outside only what the freestanding
# core may need: memory/string functions, mbedTLS, libfdt, the library's own
# verity_* functions and compiler support; never malloc, stdio or files.
# sig/fit.c, a parameter parser, needs no mbedTLS at all.
set -eu

. "$(dirname "$0")/common.sh"
sig_test_start nm

allowed='^(memcpy|memmove|memset|memcmp|memchr|strlen|strnlen|strcmp|strncmp|strchr)$|^(mbedtls_|psa_|fdt_|verity_|__)'

# verdict DESCRIPTION UNWANTED-SYMBOLS: pass when the list is empty.
verdict() {
	if [ -n "$2" ]; then
		failed=$((failed + 1))
		echo "FAIL  $1: $2"
	else
		pass=$((pass + 1))
		echo "ok    $1"
	fi
}

for name in pkcs7 keyring x509 fmt fit fdt_check; do
	obj=
	for cand in "$top_builddir/sig/$name.o" "$top_builddir/sig/.libs/$name.o"; do
		[ -f "$cand" ] && obj=$cand && break
	done
	if [ -z "$obj" ]; then
		echo "SKIP: no object for sig/$name.c (not built here)"
		exit 77
	fi
	undefined=$(nm -u "$obj" | awk '{print $NF}')
	verdict "sig/$name.o needs only core symbols" \
		"$(printf '%s\n' "$undefined" | grep -Ev "$allowed|^$" | tr '\n' ' ' || true)"
	[ "$name" = fit ] &&
		verdict "sig/fit.o needs no mbedTLS" \
			"$(printf '%s\n' "$undefined" | grep '^mbedtls_' | tr '\n' ' ' || true)"
done

# One prefix for a bootloader linking the archive: every global it defines is verity_*
# (__ names: compiler or sanitizer instrumentation).
archive=$top_builddir/.libs/libverity_core.a
if [ -f "$archive" ]; then
	verdict "libverity_core.a defines only verity_* globals" \
		"$(nm -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' |
			grep -Ev '^(verity_|VERITY_|__)' | tr '\n' ' ' || true)"
fi
sig_test_finish
