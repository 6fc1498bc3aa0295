/* SPDX-License-Identifier: MIT */
/*
 * SHA-256: known answers and differential tests for every implementation in
 * the table that this CPU can run, and the block functions built only for
 * the benchmark, against mbedTLS as an independent oracle.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <criterion/criterion.h>
#include <mbedtls/md.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"
#include "sha/impl.h"
#include "sha/sha256.h"
#include "tests/sha/sha_test_common.h"

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

static const struct sha256_vector fips_vectors[] = {
    FIPS180_VECTORS,
    /* NIST SHAVS SHA256ShortMsg.rsp, Len = 8, 16, 24, 32 and 512 bits */
    {"\xd3", 1, "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1"},
    {"\x11\xaf", 1, "5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98"},
    {"\xb4\x19\x0e", 1, "dff2e73091f6c05e528896c4c831b9448653dc2ff043528f6769437bc7b975c2"},
    {"\x74\xba\x25\x21", 1, "b16aa56be3880d18cd41e68384cf1ec8c17680c45a02b1575dc1518923ae8b0e"},
    {"\x5a\x86\xb7\x37\xea\xea\x8e\xe9\x76\xa0\xa2\x4d\xa6\x3e\x7e\xd7\xee\xfa\xd1\x8a"
     "\x10\x1c\x12\x11\xe2\xb3\x65\x0c\x51\x87\xc2\xa8\xa6\x50\x54\x72\x08\x25\x1f\x6d"
     "\x42\x37\xe6\x61\xc7\xbf\x4c\x77\xf3\x35\x39\x03\x94\xc3\x7f\xa1\xa9\xf9\xbe\x83"
     "\x6a\xc2\x85\x09",
     1, "42e61e174fbb3897d6dd6cef3dd2802fe67b331953b06114a65c772859dfc1aa"},
};

/* Under valgrind its preload library is in LD_PRELOAD of the tested process. */
static bool running_on_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return preload && strstr(preload, "vgpreload");
}

/*
 * Instruction sets valgrind (3.19 .. 3.22) cannot execute. Its virtual CPU
 * does not report them either, so cpu_supported() already says no; this is
 * a second guard that does not depend on that. The sanitizer build and
 * test_sha256_tools.sh (never run under valgrind) still cover them.
 */
static bool valgrind_cannot_run(const struct verity_sha256_impl *impl)
{
	return strncmp(impl->name, "shani", 5) == 0 || strncmp(impl->name, "avx512", 6) == 0 ||
	       strncmp(impl->name, "hybrid", 6) == 0;
}

/* Block functions outside the table, measured by bench_sha256 (see sha/impl.h). */
static const struct verity_sha256_impl *const bench_only[] = VERITY_SHA256_BENCH_ONLY;
#define BENCH_ONLY_COUNT (bench_only[0] ? sizeof(bench_only) / sizeof(bench_only[0]) : 0)

/*
 * Every implementation the CPU can run, with the bench-only ones unless
 * @table_only; @log says why the others are left out.
 */
static size_t usable_impls_log(const struct verity_sha256_impl **out, size_t max, bool log,
                               bool table_only)
{
	size_t n = 0, total = verity_sha256_impl_count() + (table_only ? 0 : BENCH_ONLY_COUNT);
	bool valgrind = running_on_valgrind();

	for (size_t i = 0; i < total && n < max; i++) {
		const struct verity_sha256_impl *impl =
		    i < verity_sha256_impl_count() ? verity_sha256_impl_at(i)
		                                   : bench_only[i - verity_sha256_impl_count()];

		if (!impl->cpu_supported()) {
			if (log)
				cr_log_info("%s: not supported by this CPU%s, not tested",
				            impl->name,
				            valgrind ? " (valgrind's virtual CPU)" : "");
		} else if (valgrind && valgrind_cannot_run(impl)) {
			if (log)
				cr_log_info("%s: valgrind cannot execute it, not tested here",
				            impl->name);
		} else {
			out[n++] = impl;
		}
	}
	return n;
}

static size_t usable_impls(const struct verity_sha256_impl **out, size_t max)
{
	return usable_impls_log(out, max, false, false);
}

/* Only those the dispatcher can choose or be forced to. */
static size_t usable_table_impls(const struct verity_sha256_impl **out, size_t max)
{
	return usable_impls_log(out, max, false, true);
}

Test(sha256, table_is_sane)
{
	const struct verity_sha256_impl *generic = verity_sha256_impl_find("generic");

	cr_assert_not_null(generic);
	cr_assert(generic->cpu_supported());
	cr_assert_eq(verity_sha256_impl_at(verity_sha256_impl_count()), NULL);
	for (size_t i = 0; i < verity_sha256_impl_count(); i++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(i);

		cr_assert(impl->lanes == 1 || impl->lanes == 2 || impl->lanes == 3 ||
		              impl->lanes == 4 || impl->lanes == 8 || impl->lanes == 16,
		          "%s", impl->name);
		cr_assert_eq(verity_sha256_impl_find(impl->name), impl);
	}
	cr_assert_eq(verity_sha256_impl_single()->lanes, 1);
	cr_assert(verity_sha256_impl_many()->cpu_supported());
	cr_log_info("chosen: single %s, many %s", verity_sha256_impl_name(false),
	            verity_sha256_impl_name(true));
	{
		const struct verity_sha256_impl *impls[32];
		size_t count = usable_impls_log(impls, 32, true, false);

		for (size_t k = 0; k < count; k++)
			cr_log_info("%s (%u lanes): tested", impls[k]->name, impls[k]->lanes);
	}
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
			size_t copies_max = len > 100000 ? 2 : 33;
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

/*
 * Oracle digests of messages 0 .. n - 1 at base + i * stride: want[0 .. n)
 * with the salt as prefix, want[n .. 2n) with it as suffix.
 */
static uint8_t *oracle_many(const uint8_t *base, size_t len, size_t stride, size_t n,
                            const uint8_t *salt, size_t salt_len)
{
	uint8_t *want = malloc(2 * 32 * n);

	cr_assert_not_null(want);
	for (size_t i = 0; i < n; i++) {
		oracle(salt, salt_len, base + i * stride, len, NULL, 0, want + 32 * i);
		oracle(base + i * stride, len, salt, salt_len, NULL, 0, want + 32 * (n + i));
	}
	return want;
}

/* hash_many of the first n messages, both salt sides, against oracle_many(n_max). */
static void check_many(const struct verity_sha256_impl *impl, const uint8_t *base, size_t len,
                       size_t stride, size_t n, const uint8_t *salt, size_t salt_len,
                       const uint8_t *want, size_t n_max)
{
	uint8_t *got = malloc(32 * n);

	cr_assert_not_null(got);
	cr_assert_leq(n, n_max, "%s: %zu messages, the oracle has %zu", impl->name, n, n_max);
	for (int side = 0; side < 2; side++) {
		enum verity_salt_position pos = side ? VERITY_SALT_SUFFIX : VERITY_SALT_PREFIX;

		cr_assert_eq(verity_sha256_hash_many_impl(impl, base, len, stride, n, salt,
		                                          salt_len, pos, got),
		             0);
		for (size_t i = 0; i < n; i++)
			cr_assert_arr_eq(got + 32 * i, want + 32 * (side * n_max + i), 32,
			                 "%s len %zu n %zu msg %zu salt %zu side %d", impl->name,
			                 len, n, i, salt_len, side);
	}
	free(got);
}

Test(sha256, hash_many_every_length)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);

	cr_assert_geq(count, 1, "generic at least must be usable");
	uint8_t salt[256];
	size_t n_max = VERITY_SHA256_MAX_LANES + 1; /* one full group of the widest and one more */
	uint8_t *buf = malloc((MAX_LEN + 3) * n_max + 3);

	fill_random(salt, sizeof(salt));
	fill_random(buf, (MAX_LEN + 3) * n_max + 3);
	for (size_t len = 0; len <= MAX_LEN; len += (len < 300 ? 1 : 37)) {
		size_t salt_len = (len * 7) % 257, stride = len + (len & 1);
		const uint8_t *base = buf + (len % 3); /* unaligned starts */
		uint8_t *want = oracle_many(base, len, stride, n_max, salt, salt_len);

		for (size_t k = 0; k < count; k++)
			check_many(impls[k], base, len, stride, impls[k]->lanes + 1, salt, salt_len,
			           want, n_max);
		free(want);
	}
	free(buf);
}

Test(sha256, hash_many_every_count_and_salt)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);

	cr_assert_geq(count, 1, "generic at least must be usable");
	static const size_t lengths[] = {0, 1, 31, 55, 56, 63, 64, 65, 119, 120, 512, 4096};
	static const size_t salts[] = {0, 1, 32, 55, 56, 63, 64, 65, 200, 256};
	const size_t n_max = 2 * VERITY_SHA256_MAX_LANES + 1;
	uint8_t salt[256];
	uint8_t *buf = malloc(4097 * n_max + 1);

	fill_random(salt, sizeof(salt));
	fill_random(buf, 4097 * n_max + 1);
	for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		for (size_t s = 0; s < sizeof(salts) / sizeof(salts[0]); s++) {
			size_t len = lengths[l];
			uint8_t *want = oracle_many(buf + 1, len, len + 1, n_max, salt, salts[s]);

			/* 1 .. 2 * lanes + 1: every partial group, one group, two and more */
			for (size_t k = 0; k < count; k++)
				for (size_t n = 1; n <= 2 * impls[k]->lanes + 1;
				     n += (len >= 512 ? 3 : 1))
					check_many(impls[k], buf + 1, len, len + 1, n, salt,
					           salts[s], want, n_max);
			free(want);
		}
	}
	free(buf);
}

/*
 * The dispatching hash_many() splits N messages into groups and may hash a
 * small remainder with a narrower implementation than the chosen one: check
 * every N up to two groups of the widest, with each implementation chosen.
 */
Test(sha256, hash_many_dispatch_every_count)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_table_impls(impls, 32);
	static const size_t lengths[] = {0, 64, 4096};
	const size_t n_max = 33;
	uint8_t salt[32];
	uint8_t *buf = malloc(4096 * n_max + 3), *got = malloc(32 * n_max);

	fill_random(salt, sizeof(salt));
	fill_random(buf, 4096 * n_max + 3);
	for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		size_t len = lengths[l];
		uint8_t *want = oracle_many(buf + 3, len, len, n_max, salt, sizeof(salt));

		for (size_t k = 0; k < count; k++) {
			cr_assert_eq(verity_sha256_force_impl(impls[k]->name), 0);
			for (size_t n = 1; n <= n_max; n++) {
				cr_assert_eq(verity_sha256_hash_many(buf + 3, len, len, n, salt,
				                                     sizeof(salt),
				                                     VERITY_SALT_PREFIX, got),
				             0);
				for (size_t i = 0; i < n; i++)
					cr_assert_arr_eq(got + 32 * i, want + 32 * i, 32,
					                 "%s chosen, len %zu n %zu msg %zu",
					                 impls[k]->name, len, n, i);
			}
		}
		free(want);
	}
	cr_assert_eq(verity_sha256_force_impl(NULL), 0);
	free(buf);
	free(got);
}

/* SHAVS LongMsg sizes (163 .. 6400 bytes) and beyond, every implementation, both salt sides. */
Test(sha256, long_messages_every_impl)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);

	cr_assert_geq(count, 1, "generic at least must be usable");
	static const size_t lengths[] = {163, 1000, 6400, 8191, 65543};
	const size_t n_max = VERITY_SHA256_MAX_LANES + 1;
	uint8_t salt[32];
	uint8_t *buf = malloc(65543 * n_max + 5);

	fill_random(salt, sizeof(salt));
	fill_random(buf, 65543 * n_max + 5);
	for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		size_t len = lengths[l];
		uint8_t *want = oracle_many(buf + 5, len, len, n_max, salt, sizeof(salt));

		for (size_t k = 0; k < count; k++)
			check_many(impls[k], buf + 5, len, len, impls[k]->lanes + 1, salt,
			           sizeof(salt), want, n_max);
		free(want);
	}
	free(buf);
}

/*
 * NIST SHAVS Monte Carlo test (SHA256Monte.rsp): MD0 = MD1 = MD2 = seed,
 * MDi = SHA-256(MDi-3 || MDi-2 || MDi-1) for i = 3 .. 1002, checkpoint
 * MD1002, which seeds the next round. Each lane of hash_many runs the chain,
 * so every lane of every implementation must reach the same checkpoints.
 */
Test(sha256, shavs_monte_carlo_every_impl)
{
	static const char seed_hex[] =
	    "6d1e72ad03ddeb5de891e572e2396f8da015d899ef0e79503152d6010a3fe691";
	static const char *const checkpoints[] = {
	    "e93c330ae5447738c8aa85d71a6c80f2a58381d05872d26bdd39f1fcd4f2b788",
	    "2e78f8c8772ea7c9331d41ed3f9cdf27d8f514a99342ee766ee3b8b0d0b121c0",
	};
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);
	uint8_t seed[32];

	for (size_t i = 0; i < 32; i++)
		cr_assert_eq(sscanf(seed_hex + 2 * i, "%2hhx", &seed[i]), 1);
	for (size_t k = 0; k < count; k++) {
		size_t n = impls[k]->lanes + 1;
		uint8_t *chain = malloc(96 * n), *md = malloc(32 * n);
		char hex[65];

		for (size_t i = 0; i < n; i++)
			for (int j = 0; j < 3; j++)
				memcpy(chain + 96 * i + 32 * j, seed, 32);
		for (size_t c = 0; c < sizeof(checkpoints) / sizeof(checkpoints[0]); c++) {
			for (int step = 3; step <= 1002; step++) {
				cr_assert_eq(verity_sha256_hash_many_impl(impls[k], chain, 96, 96,
				                                          n, NULL, 0,
				                                          VERITY_SALT_PREFIX, md),
				             0);
				for (size_t i = 0; i < n; i++) {
					memmove(chain + 96 * i, chain + 96 * i + 32, 64);
					memcpy(chain + 96 * i + 64, md + 32 * i, 32);
				}
			}
			for (size_t i = 0; i < n; i++) {
				to_hex(md + 32 * i, 32, hex);
				cr_assert_str_eq(hex, checkpoints[c], "%s lane %zu checkpoint %zu",
				                 impls[k]->name, i, c);
				for (int j = 0; j < 3; j++)
					memcpy(chain + 96 * i + 32 * j, md + 32 * i, 32);
			}
		}
		free(chain);
		free(md);
	}
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
	cr_assert_eq(verity_sha256_hash_many(msg, 64, 64, 1, msg, SIZE_MAX / 2 - 63,
	                                     VERITY_SALT_PREFIX, out),
	             VERITY_E_INVAL, "message + salt > SIZE_MAX / 2");
	cr_assert_eq(
	    verity_sha256_hash_many_impl(NULL, msg, 64, 64, 1, NULL, 0, VERITY_SALT_PREFIX, out),
	    VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_hash_many_impl(NULL, NULL, 64, 0, 0, NULL, 9,
	                                          (enum verity_salt_position)7, NULL),
	             0, "n = 0 returns 0 whatever the rest");
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

/*
 * hash_list: messages at scattered, unaligned addresses (one repeated), for
 * every usable implementation and the dispatcher, against hash_many over a
 * contiguous copy.
 */
Test(sha256, hash_list_matches_hash_many)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_impls(impls, 32);
	enum { N = 37, LEN = 4096 };
	uint8_t salt[32], *pool = malloc(N * (LEN + 64)), *flat = malloc(N * LEN);
	uint8_t want[32 * N], got[32 * N];
	const uint8_t *list[N];

	cr_assert(pool && flat);
	fill_random(salt, sizeof(salt));
	fill_random(pool, N * (LEN + 64));
	for (size_t i = 0; i < N; i++) {
		/* Reverse order, odd offsets; message 5 repeats message 2. */
		list[i] = pool + (N - 1 - (i == 5 ? 2 : i)) * (LEN + 64) + (i % 7);
		memcpy(flat + i * LEN, list[i], LEN);
	}
	for (int side = 0; side < 2; side++) {
		enum verity_salt_position pos = side ? VERITY_SALT_SUFFIX : VERITY_SALT_PREFIX;

		cr_assert_eq(verity_sha256_hash_many_impl(verity_sha256_impl_find("generic"), flat,
		                                          LEN, LEN, N, salt, 32, pos, want),
		             0);
		for (size_t k = 0; k < count; k++) {
			for (size_t n = 1; n <= N; n += (n < 18 ? 1 : 19)) {
				memset(got, 0, sizeof(got));
				cr_assert_eq(verity_sha256_hash_list_impl(impls[k], list, LEN, n,
				                                          salt, 32, pos, got),
				             0);
				cr_assert_arr_eq(got, want, 32 * n, "%s n %zu side %d",
				                 impls[k]->name, n, side);
			}
		}
		memset(got, 0, sizeof(got));
		cr_assert_eq(verity_sha256_hash_list(list, LEN, N, salt, 32, pos, got), 0);
		cr_assert_arr_eq(got, want, sizeof(got), "dispatched, side %d", side);
	}
	free(pool);
	free(flat);
}

Test(sha256, hash_list_bad_input)
{
	uint8_t msg[64] = {0}, out[64];
	const uint8_t *list[2] = {msg, NULL};

	cr_assert_eq(verity_sha256_hash_list(NULL, 64, 0, NULL, 0, VERITY_SALT_PREFIX, NULL), 0);
	cr_assert_eq(verity_sha256_hash_list(NULL, 64, 1, NULL, 0, VERITY_SALT_PREFIX, out),
	             VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_hash_list(list, 64, 2, NULL, 0, VERITY_SALT_PREFIX, out),
	             VERITY_E_INVAL, "a NULL message");
	cr_assert_eq(verity_sha256_hash_list(list, 64, 1, NULL, 0, VERITY_SALT_PREFIX, NULL),
	             VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_hash_list(list, 64, 1, NULL, 3, VERITY_SALT_PREFIX, out),
	             VERITY_E_INVAL);
	cr_assert_eq(
	    verity_sha256_hash_list(list, 64, 1, NULL, 0, (enum verity_salt_position)9, out),
	    VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_hash_list(list, 0, 2, NULL, 0, VERITY_SALT_PREFIX, out), 0,
	             "zero-length messages may be NULL");
	cr_assert_eq(
	    verity_sha256_hash_list_impl(NULL, list, 64, 1, NULL, 0, VERITY_SALT_PREFIX, out),
	    VERITY_E_INVAL);
}

/* The calibration keeps the cheapest candidate; ties go to the earlier one. */
Test(sha256, pick_fastest_is_argmin)
{
	static const uint64_t one[] = {7};
	static const uint64_t costs[] = {900, 450, 451, 2000};
	static const uint64_t tie[] = {300, 200, 200, 250};
	static const uint64_t last[] = {UINT64_MAX, UINT64_MAX, 5};

	cr_assert_eq(verity_sha256_pick_fastest(one, 1), 0);
	cr_assert_eq(verity_sha256_pick_fastest(costs, 4), 1);
	cr_assert_eq(verity_sha256_pick_fastest(tie, 4), 1);
	cr_assert_eq(verity_sha256_pick_fastest(last, 3), 2);
}

/* Each Criterion test runs in its own process: the first use reads the variable. */
Test(sha256, env_unknown_name_is_an_error)
{
	cr_assert_eq(setenv("VERITY_SHA256_IMPL", "no-such-impl", 1), 0);
	cr_assert_eq(verity_sha256_check_env(), VERITY_E_INVAL);
	/* The automatic choice stays in force and works. */
	cr_assert(verity_sha256_impl_many()->cpu_supported());
	cr_assert_eq(verity_sha256_check_env(), VERITY_E_INVAL, "the error is remembered");
}

Test(sha256, env_names_an_implementation)
{
	cr_assert_eq(setenv("VERITY_SHA256_IMPL", "generic", 1), 0);
	cr_assert_eq(verity_sha256_check_env(), 0);
	cr_assert_str_eq(verity_sha256_impl_name(true), "generic");
	cr_assert_str_eq(verity_sha256_impl_name(false), "generic");
	cr_assert_str_eq(verity_sha256_impl_reason(true), "forced by VERITY_SHA256_IMPL");
}

Test(sha256, forced_by_api_is_not_recalibrated)
{
	const struct verity_sha256_impl *impls[32];
	size_t count = usable_table_impls(impls, 32);
	const struct verity_sha256_impl *last = impls[count - 1];
	uint8_t *blocks = calloc(1, 16 * 4096);
	int rc;

	cr_assert_not_null(blocks);
	cr_assert_eq(verity_sha256_force_impl(last->name), 0);
	rc = verity_sha256_calibrate(blocks, 16 * 4096);
	cr_assert(rc == 0 || rc == VERITY_E_UNSUPPORTED, "%d", rc);
	cr_assert_eq(verity_sha256_impl_many(), last);
	cr_assert_str_eq(verity_sha256_impl_reason(true), "forced by verity_sha256_force_impl()");
	cr_assert_eq(verity_sha256_calibrate(blocks, 16 * 4096 - 1), VERITY_E_INVAL);
	cr_assert_eq(verity_sha256_calibrate(NULL, 16 * 4096), VERITY_E_INVAL);
	free(blocks);
}

/*
 * The first large batch measures the multi-stream candidates and keeps one
 * of them; the digests of that batch are right whatever was chosen.
 */
Test(sha256, first_large_batch_calibrates)
{
	enum { N = 20, LEN = 4096 };
	uint8_t salt[32], got[32 * N], want[32 * N];
	uint8_t *blocks = malloc(N * LEN);
	size_t multi = 0;

	cr_assert_not_null(blocks);
	fill_random(salt, sizeof(salt));
	fill_random(blocks, N * LEN);
	cr_assert_eq(verity_sha256_force_impl(NULL), 0);
	cr_assert_eq(verity_sha256_hash_many_impl(verity_sha256_impl_find("generic"), blocks, LEN,
	                                          LEN, N, salt, 32, VERITY_SALT_PREFIX, want),
	             0);
	cr_assert_eq(
	    verity_sha256_hash_many(blocks, LEN, LEN, 8, salt, 32, VERITY_SALT_PREFIX, got), 0);
	cr_assert_str_eq(verity_sha256_impl_reason(true),
	                 "static order (no batch of 4 KiB blocks hashed yet)",
	                 "a small batch does not calibrate");
	cr_assert_eq(
	    verity_sha256_hash_many(blocks, LEN, LEN, N, salt, 32, VERITY_SALT_PREFIX, got), 0);
	cr_assert_arr_eq(got, want, sizeof(got));
	for (size_t i = 0; i < verity_sha256_impl_count(); i++)
		multi += verity_sha256_impl_at(i)->lanes > 1 &&
		         verity_sha256_impl_at(i)->cpu_supported();
	cr_log_info("chosen %s: %s", verity_sha256_impl_name(true),
	            verity_sha256_impl_reason(true));
	cr_assert(verity_sha256_impl_many()->cpu_supported());
	if (multi >= 2 && strcmp(verity_sha256_impl_reason(true),
	                         "static order (no cycle counter to measure with)"))
		cr_assert(strstr(verity_sha256_impl_reason(true), "fastest measured here") != NULL,
		          "%s", verity_sha256_impl_reason(true));
	if (multi >= 2)
		cr_assert_gt(verity_sha256_impl_many()->lanes, 1);
	free(blocks);
}
