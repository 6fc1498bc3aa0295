/* SPDX-License-Identifier: MIT */
/*
 * The dm-verity table-line parser. Input: the line, not NUL-terminated (seeds
 * are lines as veritysetup and dmsetup write them).
 *
 * Invariants: an accepted line holds what the kernel would accept (valid
 * geometry, digest of the algorithm's size, salt <= 256 bytes, modes and FEC
 * roots in range, terminated names); parse -> format -> parse gives the same
 * table and formatting that again gives the same line; the formatters never
 * write past the size they are given, and report a buffer one byte short.
 */
#include "fuzz/fuzz.h"
#include "libverity.h"

#define LINE_MAX_BYTES 8192

static bool terminated_word(const char *s, bool may_be_empty)
{
	size_t n = strnlen(s, VERITY_TABLE_NAME_MAX);

	if (n == VERITY_TABLE_NAME_MAX || (n == 0 && !may_be_empty))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

/* Format into a buffer of exactly @size bytes, so ASan sees any overflow. */
static int format_exact(const struct verity_table *t, size_t size, char **out, size_t *len)
{
	char *buf = malloc(size ? size : 1);
	int ret;

	FUZZ_CHECK(buf != NULL);
	ret = verity_table_format(t, buf, size, len);
	if (ret == 0) {
		FUZZ_CHECK(*len < size && buf[*len] == '\0' && strlen(buf) == *len);
		*out = buf;
	} else {
		free(buf);
	}
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verity_table t, t2;
	struct verity_geometry geo;
	struct verity_device_options opts;
	char *line = NULL, *line2 = NULL, *dm = NULL;
	size_t len, len2, dm_len;
	int ret;

	ret = verity_table_parse(&t, (const char *)data, size);
	FUZZ_LOG("table_line: %d (%s)\n", ret, verity_strerror(ret));
	if (ret != 0) {
		/* VERITY_E_TABLE_*, the table's own limits, or a geometry error. */
		if (!(ret <= VERITY_E_TABLE_SYNTAX && ret >= VERITY_E_TABLE_UNREPRESENTABLE))
			FUZZ_EXPECT_CODES(ret, VERITY_E_INVAL, VERITY_E_SALT_TOO_LONG,
			                  VERITY_E_AT_MOST_ONCE_TOO_LARGE, FUZZ_GEOMETRY_CODES);
		return 0;
	}

	FUZZ_CHECK(verity_geometry_init(&geo, &t.params) == 0);
	FUZZ_CHECK(t.params.hash_type <= 1);
	FUZZ_CHECK(t.params.root_digest_size == geo.digest_size);
	FUZZ_CHECK(t.params.salt_size <= VERITY_MAX_SALT_SIZE);
	FUZZ_CHECK(terminated_word(t.data_device, false) && terminated_word(t.hash_device, false));
	FUZZ_CHECK(terminated_word(t.fec_device, !t.has_fec));
	FUZZ_CHECK(terminated_word(t.sig_key_desc, !t.has_sig_key));
	FUZZ_CHECK(t.corruption_mode <= VERITY_CORRUPTION_PANIC);
	FUZZ_CHECK(t.io_error_mode <= VERITY_IO_ERROR_PANIC);
	FUZZ_CHECK(t.fec_roots == 0 || (t.fec_roots >= 2 && t.fec_roots <= 24));
	FUZZ_CHECK(!t.has_fec ||
	           (t.fec_roots != 0 && t.params.data_block_size == t.params.hash_block_size));
	FUZZ_CHECK(t.has_target || (t.start_sector == 0 && t.length_sectors == 0));
	FUZZ_CHECK(!t.has_target ||
	           t.length_sectors <= t.params.data_blocks * (t.params.data_block_size / 512));
	memset(&opts, 0, sizeof(opts));
	FUZZ_CHECK(verity_table_device_options(&t, &opts) == 0);

	/* Round trip. */
	FUZZ_CHECK(format_exact(&t, LINE_MAX_BYTES, &line, &len) == 0);
	FUZZ_CHECK(verity_table_parse(&t2, line, len) == 0);
	FUZZ_CHECK(memcmp(&t, &t2, sizeof(t)) == 0);
	FUZZ_CHECK(format_exact(&t2, len + 1, &line2, &len2) == 0);
	FUZZ_CHECK(len2 == len && memcmp(line, line2, len) == 0);
	/* One byte short: refused, nothing written past the end. */
	FUZZ_CHECK(format_exact(&t2, len, &line2, &len2) == VERITY_E_BUFFER_TOO_SMALL);

	/* dm-mod.create= form: exact size works, one byte short does not. */
	dm = malloc(LINE_MAX_BYTES + 64);
	FUZZ_CHECK(dm != NULL);
	ret =
	    verity_table_format_dm_mod_create(&t, "vroot", NULL, dm, LINE_MAX_BYTES + 64, &dm_len);
	FUZZ_CHECK(ret == 0 || ret == VERITY_E_TABLE_UNREPRESENTABLE);
	if (ret == 0) {
		char *exact = malloc(dm_len);

		FUZZ_CHECK(exact != NULL && strlen(dm) == dm_len);
		FUZZ_CHECK(verity_table_format_dm_mod_create(&t, "vroot", NULL, exact, dm_len,
		                                             &dm_len) == VERITY_E_BUFFER_TOO_SMALL);
		free(exact);
	}
	free(dm);
	free(line);
	free(line2);
	return 0;
}
