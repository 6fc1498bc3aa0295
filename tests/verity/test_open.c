/* SPDX-License-Identifier: MIT */
/*
 * verity_open() and verity_open_resolve(): the parameter rules (superblock,
 * data_blocks 0, overlap on one device), root hash forms, the signature
 * requirement, budget errors that name the minimum, and the hex parser.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"

#define DBS     4096u
#define BLOCKS  40u
#define SB_OFF  (BLOCKS * DBS) /* superblock right after the data, one device */
#define IMG_MAX (BLOCKS * DBS + 64 * 4096)

static uint8_t img[IMG_MAX];
static size_t img_len;
static char root_hex[2 * VERITY_MAX_DIGEST_SIZE + 1];

static int mem_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	(void)user_data;
	cr_assert_leq(offset + len, sizeof(img));
	memcpy(img + offset, buf, len);
	if (offset + len > img_len)
		img_len = (size_t)(offset + len);
	return 0;
}

/* One device: data blocks, then a superblock and the tree (data_blocks stored as 0). */
static void build(void)
{
	struct verity_params p = {0};
	struct verity_memory_bdev mctx;
	struct verity_bdev data;
	struct verity_writer w = {NULL, mem_write};
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];

	for (size_t i = 0; i < BLOCKS * DBS; i++)
		img[i] = (uint8_t)(i * 7 + i / 4096);
	img_len = BLOCKS * DBS;
	p.hash_type = 1;
	strcpy(p.algorithm, "sha256");
	p.data_block_size = p.hash_block_size = DBS;
	p.data_blocks = BLOCKS;
	p.salt_size = 4;
	memcpy(p.salt, "salt", 4);
	cr_assert_eq(verity_hash_start_block(SB_OFF, DBS, true, &p.hash_start_block), 0);
	verity_bdev_from_memory(&data, &mctx, img, BLOCKS * DBS);
	cr_assert_eq(verity_format(&p, &data, &w, NULL), 0);
	p.data_blocks = 0; /* veritysetup: the whole data device */
	cr_assert_eq(verity_superblock_write(sb, &p, NULL), 0);
	memcpy(img + SB_OFF, sb, sizeof(sb));
	cr_assert_eq(verity_root_hex(p.root_digest, p.root_digest_size, root_hex, sizeof(root_hex)),
	             0);
}

static struct verity_memory_bdev data_ctx, hash_ctx;
static struct verity_bdev data_dev, hash_dev;

/* Data device: the data area only; hash device: the whole image. */
static struct verity_open_params two_devices(void)
{
	struct verity_open_params p = {0};

	build();
	verity_bdev_from_memory(&data_dev, &data_ctx, img, BLOCKS * DBS);
	verity_bdev_from_memory(&hash_dev, &hash_ctx, img, img_len);
	p.data = &data_dev;
	p.hash = &hash_dev;
	p.hash_offset = SB_OFF;
	p.root_hex = root_hex;
	return p;
}

Test(open, superblock_and_whole_data_device)
{
	struct verity_open_params p = two_devices();
	struct verity_open_info info;
	struct verity_device *dev;
	uint8_t buf[5000];

	cr_assert_eq(verity_open(&p, &dev, &info), 0);
	cr_assert(info.superblock);
	cr_assert_eq(info.params.data_blocks, BLOCKS, "data_blocks 0 = whole data device");
	cr_assert_eq(verity_device_data_size(dev), (uint64_t)BLOCKS * DBS);
	cr_assert_eq(verity_device_read(dev, 4000, sizeof(buf), buf), 0);
	cr_assert_eq(memcmp(buf, img + 4000, sizeof(buf)), 0);
	verity_device_close(dev);
}

Test(open, root_forms)
{
	struct verity_open_params p = two_devices();
	struct verity_open_info info;
	struct verity_device *dev;
	uint8_t digest[32];
	char upper[65];

	for (size_t i = 0; i < 64; i++)
		upper[i] = (char)(root_hex[i] >= 'a' ? root_hex[i] - 32 : root_hex[i]);
	upper[64] = '\0';
	p.root_hex = upper;
	cr_assert_eq(verity_open(&p, &dev, NULL), 0, "upper-case hex is a root hash");
	verity_device_close(dev);

	cr_assert_eq(verity_hex_to_digest(root_hex, 64, digest, sizeof(digest), NULL), 0);
	p.root_hex = NULL;
	p.root_digest = digest;
	p.root_digest_size = sizeof(digest);
	cr_assert_eq(verity_open(&p, &dev, NULL), 0);
	verity_device_close(dev);

	p.root_digest_size = 31;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_BAD_ROOT_DIGEST);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_ROOT);
	cr_assert_null(dev);
	p.root_hex = root_hex;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_INVAL, "both root forms");
	p.root_digest = NULL;
	p.root_hex = "12zz";
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_BAD_HEX);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_ROOT);
	p.root_hex = NULL;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_INVAL, "no root");
}

Test(open, wrong_root_never_reads)
{
	struct verity_open_params p = two_devices();
	struct verity_device *dev;
	uint8_t buf[16];

	root_hex[0] = root_hex[0] == '0' ? '1' : '0';
	cr_assert_eq(verity_open(&p, &dev, NULL), 0);
	cr_assert_eq(verity_device_read(dev, 0, sizeof(buf), buf), VERITY_E_CORRUPT_HASH);
	verity_device_close(dev);
}

Test(open, one_device_and_overlap)
{
	struct verity_open_params p = two_devices();
	struct verity_open_info info;
	struct verity_params tree;
	struct verity_device *dev;

	/* One device, the data area is the whole device: it reaches the superblock. */
	p.hash = NULL;
	p.data = &hash_dev;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_AREA_OVERLAP);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_PARAMS);

	/* Explicit parameters without a superblock: data_blocks given, tree after it. */
	tree = info.params;
	memset(&tree, 0, sizeof(tree));
	tree.hash_type = 1;
	strcpy(tree.algorithm, "sha256");
	tree.data_block_size = tree.hash_block_size = DBS;
	tree.data_blocks = BLOCKS;
	tree.salt_size = 4;
	memcpy(tree.salt, "salt", 4);
	p.flags = VERITY_OPEN_NO_SUPERBLOCK;
	p.tree = &tree;
	p.hash_offset = SB_OFF + DBS; /* the tree, past the superblock */
	cr_assert_eq(verity_open(&p, &dev, &info), 0);
	cr_assert_not(info.superblock);
	cr_assert_eq(info.params.hash_start_block, BLOCKS + 1);
	verity_device_close(dev);

	tree.data_blocks = BLOCKS + 2;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_AREA_OVERLAP);
	p.tree = NULL;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_INVAL, "flag without tree");
}

Test(open, superblock_errors)
{
	struct verity_open_params p = two_devices();
	struct verity_open_info info;
	struct verity_device *dev;

	p.hash_offset = SB_OFF + 100;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_BAD_HASH_OFFSET);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_SUPERBLOCK);
	p.hash_offset = 0;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_SB_BAD_MAGIC);
	p.hash_offset = (uint64_t)img_len;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_HASH_DEVICE_TOO_SMALL);
	p.hash_offset = SB_OFF;
	p.reserved[3] = 1;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_INVAL);
}

Test(open, keyring_requires_signature)
{
	struct verity_open_params p = two_devices();
	struct verity_open_info info;
	struct verity_keyring *kr;
	struct verity_device *dev;
	static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};

	cr_assert_eq(verity_keyring_new(&kr), 0);
	p.keyring = kr;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_SIG_MISSING);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_SIGNATURE);
	p.signature = junk;
	p.signature_size = sizeof(junk);
	cr_assert_lt(verity_open(&p, &dev, &info), -399);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_SIGNATURE);
	cr_assert_null(dev);
	p.keyring = NULL;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_INVAL, "signature without keys");
	verity_keyring_free(kr);
}

Test(open, budget_error_names_the_minimum)
{
	struct verity_open_params p = two_devices();
	struct verity_device_options o = {0};
	struct verity_open_info info;
	struct verity_device *dev;
	uint8_t buf[DBS];

	o.memory_budget = 1000;
	p.device_options = &o;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_BUDGET_TOO_SMALL);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_DEVICE);
	cr_assert_gt(info.min_memory_budget, 1000);
	o.memory_budget = info.min_memory_budget - 1;
	cr_assert_eq(verity_open(&p, &dev, &info), VERITY_E_BUDGET_TOO_SMALL);
	o.memory_budget = info.min_memory_budget;
	cr_assert_eq(verity_open(&p, &dev, &info), 0);
	cr_assert_eq(verity_device_read(dev, 3 * DBS, DBS, buf), 0);
	cr_assert_eq(memcmp(buf, img + 3 * DBS, DBS), 0);
	verity_device_close(dev);
}

Test(open, hex_parser)
{
	uint8_t out[4];
	size_t n = 99;

	cr_assert_eq(verity_hex_to_digest("00fFa9", 6, out, sizeof(out), &n), 0);
	cr_assert_eq(n, 3);
	cr_assert(out[0] == 0 && out[1] == 0xff && out[2] == 0xa9);
	cr_assert_eq(verity_hex_to_digest("", 0, out, sizeof(out), &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(verity_hex_to_digest("abc", 3, out, sizeof(out), NULL), VERITY_E_BAD_HEX);
	cr_assert_eq(verity_hex_to_digest("0g", 2, out, sizeof(out), NULL), VERITY_E_BAD_HEX);
	cr_assert_eq(verity_hex_to_digest("0011223344", 10, out, sizeof(out), NULL),
	             VERITY_E_BAD_HEX);
	cr_assert_eq(verity_hex_to_digest(NULL, 0, out, sizeof(out), NULL), VERITY_E_INVAL);
}

static int positive_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	(void)user_data;
	(void)offset;
	memset(buf, 0, len);
	return 7;
}

/* A callback's positive return is turned into VERITY_E_IO in one place, for every caller. */
Test(open, positive_callback_return_is_an_error)
{
	struct verity_open_params p = two_devices();
	struct verity_open_info info;
	struct verity_verify_result result;
	struct verity_bdev odd = hash_dev;
	uint8_t byte;

	odd.read = positive_read;
	cr_assert_eq(verity_bdev_read(&odd, 0, &byte, 1), VERITY_E_IO);
	cr_assert_eq(verity_open_resolve(&p, &info), 0);
	cr_assert_eq(verity_verify(&info.params, &data_dev, &odd, NULL, &result), VERITY_E_IO);
	cr_assert_eq(result.error, VERITY_E_IO);
	p.hash = &odd;
	cr_assert_eq(verity_open_resolve(&p, &info), VERITY_E_IO);
	cr_assert_eq(info.step, VERITY_OPEN_STEP_SUPERBLOCK);
}

struct counting {
	size_t allocs, frees, live_bytes;
};

static void *count_alloc(void *user_data, size_t size)
{
	struct counting *c = user_data;
	/* An 8-byte header: the library must cope with hooks aligned to 8 only. */
	unsigned char *p = malloc(8 + size);

	if (!p)
		return NULL;
	c->allocs++;
	c->live_bytes += size;
	memcpy(p, &size, sizeof(size));
	return p + 8;
}

static void count_free(void *user_data, void *ptr)
{
	struct counting *c = user_data;
	unsigned char *p = (unsigned char *)ptr - 8;
	size_t size;

	memcpy(&size, p, sizeof(size));
	c->frees++;
	c->live_bytes -= size;
	free(p);
}

/* The device allocates once, through the hooks, within the budget, and frees it all at close. */
Test(open, device_allocates_only_through_the_hooks)
{
	struct verity_open_params p = two_devices();
	struct counting c = {0};
	struct verity_allocator hooks = {&c, count_alloc, count_free};
	struct verity_device_options o = {0};
	struct verity_device_status st;
	struct verity_device *dev;
	uint8_t buf[3 * DBS];

	o.allocator = &hooks;
	o.memory_budget = 256u << 10;
	p.device_options = &o;
	cr_assert_eq(verity_open(&p, &dev, NULL), 0);
	cr_assert_eq(c.allocs, 1);
	cr_assert_leq(c.live_bytes, o.memory_budget);
	for (uint64_t off = 0; off + sizeof(buf) <= BLOCKS * DBS; off += 5 * DBS + 123) {
		cr_assert_eq(verity_device_read(dev, off, sizeof(buf), buf), 0);
		cr_assert_eq(memcmp(buf, img + off, sizeof(buf)), 0);
	}
	cr_assert_eq(c.allocs, 1, "reads never allocate");
	cr_assert_eq(verity_device_get_status(dev, &st), 0);
	cr_assert_eq(st.memory_used, c.live_bytes);
	verity_device_close(dev);
	cr_assert_eq(c.frees, 1);
	cr_assert_eq(c.live_bytes, 0);
}

Test(open, resolve_data_area)
{
	struct verity_params p = {0};

	p.hash_type = 1;
	strcpy(p.algorithm, "sha256");
	p.data_block_size = p.hash_block_size = DBS;
	p.hash_start_block = BLOCKS;
	cr_assert_eq(verity_resolve_data_area(&p, BLOCKS * DBS + 100, false, false, 0), 0);
	cr_assert_eq(p.data_blocks, BLOCKS, "0: whole blocks of the data device");
	p.data_blocks = BLOCKS + 1;
	cr_assert_eq(verity_resolve_data_area(&p, BLOCKS * DBS, false, false, 0),
	             VERITY_E_DATA_DEVICE_TOO_SMALL);
	p.data_blocks = 0;
	cr_assert_eq(verity_resolve_data_area(&p, DBS - 1, false, false, 0),
	             VERITY_E_DATA_DEVICE_TOO_SMALL);
	p.data_blocks = BLOCKS;
	cr_assert_eq(verity_resolve_data_area(&p, 2 * BLOCKS * DBS, true, false, 0), 0,
	             "tree right after the data");
	cr_assert_eq(verity_resolve_data_area(&p, 2 * BLOCKS * DBS, true, true, SB_OFF - 512),
	             VERITY_E_AREA_OVERLAP, "superblock inside the data");
	p.data_block_size = 1000;
	cr_assert_eq(verity_resolve_data_area(&p, 2 * BLOCKS * DBS, false, false, 0),
	             VERITY_E_BAD_DATA_BLOCK_SIZE);
	cr_assert_eq(verity_resolve_data_area(NULL, 0, false, false, 0), VERITY_E_INVAL);
}
