#!/bin/sh
# FEC corruption campaign: random bytes, whole blocks and bursts in data,
# tree and parity, below and above what the code corrects. veritysetup's
# verify --fec-device (errors-only) is the oracle where it is right: both
# accept what errors-only decoding corrects, with the same count of
# repaired bytes, and both refuse what nothing corrects. Past errors-only
# capacity libverity also uses erasures (blocks whose hashes fail), as the
# kernel does. A wrong root hash is refused even though veritysetup 2.6.1
# accepts it once FEC repaired something. repair restores the original
# files byte for byte whenever correction is possible, and changes nothing
# otherwise.
. "$(dirname "$0")/lib.sh"
need_veritysetup
command -v sha256sum >/dev/null 2>&1 || {
	echo "sha256sum not found: skipped"
	exit 77
}

# The exit-status table (DESIGN.md): success, wrong root hash, corruption.
ST_OK=0
ST_WRONG_ROOT=1
ST_CORRUPT=2

SALT=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
bs=512
blocks=400

sums() {
	sha256sum "$tmp/d" "$tmp/h" "$tmp/f" | cut -d' ' -f1 | tr '\n' ' '
}

# corrupt_blocks FILE FIRST COUNT SEED: COUNT whole blocks from FIRST.
corrupt_blocks() {
	gen "$4" $(($3 * bs)) | dd of="$1" bs="$bs" seek="$2" conv=notrunc 2>/dev/null
}

# fresh: the pristine image again.
fresh() {
	cp "$tmp/data" "$tmp/d"
	cp "$tmp/hash" "$tmp/h"
	cp "$tmp/fec" "$tmp/f"
}

# found_count: N of "Found N repairable errors" (standard error, as veritysetup).
found_count() {
	sed -n 's/^Found \([0-9]*\) repairable errors with FEC device\.$/\1/p' "$tmp/err"
}

for roots in 3 24; do
	gen "campaign$roots" $((blocks * bs)) >"$tmp/data"
	rm -f "$tmp/hash" "$tmp/fec"
	$VI format "$tmp/data" "$tmp/hash" --fec-device "$tmp/fec" --fec-roots "$roots" \
		--data-block-size $bs --hash-block-size $bs -s $SALT >"$tmp/fmt"
	root=$(root_of "$tmp/fmt")
	fecopts="--fec-device $tmp/f --fec-roots $roots"
	fresh
	orig=$(sums)
	# rounds = ceil(fec_blocks / (255 - roots)), fec_blocks from the table
	# shellcheck disable=SC2086
	$VI table "$tmp/d" "$tmp/h" "$root" $fecopts >"$tmp/table"
	fec_blocks=$(sed -n '1s/.* fec_blocks \([0-9]*\) .*/\1/p' "$tmp/table")
	k=$((255 - roots))
	rounds=$(((fec_blocks + k - 1) / k))
	half=$((roots / 2))

	# scenario NAME VS_RC OURS_RC: corrupt (done by the caller), then judge.
	# VS_RC: veritysetup's status, or "-" where it is wrong or not asked.
	scenario() {
		name="$1 (roots $roots)"
		if [ "$2" != - ]; then
			# shellcheck disable=SC2086
			run_rc veritysetup verify "$tmp/d" "$tmp/h" "$root" $fecopts
			[ "$rc" = "$2" ] || fail "$name: veritysetup exit $rc, wanted $2"
			vs_count=$(found_count)
		fi
		# shellcheck disable=SC2086
		run_rc "$VI" verify "$tmp/d" "$tmp/h" "$root" $fecopts
		[ "$rc" = "$3" ] || {
			cat "$tmp/err" >&2
			fail "$name: verify exit $rc, wanted $3"
		}
		if [ "$2" = 0 ] && [ "$3" = 0 ]; then
			[ "$(found_count)" = "$vs_count" ] || fail "$name: repaired $(found_count) bytes, veritysetup $vs_count"
		fi
		before=$(sums)
		# shellcheck disable=SC2086
		run_rc "$VI" repair "$tmp/d" "$tmp/h" "$root" $fecopts --dry-run
		[ "$(sums)" = "$before" ] || fail "$name: --dry-run changed files"
		# shellcheck disable=SC2086
		run_rc "$VI" repair "$tmp/d" "$tmp/h" "$root" $fecopts
		if [ "$3" = 0 ]; then
			[ "$rc" = 0 ] || {
				cat "$tmp/err" >&2
				fail "$name: repair exit $rc"
			}
			[ "$(sums)" = "$orig" ] || fail "$name: repair did not restore the original bytes"
		else
			[ "$rc" != 0 ] || fail "$name: repair claimed success"
			[ "$(sums)" = "$before" ] || fail "$name: a refused repair changed files"
			grep -q "Cannot correct" "$tmp/err" || fail "$name: repair did not name the block"
		fi
		fresh
	}

	# random bytes in three data blocks
	for off in 1000 70001 150007; do flip "$tmp/d" $off; done
	# the verified device corrects them on the read path and returns the original bytes
	# shellcheck disable=SC2086
	"$VI" read "$tmp/d" "$tmp/h" "$root" $fecopts >"$tmp/read" || fail "read with FEC (roots $roots)"
	cmp -s "$tmp/read" "$tmp/data" || fail "read with FEC returned other bytes (roots $roots)"
	# shellcheck disable=SC2086
	expect_rc $ST_CORRUPT "$VI" read "$tmp/d" "$tmp/h" "$root"
	scenario "bytes in data" 0 $ST_OK
	# a whole data block
	corrupt_blocks "$tmp/d" 17 1 "w$roots"
	scenario "one data block" 0 $ST_OK
	# a burst errors-only decoding corrects: roots/2 blocks per round
	corrupt_blocks "$tmp/d" 100 $((half * rounds)) "b$roots"
	scenario "burst within capacity" 0 $ST_OK
	# a burst that needs erasures: roots blocks per round
	corrupt_blocks "$tmp/d" 200 $((roots * rounds)) "e$roots"
	scenario "burst with erasures" - $ST_OK
	# one block per round more than any decoder corrects
	corrupt_blocks "$tmp/d" 300 $(((roots + 1) * rounds)) "x$roots"
	scenario "burst past capacity" $ST_CORRUPT $ST_CORRUPT
	# bytes of a leaf hash block (the first tree blocks follow the superblock)
	flip "$tmp/h" $((bs + 11))
	flip "$tmp/h" $((2 * bs + 100))
	scenario "bytes in the tree" 0 $ST_OK
	# damaged parity alone: the image verifies, repair rewrites the parity
	flip "$tmp/f" 5
	corrupt_blocks "$tmp/f" 1 1 "p$roots"
	scenario "parity" 0 $ST_OK
	# data and parity bytes: veritysetup counts every symbol its decoder changes, parity too
	flip "$tmp/d" 1000
	flip "$tmp/f" 7
	scenario "data and parity" 0 $ST_OK
	# a wrong root hash with a repairable corruption: veritysetup 2.6.1 says 0
	flip "$tmp/d" 4242
	wrong=$(echo "$root" | sed 's/^./f/;t;s/^/0/')
	[ "$wrong" != "$root" ] || wrong=$(echo "$root" | sed 's/^./e/')
	# shellcheck disable=SC2086
	expect_rc $ST_WRONG_ROOT "$VI" verify "$tmp/d" "$tmp/h" "$wrong" $fecopts
	# shellcheck disable=SC2086
	expect_rc $ST_WRONG_ROOT "$VI" repair "$tmp/d" "$tmp/h" "$wrong" $fecopts
	fresh
done
echo "fec-repair: corrections verified, repairs exact, refusals change nothing"
