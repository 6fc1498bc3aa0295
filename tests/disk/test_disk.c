/* SPDX-License-Identifier: MIT */
/*
 * disk/: CRC-32 known answers, strverscmp() against glibc's, GUID text, the
 * DPS table, the GPT reader against tables written here (every check with
 * its own code, backup fallback, sector size detection), and the strict
 * JSON reader of the signature partition.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk/crc32.h"
#include "libverity.h"

/* ---- CRC-32, strverscmp, GUIDs, DPS ---- */

Test(crc32, known_answers)
{
	cr_assert_eq(verity_crc32(0, "123456789", 9), 0xcbf43926u);
	cr_assert_eq(verity_crc32(0, "", 0), 0);
	cr_assert_eq(verity_crc32(verity_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

Test(strverscmp, same_order_as_glibc)
{
	static const char alphabet[] = "0012a.-";
	char a[8], b[8];

	srand(7);
	for (int n = 0; n < 200000; n++) {
		int la = rand() % 7, lb = rand() % 7;

		for (int i = 0; i < la; i++)
			a[i] = alphabet[rand() % 7];
		a[la] = '\0';
		for (int i = 0; i < lb; i++)
			b[i] = alphabet[rand() % 7];
		b[lb] = '\0';
		if (rand() % 2 && la <= lb)
			memcpy(b, a, (size_t)la);
		cr_assert_eq(sign(verity_strverscmp(a, b)), sign(strverscmp(a, b)), "%s vs %s", a,
		             b);
	}
	cr_assert_lt(verity_strverscmp("os_1.2", "os_1.10"), 0);
	cr_assert_lt(verity_strverscmp("000", "00"), 0);
	cr_assert_lt(verity_strverscmp("09", "0"), 0);
	cr_assert_eq(verity_strverscmp("x", "x"), 0);
}

Test(guid, text_round_trip_and_errors)
{
	uint8_t g[16];
	char text[37];

	cr_assert_eq(verity_guid_parse("4F68BCE3-e8cd-4db1-96e7-fbcaf984b709", g), 0);
	cr_assert_eq(g[0], 0x4f);
	cr_assert_eq(g[15], 0x09);
	verity_guid_format(g, text);
	cr_assert_str_eq(text, "4f68bce3-e8cd-4db1-96e7-fbcaf984b709");
	cr_assert_eq(verity_guid_parse("4f68bce3e8cd-4db1-96e7-fbcaf984b7090", g),
	             VERITY_E_BAD_HEX);
	cr_assert_eq(verity_guid_parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b70", g), VERITY_E_BAD_HEX);
	cr_assert_eq(verity_guid_parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b709x", g),
	             VERITY_E_BAD_HEX);
	cr_assert_eq(verity_guid_parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b70g", g),
	             VERITY_E_BAD_HEX);
}

Test(dps, every_architecture_has_six_distinct_types)
{
	static const char *const arches[] = {
	    "alpha",   "arc",       "arm",   "arm64",  "ia64",     "loongarch64",
	    "mips-le", "mips64-le", "ppc",   "ppc64",  "ppc64-le", "riscv32",
	    "riscv64", "s390",      "s390x", "tilegx", "x86",      "x86-64"};
	uint8_t all[18 * 6][16];

	for (unsigned a = 0; a < 18; a++)
		for (uint32_t r = VERITY_DPS_ROOT; r <= VERITY_DPS_USR_VERITY_SIG; r++) {
			uint8_t *t = all[a * 6 + r - 1];
			const char *arch;
			uint32_t role;

			cr_assert_eq(verity_dps_type(arches[a], r, t), 0);
			cr_assert_eq(verity_dps_lookup(t, &role, &arch), 0);
			cr_assert_eq(role, r);
			cr_assert_str_eq(arch, arches[a]);
		}
	for (unsigned i = 0; i < 18 * 6; i++)
		for (unsigned j = 0; j < i; j++)
			cr_assert_neq(memcmp(all[i], all[j], 16), 0);
	cr_assert_eq(verity_dps_type("vax", VERITY_DPS_ROOT, all[0]), VERITY_E_DDI_BAD_ARCH);
	cr_assert_eq(verity_dps_type("x86-64", VERITY_DPS_ESP, all[0]), VERITY_E_INVAL);
	cr_assert_not_null(verity_dps_native_arch());
}

Test(dps, known_values)
{
	uint8_t t[16];
	const char *arch;
	uint32_t role;

	verity_guid_parse("6e11a4e7-fbca-4ded-b9e9-e1a512bb664e", t);
	verity_dps_lookup(t, &role, &arch);
	cr_assert_eq(role, VERITY_DPS_USR_VERITY);
	cr_assert_str_eq(arch, "arm64");
	verity_guid_parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93b", t);
	verity_dps_lookup(t, &role, &arch);
	cr_assert_eq(role, VERITY_DPS_ESP);
	cr_assert_null(arch);
	verity_guid_parse("0fc63daf-8483-4772-8e79-3d69d8477de4", t);
	verity_dps_lookup(t, &role, &arch);
	cr_assert_eq(role, VERITY_DPS_OTHER);
	cr_assert_str_eq(verity_dps_role_name(VERITY_DPS_ROOT_VERITY_SIG), "root-verity-sig");
}

/* ---- a small GPT writer ---- */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

struct part {
	uint64_t first, last, attrs;
	uint8_t uuid_byte;   /* the UUID is 16 of these, unless @uuid */
	const uint8_t *uuid; /* text order, or NULL */
	const char *type;    /* GUID text, or NULL for root-x86-64 */
};

/* GPT on-disk GUID from a text-order GUID. */
static void guid_to_disk(uint8_t *out, const uint8_t *g)
{
	static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

	for (int i = 0; i < 16; i++)
		out[order[i]] = g[i];
}

static uint64_t header_at(uint32_t ss, size_t size, bool backup)
{
	return backup ? size - ss : ss;
}

static void fix_header_crc(uint8_t *img, uint32_t ss, size_t size, bool backup)
{
	uint8_t *h = img + header_at(ss, size, backup);

	put32(h + 16, 0);
	put32(h + 16, verity_crc32(0, h, 92));
}

/* Entries array of @count entries; header fields then CRCs. */
static void write_gpt(uint8_t *img, size_t size, uint32_t ss, uint32_t count,
                      const struct part *parts, unsigned nparts)
{
	uint64_t sectors = size / ss, entry_sectors = (count * 128 + ss - 1) / ss;
	uint8_t root[16];

	verity_guid_parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b709", root);
	img[446 + 4] = 0xee;
	img[510] = 0x55;
	img[511] = 0xaa;
	for (int b = 0; b < 2; b++) {
		uint64_t hdr = b ? sectors - 1 : 1;
		uint64_t entries = b ? sectors - 1 - entry_sectors : 2;
		uint8_t *h = img + hdr * ss, *e = img + entries * ss;

		memset(e, 0, count * 128);
		for (unsigned i = 0; i < nparts; i++) {
			uint8_t uuid[16];

			memset(uuid, parts[i].uuid_byte, 16);
			if (parts[i].uuid)
				memcpy(uuid, parts[i].uuid, 16);
			if (parts[i].type)
				verity_guid_parse(parts[i].type, root);
			guid_to_disk(e + i * 128, root);
			guid_to_disk(e + i * 128 + 16, uuid);
			put64(e + i * 128 + 32, parts[i].first);
			put64(e + i * 128 + 40, parts[i].last);
			put64(e + i * 128 + 48, parts[i].attrs);
			e[i * 128 + 56] = 'p';
		}
		memset(h, 0, ss);
		memcpy(h, "EFI PART", 8);
		put32(h + 8, 0x10000);
		put32(h + 12, 92);
		put64(h + 24, hdr);
		put64(h + 32, b ? 1 : sectors - 1);
		put64(h + 40, 2 + entry_sectors);
		put64(h + 48, sectors - 2 - entry_sectors);
		memset(h + 56, 0x5a, 16);
		put64(h + 72, entries);
		put32(h + 80, count);
		put32(h + 84, 128);
		put32(h + 88, verity_crc32(0, e, count * 128));
		fix_header_crc(img, ss, size, b);
	}
}

#define DISK_SIZE (1u << 20)

static uint8_t *new_disk(uint32_t ss)
{
	static const struct part parts[] = {{64, 99, 0, 1, NULL, NULL},
	                                    {100, 199, 0, 2, NULL, NULL}};
	uint8_t *img = calloc(1, DISK_SIZE);

	cr_assert_not_null(img);
	write_gpt(img, DISK_SIZE, ss, 128, parts, 2);
	return img;
}

static int read_gpt(uint8_t *img, size_t size, uint32_t ss, struct verity_gpt *gpt)
{
	struct verity_memory_bdev ctx;
	struct verity_bdev bdev;

	cr_assert_eq(verity_bdev_from_memory(&bdev, &ctx, img, size), 0);
	return verity_gpt_read(gpt, &bdev, ss, NULL);
}

Test(gpt, reads_a_table_at_both_sector_sizes)
{
	for (uint32_t ss = 512; ss <= 4096; ss *= 8) {
		uint8_t *img = new_disk(ss);
		struct verity_gpt gpt;

		cr_assert_eq(read_gpt(img, DISK_SIZE, 0, &gpt), 0);
		cr_assert_eq(gpt.sector_size, ss);
		cr_assert_eq(gpt.count, 2);
		cr_assert_not(gpt.used_backup);
		cr_assert_eq(gpt.parts[1].index, 2);
		cr_assert_eq(gpt.parts[1].offset, 100ull * ss);
		cr_assert_eq(gpt.parts[1].size, 100ull * ss);
		cr_assert_eq(gpt.parts[0].type[0], 0x4f);
		cr_assert_str_eq(gpt.parts[0].label, "p");
		verity_gpt_free(&gpt);
		/* Named sector size: the other one finds nothing. */
		cr_assert_eq(read_gpt(img, DISK_SIZE, ss == 512 ? 4096 : 512, &gpt),
		             VERITY_E_GPT_NOT_FOUND);
		free(img);
	}
}

/* Change a primary header field, fix its CRC; the backup is damaged the same way. */
static void set_field(uint8_t *img, uint32_t ss, unsigned off, unsigned width, uint64_t v)
{
	for (int b = 0; b < 2; b++) {
		uint8_t *h = img + header_at(ss, DISK_SIZE, b);

		if (width == 4)
			put32(h + off, (uint32_t)v);
		else
			put64(h + off, v);
		fix_header_crc(img, ss, DISK_SIZE, b);
	}
}

/* What reading the table of @img (512-byte sectors) returns. */
static int gpt_error(uint8_t *img)
{
	struct verity_gpt gpt;
	int ret = read_gpt(img, DISK_SIZE, 512, &gpt);

	if (ret == 0)
		verity_gpt_free(&gpt);
	return ret;
}

Test(gpt, every_header_check_has_its_code)
{
	static const struct {
		unsigned off, width;
		uint64_t value;
		int err;
	} cases[] = {
	    {8, 4, 0x20000, VERITY_E_GPT_BAD_REVISION},
	    {12, 4, 91, VERITY_E_GPT_BAD_HEADER_SIZE},
	    {12, 4, 513, VERITY_E_GPT_BAD_HEADER_SIZE},
	    {20, 4, 1, VERITY_E_GPT_RESERVED_NONZERO},
	    {24, 8, 5, VERITY_E_GPT_BAD_MY_LBA},
	    {40, 8, 1, VERITY_E_GPT_BAD_USABLE_RANGE},
	    {48, 8, DISK_SIZE / 512 - 1, VERITY_E_GPT_BAD_USABLE_RANGE},
	    {84, 4, 100, VERITY_E_GPT_BAD_ENTRY_SIZE},
	    {84, 4, 2048, VERITY_E_GPT_BAD_ENTRY_SIZE},
	    {80, 4, 0, VERITY_E_GPT_TOO_MANY_ENTRIES},
	    {80, 4, 1025, VERITY_E_GPT_TOO_MANY_ENTRIES},
	    {72, 8, 50, VERITY_E_GPT_BAD_ENTRIES_LBA},
	    {72, 8, UINT64_MAX - 3, VERITY_E_GPT_BAD_ENTRIES_LBA},
	    {88, 4, 0x1234, VERITY_E_GPT_BAD_ENTRIES_CRC},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *img = new_disk(512);

		set_field(img, 512, cases[i].off, cases[i].width, cases[i].value);
		cr_assert_eq(gpt_error(img), cases[i].err, "case %u", i);
		free(img);
	}
}

Test(gpt, protective_mbr_and_crc)
{
	uint8_t *img = new_disk(512);

	img[511] = 0;
	cr_assert_eq(gpt_error(img), VERITY_E_GPT_NO_PROTECTIVE_MBR);
	img[511] = 0xaa;
	img[446 + 4] = 0x83;
	cr_assert_eq(gpt_error(img), VERITY_E_GPT_NO_PROTECTIVE_MBR);
	img[446 + 4] = 0xee;
	img[512 + 60] ^= 1;
	img[DISK_SIZE - 512 + 60] ^= 1;
	cr_assert_eq(gpt_error(img), VERITY_E_GPT_BAD_HEADER_CRC);
	free(img);
}

Test(gpt, backup_used_when_the_primary_is_damaged)
{
	uint8_t *img = new_disk(4096);
	struct verity_gpt gpt;

	img[4096 + 60] ^= 1;
	cr_assert_eq(read_gpt(img, DISK_SIZE, 0, &gpt), 0);
	cr_assert(gpt.used_backup);
	cr_assert_eq(gpt.primary_error, VERITY_E_GPT_BAD_HEADER_CRC);
	cr_assert_eq(gpt.count, 2);
	verity_gpt_free(&gpt);
	/* Damaged entries: also the backup's. */
	img[4096 + 60] ^= 1;
	img[2 * 4096 + 5] ^= 1;
	cr_assert_eq(read_gpt(img, DISK_SIZE, 0, &gpt), 0);
	cr_assert_eq(gpt.primary_error, VERITY_E_GPT_BAD_ENTRIES_CRC);
	verity_gpt_free(&gpt);
	free(img);
}

Test(gpt, partition_ranges)
{
	static const struct {
		struct part parts[2];
		int err;
	} cases[] = {
	    {{{64, 99, 0, 1, NULL, NULL}, {100, 2048, 0, 2, NULL, NULL}},
	     VERITY_E_GPT_PARTITION_PAST_END},
	    {{{64, 99, 0, 1, NULL, NULL}, {100, 2046, 0, 2, NULL, NULL}},
	     VERITY_E_GPT_PARTITION_OUTSIDE},
	    {{{64, 99, 0, 1, NULL, NULL}, {30, 40, 0, 2, NULL, NULL}},
	     VERITY_E_GPT_PARTITION_OUTSIDE},
	    {{{64, 99, 0, 1, NULL, NULL}, {90, 80, 0, 2, NULL, NULL}},
	     VERITY_E_GPT_PARTITION_OUTSIDE},
	    {{{64, 99, 0, 1, NULL, NULL}, {99, 120, 0, 2, NULL, NULL}}, VERITY_E_GPT_OVERLAP},
	    {{{64, 99, 0, 1, NULL, NULL}, {100, 120, 0, 1, NULL, NULL}},
	     VERITY_E_GPT_DUPLICATE_UUID},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *img = calloc(1, DISK_SIZE);

		write_gpt(img, DISK_SIZE, 512, 128, cases[i].parts, 2);
		cr_assert_eq(gpt_error(img), cases[i].err, "case %u", i);
		free(img);
	}
}

Test(gpt, both_sector_sizes_valid_is_ambiguous)
{
	uint8_t *img = calloc(1, DISK_SIZE), *t4k = calloc(1, DISK_SIZE);
	struct verity_gpt gpt;

	/* 4 entries: the 512-byte table keeps clear of the 4096-byte one. */
	write_gpt(t4k, DISK_SIZE, 4096, 4, NULL, 0);
	write_gpt(img, DISK_SIZE, 512, 4, NULL, 0);
	memcpy(img + 4096, t4k + 4096, 2 * 4096);
	memcpy(img + DISK_SIZE - 2 * 4096, t4k + DISK_SIZE - 2 * 4096, 4096 + 92);
	cr_assert_eq(read_gpt(img, DISK_SIZE, 0, &gpt), VERITY_E_GPT_AMBIGUOUS_SECTOR);
	cr_assert_eq(read_gpt(img, DISK_SIZE, 512, &gpt), 0);
	verity_gpt_free(&gpt);
	cr_assert_eq(read_gpt(img, DISK_SIZE, 4096, &gpt), 0);
	verity_gpt_free(&gpt);
	cr_assert_eq(read_gpt(img, DISK_SIZE, 1024, &gpt), VERITY_E_GPT_BAD_SECTOR_SIZE);
	cr_assert_eq(read_gpt(img, 1000, 0, &gpt), VERITY_E_GPT_DISK_TOO_SMALL);
	free(img);
	free(t4k);
}

/* ---- the signature JSON ---- */

#define ROOT "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int parse(const char *text, size_t pad, struct verity_ddi_sig *sig)
{
	size_t len = strlen(text);
	uint8_t *buf = calloc(1, len + pad + 1);
	int ret;

	memcpy(buf, text, len);
	ret = verity_ddi_sig_parse(sig, buf, len + pad, NULL);
	free(buf);
	return ret;
}

/* What parsing @text (with padding after it) returns. */
static int json_error(const char *text)
{
	struct verity_ddi_sig sig;
	int ret = parse(text, 100, &sig);

	verity_ddi_sig_free(&sig);
	return ret;
}

Test(json, accepts_what_the_spec_allows)
{
	struct verity_ddi_sig sig;

	cr_assert_eq(parse(" {\"rootHash\":\"" ROOT "\",\"signature\":\"QUJD\"}\n", 4000, &sig), 0);
	cr_assert_str_eq(sig.root_hex, ROOT);
	cr_assert_eq(sig.root_digest_size, 32);
	cr_assert_eq(sig.root_digest[1], 0x23);
	cr_assert_eq(sig.signature_size, 3);
	cr_assert_eq(memcmp(sig.signature, "ABC", 3), 0);
	cr_assert_not(sig.has_fingerprint);
	verity_ddi_sig_free(&sig);
	/* Escapes in keys and values, unknown keys of every kind, a fingerprint. */
	cr_assert_eq(parse("{\"future\":[1,-0.5e+3,true,false,null,{\"a\":{\"b\":[]}},"
	                   "\"\\u00e9\\ud83d\\ude00\"],"
	                   "\"\\u0072ootHash\":\"" ROOT "\",\"signature\":\"QQ==\","
	                   "\"certificateFingerprint\":\"" ROOT "\",\"x\":\"\xc3\xa9\"}",
	                   0, &sig),
	             0);
	cr_assert_eq(sig.signature_size, 1);
	cr_assert(sig.has_fingerprint);
	cr_assert_eq(sig.fingerprint[31], 0xef);
	verity_ddi_sig_free(&sig);
}

Test(json, refuses_everything_else)
{
	static const struct {
		const char *text;
		int err;
	} cases[] = {
	    {"", VERITY_E_JSON_SYNTAX},
	    {"[]", VERITY_E_JSON_SYNTAX},
	    {"{}", VERITY_E_JSON_MISSING_KEY},
	    {"{\"rootHash\":\"" ROOT "\"}", VERITY_E_JSON_MISSING_KEY},
	    {"{\"signature\":\"QUJD\"}", VERITY_E_JSON_MISSING_KEY},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"QUJD\",\"rootHash\":\"00\"}",
	     VERITY_E_JSON_DUPLICATE_KEY},
	    {"{\"a\":1,\"\\u0061\":2}", VERITY_E_JSON_DUPLICATE_KEY},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"QUJD\",}", VERITY_E_JSON_SYNTAX},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"QUJD\"} x", VERITY_E_JSON_BAD_PADDING},
	    {"{\"rootHash\":\"ABCD\",\"signature\":\"QUJD\"}", VERITY_E_JSON_BAD_ROOT_HASH},
	    {"{\"rootHash\":\"abc\",\"signature\":\"QUJD\"}", VERITY_E_JSON_BAD_ROOT_HASH},
	    {"{\"rootHash\":\"\",\"signature\":\"QUJD\"}", VERITY_E_JSON_BAD_ROOT_HASH},
	    {"{\"rootHash\":\"" ROOT ROOT "00\",\"signature\":\"QUJD\"}",
	     VERITY_E_JSON_BAD_ROOT_HASH},
	    {"{\"rootHash\":12,\"signature\":\"QUJD\"}", VERITY_E_JSON_WRONG_TYPE},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"QR==\"}", VERITY_E_JSON_BAD_BASE64},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"QUJ\"}", VERITY_E_JSON_BAD_BASE64},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"Q=JD\"}", VERITY_E_JSON_BAD_BASE64},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"\"}", VERITY_E_JSON_BAD_BASE64},
	    {"{\"rootHash\":\"" ROOT "\",\"signature\":\"QUJD\",\"certificateFingerprint\":\"ab\"}",
	     VERITY_E_JSON_BAD_FINGERPRINT},
	    {"{\"a\":\"\x01\"}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":\"\xc0\xaf\"}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":\"\xed\xa0\x80\"}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":\"\\ud800\"}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":\"\\udc00\"}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":\"\\x\"}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":01}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":1.}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":tru}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\":1 \"b\":2}", VERITY_E_JSON_SYNTAX},
	    {"{\"a\"", VERITY_E_JSON_SYNTAX},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = json_error(cases[i].text);

		cr_assert_eq(ret, cases[i].err, "%s: got %d (%s) want %d", cases[i].text, ret,
		             verity_strerror(ret), cases[i].err);
	}
}

Test(json, limits)
{
	char deep[200], many[2000];
	struct verity_ddi_sig sig;
	size_t n = 0;
	uint8_t *big;

	n += (size_t)sprintf(deep, "{\"a\":");
	for (int i = 0; i < VERITY_JSON_MAX_DEPTH; i++)
		deep[n++] = '[';
	for (int i = 0; i < VERITY_JSON_MAX_DEPTH; i++)
		deep[n++] = ']';
	strcpy(deep + n, "}");
	cr_assert_eq(json_error(deep), VERITY_E_JSON_TOO_DEEP);
	n = (size_t)sprintf(many, "{");
	for (int i = 0; i < 65; i++)
		n += (size_t)sprintf(many + n, "\"k%d\":0,", i);
	strcpy(many + n - 1, "}");
	cr_assert_eq(json_error(many), VERITY_E_JSON_TOO_LARGE);
	big = calloc(1, VERITY_DDI_SIG_MAX_SIZE + 1);
	cr_assert_eq(verity_ddi_sig_parse(&sig, big, VERITY_DDI_SIG_MAX_SIZE + 1, NULL),
	             VERITY_E_JSON_TOO_LARGE);
	free(big);
}

/* ---- a whole image in memory: dissect, select, open, read ---- */

static int mem_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	memcpy((uint8_t *)user_data + offset, buf, len);
	return 0;
}

static long live;

static void *count_alloc(void *user_data, size_t size)
{
	(void)user_data;
	live++;
	return malloc(size);
}

static void count_free(void *user_data, void *ptr)
{
	(void)user_data;
	live--;
	free(ptr);
}

#define DATA_LBA  64
#define DATA_SIZE (64 * 4096)
#define HASH_LBA  (DATA_LBA + DATA_SIZE / 512)
#define HASH_SIZE (4 * 4096)

/* A root pair with @root filled in; data and hash inside @img. */
static void make_ddi(uint8_t *img, uint8_t root[32])
{
	struct verity_params params;
	struct verity_memory_bdev ctx;
	struct verity_bdev data;
	struct verity_writer w = {img + HASH_LBA * 512, mem_write};
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];
	struct part parts[2];

	for (size_t i = 0; i < DATA_SIZE; i++)
		img[DATA_LBA * 512 + i] = (uint8_t)(i * 7 + i / 4096);
	memset(&params, 0, sizeof(params));
	params.hash_type = 1;
	strcpy(params.algorithm, "sha256");
	params.data_block_size = params.hash_block_size = 4096;
	params.data_blocks = DATA_SIZE / 4096;
	params.hash_start_block = 1;
	params.salt_size = 4;
	memcpy(params.salt, "salt", 4);
	cr_assert_eq(verity_bdev_from_memory(&data, &ctx, img + DATA_LBA * 512, DATA_SIZE), 0);
	cr_assert_eq(verity_format(&params, &data, &w, NULL), 0);
	cr_assert_eq(verity_superblock_write(sb, &params, NULL), 0);
	memcpy(img + HASH_LBA * 512, sb, sizeof(sb));
	memcpy(root, params.root_digest, 32);
	memset(parts, 0, sizeof(parts));
	parts[0] = (struct part){DATA_LBA, HASH_LBA - 1, 0, 0, root, NULL};
	parts[1] = (struct part){HASH_LBA,  HASH_LBA + HASH_SIZE / 512 - 1,        0, 0,
	                         root + 16, "2c7357ed-ebd2-46d9-aec1-23d437ec2bf5"};
	write_gpt(img, DISK_SIZE, 512, 128, parts, 2);
}

Test(ddi, dissect_select_open_read_with_a_given_root)
{
	struct verity_allocator hooks = {NULL, count_alloc, count_free};
	uint8_t *img = calloc(1, DISK_SIZE), root[32], buf[100];
	struct verity_ddi_options o;
	struct verity_memory_bdev ctx;
	struct verity_bdev disk;
	struct verity_ddi ddi;
	struct verity_ddi_bdevs b;
	struct verity_device *dev;
	uint32_t index;

	make_ddi(img, root);
	cr_assert_eq(verity_bdev_from_memory(&disk, &ctx, img, DISK_SIZE), 0);
	memset(&o, 0, sizeof(o));
	o.arch = "x86-64";
	o.allocator = &hooks;
	live = 0;

	/* No signature partition and no root given: found, not trusted. */
	cr_assert_eq(verity_ddi_dissect(&ddi, &disk, &o), 0);
	cr_assert_eq(ddi.pair_count, 1);
	cr_assert_eq(ddi.pairs[0].status, VERITY_E_DDI_NOT_SIGNED);
	cr_assert_eq(memcmp(ddi.pairs[0].root_digest, root, 32), 0);
	cr_assert_eq(verity_ddi_select(&ddi, VERITY_DPS_ROOT, NULL, &index),
	             VERITY_E_DDI_NOT_SIGNED);
	cr_assert_eq(verity_ddi_select(&ddi, VERITY_DPS_USR, NULL, &index),
	             VERITY_E_DDI_NO_PARTITION);
	verity_ddi_free(&ddi);
	cr_assert_eq(live, 0);

	/* The root given: consistent, opens, reads the data. */
	o.root_digest = root;
	o.root_digest_size = 32;
	cr_assert_eq(verity_ddi_dissect(&ddi, &disk, &o), 0);
	cr_assert_eq(ddi.pair_count, 1);
	cr_assert_eq(ddi.pairs[0].status, 0, "%s", verity_strerror(ddi.pairs[0].status));
	cr_assert_eq(ddi.pairs[0].data, 0);
	cr_assert_eq(ddi.pairs[0].hash, 1);
	cr_assert_eq(ddi.pairs[0].params.data_blocks, DATA_SIZE / 4096);
	cr_assert_eq(verity_ddi_select(&ddi, VERITY_DPS_ROOT, NULL, &index), 0);
	cr_assert_eq(verity_ddi_select(&ddi, VERITY_DPS_ROOT, "other", &index),
	             VERITY_E_DDI_NO_PARTITION);
	cr_assert_eq(verity_ddi_open(&dev, &disk, &ddi, index, &b, NULL), 0);
	cr_assert_eq(verity_device_read(dev, 5 * 4096 + 10, sizeof(buf), buf), 0);
	cr_assert_eq(memcmp(buf, img + DATA_LBA * 512 + 5 * 4096 + 10, sizeof(buf)), 0);
	verity_device_close(dev);
	verity_ddi_free(&ddi);
	cr_assert_eq(live, 0);

	/* Another architecture: foreign, so no pair; a wrong root: no pair for it. */
	o.arch = "arm64";
	cr_assert_eq(verity_ddi_dissect(&ddi, &disk, &o), 0);
	cr_assert_eq(ddi.ignored[0], VERITY_DDI_IGNORED_FOREIGN);
	cr_assert_eq(ddi.pairs[0].status, VERITY_E_DDI_PAIR_MISMATCH);
	verity_ddi_free(&ddi);
	o.arch = "vax";
	cr_assert_eq(verity_ddi_dissect(&ddi, &disk, &o), VERITY_E_DDI_BAD_ARCH);
	o.arch = "x86-64";

	/* The top hash block changed: the dissect check finds it. */
	img[HASH_LBA * 512 + 4096 + 3] ^= 1;
	cr_assert_eq(verity_ddi_dissect(&ddi, &disk, &o), 0);
	cr_assert_eq(ddi.pairs[0].status, VERITY_E_CORRUPT_HASH, "%d", ddi.pairs[0].status);
	verity_ddi_free(&ddi);
	cr_assert_eq(live, 0);
	free(img);
}
