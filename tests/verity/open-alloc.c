/* SPDX-License-Identifier: MIT */
/*
 * open-alloc: verity_open() with a signature check allocates only through
 * the caller's hooks, reads allocate nothing, and close + keyring free give
 * every byte back. Driven by tests/verity/open-alloc.sh, which signs the
 * root hash with openssl:
 *
 *   open-alloc root              print the root hash of the built image
 *   open-alloc CERT SIG          run the check (CERT: PEM or DER)
 *
 * Linked with --wrap for malloc/calloc/realloc/free: a call from the library
 * to the C library's allocator while the check runs is a failure. (mbedTLS,
 * a shared library, allocates on its own; its header note says so.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"

#define DBS    4096u
#define BLOCKS 40u
#define SB_OFF (BLOCKS * DBS)

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);

static int watching;    /* between the first library call and the last free */
static unsigned bypass; /* C-library allocator calls from the library while watching */

void *__wrap_malloc(size_t size)
{
	bypass += watching != 0;
	return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	bypass += watching != 0;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	bypass += watching != 0;
	return __real_realloc(ptr, size);
}

void __wrap_free(void *ptr)
{
	bypass += watching != 0 && ptr != NULL;
	__real_free(ptr);
}

struct counting {
	unsigned long allocs, frees;
	size_t live, peak;
};

/* A size header in front of each block, so frees can count bytes. */
#define HDR 16u

static void *count_alloc(void *user_data, size_t size)
{
	struct counting *c = user_data;
	unsigned char *p;

	if (size > SIZE_MAX - HDR)
		return NULL;
	p = __real_malloc(size + HDR);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof(size));
	c->allocs++;
	c->live += size;
	if (c->live > c->peak)
		c->peak = c->live;
	return p + HDR;
}

static void count_free(void *user_data, void *ptr)
{
	struct counting *c = user_data;
	unsigned char *p = ptr;
	size_t size;

	if (p == NULL)
		return;
	p -= HDR;
	memcpy(&size, p, sizeof(size));
	c->frees++;
	c->live -= size;
	__real_free(p);
}

static uint8_t img[SB_OFF + 64 * DBS];
static size_t img_len;

static int mem_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	(void)user_data;
	if (offset > sizeof(img) || len > sizeof(img) - offset)
		return VERITY_E_IO;
	memcpy(img + offset, buf, len);
	if (offset + len > img_len)
		img_len = (size_t)(offset + len);
	return 0;
}

/* One device: data, then a superblock and the tree (as veritysetup lays it out). */
static int build(char root_hex[2 * VERITY_MAX_DIGEST_SIZE + 1])
{
	struct verity_params p = {0};
	struct verity_memory_bdev mctx;
	struct verity_bdev data;
	struct verity_writer w = {NULL, mem_write};
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];

	for (size_t i = 0; i < SB_OFF; i++)
		img[i] = (uint8_t)(i * 13 + i / DBS);
	img_len = SB_OFF;
	p.hash_type = 1;
	strcpy(p.algorithm, "sha256");
	p.data_block_size = p.hash_block_size = DBS;
	p.data_blocks = BLOCKS;
	p.salt_size = 8;
	memcpy(p.salt, "countme!", 8);
	verity_bdev_from_memory(&data, &mctx, img, SB_OFF);
	if (verity_hash_start_block(SB_OFF, DBS, true, &p.hash_start_block) != 0 ||
	    verity_format(&p, &data, &w, NULL) != 0 || verity_superblock_write(sb, &p, NULL) != 0)
		return -1;
	memcpy(img + SB_OFF, sb, sizeof(sb));
	return verity_root_hex(p.root_digest, p.root_digest_size, root_hex,
	                       2 * VERITY_MAX_DIGEST_SIZE + 1);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = __real_malloc(1 << 16);

	if (f == NULL || buf == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static int failures;

static void expect(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		failures++;
	}
}

int main(int argc, char **argv)
{
	char root_hex[2 * VERITY_MAX_DIGEST_SIZE + 1];
	struct counting c = {0};
	struct verity_allocator hooks = {&c, count_alloc, count_free};
	struct verity_device_options o = {0};
	struct verity_open_params p = {0};
	struct verity_memory_bdev mctx;
	struct verity_bdev part;
	struct verity_keyring *kr = NULL;
	struct verity_device *dev = NULL;
	unsigned long kr_allocs, before, after_open;
	size_t cert_len, sig_len;
	uint8_t *cert, *sig, buf[3 * DBS + 17];
	int ret;

	if (build(root_hex) != 0) {
		fprintf(stderr, "cannot build the image\n");
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "root") == 0) {
		printf("%s\n", root_hex);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: open-alloc root | open-alloc CERT SIG\n");
		return 2;
	}
	cert = slurp(argv[1], &cert_len);
	sig = slurp(argv[2], &sig_len);
	verity_bdev_from_memory(&part, &mctx, img, img_len);
	/* Single-threaded: the test is about where bytes come from, not speed. */
	o.allocator = &hooks;
	o.max_readers = 1;

	watching = 1;
	ret = verity_keyring_new_with(&kr, &hooks);
	expect(ret == 0, "keyring created");
	ret = verity_keyring_add_buffer(kr, cert, cert_len, "test");
	expect(ret == 0, "certificate added");
	kr_allocs = c.allocs;
	expect(kr_allocs >= 2, "keyring and certificate allocate through the hooks");

	p.data = &part;
	p.hash_offset = SB_OFF;
	p.root_hex = root_hex;
	p.signature = sig;
	p.signature_size = sig_len;
	p.keyring = kr;
	p.device_options = &o;
	before = c.allocs;
	ret = verity_open(&p, &dev, NULL);
	if (ret != 0)
		fprintf(stderr, "verity_open: %s\n", verity_strerror(ret));
	expect(ret == 0, "signed open");
	after_open = c.allocs;
	expect(after_open > before, "open allocates through the hooks");

	for (int i = 0; dev != NULL && i < 8; i++) {
		uint64_t off = (uint64_t)i * 19001u % (SB_OFF - sizeof(buf));

		ret = verity_device_read(dev, off, sizeof(buf), buf);
		expect(ret == 0 && memcmp(buf, img + off, sizeof(buf)) == 0, "verified read");
	}
	expect(c.allocs == after_open, "reads allocate nothing");

	verity_device_close(dev);
	verity_keyring_free(kr);
	watching = 0;
	expect(c.live == 0, "every byte given back");
	expect(c.allocs == c.frees, "as many frees as allocations");
	expect(bypass == 0, "no call to the C library's allocator");

	/* The same signature with the wrong root: refused, nothing kept. */
	root_hex[0] = root_hex[0] == '0' ? '1' : '0';
	watching = 1;
	expect(verity_keyring_new_with(&kr, &hooks) == 0 &&
	           verity_keyring_add_buffer(kr, cert, cert_len, NULL) == 0,
	       "keyring again");
	p.keyring = kr;
	expect(verity_open(&p, &dev, NULL) != 0, "a wrong root is refused");
	expect(dev == NULL, "no device on failure");
	verity_keyring_free(kr);
	watching = 0;
	expect(c.live == 0, "nothing kept after a refusal");
	expect(bypass == 0, "no call to the C library's allocator (refusal)");

	printf("allocations %lu (keyring %lu, open %lu), peak %zu bytes, bypass %u\n", c.allocs,
	       kr_allocs, after_open - before, c.peak, bypass);
	__real_free(cert);
	__real_free(sig);
	return failures != 0;
}
