/* SPDX-License-Identifier: MIT */
/*
 * Standalone SHA-256 self-test: needs only sha/ and libc, no Criterion and no
 * mbedTLS, so it builds with a cross compiler and runs under qemu-user, and
 * it links against a core built with -DVERITY_FREESTANDING. It checks every
 * implementation in the table that the running CPU supports:
 *   - FIPS 180-4 known answers, streaming and through hash_many;
 *   - every length 0..4200 through the streaming API with random split
 *     points (single-stream implementations) and through hash_many with
 *     partial and full lane groups, salt none/prefix/suffix, unaligned
 *     messages, salt and digests, against the generic streaming hash;
 *   - N = 1..33 messages at the lengths and salt sizes where padding and
 *     staging change.
 * Options assert what the CPU detection found (see usage()). The last line
 * printed is "N passed, M failed"; the exit status is 0 only if M is 0.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"
#include "sha/sha256.h"
#include "tests/sha/sha_test_common.h"

#define MAX_LEN      4200
#define MAX_MSGS     33
#define MAX_SALT     256
#define MAX_FAILURES 20 /* printed; all are counted */

static unsigned long passed, failed;

static void report_failure(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report_failure(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (++failed > MAX_FAILURES)
		return;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (cond)                                                \
			passed++;                                        \
		else                                                     \
			report_failure(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

static void to_hex(const uint8_t *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return p;
}

/* The reference: generic streaming hash of a | b | c, no hash_many staging. */
static void reference(const struct verity_sha256_impl *generic, const uint8_t *a, size_t alen,
                      const uint8_t *b, size_t blen, const uint8_t *c, size_t clen, uint8_t out[32])
{
	struct verity_sha256_ctx ctx;

	verity_sha256_init_impl(&ctx, generic);
	verity_sha256_update(&ctx, a, alen);
	verity_sha256_update(&ctx, b, blen);
	verity_sha256_update(&ctx, c, clen);
	verity_sha256_final(&ctx, out);
}

static const struct sha256_vector fips_vectors[] = {
    FIPS180_VECTORS,
};

#define FIPS_COUNT (sizeof(fips_vectors) / sizeof(fips_vectors[0]))

static void check_fips(const struct verity_sha256_impl *impl)
{
	for (size_t v = 0; v < FIPS_COUNT; v++) {
		size_t unit = strlen(fips_vectors[v].msg);
		size_t len = unit * fips_vectors[v].repeat;
		/* Two full lane groups plus one, but few copies of the long one. */
		size_t copies = len > 1000 ? impl->lanes + 1 : 2 * impl->lanes + 1;
		uint8_t *buf = xmalloc(len * copies + 1);
		uint8_t *msgs = buf + 1; /* unaligned on purpose */
		uint8_t *digests = xmalloc(32 * copies);
		char hex[65];

		for (size_t r = 0; r < fips_vectors[v].repeat * copies; r++)
			memcpy(msgs + r * unit, fips_vectors[v].msg, unit);
		for (size_t n = 1; n <= copies; n++) {
			int rc = verity_sha256_hash_many_impl(impl, msgs, len, len, n, NULL, 0,
			                                      VERITY_SALT_PREFIX, digests);

			CHECK(rc == 0, "%s: hash_many returned %d", impl->name, rc);
			for (size_t c = 0; c < n; c++) {
				to_hex(digests + 32 * c, 32, hex);
				CHECK(strcmp(hex, fips_vectors[v].hex) == 0,
				      "%s: FIPS vector %zu, n %zu, copy %zu: %s", impl->name, v, n,
				      c, hex);
			}
		}
		if (impl->lanes == 1) {
			struct verity_sha256_ctx ctx;

			verity_sha256_init_impl(&ctx, impl);
			for (size_t r = 0; r < fips_vectors[v].repeat; r++)
				verity_sha256_update(&ctx, fips_vectors[v].msg, unit);
			verity_sha256_final(&ctx, digests);
			to_hex(digests, 32, hex);
			CHECK(strcmp(hex, fips_vectors[v].hex) == 0,
			      "%s: FIPS vector %zu streamed byte-group-wise: %s", impl->name, v,
			      hex);
		}
		free(buf);
		free(digests);
	}
}

/* Streaming with random split points (zero-length updates included). */
static void check_streaming(const struct verity_sha256_impl *impl, const uint8_t *msg, size_t len,
                            const uint8_t want[32])
{
	struct verity_sha256_ctx ctx;
	uint8_t got[32];
	size_t done = 0;

	verity_sha256_init_impl(&ctx, impl);
	while (done < len) {
		size_t left = len - done;
		size_t step = rnd() % (left < 150 ? left + 1 : 150);

		verity_sha256_update(&ctx, msg + done, step);
		done += step;
	}
	verity_sha256_final(&ctx, got);
	CHECK(memcmp(got, want, 32) == 0, "%s: streaming length %zu", impl->name, len);
}

/*
 * One hash_many case: n messages of len bytes at msgs + i * stride, salt of
 * salt_len bytes at pos (salt_len 0: none). Digests go to an unaligned
 * buffer with a guard byte on each side.
 */
struct many_case {
	const uint8_t *msgs;
	size_t len, stride, n;
	const uint8_t *salt;
	size_t salt_len;
	enum verity_salt_position pos;
	const uint8_t *want; /* n * 32 bytes */
};

static void reference_many(const struct verity_sha256_impl *generic, const struct many_case *mc,
                           uint8_t *want)
{
	for (size_t i = 0; i < mc->n; i++) {
		const uint8_t *m = mc->msgs + i * mc->stride;

		if (mc->pos == VERITY_SALT_PREFIX)
			reference(generic, mc->salt, mc->salt_len, m, mc->len, NULL, 0,
			          want + 32 * i);
		else
			reference(generic, m, mc->len, mc->salt, mc->salt_len, NULL, 0,
			          want + 32 * i);
	}
}

static void check_many(const struct verity_sha256_impl *impl, const struct many_case *mc)
{
	static uint8_t out[32 * MAX_MSGS + 3];
	uint8_t *got = out + 1;
	int rc;

	out[0] = 0xa5;
	got[32 * mc->n] = 0x5a;
	rc = verity_sha256_hash_many_impl(impl, mc->msgs, mc->len, mc->stride, mc->n, mc->salt,
	                                  mc->salt_len, mc->pos, got);
	CHECK(rc == 0, "%s: hash_many returned %d", impl->name, rc);
	CHECK(out[0] == 0xa5 && got[32 * mc->n] == 0x5a, "%s: hash_many wrote past the digests",
	      impl->name);
	for (size_t i = 0; i < mc->n; i++)
		CHECK(memcmp(got + 32 * i, mc->want + 32 * i, 32) == 0,
		      "%s: hash_many length %zu, n %zu, message %zu, salt %zu %s, stride %zu, "
		      "align %u",
		      impl->name, mc->len, mc->n, i, mc->salt_len,
		      mc->pos == VERITY_SALT_PREFIX ? "prefix" : "suffix", mc->stride,
		      (unsigned)((uintptr_t)mc->msgs & 15));
}

/* The entry points that use the run-time choice, not an explicit impl. */
static void check_chosen(const struct many_case *mc, const uint8_t plain[32])
{
	uint8_t got[32 * MAX_MSGS];
	int rc = verity_sha256_hash_many(mc->msgs, mc->len, mc->stride, mc->n, mc->salt,
	                                 mc->salt_len, mc->pos, got);

	CHECK(rc == 0 && memcmp(got, mc->want, 32 * mc->n) == 0,
	      "chosen %s: hash_many length %zu, n %zu", verity_sha256_impl_name(true), mc->len,
	      mc->n);
	verity_sha256(mc->msgs, mc->len, got);
	CHECK(memcmp(got, plain, 32) == 0, "chosen %s: one-shot length %zu",
	      verity_sha256_impl_name(false), mc->len);
}

struct suite {
	const struct verity_sha256_impl *generic;
	const struct verity_sha256_impl *impls[32];
	size_t count;
	uint8_t *pool; /* random messages */
	size_t pool_size;
	uint8_t *salt_pool; /* random salt, at an odd address */
	uint8_t *want;
	bool quick;
};

/* Every length: streaming (single-lane impls) and one hash_many case each. */
static void check_every_length(struct suite *s)
{
	static const size_t salt_sizes[] = {1, 7, 32, 55, 56, 63, 64, 65, 100, 128, 200, 256};
	size_t step = s->quick ? 11 : 1;

	for (size_t len = 0; len <= MAX_LEN; len += step) {
		/* Full and partial groups for 2 and 4 lanes; more while short. */
		size_t n = len < 200 ? 1 + len % MAX_MSGS : 1 + len % 6;
		size_t stride = len + len % 5;
		struct many_case mc = {
		    .msgs = s->pool + 1 + len % 15,
		    .len = len,
		    .stride = n > 1 ? stride : 0,
		    .n = n,
		    .salt = s->salt_pool + len % 3,
		    .salt_len = len % 3 ? salt_sizes[(len / 3) % 12] : 0,
		    .pos = len % 3 == 2 ? VERITY_SALT_SUFFIX : VERITY_SALT_PREFIX,
		    .want = s->want,
		};
		uint8_t plain[32];

		reference(s->generic, mc.msgs, len, NULL, 0, NULL, 0, plain);
		reference_many(s->generic, &mc, s->want);
		for (size_t k = 0; k < s->count; k++) {
			if (s->impls[k]->lanes == 1)
				check_streaming(s->impls[k], mc.msgs, len, plain);
			check_many(s->impls[k], &mc);
		}
		if (len % 5 == 0)
			check_chosen(&mc, plain);
	}
}

/* N = 1..33 where padding and prefix staging change. */
static void check_every_count(struct suite *s)
{
	static const size_t lengths[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 4096};
	static const size_t salt_sizes[] = {0, 1, 32, 55, 56, 63, 64, 65, 200, 256};
	size_t nl = sizeof(lengths) / sizeof(lengths[0]);
	size_t ns = sizeof(salt_sizes) / sizeof(salt_sizes[0]);

	for (size_t l = 0; l < nl; l++) {
		for (size_t si = 0; si < ns; si++) {
			for (int side = 0; side < 2; side++) {
				size_t len = lengths[l];
				struct many_case mc = {
				    .msgs = s->pool + 3 + l,
				    .len = len,
				    .stride = len + 1 + si,
				    .n = MAX_MSGS,
				    .salt = s->salt_pool + si,
				    .salt_len = salt_sizes[si],
				    .pos = side ? VERITY_SALT_SUFFIX : VERITY_SALT_PREFIX,
				    .want = s->want,
				};

				if (s->quick && (si + l) % 3)
					continue;
				if (side && !salt_sizes[si])
					continue;
				/* Long messages: every count only without salt. */
				if (len > 1000 && salt_sizes[si] != 0 && salt_sizes[si] != 32)
					continue;
				reference_many(s->generic, &mc, s->want);
				for (size_t k = 0; k < s->count; k++) {
					for (size_t n = 1; n <= MAX_MSGS; n++) {
						mc.n = n;
						check_many(s->impls[k], &mc);
					}
					mc.n = MAX_MSGS;
				}
			}
		}
	}
}

static void check_bad_input(void)
{
	uint8_t msg[64] = {0}, out[64];
	char hex[65];

	CHECK(verity_sha256_hash_many(NULL, 0, 0, 0, NULL, 0, VERITY_SALT_PREFIX, NULL) == 0,
	      "n = 0 is a no-op");
	CHECK(verity_sha256_hash_many(NULL, 64, 64, 1, NULL, 0, VERITY_SALT_PREFIX, out) ==
	          VERITY_E_INVAL,
	      "NULL messages");
	CHECK(verity_sha256_hash_many(msg, 64, 64, 1, NULL, 0, VERITY_SALT_PREFIX, NULL) ==
	          VERITY_E_INVAL,
	      "NULL digests");
	CHECK(verity_sha256_hash_many(msg, 64, 64, 1, NULL, 5, VERITY_SALT_PREFIX, out) ==
	          VERITY_E_INVAL,
	      "NULL salt");
	CHECK(verity_sha256_hash_many(msg, 32, 16, 2, NULL, 0, VERITY_SALT_PREFIX, out) ==
	          VERITY_E_INVAL,
	      "stride shorter than a message");
	CHECK(verity_sha256_hash_many(NULL, 0, 0, 2, NULL, 0, VERITY_SALT_PREFIX, out) == 0,
	      "zero-length messages without a buffer");
	to_hex(out + 32, 32, hex);
	CHECK(strcmp(hex, fips_vectors[0].hex) == 0, "empty message digest %s", hex);
}

/* The table is well formed and the choice is one the CPU supports. */
static void check_table(const struct suite *s)
{
	const struct verity_sha256_impl *single = verity_sha256_impl_single();
	const struct verity_sha256_impl *many = verity_sha256_impl_many();

	CHECK(s->generic && s->generic->cpu_supported(), "generic missing or unsupported");
	CHECK(verity_sha256_impl_at(verity_sha256_impl_count()) == NULL, "table end");
	for (size_t i = 0; i < verity_sha256_impl_count(); i++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(i);
		unsigned lanes = impl->lanes;

		CHECK(lanes == 1 || lanes == 2 || lanes == 3 || lanes == 4 || lanes == 8 ||
		          lanes == 16,
		      "%s: %u lanes", impl->name, lanes);
		CHECK(verity_sha256_impl_find(impl->name) == impl, "%s: find by name", impl->name);
	}
	CHECK(single->lanes == 1 && single->cpu_supported(), "single-stream choice %s",
	      single->name);
	CHECK(many->cpu_supported(), "many-message choice %s", many->name);
}

static void usage(const char *prog)
{
	fprintf(stderr,
	        "usage: %s [--quick] [--require NAME]... [--reject NAME]... [--expect-many NAME]\n"
	        "  --quick            every 11th length, a third of the salt sizes\n"
	        "  --require NAME     fail unless NAME is built in and this CPU supports it\n"
	        "  --reject NAME      fail if NAME is built in and this CPU supports it\n"
	        "  --expect-many NAME fail unless NAME is the choice for many messages\n",
	        prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct suite s = {.generic = verity_sha256_impl_find("generic")};
	size_t pool_size = (MAX_LEN + 5) * MAX_MSGS + 32;

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *name = i + 1 < argc ? argv[i + 1] : NULL;
		const struct verity_sha256_impl *impl;

		if (strcmp(opt, "--quick") == 0) {
			s.quick = true;
			continue;
		}
		if (!name)
			usage(argv[0]);
		i++;
		impl = verity_sha256_impl_find(name);
		if (strcmp(opt, "--require") == 0)
			CHECK(impl && impl->cpu_supported(), "%s: %s", name,
			      impl ? "not supported by this CPU" : "not built in");
		else if (strcmp(opt, "--reject") == 0)
			CHECK(!impl || !impl->cpu_supported(), "%s: supported, expected not", name);
		else if (strcmp(opt, "--expect-many") == 0)
			CHECK(strcmp(verity_sha256_impl_name(true), name) == 0,
			      "chosen for many: %s, expected %s", verity_sha256_impl_name(true),
			      name);
		else
			usage(argv[0]);
	}

	if (!s.generic) {
		fprintf(stderr, "generic implementation missing\n");
		return 1;
	}
	printf("chosen: single %s, many %s\n", verity_sha256_impl_name(false),
	       verity_sha256_impl_name(true));
	for (size_t i = 0; i < verity_sha256_impl_count(); i++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(i);
		bool ok = impl->cpu_supported();

		printf("%-12s %2u lane%s %s\n", impl->name, impl->lanes, impl->lanes > 1 ? "s" : "",
		       ok ? "checked" : "skipped (CPU lacks it)");
		if (ok && s.count < sizeof(s.impls) / sizeof(s.impls[0]))
			s.impls[s.count++] = impl;
	}

	s.pool = xmalloc(pool_size);
	s.pool_size = pool_size;
	s.salt_pool = xmalloc(MAX_SALT + 16);
	s.want = xmalloc(32 * MAX_MSGS);
	fill_random(s.pool, pool_size);
	fill_random(s.salt_pool, MAX_SALT + 16);

	check_table(&s);
	check_bad_input();
	for (size_t k = 0; k < s.count; k++)
		check_fips(s.impls[k]);
	check_every_length(&s);
	check_every_count(&s);

	free(s.pool);
	free(s.salt_pool);
	free(s.want);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
