#!/bin/sh
# Every SHA-256 implementation this CPU can run against `openssl dgst` and
# coreutils `sha256sum` on random files of awkward sizes (empty, around the
# padding boundary, a salted dm-verity block, SHAVS LongMsg size, over a
# MiB), plain and with a 32-byte salt before or after. Runs natively even
# when make check runs compiled tests under valgrind, so SHA-NI and AVX-512
# are checked there too.
set -eu
tool="${top_builddir:-.}/tests/sha/sha256_digest"

have_openssl=no
have_sha256sum=no
command -v openssl >/dev/null 2>&1 && have_openssl=yes
command -v sha256sum >/dev/null 2>&1 && have_sha256sum=yes
if [ "$have_openssl$have_sha256sum" = nono ]; then
	echo "SKIP: neither openssl nor sha256sum is installed"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

reference() {
	if [ "$have_openssl" = yes ]; then
		openssl dgst -sha256 -r "$1" | cut -d' ' -f1
	else
		sha256sum "$1" | cut -d' ' -f1
	fi
}

head -c 32 /dev/urandom >"$tmp/salt"
salt_hex=$(od -An -v -tx1 "$tmp/salt" | tr -d ' \n')
failures=0
checked=0
for size in 0 1 55 56 63 64 65 119 4096 4128 6400 65543 1048579; do
	head -c "$size" /dev/urandom >"$tmp/msg"
	cat "$tmp/salt" "$tmp/msg" >"$tmp/salted-prefix"
	cat "$tmp/msg" "$tmp/salt" >"$tmp/salted-suffix"
	want="$(reference "$tmp/msg") $(reference "$tmp/salted-prefix")"
	want="$want $(reference "$tmp/salted-suffix")"
	if [ "$have_openssl$have_sha256sum" = yesyes ] &&
		[ "$(sha256sum "$tmp/msg" | cut -d' ' -f1)" != "${want%% *}" ]; then
		echo "FAIL: openssl and sha256sum disagree on $size bytes"
		failures=$((failures + 1))
	fi
	"$tool" "$tmp/msg" "$salt_hex" >"$tmp/got"
	while read -r impl got; do
		checked=$((checked + 1))
		if [ "$got" != "$want" ]; then
			echo "FAIL: $impl on $size bytes (plain, salt prefix, salt suffix):"
			echo "  got  $got"
			echo "  want $want"
			failures=$((failures + 1))
		fi
	done <"$tmp/got"
done
echo "implementations: $(cut -d' ' -f1 "$tmp/got" | tr '\n' ' ')"
[ "$checked" -gt 0 ] || { echo "FAIL: no implementation listed"; exit 1; }
[ "$failures" -eq 0 ] || exit 1
echo "all agree with the reference tools ($checked implementation x size checks)"
