#!/bin/sh
# Dissect of a discoverable disk image: builds a signed DDI of SIZE_MIB MiB
# of data (veritysetup tree, openssl signature, tests/disk/gptimg.py GPT) and
# runs bench_ddi on it: best time of REPS and the bytes it read.
#
#   sh bench/bench-ddi.sh [SIZE_MIB [REPS]]     (defaults: 256 20)
#
# BUILD_DIR (default build/) holds bench/bench_ddi. Not part of `make check`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD_DIR:-$top/build}/bench/bench_ddi
PATH="$PATH:/usr/sbin:/sbin"
size_mib=${1:-256}
reps=${2:-20}
[ -x "$B" ] || { echo "build bench/bench_ddi first ($B)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-ddi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
	-days 30 -subj /CN=bench 2>/dev/null
head -c $((size_mib << 20)) /dev/urandom >"$tmp/data"
root=$(veritysetup format "$tmp/data" "$tmp/hash" | sed -n 's/^Root hash:[[:space:]]*//p')
printf '%s' "$root" >"$tmp/root.txt"
openssl cms -sign -binary -noattr -outform DER -signer "$tmp/cert.pem" -inkey "$tmp/key.pem" \
	-in "$tmp/root.txt" -out "$tmp/sig.p7s"
printf '{"rootHash":"%s","signature":"%s"}' "$root" "$(base64 -w0 "$tmp/sig.p7s")" >"$tmp/sig.json"
u() { echo "$1" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/'; }
python3 "$top/tests/disk/gptimg.py" make "$tmp/ddi.img" \
	--part "type=root-x86-64,uuid=$(u "$(echo "$root" | cut -c1-32)"),file=$tmp/data" \
	--part "type=root-verity-x86-64,uuid=$(u "$(echo "$root" | cut -c33-64)"),file=$tmp/hash" \
	--part "type=root-verity-sig-x86-64,uuid=$(u 0123456789abcdef0123456789abcdef),file=$tmp/sig.json"
rm -f "$tmp/data" "$tmp/hash"
sync
echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
"$B" "$tmp/ddi.img" "$tmp/cert.pem" "$reps"
