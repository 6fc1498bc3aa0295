/* SPDX-License-Identifier: MIT */
/*
 * SHA-256: known answers and differential tests for every implementation in
 * the table that this CPU can run, against mbedTLS as an independent oracle.
 */
#include <criterion/criterion.h>
#include <mbedtls/md.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"
#include "sha/sha256.h"

#define MAX_LEN 4200

static void to_hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void oracle(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, const uint8_t *c,
                   size_t clen, uint8_t out[32])
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	mbedtls_md_context_t ctx;

	mbedtls_md_init(&ctx);
	cr_assert_eq(mbedtls_md_setup(&ctx, info, 0), 0);
	mbedtls_md_starts(&ctx);
	mbedtls_md_update(&ctx, a, alen);
	mbedtls_md_update(&ctx, b, blen);
	mbedtls_md_update(&ctx, c, clen);
	mbedtls_md_finish(&ctx, out);
	mbedtls_md_free(&ctx);
}

/* Deterministic pseudo-random bytes so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static const struct {
	const char *msg;
	size_t repeat;
	const char *hex;
} fips_vectors[] = {
    {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
     "qrsmnopqrstnopqrstu",
     1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

/* Every implementation the CPU can run. */
static size_t usable_impls(const struct verity_sha256_impl **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < verity_sha256_impl_count() && n < max; i++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(i);

		if (impl->cpu_supported())
			out[n++] = impl;
	}
	return n;
}

Test(sha256, table_is_sane)
{
	const struct verity_sha256_impl *generic = verity_sha256_impl_find("generic");

	cr_assert_not_null(generic);
	cr_assert(generic->cpu_supported());
	cr_assert_eq(verity_sha256_impl_at(verity_sha256_impl_count()), NULL);
	for (size_t i = 0; i < verity_sha256_impl_count(); i++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(i);

		cr_assert(impl->lanes == 1 || impl->lanes == 2 || impl->lanes == 4 ||
		              impl->lanes == 8 || impl->lanes == 16,
		          "%s", impl->name);
		cr_assert_eq(verity_sha256_impl_find(impl->name), impl);
	}
	cr_assert_eq(verity_sha256_impl_single()->lanes, 1);
	cr_assert(verity_sha256_impl_many()->cpu_supported());
	cr_log_info("chosen: single %s, many %s", verity_sha256_impl_name(false),
	            verity_sha256_impl_name(true));
}

Test(sha256, force_impl_by_name)
{
	cr_assert_eq(verity_sha256_force_impl("no-such-impl"), VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_force_impl("generic"), 0);
	cr_assert_str_eq(verity_sha256_impl_name(true), "generic");
	cr_assert_str_eq(verity_sha256_impl_name(false), "generic");
	cr_assert_eq(verity_sha256_force_impl(NULL), 0);
	cr_assert(verity_sha256_impl_many()->cpu_supported());
}

Test(sha256, fips_known_answers_every_impl)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);

	for (size_t v = 0; v < sizeof(fips_vectors) / sizeof(fips_vectors[0]); v++) {
		size_t unit = strlen(fips_vectors[v].msg);
		size_t len = unit * fips_vectors[v].repeat;
		uint8_t *msg = malloc(len + 1);
		char hex[65];
		uint8_t digest[32 * 33];

		for (size_t r = 0; r < fips_vectors[v].repeat; r++)
			memcpy(msg + r * unit, fips_vectors[v].msg, unit);
		for (size_t k = 0; k < count; k++) {
			/* Partial and full lane groups; fewer copies of the long one. */
			size_t copies_max = len > 100000 ? 3 : 33;
			uint8_t *copies = malloc(len * copies_max + 1);

			for (size_t c = 0; c < copies_max; c++)
				memcpy(copies + c * len, msg, len);
			for (size_t n = 1; n <= copies_max; n++) {
				cr_assert_eq(verity_sha256_hash_many_impl(
				                 impls[k], copies, len, len, n, NULL, 0,
				                 VERITY_SALT_PREFIX, digest),
				             0);
				for (size_t c = 0; c < n; c++) {
					to_hex(digest + 32 * c, 32, hex);
					cr_assert_str_eq(hex, fips_vectors[v].hex,
					                 "%s vector %zu n %zu copy %zu",
					                 impls[k]->name, v, n, c);
				}
			}
			free(copies);
			if (impls[k]->lanes == 1) {
				struct verity_sha256_ctx ctx;

				verity_sha256_init_impl(&ctx, impls[k]);
				verity_sha256_update(&ctx, msg, len);
				verity_sha256_final(&ctx, digest);
				to_hex(digest, 32, hex);
				cr_assert_str_eq(hex, fips_vectors[v].hex,
				                 "%s streaming vector %zu", impls[k]->name, v);
			}
		}
		free(msg);
	}
}

Test(sha256, streaming_random_splits_every_length)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);
	uint8_t *buf = malloc(MAX_LEN + 8);

	fill_random(buf, MAX_LEN + 8);
	for (size_t k = 0; k < count; k++) {
		if (impls[k]->lanes != 1)
			continue;
		for (size_t len = 0; len <= MAX_LEN; len++) {
			const uint8_t *msg = buf + (len & 7); /* unaligned starts */
			uint8_t want[32], got[32];
			struct verity_sha256_ctx ctx;
			size_t done = 0;

			oracle(msg, len, NULL, 0, NULL, 0, want);
			verity_sha256_init_impl(&ctx, impls[k]);
			while (done < len) {
				size_t step = 1 + rnd() % (len - done < 200 ? len - done : 200);

				verity_sha256_update(&ctx, msg + done, step);
				done += step;
			}
			verity_sha256_final(&ctx, got);
			cr_assert_arr_eq(got, want, 32, "%s length %zu", impls[k]->name, len);
		}
	}
	free(buf);
}

/* hash_many against the oracle for one length, n messages, both salt sides. */
static void check_many(const struct verity_sha256_impl *impl, const uint8_t *base, size_t len,
                       size_t stride, size_t n, const uint8_t *salt, size_t salt_len)
{
	uint8_t *got = malloc(32 * n);
	uint8_t want[32];

	for (int side = 0; side < 2; side++) {
		enum verity_salt_position pos = side ? VERITY_SALT_SUFFIX : VERITY_SALT_PREFIX;

		cr_assert_eq(verity_sha256_hash_many_impl(impl, base, len, stride, n, salt,
		                                          salt_len, pos, got),
		             0);
		for (size_t i = 0; i < n; i++) {
			const uint8_t *m = base + i * stride;

			if (side)
				oracle(m, len, salt, salt_len, NULL, 0, want);
			else
				oracle(salt, salt_len, m, len, NULL, 0, want);
			cr_assert_arr_eq(got + 32 * i, want, 32,
			                 "%s len %zu n %zu msg %zu salt %zu side %d", impl->name,
			                 len, n, i, salt_len, side);
		}
	}
	free(got);
}

Test(sha256, hash_many_every_length)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);
	uint8_t salt[256];
	size_t n_max = 17;
	uint8_t *buf = malloc((MAX_LEN + 3) * n_max + 3);

	fill_random(salt, sizeof(salt));
	fill_random(buf, (MAX_LEN + 3) * n_max + 3);
	for (size_t k = 0; k < count; k++) {
		size_t n = impls[k]->lanes + 1; /* one full group plus a partial one */

		for (size_t len = 0; len <= MAX_LEN; len += (len < 300 ? 1 : 37)) {
			size_t salt_len = (len * 7) % 257;

			check_many(impls[k], buf + (len % 3), len, len + (len & 1), n, salt,
			           salt_len);
		}
	}
	free(buf);
}

Test(sha256, hash_many_every_count_and_salt)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);
	static const size_t lengths[] = {0, 1, 31, 55, 56, 63, 64, 65, 119, 120, 512, 4096};
	static const size_t salts[] = {0, 1, 32, 55, 56, 63, 64, 65, 200, 256};
	uint8_t salt[256];
	uint8_t *buf = malloc(4097 * 33 + 1);

	fill_random(salt, sizeof(salt));
	fill_random(buf, 4097 * 33 + 1);
	for (size_t k = 0; k < count; k++)
		for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++)
			for (size_t s = 0; s < sizeof(salts) / sizeof(salts[0]); s++)
				for (size_t n = 1; n <= 33; n += (lengths[l] >= 512 ? 4 : 1))
					check_many(impls[k], buf + 1, lengths[l], lengths[l] + 1, n,
					           salt, salts[s]);
	free(buf);
}

Test(sha256, hash_many_bad_input)
{
	uint8_t msg[64] = {0}, out[64];

	cr_assert_eq(verity_sha256_hash_many(NULL, 0, 0, 0, NULL, 0, VERITY_SALT_PREFIX, NULL), 0,
	             "n = 0 is a no-op");
	cr_assert_eq(verity_sha256_hash_many(NULL, 64, 64, 1, NULL, 0, VERITY_SALT_PREFIX, out),
	             VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_hash_many(msg, 64, 64, 1, NULL, 0, VERITY_SALT_PREFIX, NULL),
	             VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_hash_many(msg, 64, 64, 1, NULL, 5, VERITY_SALT_PREFIX, out),
	             VERITY_E_INVAL);
	cr_assert_eq(
	    verity_sha256_hash_many(msg, SIZE_MAX / 2 + 1, 0, 1, NULL, 0, VERITY_SALT_PREFIX, out),
	    VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_hash_many(msg, 32, 16, 2, NULL, 0, VERITY_SALT_PREFIX, out),
	             VERITY_E_INVAL, "stride shorter than a message");
	cr_assert_eq(
	    verity_sha256_hash_many(msg, 32, SIZE_MAX / 2, 4, NULL, 0, VERITY_SALT_PREFIX, out),
	    VERITY_E_INVAL, "stride * n overflows");
	cr_assert_eq(
	    verity_sha256_hash_many(msg, 32, 32, 1, NULL, 0, (enum verity_salt_position)7, out),
	    VERITY_E_INVAL);
	/* Zero-length messages with a NULL pointer are fine. */
	cr_assert_eq(verity_sha256_hash_many(NULL, 0, 0, 2, NULL, 0, VERITY_SALT_PREFIX, out), 0);
	{
		char hex[65];

		to_hex(out + 32, 32, hex);
		cr_assert_str_eq(hex, fips_vectors[0].hex);
	}
}
