# Shared by the device tests (sourced): make dm-verity images with veritysetup.
# Needs $tmp (a scratch directory). mkimage NAME BLOCKS DBS HBS FORMAT HASH SALT
# [veritysetup options] writes $tmp/NAME.data and $tmp/NAME.hash (or one file
# with --hash-offset) and sets $table to the kernel table arguments.
PATH=/usr/sbin:/sbin:$PATH
export PATH

have_veritysetup() {
	command -v veritysetup >/dev/null 2>&1
}

mkimage() {
	name=$1 blocks=$2 dbs=$3 hbs=$4 fmt=$5 alg=$6 salt=$7
	shift 7
	data=$tmp/$name.data
	hash=$tmp/$name.hash
	head -c $((blocks * dbs)) /dev/urandom >"$data"
	# A few all-zero blocks, for ignore_zero_blocks.
	if [ "$blocks" -ge 4 ]; then
		for b in 1 $((blocks - 2)); do
			dd if=/dev/zero of="$data" bs="$dbs" seek="$b" count=1 conv=notrunc 2>/dev/null
		done
	fi
	hash_start=1
	for arg in "$@"; do
		case $arg in
		--no-superblock) hash_start=0 ;;
		--hash-offset=*)
			offset=${arg#--hash-offset=}
			hash=$data
			hash_start=$(((offset + 512 + hbs - 1) / hbs))
			;;
		esac
	done
	out=$(veritysetup format "$data" "$hash" --format="$fmt" --data-block-size="$dbs" \
		--hash-block-size="$hbs" --hash="$alg" --salt="$salt" --data-blocks="$blocks" "$@")
	root=$(printf '%s\n' "$out" | sed -n 's/^Root hash:[[:space:]]*//p')
	[ -n "$root" ] || {
		echo "veritysetup format failed: $out" >&2
		return 1
	}
	table="$fmt $data $hash $dbs $hbs $blocks $hash_start $alg $root $salt"
}

# The geometries every device test runs on: NAME BLOCKS DBS HBS FORMAT HASH SALT [options].
device_geometries() {
	cat <<'GEOMETRIES'
sha256-4k 600 4096 4096 1 sha256 e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
depth3-512 2100 512 512 1 sha256 9e7457222290f1bac0d42ad2de2d602a87bb871c22ab70ca040bad450578a436
v0-4k 300 4096 4096 0 sha256 e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
sha1-1k 700 1024 1024 1 sha1 dadada
one-block 1 4096 4096 1 sha256 e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
mixed-nosalt 100 4096 512 1 sha256 - --no-superblock
sha512-512 3000 512 4096 1 sha512 0011223344
one-file 200 4096 4096 1 sha256 5a5a --hash-offset=819200
GEOMETRIES
}
