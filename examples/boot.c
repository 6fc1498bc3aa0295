/* SPDX-License-Identifier: MIT */
/*
 * A bootloader's verity backend in one screen: certificates from the
 * device tree, the root hash and its signature from the boot image, one
 * call to open the partition, then verified bytes. Copy and adapt: the
 * read callback and the arena are the parts that are yours.
 * Builds with -ffreestanding: no libc beyond the string functions.
 */
#include <libverity.h>

/* Everything libverity allocates comes from this arena, freed all at once. */
static _Alignas(64) unsigned char arena[2u << 20];
static size_t arena_used;

static void *arena_alloc(void *user_data, size_t size)
{
	size_t start = (arena_used + 63) & ~(size_t)63;

	(void)user_data;
	if (start > sizeof(arena) || size > sizeof(arena) - start)
		return NULL;
	arena_used = start + size;
	return arena + start;
}

static void arena_free(void *user_data, void *ptr)
{
	(void)user_data;
	(void)ptr; /* released with the whole arena after boot */
}

/* Your block layer: here, a partition already mapped in memory. */
struct partition {
	const unsigned char *base;
	uint64_t size;
};

static int partition_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	const struct partition *part = user_data;
	unsigned char *out = buf;

	for (size_t i = 0; i < len; i++) /* the library checked the range */
		out[i] = part->base[offset + i];
	return 0;
}

int boot_read_verified(const void *image, uint64_t image_size, uint64_t hash_offset,
                       const char *root_hex, const void *sig, size_t sig_len, const void *dtb,
                       size_t dtb_size, uint64_t offset, void *out, size_t len);

/*
 * Read @len verified bytes at @offset of the data area of a veritysetup
 * partition (superblock at @hash_offset) whose root hash @root_hex is
 * signed by @sig, trusting the certificates of the device tree @dtb.
 */
int boot_read_verified(const void *image, uint64_t image_size, uint64_t hash_offset,
                       const char *root_hex, const void *sig, size_t sig_len, const void *dtb,
                       size_t dtb_size, uint64_t offset, void *out, size_t len)
{
	static const struct verity_allocator hooks = {NULL, arena_alloc, arena_free};
	struct partition part = {image, image_size};
	struct verity_bdev bdev = {.user_data = &part, .read = partition_read, .size = image_size};
	struct verity_device_options dopts = {.allocator = &hooks, .memory_budget = 1u << 20};
	struct verity_open_params p = {0};
	struct verity_keyring *keys;
	struct verity_device *dev;
	int ret;

	ret = verity_keyring_new_with(&keys, &hooks);
	if (ret)
		return ret;
	ret = verity_keyring_add_dtb(keys, dtb, dtb_size, NULL);
	if (!ret) {
		p.data = &bdev; /* data and hash tree on one partition */
		p.hash_offset = hash_offset;
		p.root_hex = root_hex;
		p.signature = sig;
		p.signature_size = sig_len;
		p.keyring = keys;
		p.device_options = &dopts;
		ret = verity_open(&p, &dev, NULL);
	}
	if (!ret) {
		ret = verity_device_read(dev, offset, len, out);
		verity_device_close(dev);
	}
	verity_keyring_free(keys);
	return ret;
}
