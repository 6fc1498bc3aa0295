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
for name in pkcs7 keyring x509 fmt fit fdt_check; do
	obj=
	for cand in "$top_builddir/sig/$name.o" "$top_builddir/sig/.libs/$name.o"; do
		[ -f "$cand" ] && obj=$cand && break
	done
	if [ -z "$obj" ]; then
		echo "SKIP: no object for sig/$name.c (not built here)"
		exit 77
	fi
	extra=$(nm -u "$obj" | awk '{print $NF}' | grep -Ev "$allowed" | tr '\n' ' ' || true)
	if [ -n "$extra" ]; then
		failed=$((failed + 1))
		echo "FAIL  sig/$name.o needs: $extra"
	else
		pass=$((pass + 1))
		echo "ok    sig/$name.o: core symbols only"
	fi
done
if nm -u "$top_builddir/sig/fit.o" 2>/dev/null | grep -q mbedtls_ ||
	nm -u "$top_builddir/sig/.libs/fit.o" 2>/dev/null | grep -q mbedtls_; then
	failed=$((failed + 1))
	echo "FAIL  sig/fit.o uses mbedTLS"
else
	pass=$((pass + 1))
	echo "ok    sig/fit.o needs no mbedTLS"
fi
sig_test_finish
