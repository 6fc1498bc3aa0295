#!/bin/sh
# FEC parity against the real veritysetup: for every roots value 2..24, a
# random small geometry in each layout (FEC in a separate file; in the
# hash file at --fec-offset; data, hash and FEC in one file) must give
# byte-identical files, the same dump lines and the table arguments
# veritysetup derives; and each tool verifies the other's image.
. "$(dirname "$0")/lib.sh"
need_veritysetup
command -v openssl >/dev/null 2>&1 || {
	echo "openssl not found: skipped"
	exit 77
}

SALT=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
UUID=a60c98d2-ae9b-4865-bfcb-b4e3ace11033
seed=${FEC_TEST_SEED:-20261203}

# rand N: a number in 0 .. N-1 from a fixed-seed sequence (reproducible runs).
rand() {
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	echo $((seed / 65536 % $1))
}

# same_dump: the FEC and tree lines of both tools' format output agree.
same_dump() {
	grep -v '^VERITY header' "$1" >"$1.cmp"
	grep -v '^VERITY header' "$2" >"$2.cmp"
	cmp -s "$1.cmp" "$2.cmp" || {
		diff "$1.cmp" "$2.cmp" >&2 || true
		fail "format output differs: $3"
	}
}

# fec_words TABLE: the FEC part of a table line, device name dropped.
fec_words() {
	head -n 1 "$1" | sed -n 's/.*use_fec_from_device [^ ]* \(fec_start [0-9]* fec_blocks [0-9]* fec_roots [0-9]*\).*/\1/p'
}

roots=2
while [ "$roots" -le 24 ]; do
	if [ "$(rand 2)" = 0 ]; then bs=512; else bs=4096; fi
	blocks=$((64 + $(rand 237)))
	gen "fec$roots" $((blocks * bs)) >"$tmp/data"
	common="--data-block-size $bs --hash-block-size $bs -s $SALT --fec-roots $roots"
	root=""
	for layout in separate inhash onefile; do
		for tool in ours theirs; do
			# identical offsets in both runs: replay the random choices
			if [ "$tool" = ours ]; then saved=$seed; else seed=$saved; fi
			d="$tmp/$tool"
			rm -rf "$d"
			mkdir "$d"
			cp "$tmp/data" "$d/data"
			case $layout in
			separate)
				args="$d/data $d/hash --fec-device $d/fec"
				files="hash fec"
				;;
			inhash)
				# parity past the tree, after a gap veritysetup covers too
				fecoff=$(((64 + $(rand 16)) * bs))
				head -c "$fecoff" /dev/zero >"$d/hash"
				args="$d/data $d/hash --fec-device $d/hash --fec-offset $fecoff"
				files="hash"
				;;
			onefile)
				hashoff=$((blocks * bs))
				fecoff=$((hashoff + (64 + $(rand 16)) * bs))
				head -c "$fecoff" /dev/zero | dd of="$d/data" bs=1 seek="$hashoff" conv=notrunc 2>/dev/null
				args="$d/data $d/data --data-blocks $blocks --hash-offset $hashoff --fec-device $d/data --fec-offset $fecoff"
				files="data"
				;;
			esac
			if [ "$tool" = ours ]; then
				# shellcheck disable=SC2086
				$VI format $args $common --uuid $UUID >"$d/fmt" 2>"$d/err" || { cat "$d/err" >&2; fail "ours: format $layout roots $roots bs $bs blocks $blocks"; }
			else
				# shellcheck disable=SC2086
				veritysetup format $args $common --uuid $UUID >"$d/fmt" || fail "veritysetup: format $layout roots $roots"
			fi
		done
		for f in $files; do
			cmp "$tmp/ours/$f" "$tmp/theirs/$f" >&2 || fail "$f differs: $layout roots $roots bs $bs blocks $blocks"
		done
		same_dump "$tmp/ours/fmt" "$tmp/theirs/fmt" "$layout roots $roots"
		root=$(root_of "$tmp/ours/fmt")
		# Each verifies the other's image with its FEC device (clean: no repairs).
		d="$tmp/theirs"
		theirs_args=$(echo "$args" | sed "s#$tmp/ours#$d#g")
		# shellcheck disable=SC2086
		expect_rc 0 "$VI" verify $theirs_args $common "$root"
		# shellcheck disable=SC2086
		expect_rc 0 veritysetup verify $args $common "$root"
		# The table's FEC arguments are those veritysetup passes to the kernel:
		# fec_start = offset / block size, fec_blocks derived per layout.
		# shellcheck disable=SC2086
		expect_rc 0 "$VI" table $args $common "$root"
		words=$(fec_words "$tmp/out")
		off=0
		[ "$layout" = separate ] || off=$fecoff
		case $layout in
		separate) end=$(($(wc -c <"$tmp/ours/hash") / bs)) ;;
		*) end=$((off / bs)) ;;
		esac
		case $layout in
		onefile) start=$(((hashoff + 512 + bs - 1) / bs)); nblocks=$((blocks + end - start)) ;;
		*) nblocks=$((blocks + end - 1)) ;;
		esac
		want="fec_start $((off / bs)) fec_blocks $nblocks fec_roots $roots"
		[ "$words" = "$want" ] || fail "table FEC words '$words', wanted '$want' ($layout)"
	done
	roots=$((roots + 1))
done

# A FEC file of its own is written around the page cache, in 1 MiB chunks
# from a ring of four (cli/direct_writer.c): parity of several MiB wraps the
# ring and must still match, in a file that did not exist and in one that
# held longer, older contents (format leaves bytes past the parity alone,
# as veritysetup does).
gen big $((48 * 1048576)) >"$tmp/data"
big="--fec-roots 24 -s $SALT --uuid $UUID"
for pre in none longer; do
	rm -f "$tmp/fec.ours" "$tmp/fec.theirs"
	if [ "$pre" = longer ]; then
		gen old $((6 * 1048576)) >"$tmp/fec.ours"
		cp "$tmp/fec.ours" "$tmp/fec.theirs"
	fi
	# shellcheck disable=SC2086
	expect_rc 0 "$VI" format "$tmp/data" "$tmp/hash.ours" --fec-device "$tmp/fec.ours" $big
	# shellcheck disable=SC2086
	expect_rc 0 veritysetup format "$tmp/data" "$tmp/hash.theirs" --fec-device "$tmp/fec.theirs" $big
	cmp "$tmp/fec.ours" "$tmp/fec.theirs" >&2 || fail "48 MiB parity at roots 24 differs ($pre)"
done

# A write that fails (the file size limit, with SIGXFSZ ignored: EFBIG) is
# reported with its reason and exit status 4, whether it fails while the
# parity is being encoded (1 MiB: the second chunk) or in the last chunk
# (5273600 bytes: past the five full chunks of the 5308416 bytes of
# parity). ulimit -f counts 512-byte blocks (POSIX).
for limit in 2048 10300; do
	rm -f "$tmp/fec.ours"
	# shellcheck disable=SC2086
	expect_rc 4 sh -c "trap '' XFSZ; ulimit -f $limit; exec \"\$0\" \"\$@\"" \
		"$VI" format "$tmp/data" "$tmp/hash.ours" --fec-device "$tmp/fec.ours" $big
	grep -q "Failed to write parity to $tmp/fec.ours (File too large)" "$tmp/err" ||
		fail "no write error message (limit $limit): $(cat "$tmp/err")"
done
echo "fec-interop: parity identical for roots 2..24 in three layouts, and in 1 MiB direct writes"
