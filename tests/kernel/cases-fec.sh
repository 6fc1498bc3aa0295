# Sourced by kernel-dm.sh: forward error correction. verify-image writes the
# parity (format --fec-device) and the table line's FEC arguments; the
# kernel must then return the original bytes of an image with a few damaged
# bytes in separate blocks, and the same table without FEC must refuse it.
# Layouts: a separate FEC file (roots 2) and FEC inside the hash file after
# the tree (roots 24, --fec-offset).
"$VI" format --help 2>&1 | grep -q -- --fec-device || return 0

gen fec 2097152 >"$tmp/fec.data"
"$VI" format "$tmp/fec.data" "$tmp/fec.hash" --fec-device "$tmp/fec.fec" --fec-roots 2 \
	--root-hash-file "$tmp/fec.root" >/dev/null
truncate -s %4096 "$tmp/fec.fec"
root_fec=$(cat "$tmp/fec.root")
cp "$tmp/fec.data" "$tmp/fec.bad"
for block in 3 77 300 511; do
	flip "$tmp/fec.bad" $((block * 4096 + block))
done
disk fd "$tmp/fec.bad"
disk fh "$tmp/fec.hash"
disk ff "$tmp/fec.fec"
kcase fec2 "$(guest "$(table_line "$tmp/fec.data" "$tmp/fec.hash" "$root_fec" \
	--fec-device "$tmp/fec.fec" --fec-roots 2)" "$tmp/fec.data=fd" "$tmp/fec.hash=fh" "$tmp/fec.fec=ff")"
expect fec2 ok "$(sha "$tmp/fec.data")"
kcase fecoff "$(guest "$(table_line "$tmp/fec.data" "$tmp/fec.hash" "$root_fec")" \
	"$tmp/fec.data=fd" "$tmp/fec.hash=fh")"
expect fecoff fail 3
"$VI" verify "$tmp/fec.bad" "$tmp/fec.hash" "$root_fec" --fec-device "$tmp/fec.fec" \
	--fec-roots 2 >/dev/null 2>&1 || fail "verify-image cannot correct what the kernel corrects"

# FEC in the hash file after the tree, 24 roots; same salt and UUID, same root.
salt=0123456789abcdef0123456789abcdef
uuid=11111111-2222-4333-8444-555555555555
"$VI" format "$tmp/a.data" "$tmp/plain24.hash" --salt "$salt" --uuid "$uuid" \
	--root-hash-file "$tmp/plain24.root" >/dev/null
fec_offset=$((($(stat -c %s "$tmp/plain24.hash") + 4095) / 4096 * 4096))
"$VI" format "$tmp/a.data" "$tmp/fec24.hash" --fec-device "$tmp/fec24.hash" --fec-roots 24 \
	--fec-offset "$fec_offset" --salt "$salt" --uuid "$uuid" \
	--root-hash-file "$tmp/fec24.root" >/dev/null
truncate -s %4096 "$tmp/fec24.hash"
root_24=$(cat "$tmp/fec24.root")
[ "$root_24" = "$(cat "$tmp/plain24.root")" ] || fail "the root hash changed with FEC"
cp "$tmp/a.data" "$tmp/fec24.bad"
# Ten bytes of one block: more than 2 roots correct, well within 24.
for i in 0 1 2 3 4 5 6 7 8 9; do
	flip "$tmp/fec24.bad" $((200 * 4096 + 100 * i))
done
disk gd "$tmp/fec24.bad"
disk gh24 "$tmp/fec24.hash"
kcase fec24 "$(guest "$(table_line "$tmp/a.data" "$tmp/fec24.hash" "$root_24" \
	--fec-device "$tmp/fec24.hash" --fec-roots 24 --fec-offset "$fec_offset")" \
	"$tmp/a.data=gd" "$tmp/fec24.hash=gh24")"
expect fec24 ok "$(sha "$tmp/a.data")"
