/* SPDX-License-Identifier: MIT */
/*
 * Hosted harness around examples/boot.c for the aarch64 test: loads the
 * files a bootloader would have in memory, declares the CPU's features as
 * a bootloader would, and writes the verified bytes to stdout.
 * Usage: boot_main IMAGE HASH_OFFSET ROOT_HEX SIG DTB OFFSET LENGTH
 * Exit: 0, or 1 with the libverity error on stderr.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libverity.h>

int boot_read_verified(const void *image, uint64_t image_size, uint64_t hash_offset,
                       const char *root_hex, const void *sig, size_t sig_len, const void *dtb,
                       size_t dtb_size, uint64_t offset, void *out, size_t len);

static void *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		exit(2);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int main(int argc, char **argv)
{
	size_t image_len, sig_len, dtb_len, len;
	void *image, *sig, *dtb;
	uint8_t *out;
	int ret;

	if (argc != 8)
		return 2;
	image = load(argv[1], &image_len);
	sig = load(argv[4], &sig_len);
	dtb = load(argv[5], &dtb_len);
	len = strtoul(argv[7], NULL, 0);
	out = malloc(len ? len : 1);
	if (!out || verity_sha256_set_cpu_features(VERITY_CPU_ARM_SHA2 | VERITY_CPU_ARM_NEON) != 0)
		return 2;
	ret = boot_read_verified(image, image_len, strtoull(argv[2], NULL, 0), argv[3], sig,
	                         sig_len, dtb, dtb_len, strtoull(argv[6], NULL, 0), out, len);
	fprintf(stderr, "sha256: %s / %s\n", verity_sha256_impl_name(false),
	        verity_sha256_impl_name(true));
	if (ret) {
		fprintf(stderr, "error %d: %s\n", ret, verity_strerror(ret));
		return 1;
	}
	return fwrite(out, 1, len, stdout) == len ? 0 : 2;
}
