/* SPDX-License-Identifier: MIT */
/*
 * The table of SHA-256 implementations and the one-time choice among them.
 * HAVE_SHA256_* come from configure: the compiler accepted that ISA's flags.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdatomic.h>
#include <string.h>

#include "impl.h"
#include "libverity.h"

#define MAX_LANES VERITY_SHA256_MAX_LANES

static bool always_supported(void)
{
	return true;
}

/*
 * The built-in order, used until the first large batch is timed (see
 * verity_sha256_calibrate_list()) and where there is no cycle counter; ties
 * go to fewer lanes. Measured with bench/run-sha256.sh (4 KiB blocks, 32-byte
 * salt): on AMD Zen 5 avx512-x16 2.5-2.7x OpenSSL's SHA-NI code, shani-x4
 * 1.7-1.8; on an Intel Rocket Lake server avx512-x16 1.9-2.0, shani-x2..x4
 * 1.4 (all three at the sha256rnds2 bound); on an AMD EPYC without AVX-512
 * shani-x2 beat shani-x4, which is why the choice is measured. The hybrid
 * of 16 AVX-512 lanes and 2 SHA-NI streams in one instruction stream
 * (sha256_hybrid.c, bench_sha256 --impl hybrid-x18) is not in the table:
 * on a Sapphire Rapids class Xeon it ran at 0.87-0.88 TSC c/B against
 * 0.83-0.84 for avx512-x16 (4 KiB + salt). With 512-bit work in flight
 * SHA-NI shares the two vector ports, where one quad of its rounds costs
 * about 6 TSC cycles, so a SHA-NI stream adds about 1.3 c/B against 0.7 for
 * a 16th of avx512-x16 (the microkernels in bench_sha256). Written the
 * plain way, with intrinsics, it ran at 33 c/B: after a 512-bit write to
 * zmm0..15 each switch to the legacy-encoded sha256rnds2 costs ~350 cycles.
 */
static const struct verity_sha256_impl impls[] = {
#ifdef HAVE_SHA256_AVX512
    {"avx512-x16", 16, verity_cpu_has_avx512, verity_sha256_blocks_avx512_x16},
#endif
#ifdef HAVE_SHA256_SHANI
    {"shani-x4", 4, verity_cpu_has_shani, verity_sha256_blocks_shani_x4},
    {"shani-x3", 3, verity_cpu_has_shani, verity_sha256_blocks_shani_x3},
    {"shani-x2", 2, verity_cpu_has_shani, verity_sha256_blocks_shani_x2},
    {"shani", 1, verity_cpu_has_shani, verity_sha256_blocks_shani},
#endif
#ifdef HAVE_SHA256_AVX2
    {"avx2-x8", 8, verity_cpu_has_avx2, verity_sha256_blocks_avx2_x8},
#endif
#ifdef HAVE_SHA256_ARMV8CE
    {"armv8ce-x2", 2, verity_cpu_has_arm_sha2, verity_sha256_blocks_armv8ce_x2},
    {"armv8ce", 1, verity_cpu_has_arm_sha2, verity_sha256_blocks_armv8ce},
#endif
#ifdef HAVE_SHA256_NEON
    {"neon-x4", 4, verity_cpu_has_neon, verity_sha256_blocks_neon_x4},
#endif
    {"generic", 1, always_supported, verity_sha256_blocks_generic},
};

#define IMPL_COUNT (sizeof(impls) / sizeof(impls[0]))
#define GENERIC    (&impls[IMPL_COUNT - 1])

static _Atomic(const struct verity_sha256_impl *) chosen_single;
static _Atomic(const struct verity_sha256_impl *) chosen_many;

/* Why the current choice was made (static strings, or why_measured). */
static _Atomic(const char *) reason_single;
static _Atomic(const char *) reason_many;
static _Atomic int env_error; /* from the first choose(), see verity_sha256_check_env() */

enum { CAL_IDLE = 0, CAL_RUNNING, CAL_DONE }; /* claim_calibration() needs IDLE == 0 */
static _Atomic int calibration;               /* CAL_*; CAL_DONE too when forced */
static char why_measured[IMPL_COUNT * 24 + 96];

static const char reason_static[] = "static order (no batch of 4 KiB blocks hashed yet)";
static const char reason_no_counter[] = "static order (no cycle counter to measure with)";
static const char reason_api[] = "forced by verity_sha256_force_impl()";
static const char reason_single_static[] =
    "first single-stream implementation this CPU runs (hardware SHA before C)";

size_t verity_sha256_impl_count(void)
{
	return IMPL_COUNT;
}

const struct verity_sha256_impl *verity_sha256_impl_at(size_t index)
{
	return index < IMPL_COUNT ? &impls[index] : NULL;
}

const struct verity_sha256_impl *verity_sha256_impl_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < IMPL_COUNT; i++)
		if (strcmp(impls[i].name, name) == 0)
			return &impls[i];
	return NULL;
}

static const struct verity_sha256_impl *first_usable(unsigned max_lanes)
{
	for (size_t i = 0; i < IMPL_COUNT; i++)
		if (impls[i].lanes <= max_lanes && impls[i].cpu_supported())
			return &impls[i];
	return GENERIC;
}

static void set_automatic(void)
{
	uint64_t now;

	atomic_store(&chosen_single, first_usable(1));
	atomic_store(&reason_single, reason_single_static);
	atomic_store(&chosen_many, first_usable(MAX_LANES));
	atomic_store(&reason_many, verity_cpu_cycles(&now) ? reason_static : reason_no_counter);
	atomic_store(&calibration, verity_cpu_cycles(&now) ? CAL_IDLE : CAL_DONE);
}

static void set_forced(const struct verity_sha256_impl *impl, const char *why)
{
	atomic_store(&calibration, CAL_DONE);
	atomic_store(&chosen_many, impl);
	atomic_store(&reason_many, why);
	if (impl->lanes == 1) {
		atomic_store(&chosen_single, impl);
		atomic_store(&reason_single, why);
	}
}

/* Racing first calls may both choose; they choose the same, so it is benign. */
static void choose(void)
{
	set_automatic();
	const char *name = verity_sha256_env_impl();

	if (name && *name) {
		const struct verity_sha256_impl *forced = verity_sha256_impl_find(name);

		if (!forced)
			env_error = VERITY_E_INVAL;
		else if (!forced->cpu_supported())
			env_error = VERITY_E_UNSUPPORTED;
		else
			set_forced(forced, "forced by VERITY_SHA256_IMPL");
	}
}

const struct verity_sha256_impl *verity_sha256_impl_single(void)
{
	const struct verity_sha256_impl *impl = atomic_load(&chosen_single);

	if (!impl) {
		choose();
		impl = atomic_load(&chosen_single);
	}
	return impl;
}

const struct verity_sha256_impl *verity_sha256_impl_many(void)
{
	const struct verity_sha256_impl *impl = atomic_load(&chosen_many);

	if (!impl) {
		choose();
		impl = atomic_load(&chosen_many);
	}
	return impl;
}

const char *verity_sha256_impl_name(bool many)
{
	return many ? verity_sha256_impl_many()->name : verity_sha256_impl_single()->name;
}

const char *verity_sha256_impl_reason(bool many)
{
	verity_sha256_impl_single(); /* make sure a choice exists */
	return atomic_load(many ? &reason_many : &reason_single);
}

int verity_sha256_check_env(void)
{
	verity_sha256_impl_single();
	return env_error;
}

int verity_sha256_force_impl(const char *name)
{
	const struct verity_sha256_impl *impl;

	if (!name) {
		verity_sha256_impl_single();
		set_automatic();
		return 0;
	}
	impl = verity_sha256_impl_find(name);
	if (!impl)
		return VERITY_E_INVAL;
	if (!impl->cpu_supported())
		return VERITY_E_UNSUPPORTED;
	verity_sha256_impl_single(); /* make sure a choice exists first */
	set_forced(impl, reason_api);
	if (impl->lanes != 1) {
		atomic_store(&chosen_single, first_usable(1));
		atomic_store(&reason_single, reason_single_static);
	}
	return 0;
}

size_t verity_sha256_pick_fastest(const uint64_t cost[], size_t count)
{
	size_t best = 0;

	for (size_t i = 1; i < count; i++)
		if (cost[i] < cost[best])
			best = i;
	return best;
}

/* Append @s to @buf (of @size bytes, NUL-terminated at *@len). */
static void append(char *buf, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		buf[(*len)++] = *s++;
	buf[*len] = '\0';
}

/* Append @v / 100 with two decimals, without stdio (freestanding). */
static void append_hundredths(char *buf, size_t size, size_t *len, uint64_t v)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < 3);
	for (char tmp[2] = {0, 0}; n--;) {
		tmp[0] = digits[n];
		append(buf, size, len, tmp);
		if (n == 2)
			append(buf, size, len, ".");
	}
}

bool verity_sha256_calibration_wanted(void)
{
	verity_sha256_impl_single();
	return atomic_load(&calibration) == CAL_IDLE;
}

/*
 * Time every multi-lane implementation this CPU runs on the caller's own
 * batch, the way hash_many() will hash it (same messages, salt, cache
 * state), twice round-robin so that a one-off stall or a clock ramp hits
 * no single candidate; keep each one's faster run and choose the fastest.
 * Costs about 2 x candidates x the time of @msgs (16 x 4 KiB: 0.2-0.5 ms).
 * The first caller measures; racing callers keep the static choice meanwhile.
 */
/*
 * Move the calibration from CAL_IDLE to CAL_RUNNING; false if another thread
 * did first. arm64 compilers turn a C11 compare-and-swap into a call to a
 * libgcc helper (outline atomics) that a freestanding core cannot link, so
 * it is spelled out there with exclusive loads and stores.
 */
static bool claim_calibration(void)
{
#if defined(__aarch64__)
	unsigned old, failed;

	__asm__ volatile("1: ldaxr %w0, [%2]\n"
	                 "   cbnz %w0, 2f\n"
	                 "   stlxr %w1, %w3, [%2]\n"
	                 "   cbnz %w1, 1b\n"
	                 "2:\n"
	                 : "=&r"(old), "=&r"(failed)
	                 : "r"(&calibration), "r"((unsigned)CAL_RUNNING)
	                 : "memory");
	return old == CAL_IDLE;
#else
	int expected = CAL_IDLE;

	return atomic_compare_exchange_strong(&calibration, &expected, CAL_RUNNING);
#endif
}

void verity_sha256_calibrate_list(const uint8_t *const msgs[VERITY_SHA256_CALIBRATION_MSGS],
                                  size_t msg_len, const uint8_t *salt, size_t salt_len,
                                  enum verity_salt_position pos, uint8_t *digests)
{
	const struct verity_sha256_impl *cand[IMPL_COUNT];
	uint64_t cost[IMPL_COUNT];
	size_t count = 0, best, len = 0;

	if (!claim_calibration())
		return;
	for (size_t i = 0; i < IMPL_COUNT; i++)
		if (impls[i].lanes > 1 && impls[i].cpu_supported()) {
			cand[count] = &impls[i];
			cost[count++] = UINT64_MAX;
		}
	if (count < 2) {
		if (count == 1)
			atomic_store(&reason_many,
			             "the only multi-stream implementation this CPU runs");
		atomic_store(&calibration, CAL_DONE);
		return;
	}
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < count; i++) {
			uint64_t t0, t1;

			verity_cpu_cycles(&t0);
			verity_sha256_hash_list_impl(cand[i], msgs, msg_len,
			                             VERITY_SHA256_CALIBRATION_MSGS, salt, salt_len,
			                             pos, digests);
			verity_cpu_cycles(&t1);
			if (t1 - t0 < cost[i])
				cost[i] = t1 - t0;
		}
	best = verity_sha256_pick_fastest(cost, count);
	append(why_measured, sizeof(why_measured), &len,
	       "fastest measured here on this workload (time relative to it):");
	for (size_t i = 0; i < count; i++) {
		append(why_measured, sizeof(why_measured), &len, i ? ", " : " ");
		append(why_measured, sizeof(why_measured), &len, cand[i]->name);
		append(why_measured, sizeof(why_measured), &len, " ");
		append_hundredths(why_measured, sizeof(why_measured), &len,
		                  cost[best] ? cost[i] * 100 / cost[best] : 100);
	}
	/* A concurrent verity_sha256_force_impl() wins. */
	if (atomic_load(&reason_many) == reason_static) {
		atomic_store(&chosen_many, cand[best]);
		atomic_store(&reason_many, (const char *)why_measured);
	}
	atomic_store(&calibration, CAL_DONE);
}

int verity_sha256_calibrate(const void *blocks, size_t len)
{
	static const uint8_t salt[32];
	const uint8_t *msgs[VERITY_SHA256_CALIBRATION_MSGS];
	uint8_t digests[VERITY_SHA256_CALIBRATION_MSGS * VERITY_SHA256_DIGEST_SIZE];
	uint64_t now;

	if (!blocks || len < VERITY_SHA256_CALIBRATION_MSGS * 4096)
		return VERITY_E_INVAL;
	if (!verity_cpu_cycles(&now))
		return VERITY_E_UNSUPPORTED;
	for (size_t i = 0; i < VERITY_SHA256_CALIBRATION_MSGS; i++)
		msgs[i] = (const uint8_t *)blocks + i * 4096;
	if (verity_sha256_calibration_wanted())
		verity_sha256_calibrate_list(msgs, 4096, salt, sizeof(salt), VERITY_SALT_PREFIX,
		                             digests);
	return 0;
}
