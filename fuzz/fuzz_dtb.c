/* SPDX-License-Identifier: MIT */
/*
 * Device-tree inputs: the keyring loader (verity_keyring_add_dtb(), one node
 * per trusted certificate) and the U-Boot FIT dm-verity node reader
 * (verity_params_from_fit()). Input: a flattened device tree (seeds from
 * dtc).
 *
 * Invariants: only documented codes; a refused tree leaves the keyring
 * empty (all-or-nothing); an accepted one passes libfdt's own full check,
 * adds between one certificate and the number of subnodes of compatible
 * containers, each named; the keyring it gives is usable for verification;
 * FIT parameters read successfully are well formed.
 */
#include <libfdt.h>

#include "fuzz/fixtures.h"
#include "fuzz/fuzz.h"
#include "libverity.h"

#define KEYS_COMPATIBLE "libverity,dm-verity-keys"
#define FIT_NODE        "/images/rootfs/dm-verity"

/* Subnodes of every compatible container: an upper bound on certificates. */
static size_t candidate_nodes(const void *blob)
{
	size_t count = 0;
	int node, sub;

	for (node = fdt_node_offset_by_compatible(blob, -1, KEYS_COMPATIBLE); node >= 0;
	     node = fdt_node_offset_by_compatible(blob, node, KEYS_COMPATIBLE))
		for (sub = fdt_first_subnode(blob, node); sub >= 0;
		     sub = fdt_next_subnode(blob, sub))
			count++;
	return count;
}

static void check_keyring(const uint8_t *data, size_t size)
{
	struct verity_keyring *keyring;
	struct verity_sig_result result;
	size_t count;
	int ret;

	FUZZ_CHECK(verity_keyring_new(&keyring) == 0);
	ret = verity_keyring_add_dtb(keyring, data, size, NULL);
	FUZZ_LOG("dtb keyring: %d (%s) %s\n", ret, verity_strerror(ret),
	         verity_keyring_error(keyring));
	FUZZ_EXPECT_CODES(ret, 0, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_KEYRING_BAD_DTB,
	                  VERITY_E_KEYRING_DTB_NO_NODE, VERITY_E_KEYRING_DTB_PROPERTY,
	                  VERITY_E_KEYRING_BAD_CERT, VERITY_E_KEYRING_FINGERPRINT,
	                  VERITY_E_KEYRING_EMPTY);
	FUZZ_CHECK(verity_keyring_error(keyring) != NULL);
	count = verity_keyring_count(keyring);
	if (ret != 0) {
		FUZZ_CHECK(count == 0);
		verity_keyring_free(keyring);
		return;
	}
	FUZZ_CHECK(fdt_check_full(data, size) == 0);
	FUZZ_CHECK(count >= 1 && count <= candidate_nodes(data));
	for (size_t i = 0; i < count; i++)
		FUZZ_CHECK(verity_keyring_name(keyring, i) != NULL);
	FUZZ_CHECK(verity_keyring_name(keyring, count) == NULL);

	/* Certificates that came from the tree, used for real. */
	ret = verity_sig_verify(keyring, fuzz_fixture_rsa_canonical, fuzz_fixture_rsa_canonical_len,
	                        FUZZ_SIGNED_ROOT, NULL, &result);
	FUZZ_LOG("dtb keyring: %zu certificates; signature: %d\n", count, ret);
	FUZZ_EXPECT_CODES(ret, 0, FUZZ_SIG_CODES);
	FUZZ_CHECK(result.error == ret);
	FUZZ_CHECK(ret != 0 || (result.trusted_signer == 0 && result.trusted_name[0] != '\0'));
	verity_keyring_free(keyring);
}

static void check_fit(const uint8_t *data, size_t size)
{
	struct verity_params params;
	uint32_t flags = 0xffffffff;
	int ret;

	ret = verity_params_from_fit(data, size, FIT_NODE, &params, &flags);
	FUZZ_LOG("dtb fit: %d (%s)\n", ret, verity_strerror(ret));
	if (ret != 0) {
		FUZZ_EXPECT_CODES(ret, VERITY_E_INVAL, VERITY_E_KEYRING_BAD_DTB,
		                  VERITY_E_KEYRING_DTB_NO_NODE, VERITY_E_DT_BAD_PARAMS,
		                  VERITY_E_BAD_HASH_ALG);
		return;
	}
	FUZZ_CHECK(params.hash_type == 1);
	FUZZ_CHECK(memchr(params.algorithm, 0, sizeof(params.algorithm)) != NULL);
	FUZZ_CHECK(verity_hash_digest_size(params.algorithm) == params.root_digest_size);
	FUZZ_CHECK(params.salt_size <= VERITY_MAX_SALT_SIZE);
	FUZZ_CHECK((flags & ~(uint32_t)0x1f) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_keyring(data, size);
	check_fit(data, size);
	return 0;
}
