/* SPDX-License-Identifier: MIT */
/*
 * The dm-verity table line: the kernel's parsing rules (one error code per
 * rule), the exact text veritysetup generates, round trips, dm-mod.create.
 * Expected lines follow cryptsetup's lib/libdevmapper.c layout and the
 * public test vector of reference/dm-verity-format.md §11 (8 MiB of zeros,
 * 4096-byte blocks, sha256, v1, SALT).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"

#define ROOT  "e522df0f97da4febb882ac40f30b37dc0b444bf6df418929463fa25280f09d5c"
#define SALT  "e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d"
#define ARGS  "1 /dev/sda1 /dev/sda2 4096 4096 2048 1 sha256 " ROOT " " SALT
#define TABLE "0 16384 verity " ARGS

static int parse(struct verity_table *t, const char *line)
{
	return verity_table_parse(t, line, strlen(line));
}

static char *format(const struct verity_table *t)
{
	static char buf[4096];

	cr_assert_eq(verity_table_format(t, buf, sizeof(buf), NULL), 0);
	return buf;
}

Test(table, parses_veritysetup_line)
{
	struct verity_table t;
	const struct verity_params *p = &t.params;

	cr_assert_eq(parse(&t, TABLE), 0);
	cr_assert(t.has_target);
	cr_assert_eq(t.start_sector, 0);
	cr_assert_eq(t.length_sectors, 16384);
	cr_assert_eq(p->hash_type, 1);
	cr_assert_str_eq(t.data_device, "/dev/sda1");
	cr_assert_str_eq(t.hash_device, "/dev/sda2");
	cr_assert_eq(p->data_block_size, 4096);
	cr_assert_eq(p->hash_block_size, 4096);
	cr_assert_eq(p->data_blocks, 2048);
	cr_assert_eq(p->hash_start_block, 1);
	cr_assert_str_eq(p->algorithm, "sha256");
	cr_assert_eq(p->root_digest_size, 32);
	cr_assert_eq(p->root_digest[0], 0xe5);
	cr_assert_eq(p->root_digest[31], 0x5c);
	cr_assert_eq(p->salt_size, 32);
	cr_assert_eq(p->salt[0], 0xe4);
	cr_assert_eq(t.corruption_mode, VERITY_CORRUPTION_EIO);
	cr_assert_eq(t.io_error_mode, VERITY_IO_ERROR_EIO);
	cr_assert(!t.ignore_zero_blocks && !t.check_at_most_once && !t.has_fec && !t.has_sig_key);
	cr_assert_str_eq(format(&t), TABLE);
}

Test(table, target_arguments_alone_and_whitespace)
{
	struct verity_table t;
	char upper[256];

	cr_assert_eq(parse(&t, ARGS), 0);
	cr_assert(!t.has_target);
	cr_assert_str_eq(format(&t), ARGS);
	cr_assert_eq(parse(&t, "  0\t16384  verity\t" ARGS " \n"), 0);
	cr_assert_str_eq(format(&t), TABLE);
	/* Hex in either case; emitted lower-case. */
	snprintf(upper, sizeof(upper), "%s", ARGS);
	for (char *c = strstr(upper, ROOT); *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	cr_assert_eq(parse(&t, upper), 0);
	cr_assert_str_eq(format(&t), ARGS);
	/* Not NUL-terminated: only len bytes count. */
	cr_assert_eq(verity_table_parse(&t, TABLE " trailing", strlen(TABLE)), 0);
}

Test(table, empty_salt_v0_sha1)
{
	struct verity_table t;
	const char *line = "0 4 verity 0 8:1 8:2 1024 1024 2 0 sha1 "
	                   "d0e9163ca8844aaa2e88fe5265a8c5d9ee494a99 -";

	cr_assert_eq(parse(&t, line), 0);
	cr_assert_eq(t.params.hash_type, 0);
	cr_assert_eq(t.params.salt_size, 0);
	cr_assert_eq(t.params.root_digest_size, 20);
	cr_assert_eq(t.params.hash_start_block, 0);
	cr_assert_str_eq(format(&t), line);
}

/* Options in any order and case come back in veritysetup's fixed order. */
Test(table, options_fixed_order)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"3 CHECK_AT_MOST_ONCE Ignore_Zero_Blocks panic_on_corruption",
	     "3 panic_on_corruption ignore_zero_blocks check_at_most_once"},
	    {"1 ignore_corruption", "1 ignore_corruption"},
	    {"1 restart_on_corruption", "1 restart_on_corruption"},
	    {"2 restart_on_error restart_on_corruption",
	     "2 restart_on_corruption restart_on_error"},
	    {"2 panic_on_error panic_on_corruption", "2 panic_on_corruption panic_on_error"},
	    {"1 try_verify_in_tasklet", "1 try_verify_in_tasklet"},
	    {"2 root_hash_sig_key_desc mykey:1", "2 root_hash_sig_key_desc mykey:1"},
	    {"8 fec_roots 7 fec_blocks 2065 fec_start 2066 use_fec_from_device /dev/sdb",
	     "8 use_fec_from_device /dev/sdb fec_start 2066 fec_blocks 2065 fec_roots 7"},
	    /* The most a line can hold: 15 words. */
	    {"15 root_hash_sig_key_desc k use_fec_from_device /dev/sdc fec_roots 24 fec_blocks "
	     "3000 fec_start 0 try_verify_in_tasklet check_at_most_once ignore_zero_blocks "
	     "panic_on_error ignore_corruption",
	     "15 ignore_corruption panic_on_error ignore_zero_blocks check_at_most_once "
	     "try_verify_in_tasklet use_fec_from_device /dev/sdc fec_start 0 fec_blocks 3000 "
	     "fec_roots 24 root_hash_sig_key_desc k"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct verity_table t;
		char in[1024], out[1024];

		snprintf(in, sizeof(in), "%s %s", TABLE, cases[i].in);
		snprintf(out, sizeof(out), "%s %s", TABLE, cases[i].out);
		cr_assert_eq(parse(&t, in), 0, "%s", in);
		cr_assert_str_eq(format(&t), out);
	}
}

Test(table, option_fields)
{
	struct verity_table t;
	struct verity_device_options o = {0};

	cr_assert_eq(parse(&t, TABLE " 10 ignore_corruption restart_on_error use_fec_from_device "
	                             "/dev/f fec_start 5 fec_blocks 9999 fec_roots 3"),
	             0);
	cr_assert_eq(t.corruption_mode, VERITY_CORRUPTION_IGNORE);
	cr_assert_eq(t.io_error_mode, VERITY_IO_ERROR_RESTART);
	cr_assert(t.has_fec);
	cr_assert_str_eq(t.fec_device, "/dev/f");
	cr_assert_eq(t.fec_start, 5);
	cr_assert_eq(t.fec_blocks, 9999);
	cr_assert_eq(t.fec_roots, 3);
	/* FEC values without the device are read and ignored, as the kernel does. */
	cr_assert_eq(parse(&t, TABLE " 2 fec_roots 2"), 0);
	cr_assert(!t.has_fec);
	cr_assert_str_eq(format(&t), TABLE);

	cr_assert_eq(
	    parse(&t, TABLE " 3 check_at_most_once ignore_zero_blocks panic_on_corruption"), 0);
	o.flags = VERITY_DEVICE_THREAD_SAFE;
	cr_assert_eq(verity_table_device_options(&t, &o), 0);
	cr_assert_eq(o.flags, VERITY_DEVICE_THREAD_SAFE | VERITY_DEVICE_CHECK_AT_MOST_ONCE |
	                          VERITY_DEVICE_IGNORE_ZERO_BLOCKS);
	cr_assert_eq(o.corruption_mode, VERITY_CORRUPTION_PANIC);
	cr_assert_eq(verity_table_device_options(NULL, &o), VERITY_E_INVAL);
}

static char *long_word(size_t n)
{
	char *s = malloc(n + 1);

	memset(s, 'a', n);
	s[n] = '\0';
	return s;
}

Test(table, each_rule_its_error)
{
	char *name300 = long_word(300), *salt514 = long_word(514);
	char line[2048];
	static const struct {
		const char *line;
		int err;
	} cases[] = {
	    {"", VERITY_E_TABLE_SYNTAX},
	    {" \t\n", VERITY_E_TABLE_SYNTAX},
	    {"0 16384 verity 1 /dev/sda1\x01 /dev/sda2", VERITY_E_TABLE_SYNTAX},
	    {"0 16384 linear /dev/sda 0", VERITY_E_TABLE_BAD_TARGET},
	    {"0 16384", VERITY_E_TABLE_BAD_TARGET},
	    {"0 16384 VERITY " ARGS, VERITY_E_TABLE_BAD_TARGET},
	    {"0 0 verity " ARGS, VERITY_E_TABLE_BAD_SECTORS},
	    {"x 16384 verity " ARGS, VERITY_E_TABLE_BAD_SECTORS},
	    {"18446744073709551615 1 verity " ARGS, VERITY_E_TABLE_BAD_SECTORS},
	    {"0 16385 verity " ARGS, VERITY_E_TABLE_LENGTH_TOO_BIG},
	    {"1 /dev/sda1 /dev/sda2 4096 4096 2048 1 sha256 " ROOT, VERITY_E_TABLE_NOT_ENOUGH_ARGS},
	    {"0 16384 verity", VERITY_E_TABLE_NOT_ENOUGH_ARGS},
	    {"2 a b 4096 4096 2048 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_VERSION},
	    {"-1 a b 4096 4096 2048 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_VERSION},
	    {"1 a b 4095 4096 2048 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE},
	    {"1 a b 256 4096 2048 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE},
	    {"1 a b 1048576 4096 2048 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE},
	    {"1 a b 0x1000 4096 2048 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE},
	    {"1 a b 4096 0 2048 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_HASH_BLOCK_SIZE},
	    {"1 a b 4096 4096 20x8 1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_DATA_BLOCKS},
	    {"1 a b 4096 4096 18446744073709551616 1 sha256 " ROOT " -",
	     VERITY_E_TABLE_BAD_DATA_BLOCKS},
	    /* 2^61 blocks of 4 KiB: 2^64 sectors, one too many. */
	    {"1 a b 4096 4096 2305843009213693952 1 sha256 " ROOT " -",
	     VERITY_E_TABLE_BAD_DATA_BLOCKS},
	    {"1 a b 4096 4096 2048 2305843009213693952 sha256 " ROOT " -",
	     VERITY_E_TABLE_BAD_HASH_START},
	    {"1 a b 4096 4096 2048 +1 sha256 " ROOT " -", VERITY_E_TABLE_BAD_HASH_START},
	    {"1 a b 4096 4096 2048 1 md5 " ROOT " -", VERITY_E_TABLE_BAD_ALGORITHM},
	    {"1 a b 4096 4096 2048 1 SHA256 " ROOT " -", VERITY_E_TABLE_BAD_ALGORITHM},
	    {"1 a b 4096 4096 2048 1 sha256sha256sha256sha256sha256sha256 " ROOT " -",
	     VERITY_E_TABLE_BAD_ALGORITHM},
	    {"1 a b 4096 4096 2048 1 sha256 " ROOT "0 -", VERITY_E_TABLE_BAD_DIGEST},
	    {"1 a b 4096 4096 2048 1 sha256 e522df0f97da4febb882ac40f30b37dc0b444bf6df418929463fa25"
	     "280f09d5 -",
	     VERITY_E_TABLE_BAD_DIGEST},
	    {"1 a b 4096 4096 2048 1 sha256 g522df0f97da4febb882ac40f30b37dc0b444bf6df418929463fa25"
	     "280f09d5c -",
	     VERITY_E_TABLE_BAD_DIGEST},
	    {"1 a b 4096 4096 2048 1 sha1 " ROOT " -", VERITY_E_TABLE_BAD_DIGEST},
	    {"1 a b 4096 4096 2048 1 sha256 " ROOT " abc", VERITY_E_TABLE_BAD_SALT},
	    {"1 a b 4096 4096 2048 1 sha256 " ROOT " zz", VERITY_E_TABLE_BAD_SALT},
	    {"1 a b 4096 4096 2048 1 sha256 " ROOT " --", VERITY_E_TABLE_BAD_SALT},
	    {ARGS " 16 ignore_corruption", VERITY_E_TABLE_BAD_OPT_COUNT},
	    {ARGS " 2 ignore_corruption", VERITY_E_TABLE_BAD_OPT_COUNT},
	    {ARGS " x ignore_corruption", VERITY_E_TABLE_BAD_OPT_COUNT},
	    {ARGS " -1", VERITY_E_TABLE_BAD_OPT_COUNT},
	    {ARGS " extra", VERITY_E_TABLE_BAD_OPT_COUNT},
	    {ARGS " 1 verify_everything", VERITY_E_TABLE_UNKNOWN_OPTION},
	    {ARGS " 1 ignore-corruption", VERITY_E_TABLE_UNKNOWN_OPTION},
	    {ARGS " 2 ignore_corruption restart_on_corruption", VERITY_E_TABLE_CONFLICTING_MODES},
	    {ARGS " 2 panic_on_corruption panic_on_corruption", VERITY_E_TABLE_CONFLICTING_MODES},
	    {ARGS " 2 restart_on_error PANIC_ON_ERROR", VERITY_E_TABLE_CONFLICTING_MODES},
	    {ARGS " 1 fec_roots", VERITY_E_TABLE_FEC_NEEDS_VALUE},
	    {ARGS " 1 use_fec_from_device", VERITY_E_TABLE_FEC_NEEDS_VALUE},
	    {ARGS " 2 fec_start x", VERITY_E_TABLE_BAD_FEC_START},
	    {ARGS " 2 fec_start 2305843009213693952", VERITY_E_TABLE_BAD_FEC_START},
	    {ARGS " 2 fec_blocks 1e3", VERITY_E_TABLE_BAD_FEC_BLOCKS},
	    {ARGS " 2 fec_roots 1", VERITY_E_TABLE_BAD_FEC_ROOTS},
	    {ARGS " 2 fec_roots 25", VERITY_E_TABLE_BAD_FEC_ROOTS},
	    {ARGS " 2 fec_roots 258", VERITY_E_TABLE_BAD_FEC_ROOTS},
	    {ARGS " 4 use_fec_from_device /dev/f fec_blocks 3000",
	     VERITY_E_TABLE_FEC_MISSING_ROOTS},
	    {ARGS " 4 use_fec_from_device /dev/f fec_roots 2", VERITY_E_TABLE_FEC_MISSING_BLOCKS},
	    /* 2048 data blocks + 17 tree blocks must be covered. */
	    {ARGS " 6 use_fec_from_device /dev/f fec_roots 2 fec_blocks 2064",
	     VERITY_E_TABLE_BAD_FEC_BLOCKS},
	    {"1 a b 4096 1024 2048 1 sha256 " ROOT " - 6 use_fec_from_device f fec_roots 2 "
	     "fec_blocks 9000",
	     VERITY_E_TABLE_FEC_BLOCK_SIZES},
	    {ARGS " 1 root_hash_sig_key_desc", VERITY_E_TABLE_SIG_KEY_MISSING},
	    {ARGS " 4 root_hash_sig_key_desc a root_hash_sig_key_desc b",
	     VERITY_E_TABLE_SIG_KEY_REPEATED},
	    {ARGS " 1 ignore_corruption extra", VERITY_E_TABLE_TRAILING_WORDS},
	    /* check_at_most_once is limited to INT_MAX blocks. */
	    {"1 a b 512 4096 2147483648 1 sha256 " ROOT " - 1 check_at_most_once",
	     VERITY_E_AT_MOST_ONCE_TOO_LARGE},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct verity_table t;

		cr_assert_eq(parse(&t, cases[i].line), cases[i].err, "%s: got %d (%s), want %d",
		             cases[i].line, parse(&t, cases[i].line),
		             verity_strerror(parse(&t, cases[i].line)), cases[i].err);
		cr_assert_str_neq(verity_strerror(cases[i].err), "Unknown error");
	}

	{
		struct verity_table t;

		snprintf(line, sizeof(line), "1 %s b 4096 4096 2048 1 sha256 " ROOT " -", name300);
		cr_assert_eq(parse(&t, line), VERITY_E_TABLE_BAD_DATA_DEV);
		snprintf(line, sizeof(line), "1 a %s 4096 4096 2048 1 sha256 " ROOT " -", name300);
		cr_assert_eq(parse(&t, line), VERITY_E_TABLE_BAD_HASH_DEV);
		snprintf(line, sizeof(line),
		         ARGS " 8 use_fec_from_device %s fec_roots 2 fec_blocks "
		              "3000 fec_start 0",
		         name300);
		cr_assert_eq(parse(&t, line), VERITY_E_TABLE_BAD_FEC_DEV);
		snprintf(line, sizeof(line), ARGS " 2 root_hash_sig_key_desc %s", name300);
		cr_assert_eq(parse(&t, line), VERITY_E_TABLE_SIG_KEY_TOO_LONG);
		snprintf(line, sizeof(line), "1 a b 4096 4096 2048 1 sha256 " ROOT " %s", salt514);
		cr_assert_eq(parse(&t, line), VERITY_E_SALT_TOO_LONG);
		/* An embedded NUL. */
		cr_assert_eq(verity_table_parse(&t, "1 a\0b", 5), VERITY_E_TABLE_SYNTAX);
		cr_assert_eq(verity_table_parse(NULL, "x", 1), VERITY_E_INVAL);
		cr_assert_eq(verity_table_parse(&t, NULL, 1), VERITY_E_INVAL);
	}
	free(name300);
	free(salt514);
}

/* veritysetup's exact line for the §11 vector, and the kernel argument. */
Test(table, init_and_exact_format)
{
	struct verity_params p = {0};
	struct verity_table t;
	char buf[1024];
	size_t len = 0;
	static const uint8_t salt[32] = {0xe4, 0x8d, 0xa6, 0x09, 0x05, 0x52, 0x04, 0xe8,
	                                 0x9a, 0xe5, 0x3b, 0x65, 0x5c, 0xa2, 0x21, 0x6d,
	                                 0xd9, 0x83, 0xcf, 0x3c, 0xb8, 0x29, 0xf3, 0x4f,
	                                 0x63, 0xa2, 0x97, 0xd1, 0x06, 0xd5, 0x3e, 0x2d};

	p.hash_type = 1;
	strcpy(p.algorithm, "sha256");
	p.data_block_size = p.hash_block_size = 4096;
	p.data_blocks = 2048;
	p.hash_start_block = 1;
	p.salt_size = 32;
	memcpy(p.salt, salt, 32);
	p.root_digest_size = 32;
	for (int i = 0; i < 32; i++) {
		unsigned v;

		sscanf(ROOT + 2 * i, "%2x", &v);
		p.root_digest[i] = (uint8_t)v;
	}
	cr_assert_eq(verity_table_init(&t, &p, "/dev/sda1", "/dev/sda2"), 0);
	cr_assert_eq(verity_table_format(&t, buf, sizeof(buf), &len), 0);
	cr_assert_str_eq(buf, TABLE);
	cr_assert_eq(len, strlen(TABLE));

	cr_assert_eq(verity_table_format_dm_mod_create(&t, NULL, NULL, buf, sizeof(buf), &len), 0);
	cr_assert_str_eq(buf, "dm-mod.create=\"vroot,,,ro," TABLE "\"");
	cr_assert_eq(len, strlen(buf));
	t.check_at_most_once = true;
	cr_assert_eq(
	    verity_table_format_dm_mod_create(&t, "root", "1234-5678", buf, sizeof(buf), NULL), 0);
	cr_assert_str_eq(buf,
	                 "dm-mod.create=\"root,1234-5678,,ro," TABLE " 1 check_at_most_once\"");
	/* Without the target prefix the full length is used. */
	t.has_target = false;
	t.check_at_most_once = false;
	cr_assert_eq(verity_table_format_dm_mod_create(&t, NULL, "", buf, sizeof(buf), NULL), 0);
	cr_assert_str_eq(buf, "dm-mod.create=\"vroot,,,ro," TABLE "\"");

	/* Names that cannot be written. */
	cr_assert_eq(verity_table_init(&t, &p, "/dev/my disk", "/dev/sda2"),
	             VERITY_E_TABLE_UNREPRESENTABLE);
	cr_assert_eq(verity_table_init(&t, &p, "", "/dev/sda2"), VERITY_E_TABLE_UNREPRESENTABLE);
	cr_assert_eq(verity_table_init(&t, &p, "/dev/a,b", "/dev/sda2"), 0);
	cr_assert_eq(verity_table_format(&t, buf, sizeof(buf), NULL), 0);
	cr_assert_eq(verity_table_format_dm_mod_create(&t, NULL, NULL, buf, sizeof(buf), NULL),
	             VERITY_E_TABLE_UNREPRESENTABLE);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(verity_table_init(&t, &p, "a", "b"), 0);
	cr_assert_eq(verity_table_format_dm_mod_create(&t, "my;dev", NULL, buf, sizeof(buf), NULL),
	             VERITY_E_TABLE_UNREPRESENTABLE);
	p.root_digest_size = 20;
	cr_assert_eq(verity_table_init(&t, &p, "a", "b"), VERITY_E_BAD_ROOT_DIGEST);
}

Test(table, buffer_sizes)
{
	struct verity_table t;
	char buf[512];
	size_t need = strlen(TABLE) + 1;

	cr_assert_eq(parse(&t, TABLE), 0);
	for (size_t size = 1; size < need; size++) {
		memset(buf, 'x', sizeof(buf));
		cr_assert_eq(verity_table_format(&t, buf, size, NULL), VERITY_E_BUFFER_TOO_SMALL);
		cr_assert_eq(buf[0], '\0');
		cr_assert_eq(buf[size], 'x', "wrote past the buffer");
	}
	cr_assert_eq(verity_table_format(&t, buf, need, NULL), 0);
	cr_assert_str_eq(buf, TABLE);
	cr_assert_eq(verity_table_format(&t, buf, 0, NULL), VERITY_E_INVAL);
	cr_assert_eq(verity_table_format(NULL, buf, sizeof(buf), NULL), VERITY_E_INVAL);
	t.corruption_mode = 9;
	cr_assert_eq(verity_table_format(&t, buf, sizeof(buf), NULL), VERITY_E_INVAL);
}

/*
 * Random mutations of valid lines: never a crash, and whatever parses
 * formats to a line that parses to the same table and formats the same.
 */
Test(table, mutations_round_trip)
{
	static const char *const seeds[] = {
	    TABLE,
	    TABLE " 5 ignore_corruption panic_on_error ignore_zero_blocks check_at_most_once "
	          "try_verify_in_tasklet",
	    ARGS " 10 use_fec_from_device /dev/f fec_start 1 fec_blocks 3000 fec_roots 2 "
	         "root_hash_sig_key_desc key",
	};
	static const char alphabet[] = "0123456789abcdefABCDEF -_/xz\t";
	uint64_t rng = 0x2545f4914f6cdd1dull;
	unsigned accepted = 0;

	for (int round = 0; round < 20000; round++) {
		struct verity_table t1, t2;
		char line[512], out1[1024], out2[1024];
		size_t len;

		snprintf(line, sizeof(line), "%s", seeds[round % 3]);
		len = strlen(line);
		for (int m = 0; m < 1 + round % 3; m++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			line[rng % len] = alphabet[(rng >> 32) % (sizeof(alphabet) - 1)];
		}
		if (parse(&t1, line) != 0)
			continue;
		accepted++;
		cr_assert_eq(verity_table_format(&t1, out1, sizeof(out1), NULL), 0, "%s", line);
		cr_assert_eq(parse(&t2, out1), 0, "%s -> %s", line, out1);
		cr_assert_eq(memcmp(&t1, &t2, sizeof(t1)), 0, "%s -> %s", line, out1);
		cr_assert_eq(verity_table_format(&t2, out2, sizeof(out2), NULL), 0);
		cr_assert_str_eq(out1, out2);
	}
	cr_assert_gt(accepted, 100);
}
