#!/bin/sh
# verify-image against the real veritysetup: the public vectors of
# reference/dm-verity-format.md section 11, then random data over a
# fixed-seed sample of parameter combinations, both directions: hash files
# byte-identical, each tool verifies the other's output, and corruption of a
# data or hash block is found at that block.
. "$(dirname "$0")/lib.sh"
need_veritysetup

SALT=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
UUID=a60c98d2-ae9b-4865-bfcb-b4e3ace11033

# ---- public vectors: 8 MiB of zeros ----
head -c 8388608 /dev/zero >"$tmp/zero8"
# Columns: block size, hash, format, salt, root, and which variants to run as
# well (n: no superblock, o: one device): a subset keeps the run short.
while read -r bs alg ver salt root variants; do
	opts="--data-block-size $bs --hash-block-size $bs --hash $alg --format $ver -s $salt --uuid $UUID"
	# shellcheck disable=SC2086
	$VI format "$tmp/zero8" "$tmp/ours" $opts >"$tmp/fmt" || fail "format $opts"
	[ "$(root_of "$tmp/fmt")" = "$root" ] || fail "root $(root_of "$tmp/fmt") != $root ($opts)"
	# shellcheck disable=SC2086
	veritysetup format "$tmp/zero8" "$tmp/theirs" $opts >/dev/null
	cmp "$tmp/ours" "$tmp/theirs" || fail "hash files differ ($opts)"
	expect_rc 0 "$VI" verify "$tmp/zero8" "$tmp/theirs" "$root"
	expect_rc 0 veritysetup verify "$tmp/zero8" "$tmp/ours" "$root"
	case $variants in
	*n*)
		# Without a superblock, root hash from a file.
		# shellcheck disable=SC2086
		$VI format --no-superblock "$tmp/zero8" "$tmp/ours" $opts --root-hash-file "$tmp/root" >/dev/null
		[ "$(cat "$tmp/root")" = "$root" ] || fail "--root-hash-file holds $(cat "$tmp/root")"
		# shellcheck disable=SC2086
		veritysetup format --no-superblock "$tmp/zero8" "$tmp/theirs" $opts >/dev/null
		cmp "$tmp/ours" "$tmp/theirs" || fail "no-superblock hash files differ ($opts)"
		# shellcheck disable=SC2086
		expect_rc 0 "$VI" verify --no-superblock $opts "$tmp/zero8" "$tmp/theirs" --root-hash-file "$tmp/root"
		;;
	esac
	case $variants in
	*o*)
		# One device: 9 MiB image, hash area at 8 MiB.
		head -c 9437184 /dev/zero >"$tmp/img1"
		cp "$tmp/img1" "$tmp/img2"
		one="--hash-offset 8388608 --data-blocks $((8388608 / bs))"
		# shellcheck disable=SC2086
		$VI format "$tmp/img1" "$tmp/img1" $opts $one >"$tmp/fmt"
		[ "$(root_of "$tmp/fmt")" = "$root" ] || fail "one-device root ($opts)"
		# shellcheck disable=SC2086
		veritysetup format "$tmp/img2" "$tmp/img2" $opts $one >/dev/null
		cmp "$tmp/img1" "$tmp/img2" || fail "one-device images differ ($opts)"
		# shellcheck disable=SC2086
		expect_rc 0 "$VI" verify "$tmp/img2" "$tmp/img2" "$root" $one
		;;
	esac
done <<VECTORS
512 sha256 1 $SALT 9de18652fe74edfb9b805aaed72ae2aa48f94333f1ba5c452ac33b1c39325174 -
1024 sha256 1 $SALT 54d92778750495d1f80832b486ebd007617d746271511bbf0e295e143da2b3df o
4096 sha256 1 $SALT e522df0f97da4febb882ac40f30b37dc0b444bf6df418929463fa25280f09d5c no
4096 sha256 0 $SALT cbbf4ebd004ef65e29b935bb635a39cf754d677f3fa10b0126da725bbdf10f7d n
4096 sha256 1 - ef29c902d87350f1da4bfa536e16cebc162a909bf89abe448b81ec500d4fb9bf o
1024 sha1 1 $SALT d0e9163ca8844aaa2e88fe5265a8c5d9ee494a99 n
1024 sha1 1 dadada 73509e8e868be6b8ac939817a98a3d35121413b2 o
VECTORS

# Derived vectors: 1, 128 and 129 zero blocks; api-test's 1250 blocks.
while read -r blocks salt root; do
	$VI format "$tmp/zero8" "$tmp/ours" --data-blocks "$blocks" -s "$salt" >"$tmp/fmt"
	[ "$(root_of "$tmp/fmt")" = "$root" ] || fail "$blocks blocks: root $(root_of "$tmp/fmt")"
	expect_rc 0 veritysetup verify "$tmp/zero8" "$tmp/ours" "$root"
done <<VECTORS
1 $SALT 6c14ed2d41cb5590edee916ae19a97bf68fe6b178a6086276a37700f1cc5d727
128 $SALT d9df0b934096e78af62317143aa4255c652198af1874e2221e1b5a036becf2b5
129 $SALT 972f53ee9846957311243f1f427554697e6a0d1ae43ce1f79c88b6ac80045170
1250 20c28ffc129c12360ba6ceea2b6cf04e89c2b41cfe6b8439eb53c1897f50df7b ab018b003a967fc782effb293b6dccb60b4f40c06bf80d16391acf686d28b5d6
VECTORS
echo "vectors: ok"

# ---- random data, sampled parameter combinations (fixed seed) ----
# Columns: dbs hbs alg format salt_bytes(-1: none) blocks layout
awk 'BEGIN {
	srand(20251126)
	split("512 1024 2048 4096", dbs_set, " ")
	split("512 1024 4096 8192 65536", hbs_set, " ")
	split("sha256 sha256 sha1 sha512 sha224 sha384", alg_set, " ")
	split("sep offset onefile nosb nosb-offset", layout_set, " ")
	for (i = 0; i < 28; i++) {
		dbs = dbs_set[1 + int(rand() * 4)]
		hbs = hbs_set[1 + int(rand() * 5)]
		alg = alg_set[1 + int(rand() * 6)]
		fmt = rand() < 0.3 ? 0 : 1
		r = rand()
		salt = r < 0.25 ? -1 : (r < 0.45 ? 256 : 1 + int(rand() * 64))
		r = rand()
		blocks = r < 0.1 ? 1 : (r < 0.2 ? 2 : 1 + 2 * int(rand() * (1048576 / dbs)))
		layout = layout_set[1 + int(rand() * 5)]
		print dbs, hbs, alg, fmt, salt, blocks, layout
	}
}' >"$tmp/combos"

n=0
while read -r dbs hbs alg fmt saltlen blocks layout; do
	n=$((n + 1))
	what="combo $n: dbs=$dbs hbs=$hbs $alg v$fmt salt=$saltlen blocks=$blocks $layout"
	if [ "$saltlen" -lt 0 ]; then
		salt=-
	else
		gen "salt$n" "$saltlen" >"$tmp/salt"
		salt=$(hexof "$tmp/salt")
	fi
	uuid=$(printf '%08x-1111-4222-8333-%012x' "$n" "$blocks")
	data_bytes=$((dbs * blocks))
	gen "data$n" "$data_bytes" >"$tmp/data"
	opts="--data-block-size $dbs --hash-block-size $hbs --hash $alg --format $fmt -s $salt --data-blocks $blocks"
	offset=0
	case $layout in
	offset | nosb-offset)
		# veritysetup 2.6.1 cannot write a superblock at an offset not aligned to
		# min(hash block, 4096) into an empty file, which it has with one data block.
		offset=$((4096 * (1 + n % 3)))
		[ "$blocks" = 1 ] || offset=$((offset + 512 * (n % 8)))
		;;
	onefile) offset=$(((data_bytes + 4095) / 4096 * 4096)) ;;
	esac
	[ "$offset" = 0 ] || opts="$opts --hash-offset $offset"
	case $layout in nosb*) opts="$opts --no-superblock" ;; *) opts="$opts --uuid $uuid" ;; esac
	if [ "$layout" = onefile ]; then
		cp "$tmp/data" "$tmp/h1"
		cp "$tmp/data" "$tmp/h2"
		d1="$tmp/h1" d2="$tmp/h2"
	else
		rm -f "$tmp/h1" "$tmp/h2"
		d1="$tmp/data" d2="$tmp/data"
	fi
	# shellcheck disable=SC2086
	veritysetup format "$d1" "$tmp/h1" $opts >"$tmp/fmt1" 2>"$tmp/err" ||
		fail "veritysetup format: $what: $(cat "$tmp/err")"
	# shellcheck disable=SC2086
	$VI format "$d2" "$tmp/h2" $opts >"$tmp/fmt2" || fail "format: $what"
	root=$(root_of "$tmp/fmt1")
	[ "$(root_of "$tmp/fmt2")" = "$root" ] || fail "root differs: $what"
	cmp "$tmp/h1" "$tmp/h2" || fail "hash files differ: $what"
	sed 's/h1$/h/' "$tmp/fmt1" >"$tmp/f1"
	sed 's/h2$/h/' "$tmp/fmt2" >"$tmp/f2"
	cmp "$tmp/f1" "$tmp/f2" || fail "format output differs: $what"
	vopts=
	case $layout in nosb*) vopts=$opts ;; *) [ "$offset" = 0 ] || vopts="--hash-offset $offset" ;; esac
	# shellcheck disable=SC2086
	expect_rc 0 "$VI" verify "$d1" "$tmp/h1" "$root" $vopts
	# shellcheck disable=SC2086
	expect_rc 0 veritysetup verify "$d2" "$tmp/h2" "$root" $vopts
	case $layout in
	nosb*) ;;
	*)
		veritysetup dump "$tmp/h1" $vopts | sed 's/h1$/h/' >"$tmp/f1"
		$VI dump "$tmp/h2" $vopts | sed 's/h2$/h/' >"$tmp/f2"
		cmp "$tmp/f1" "$tmp/f2" || fail "dump output differs: $what"
		;;
	esac

	# A changed byte in a data block: found at that block, by both tools.
	k=$(awk -v s="$n" -v b="$blocks" 'BEGIN { srand(s); print int(rand() * b) }')
	pos=$((k * dbs + n % dbs))
	flip "$d1" "$pos"
	# shellcheck disable=SC2086
	if [ "$blocks" = 1 ]; then
		want=$EX_USAGE # no tree: the block is checked against the root
	else
		want=$EX_CORRUPT
	fi
	expect_rc "$want" "$VI" verify --json -j2 "$d1" "$tmp/h1" "$root" $vopts
	[ "$(json_field kind)" = data ] && [ "$(json_field block)" = "$k" ] &&
		[ "$(json_field position)" = $((k * dbs)) ] ||
		fail "data corruption at block $k reported as $(cat "$tmp/out"): $what"
	if [ "$blocks" = 1 ]; then
		msg="Verification of root hash failed." # no tree: the block is checked against the root
	else
		msg="Verification failed at position $((k * dbs))."
	fi
	grep -qF "$msg" "$tmp/err" || fail "message: $what: $(cat "$tmp/err")"
	# shellcheck disable=SC2086
	run_rc veritysetup verify "$d1" "$tmp/h1" "$root" $vopts
	[ "$rc" = "$want" ] || fail "veritysetup exits $rc for the data corruption, we $want: $what"
	flip "$d1" "$pos"

	# A changed byte in a hash block: reported inside that block.
	case $layout in
	nosb*) tree_start=$((offset / hbs)) ;;
	*) tree_start=$(((offset + 512 + hbs - 1) / hbs)) ;;
	esac
	tree_end=$(($(stat -c %s "$tmp/h1") / hbs))
	if [ "$blocks" -gt 1 ]; then
		hb=$(awk -v s="$n" -v a="$tree_start" -v e="$tree_end" \
			'BEGIN { srand(s + 7); print a + int(rand() * (e - a)) }')
		hpos=$((hb * hbs + (n * 37) % hbs))
		flip "$tmp/h1" "$hpos"
		# shellcheck disable=SC2086
		expect_rc $EX_CORRUPT "$VI" verify --json "$d1" "$tmp/h1" "$root" $vopts
		got=$(json_field position)
		if [ "$hb" = "$tree_start" ]; then
			# The top block: as veritysetup, the first block below that
			# no longer matches it is reported (or its spare area).
			case $(json_field kind) in
			data | hash) ;;
			*) fail "top block corruption at byte $hpos reported as $(cat "$tmp/out"): $what" ;;
			esac
		else
			[ "$(json_field kind)" = hash ] && [ "$got" -ge $((hb * hbs)) ] &&
				[ "$got" -le "$hpos" ] ||
				fail "hash corruption at byte $hpos (block $hb) reported as $(cat "$tmp/out"): $what"
		fi
		# shellcheck disable=SC2086
		run_rc veritysetup verify "$d1" "$tmp/h1" "$root" $vopts
		[ "$rc" = "$EX_CORRUPT" ] || fail "veritysetup exits $rc for the hash corruption: $what"
		flip "$tmp/h1" "$hpos"
	fi
done <"$tmp/combos"
echo "combinations: $n ok"
