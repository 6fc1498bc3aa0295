#!/bin/sh
# verify-image's command line as a drop-in: each action takes and refuses the
# options veritysetup 2.6.1 does, with its message and exit status (checked
# side by side with the installed veritysetup); verify-image's own options
# are refused where they do not apply; --json prints exactly one object on
# stdout for every run, failures and usage errors included, with one schema.
. "$(dirname "$0")/../verity/lib.sh"

gen cli-opts 409600 >"$tmp/data"
expect_rc 0 "$VI" format "$tmp/data" "$tmp/hash" --root-hash-file "$tmp/root"
root=$(cat "$tmp/root")

# refused OPTION ACTION ARGS...: refused with veritysetup's message and 1.
refused() {
	opt=$1
	action=$2
	shift 2
	expect_rc "$EX_USAGE" "$VI" "$action" "$@" "$opt"
	name=${opt%%=*}
	grep -qF "Option $name is not allowed with $action action." "$tmp/err" ||
		fail "$action $opt: $(cat "$tmp/err")"
}

# ---- veritysetup's per-action table, side by side ----
for opt in --ignore-corruption --ignore-zero-blocks --panic-on-corruption \
	--restart-on-corruption --use-tasklets --root-hash-signature="$tmp/root" \
	--check-at-most-once --uuid=12345678-1234-4234-8234-123456789abc --salt=00 \
	--root-hash-file="$tmp/r2" --format=1 --hash=sha256 --data-block-size=4096 \
	--hash-block-size=4096 --data-blocks=100 --hash-offset=0; do
	for action in format verify dump; do
		case $action in
		format) set -- "$tmp/data" "$tmp/loop.hash" ;;
		verify) set -- "$tmp/data" "$tmp/hash" "$root" ;;
		dump) set -- "$tmp/hash" ;;
		esac
		# verify-image's extension: verify checks a root hash signature.
		[ "$action/${opt%%=*}" != verify/--root-hash-signature ] || continue
		run_rc "$VI" "$action" "$@" "$opt"
		ours=$(grep -c "is not allowed with $action action" "$tmp/err" || true)
		if command -v veritysetup >/dev/null 2>&1; then
			run_rc veritysetup "$action" "$@" "$opt"
			theirs=$(grep -c "is not allowed with $action action" "$tmp/err" || true)
			[ "$ours" = "$theirs" ] ||
				fail "$action $opt: verify-image refuses: $ours, veritysetup: $theirs"
		fi
	done
done
refused --panic-on-corruption verify "$tmp/data" "$tmp/hash" "$root"
same_as_veritysetup verify "$tmp/data" "$tmp/hash" "$root" --panic-on-corruption
refused --root-hash-signature="$tmp/root" format "$tmp/data" "$tmp/h2"
same_as_veritysetup format "$tmp/data" "$tmp/h2" --root-hash-signature="$tmp/root"
refused --root-hash-file="$tmp/root" dump "$tmp/hash"
same_as_veritysetup dump "$tmp/hash" --root-hash-file="$tmp/root"
# Options veritysetup takes with every action are taken, unused, by dump.
expect_rc 0 "$VI" dump "$tmp/hash" --salt 00 --check-at-most-once --uuid 12345678-1234-4234-8234-123456789abc
same_as_veritysetup dump "$tmp/hash" --salt 00 --check-at-most-once --uuid 12345678-1234-4234-8234-123456789abc

# ---- verify-image's own options, refused where they do not apply ----
refused --offset=1 verify "$tmp/data" "$tmp/hash" "$root"
refused --length=1 verify "$tmp/data" "$tmp/hash" "$root"
refused --dm-name=x verify "$tmp/data" "$tmp/hash" "$root"
refused --threads=2 dump "$tmp/hash"
refused --no-progress dump "$tmp/hash"
refused --trusted-cert="$tmp/root" format "$tmp/data" "$tmp/h2"
refused --allow-sha1 format "$tmp/data" "$tmp/h2"
refused --trusted-cert="$tmp/root" table "$tmp/data" "$tmp/hash" "$root"
refused --root-hash-signature="$tmp/root" table "$tmp/data" "$tmp/hash" "$root"
refused --uuid=12345678-1234-4234-8234-123456789abc table "$tmp/data" "$tmp/hash" "$root"
refused --threads=2 read "$tmp/data" "$tmp/hash" "$root"
refused --salt=00 sig "$root" "$tmp/root"
refused --hash-offset=0 sig "$root" "$tmp/root"
[ ! -e "$tmp/h2" ] || fail "a refused format wrote its hash file"
# Only format picks a random salt: the others' help must not claim it.
for cmd in verify read table dump; do
	expect_rc 0 "$VI" "$cmd" --help
	! grep -qi random "$tmp/out" || fail "$cmd --help: $(grep -i random "$tmp/out")"
done
expect_rc 0 "$VI" format --help
grep -q "random" "$tmp/out" || fail "format --help names its random salt and UUID"
# Common options go with every action.
expect_rc 0 "$VI" dump "$tmp/hash" -v --debug -q

# ---- --json: one object on stdout for every run, one schema ----
# json_ok: $tmp/out is exactly one line holding one object that starts with
# status and exit_code (the exit status), and names error and message on
# failure; a JSON parser, where there is one, must accept it.
json_ok() {
	[ "$(wc -l <"$tmp/out")" = 1 ] || fail "not one line of JSON: $(cat "$tmp/out")"
	case $(cat "$tmp/out") in
	"{\"status\":\"ok\",\"exit_code\":0"*"}") [ "$rc" = 0 ] || fail "ok with exit $rc" ;;
	"{\"status\":\"error\",\"exit_code\":$rc,\"error\":\""*"\",\"message\":\""*"}") ;;
	*) fail "JSON schema: $(cat "$tmp/out")" ;;
	esac
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys; json.loads(sys.stdin.read())' <"$tmp/out" ||
			fail "not JSON: $(cat "$tmp/out")"
	fi
}
cp "$tmp/data" "$tmp/bad"
set_byte "$tmp/bad" 5000 1
"$VI" --help >"$tmp/actions"
while IFS='|' read -r want args; do
	# Actions built only with optional libraries (extract, ls) may be absent.
	case ${args%% *} in
	format | verify | frobnicate | --* | "") ;;
	*) grep -q "^	${args%% *} " "$tmp/actions" || continue ;;
	esac
	# shellcheck disable=SC2086
	expect_rc "$want" "$VI" --json $args
	json_ok
done <<EOF2
$EX_OK|format $tmp/data $tmp/h3
$EX_OK|verify $tmp/data $tmp/hash $root
$EX_OK|dump $tmp/hash
$EX_OK|table $tmp/data $tmp/hash $root
$EX_OK|--version
$EX_OK|verify --help
$EX_CORRUPT|verify $tmp/bad $tmp/hash $root
$EX_USAGE|verify $tmp/data $tmp/hash 00$(echo "$root" | cut -c3-)
$EX_USAGE|verify $tmp/data $tmp/hash zz
$EX_USAGE|format $tmp/data $tmp/h4 --data-block-size 3
$EX_USAGE|verify --frobnicate
$EX_USAGE|frobnicate
$EX_USAGE|
$EX_USAGE|read $tmp/data $tmp/hash $root
$EX_USAGE|verify $tmp/data $tmp/hash $root --panic-on-corruption
$EX_USAGE|dump $tmp/data
$EX_USAGE|table $tmp/data $tmp/hash zz
$EX_IO|dump $tmp/missing
$EX_IO|format $tmp/missing $tmp/h4
$EX_IO|sig $root $tmp/missing --trusted-cert $tmp/missing
$EX_IO|lvm $tmp/missing
$EX_USAGE|lvm $tmp/data
$EX_IO|dissect $tmp/missing
$EX_USAGE|dissect $tmp/data
$EX_IO|extract $tmp/missing $tmp/hash $root /x -o $tmp/x
$EX_IO|ls $tmp/missing $tmp/hash $root /
$EX_USAGE|ls $tmp/data $tmp/hash $root / --offset 1
EOF2
# The failure is named once, the same way by every subcommand.
expect_rc "$EX_IO" "$VI" --json verify "$tmp/data" "$tmp/missing" "$root"
[ "$(json_field error)" = io ] || fail "verify names I/O: $(cat "$tmp/out")"
expect_rc "$EX_IO" "$VI" --json sig "$root" "$tmp/missing" --trusted-cert "$tmp/missing"
[ "$(json_field error)" = io ] || fail "sig names I/O: $(cat "$tmp/out")"
expect_rc "$EX_CORRUPT" "$VI" --json verify "$tmp/bad" "$tmp/hash" "$root"
[ "$(json_field error)/$(json_field kind)/$(json_field block)" = corrupt/data/1 ] ||
	fail "verify corruption fields: $(cat "$tmp/out")"
# Human text goes to stderr under --json, never into the object.
expect_rc 0 "$VI" --json format "$tmp/data" "$tmp/h5"
grep -q "Root hash" "$tmp/out" && fail "format text on stdout under --json"
# A file name that is not UTF-8 is escaped, not copied raw.
bad_name=$(printf 'a\377b')
expect_rc "$EX_IO" "$VI" --json dump "$tmp/$bad_name"
grep -q 'a\\udcffb' "$tmp/out" || fail "non-UTF-8 name: $(cat "$tmp/out")"
json_ok
echo "cli options and json: ok"
