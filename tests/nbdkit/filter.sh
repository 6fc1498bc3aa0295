#!/bin/sh
# nbdkit-verity-filter over the file plugin, on a Unix socket (nbdkit --run):
# nbdcopy and qemu-img compare see exactly the data; nbdinfo shows a
# read-only export with the data block size as preferred block size; writes
# are refused; unaligned ranges (through nbdkit's offset filter) are right;
# with one corrupt data block exactly the requests touching it fail with EIO
# (qemu-io) and the block is logged; signatures are checked at start-up.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
vi=$top_builddir/verify-image
filter=$top_builddir/.libs/nbdkit-verity-filter.so

for tool in nbdkit nbdcopy nbdinfo qemu-img qemu-io; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool not found"
		exit 77
	}
done
[ -f "$filter" ] || {
	echo "SKIP: the filter is not built"
	exit 77
}
# nbdkit itself is not built with the sanitizers, so it cannot load a module that is.
if ldd "$filter" | grep -q 'libasan\|libubsan'; then
	echo "SKIP: sanitizer build"
	exit 77
fi

tmp=$(mktemp -d)
. "$top_srcdir/tests/common.sh"
# nbdkit's messages say more than the failed command.
trap '[ $? = 0 ] || { [ -f "$tmp/log" ] && cat "$tmp/log" >&2; }; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
# serve DATA CMD [filter args...]: run CMD against the export ($uri), nbdkit's log in $tmp/log
serve() {
	data=$1
	cmd=$2
	shift 2
	nbdkit -U - --filter="$filter" file "$data" verity-hash="$tmp/hash.img" "$@" \
		--run "$cmd" 2>"$tmp/log"
}

# io_results NAME OK FAILED: qemu-io's output in $tmp/io has OK reads done, FAILED with EIO.
io_results() {
	n_ok=$(grep -c '^read [0-9]*/[0-9]* bytes' "$tmp/io" || true)
	n_failed=$(grep -c 'read failed: Input/output error' "$tmp/io" || true)
	[ "$n_ok" = "$2" ] && [ "$n_failed" = "$3" ] || {
		cat "$tmp/io" >&2
		fail "$1: $n_ok reads succeeded (want $2), $n_failed failed (want $3)"
	}
}

size=$((8 * 1048576 + 3 * 4096))
head -c "$size" /dev/urandom >"$tmp/data.img"
root=$("$vi" format "$tmp/data.img" "$tmp/hash.img" --no-progress | awk '/^Root hash:/ {print $3}')
[ -n "$root" ] || fail "format"

# --- whole-image copies equal the data ---
# Four connections, sixteen requests in flight each: parallel readers of each device.
serve "$tmp/data.img" 'nbdcopy --connections=4 --requests=16 "$uri" '"$tmp/copy.img" \
	verity-root="$root" || fail "nbdcopy"
cmp "$tmp/copy.img" "$tmp/data.img" || fail "nbdcopy copy differs"
serve "$tmp/data.img" 'qemu-img compare -q -f raw -F raw '"$tmp/data.img"' "$uri"' \
	verity-root="$root" || fail "qemu-img compare"

# --- what the export says about itself ---
serve "$tmp/data.img" 'nbdinfo --json "$uri"' verity-root="$root" >"$tmp/info" || fail nbdinfo
for want in '"is_read_only": true' '"block_size_preferred": 4096' '"block_size_minimum": 1' \
	"\"export-size\": $size" '"can_multi_conn": true' '"can_trim": false' '"can_zero": false'; do
	grep -q "$want" "$tmp/info" || fail "nbdinfo: no $want"
done

# --- writes are refused ---
cp "$tmp/data.img" "$tmp/keep.img"
head -c 4096 /dev/zero >"$tmp/zero"
if serve "$tmp/data.img" 'nbdcopy '"$tmp/zero"' "$uri"' verity-root="$root" 2>/dev/null; then
	fail "a write went through"
fi
cmp "$tmp/data.img" "$tmp/keep.img" || fail "the data changed"

# --- unaligned ranges ---
for range in "4095 9000" "1 1" "$((size - 5)) 5" "12345 1048576"; do
	set -- $range
	nbdkit -U - --filter=offset --filter="$filter" file "$tmp/data.img" \
		verity-hash="$tmp/hash.img" verity-root="$root" offset="$1" range="$2" \
		--run 'nbdcopy "$uri" '"$tmp/range" 2>"$tmp/log" || fail "range $range"
	tail -c +$(($1 + 1)) "$tmp/data.img" | head -c "$2" | cmp - "$tmp/range" ||
		fail "range $range differs"
done

# --- one corrupt data block: exactly the requests touching it fail ---
bad=100
cp "$tmp/data.img" "$tmp/bad.img"
flip_byte "$tmp/bad.img" $((bad * 4096 + 7))
start=$((bad * 4096))
end=$((start + 4096))
set +e
serve "$tmp/bad.img" "qemu-io -r -f raw \"\$uri\" \
	-c 'read 0 $start' -c 'read $end 4096' -c 'read $((end + 1)) 3' \
	-c 'read $((start - 1)) 2' -c 'read $((start + 4095)) 1' -c 'read $((start - 100)) 10000' \
	-c 'read 0 1048576'" verity-root="$root" >"$tmp/io"
set -e
io_results "corrupt block" 3 4
grep -q "data corruption in block $bad" "$tmp/log" || fail "block $bad not logged"
if serve "$tmp/bad.img" 'nbdcopy "$uri" '"$tmp/copy.img" verity-root="$root" 2>/dev/null; then
	fail "nbdcopy of a corrupt image succeeded"
fi

# --- wrong root hash: nothing reads ---
other=$(printf '%s' "$root" | tr '0123456789abcdef' '123456789abcdef0')
if serve "$tmp/data.img" 'nbdcopy "$uri" '"$tmp/copy.img" verity-root="$other" 2>/dev/null; then
	fail "wrong root hash served data"
fi

# --- signatures, checked before serving ---
if command -v openssl >/dev/null 2>&1; then
	sign_root "$root"
	serve "$tmp/data.img" 'nbdcopy "$uri" '"$tmp/copy.img" verity-root="$root" \
		verity-signature="$tmp/root.p7s" verity-trusted-cert="$tmp/signer.pem" || fail "signed"
	cmp "$tmp/copy.img" "$tmp/data.img" || fail "signed copy differs"
	mkdir "$tmp/certs"
	cp "$tmp/signer.pem" "$tmp/certs/signer.crt"
	serve "$tmp/data.img" 'nbdinfo --size "$uri"' verity-root="$root" \
		verity-signature="$tmp/root.p7s" verity-trusted-certs="$tmp/certs" >/dev/null ||
		fail "signed, trusted-certs"
	if command -v dtc >/dev/null 2>&1; then
		openssl x509 -in "$tmp/signer.pem" -outform DER -out "$tmp/signer.der"
		printf '/dts-v1/;\n/ { keys { compatible = "libverity,dm-verity-keys";\n%s\n' \
			'signer { x509-certificate = /incbin/("signer.der"); }; }; };' >"$tmp/keys.dts"
		dtc -q -I dts -O dtb -i "$tmp" -o "$tmp/keys.dtb" "$tmp/keys.dts"
		serve "$tmp/data.img" 'nbdinfo --size "$uri"' verity-root="$root" \
			verity-signature="$tmp/root.p7s" verity-trusted-dtb="$tmp/keys.dtb" >/dev/null ||
			fail "signed, trusted-dtb"
	fi
	if serve "$tmp/data.img" 'true' verity-root="$other" verity-signature="$tmp/root.p7s" \
		verity-trusted-cert="$tmp/signer.pem"; then
		fail "signature of another root hash accepted"
	fi
	if serve "$tmp/data.img" 'true' verity-root="$root" verity-trusted-cert="$tmp/signer.pem"; then
		fail "a trusted certificate without a signature accepted"
	fi
fi

# --- a discoverable disk image behind the plugin: verity-partition ---
# refuses NAME ARGS...: nbdkit in the foreground exits at start-up with an error.
# (After a fork, as with --run, the served command would only see a dead server.)
refuses() {
	name=$1
	shift
	rm -f "$tmp/sock"
	set +e
	timeout 30 nbdkit -f -U "$tmp/sock" --filter="$filter" file "$tmp/disk.img" \
		verity-architecture=x86-64 "$@" 2>"$tmp/log"
	rc=$?
	set -e
	[ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q 'error' "$tmp/log" || fail "$name: started"
}
if command -v veritysetup >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 &&
	command -v python3 >/dev/null 2>&1; then
	. "$top_srcdir/tests/disk/common.sh"
	T=$tmp
	for k in "" 2; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$T/key$k.pem" -out "$T/cert$k.pem" -days 30 -subj "/CN=ddi$k" 2>/dev/null
	done
	verity_parts p 2 || fail "veritysetup format"
	sign_json "$root" "$T/key.pem" "$T/cert.pem" >"$T/p.json" || fail "sign"
	$GPTIMG make "$T/disk.img" --part "type=root-x86-64,uuid=$data_uuid,label=os,file=$T/p.data" \
		--part "type=root-verity-x86-64,uuid=$hash_uuid,label=os,file=$T/p.hash" \
		--part "type=root-verity-sig-x86-64,uuid=$(uuid_of 0123456789abcdef0123456789abcdef),label=os,file=$T/p.json"
	ddi() {
		cmd=$1
		shift
		nbdkit -U - --filter="$filter" file "$T/disk.img" verity-partition=root \
			verity-architecture=x86-64 "$@" --run "$cmd" 2>"$tmp/log"
	}
	ddi 'nbdcopy "$uri" '"$tmp/copy.img" verity-trusted-cert="$T/cert.pem" || fail "DDI nbdcopy"
	cmp "$tmp/copy.img" "$T/p.data" || fail "DDI copy differs from the data partition"
	ddi 'nbdcopy "$uri" '"$tmp/copy.img" verity-root="$root" || fail "DDI with verity-root"
	cmp "$tmp/copy.img" "$T/p.data" || fail "DDI copy (verity-root) differs"
	refuses "untrusted certificate" verity-partition=root verity-trusted-cert="$T/cert2.pem"
	grep -q 'certificateFingerprint' "$tmp/log" || fail "untrusted: no reason logged"
	refuses "no trust" verity-partition=root
	refuses "no usr pair" verity-partition=usr verity-trusted-cert="$T/cert.pem"
	refuses "a hash file too" verity-partition=root verity-hash="$tmp/hash.img" \
		verity-trusted-cert="$T/cert.pem"
	# One corrupt byte in data block 50 of the partition: exactly the touching requests fail.
	off=$($GPTIMG offset "$T/disk.img" 1 | cut -d' ' -f1)
	flip_byte "$T/disk.img" $((off + 50 * 4096 + 9))
	start=$((50 * 4096))
	end=$((start + 4096))
	set +e
	ddi "qemu-io -r -f raw \"\$uri\" -c 'read 0 $start' -c 'read $end 8192' \
		-c 'read $((start + 9)) 1' -c 'read $((start - 1)) 2'" \
		verity-trusted-cert="$T/cert.pem" >"$tmp/io"
	set -e
	io_results "DDI corrupt block" 2 2
	grep -q "data corruption in block 50" "$tmp/log" || fail "DDI block 50 not logged"
else
	echo "verity-partition not tested: needs veritysetup, openssl and python3"
fi

# --- forward error correction: veritysetup's parity repairs a few corrupt bytes ---
if command -v veritysetup >/dev/null 2>&1; then
	head -c $((2 * 1048576)) /dev/urandom >"$tmp/f.data"
	froot=$(veritysetup format "$tmp/f.data" "$tmp/f.hash" --fec-device "$tmp/f.fec" \
		--fec-roots 4 | sed -n 's/^Root hash:[[:space:]]*//p')
	[ -n "$froot" ] || fail "veritysetup format --fec-device"
	cp "$tmp/f.data" "$tmp/f.bad"
	for at in $((100 * 4096 + 3)) $((100 * 4096 + 2000)) $((300 * 4096 + 77)); do
		flip_byte "$tmp/f.bad" "$at"
		flip_byte "$tmp/f.bad" $((at + 1))
	done
	fec() {
		cmd=$1
		shift
		nbdkit -U - --filter="$filter" file "$tmp/f.bad" verity-hash="$tmp/f.hash" \
			verity-root="$froot" "$@" --run "$cmd" 2>"$tmp/log"
	}
	fec 'nbdcopy "$uri" '"$tmp/copy.img" verity-fec="$tmp/f.fec" verity-fec-roots=4 ||
		fail "FEC nbdcopy"
	cmp "$tmp/copy.img" "$tmp/f.data" || fail "FEC copy differs from the original data"
	reads="-c 'read 0 409600' -c 'read 409600 4096' -c 'read 1228800 4096'"
	set +e
	fec "qemu-io -r -f raw \"\$uri\" $reads" >"$tmp/io"
	set -e
	io_results "corrupt, no FEC" 1 2
	set +e
	fec "qemu-io -r -f raw \"\$uri\" $reads" verity-fec="$tmp/f.fec" verity-fec-roots=4 >"$tmp/io"
	set -e
	io_results "corrupt, FEC" 3 0
	# The parity of 4 roots read as 2: nothing is corrected wrongly, the reads fail.
	set +e
	fec "qemu-io -r -f raw \"\$uri\" $reads" verity-fec="$tmp/f.fec" >"$tmp/io"
	set -e
	io_results "FEC with the wrong roots" 1 2
	# The parity inside the hash file, after the tree (default roots).
	truncate -s 1M "$tmp/f.hfec"
	froot=$(veritysetup format "$tmp/f.data" "$tmp/f.hfec" --fec-device "$tmp/f.hfec" \
		--fec-offset 65536 | sed -n 's/^Root hash:[[:space:]]*//p')
	nbdkit -U - --filter="$filter" file "$tmp/f.bad" verity-hash="$tmp/f.hfec" \
		verity-root="$froot" verity-fec="$tmp/f.hfec" verity-fec-offset=65536 \
		--run 'nbdcopy "$uri" '"$tmp/copy.img" 2>"$tmp/log" || fail "FEC in the hash file"
	cmp "$tmp/copy.img" "$tmp/f.data" || fail "FEC in the hash file: copy differs"
else
	echo "verity-fec not tested: needs veritysetup"
fi
echo "all passed"
