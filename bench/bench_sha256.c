/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 throughput of every implementation this CPU can run, against
 * OpenSSL's EVP SHA-256 measured in the same process run.
 *
 * Three workloads, each on many messages hashed with hash_many() (OpenSSL:
 * one EVP digest per message, the context and MD fetched once):
 *   64 B messages; 4096 B messages each preceded by a 32-byte salt (the
 *   dm-verity data block); 1 MiB messages.
 * MB/s counts message bytes (not the salt) per second; cycles/byte counts
 * TSC cycles (x86-64 only; the TSC rate is calibrated against clock_gettime
 * at start). By default time is the thread's CPU time and cycles are that
 * time at the TSC rate, so that on a shared, overloaded machine the time
 * spent descheduled is not charged to whoever was running; --wall uses
 * CLOCK_MONOTONIC and raw rdtsc differences instead (quiet machines). Each
 * figure is the median of --reps repetitions; repetitions go round-robin
 * over all implementations so slow drifts hit all of them alike, and the
 * ratio is the median of per-repetition ratios against OpenSSL. Every
 * digest is xor-folded into a sink printed at the end so no work can be
 * optimised away.
 *
 * After the table, on x86-64: what bounds SHA-NI (the sha256rnds2
 * microkernel) and AVX-512 (the throughput of the x16 kernel's zmm
 * instructions), each kernel's % of its bound, and what SHA-NI costs amid
 * AVX-512 work. --impl hybrid-x18 also measures the block function that
 * interleaves both in one thread, built for this benchmark only (see
 * sha/dispatch.c for why it is not in the library).
 *
 * --stream-file PATH hashes a file through the streaming API of one
 * implementation (--impl, default generic) the way sha256sum does: read()
 * into a buffer, update, final; prints median MB/s and the digest.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#ifdef BENCH_OPENSSL
#include <openssl/evp.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "libverity.h"
#include "sha/impl.h"
#include "sha/sha256.h"
#include "sha/sha256_shani_asm.h"

#define MAX_CANDIDATES 24
#define MAX_REPS       51
#define SALT_LEN       32

struct workload {
	const char *label;
	size_t msg_len;
	size_t count; /* messages per pass */
	size_t salt_len;
};

static const struct workload workloads[] = {
    {"64 B", 64, 16384, 0},
    {"4 KiB+salt", 4096, 1024, SALT_LEN},
    {"1 MiB", 1 << 20, 16, 0},
};
#define NWORK (sizeof(workloads) / sizeof(workloads[0]))

/* Block functions outside the library's table (see sha/impl.h). */
static const struct verity_sha256_impl *const bench_only[] = VERITY_SHA256_BENCH_ONLY;
#define BENCH_ONLY_COUNT (bench_only[0] ? sizeof(bench_only) / sizeof(bench_only[0]) : 0)

/* An implementation of libverity, or OpenSSL when impl == NULL. */
struct candidate {
	const char *name;
	const struct verity_sha256_impl *impl;
	size_t passes[NWORK]; /* passes per repetition, from calibration */
	double mbps[NWORK][MAX_REPS];
	double cpb[NWORK][MAX_REPS];
};

static uint64_t sink[4];
static double tsc_per_ns;
static bool wall_clock;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The clock that measurements use: see the header comment. */
static uint64_t measure_ns(void)
{
	return clock_ns(wall_clock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID);
}

static uint64_t cycles(void)
{
#if defined(__x86_64__)
	return __rdtsc();
#else
	return 0;
#endif
}

/* TSC ticks per nanosecond, measured over about 100 ms of wall time. */
static double calibrate_tsc(void)
{
	uint64_t t0 = now_ns(), c0 = cycles(), t1, c1;

	do {
		t1 = now_ns();
	} while (t1 - t0 < 100000000u);
	c1 = cycles();
	return (double)(c1 - c0) / (double)(t1 - t0);
}

/*
 * Fold digests into the sink. Each word rotates before the xor: a plain xor
 * would cancel out when the same messages are hashed an even number of times.
 */
static void consume(const uint8_t *digests, size_t n)
{
	for (size_t d = 0; d < n; d++) {
		for (int j = 0; j < 4; j++) {
			uint64_t v;

			memcpy(&v, digests + d * VERITY_SHA256_DIGEST_SIZE + 8 * j, sizeof(v));
			sink[j] = ((sink[j] << 1) | (sink[j] >> 63)) ^ v;
		}
	}
}

#if defined(__x86_64__)
/*
 * The sha256rnds2 microkernel: TSC cycles per instruction with eight
 * independent chains (throughput) and with one chain (latency), best of
 * several runs. The assembler needs no -msha; this runs only on SHA-NI CPUs.
 */
#define RNDS2_ITERS 200000
static double rnds2_cycles(bool chained)
{
	uint64_t best = UINT64_MAX;

	for (int r = 0; r < 9; r++) {
		uint64_t t0 = __rdtsc();

		for (int i = 0; i < RNDS2_ITERS; i++) {
			if (chained)
				__asm__ volatile("sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm1" ::
				                     : "xmm1");
			else
				__asm__ volatile("sha256rnds2 %%xmm0, %%xmm8, %%xmm1\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm2\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm3\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm4\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm5\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm6\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm7\n\t"
				                 "sha256rnds2 %%xmm0, %%xmm8, %%xmm9" ::
				                     : "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
				                       "xmm6", "xmm7", "xmm9");
		}
		if (__rdtsc() - t0 < best)
			best = __rdtsc() - t0;
	}
	return (double)best / (RNDS2_ITERS * 8.0);
}

/*
 * The AVX-512 microkernels: TSC cycles per zmm instruction with twelve
 * independent results per group, for each instruction the avx512-x16
 * kernel is made of and for its mix. Registers zmm16..31 only: SSE code
 * that runs afterwards (or alongside, below) pays no transition for them.
 * Run only on AVX-512 CPUs; the assembler needs no -mavx512f.
 */
#define ZMM_ITERS 100000
/* @op (with its other operands) from one source into each of zmm16..27 */
#define ZMM12(op)                                                                           \
	op " %%zmm29, %%zmm16\n\t" op " %%zmm30, %%zmm17\n\t" op " %%zmm31, %%zmm18\n\t" op \
	   " %%zmm29, %%zmm19\n\t" op " %%zmm30, %%zmm20\n\t" op " %%zmm31, %%zmm21\n\t" op \
	   " %%zmm29, %%zmm22\n\t" op " %%zmm30, %%zmm23\n\t" op " %%zmm31, %%zmm24\n\t" op \
	   " %%zmm29, %%zmm25\n\t" op " %%zmm30, %%zmm26\n\t" op " %%zmm31, %%zmm27\n\t"
#define ZMM_CLOBBERS                                                                              \
	"xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", \
	    "xmm26", "xmm27"
/*
 * The x16 kernel's mix in 24 instructions: 10 vpaddd, 5 vpternlogd, 8
 * rotates, 1 shift, as 728 : 352 : 576 : 96 per block of 16 lanes. Counted
 * in objdump -d of verity_sha256_blocks_avx512_x16 between the loop's start
 * and its jne (GCC 12, -O2): those 1752, 80 shuffles (16 vpshufb byte
 * swaps, 64 for the transpose) and 159 register copies, which the renamer
 * mostly eliminates.
 */
#define ZMM_MIX(r)                                         \
	"vpaddd %%zmm28, %%zmm29, %%" r "0\n\t"            \
	"vprord $6, %%zmm29, %%" r "1\n\t"                 \
	"vpaddd %%zmm30, %%zmm31, %%" r "2\n\t"            \
	"vpternlogd $0x96, %%zmm28, %%zmm29, %%" r "3\n\t" \
	"vprord $11, %%zmm30, %%" r "4\n\t"                \
	"vpaddd %%zmm28, %%zmm30, %%" r "5\n\t"            \
	"vprold $7, %%zmm31, %%" r "0\n\t"                 \
	"vpaddd %%zmm29, %%zmm31, %%" r "1\n\t"            \
	"vpternlogd $0xca, %%zmm30, %%zmm31, %%" r "2\n\t" \
	"vprord $25, %%zmm28, %%" r "3\n\t"                \
	"vpaddd %%zmm28, %%zmm31, %%" r "4\n\t"            \
	"vpsrld $3, %%zmm29, %%" r "5\n\t"                 \
	"vpaddd %%zmm29, %%zmm30, %%" r "0\n\t"            \
	"vprold $13, %%zmm30, %%" r "1\n\t"                \
	"vpternlogd $0xe8, %%zmm28, %%zmm30, %%" r "2\n\t" \
	"vpaddd %%zmm30, %%zmm28, %%" r "3\n\t"            \
	"vprord $2, %%zmm31, %%" r "4\n\t"                 \
	"vpaddd %%zmm31, %%zmm29, %%" r "5\n\t"            \
	"vprold $19, %%zmm28, %%" r "0\n\t"                \
	"vpternlogd $0x96, %%zmm29, %%zmm31, %%" r "1\n\t" \
	"vpaddd %%zmm31, %%zmm28, %%" r "2\n\t"            \
	"vprord $22, %%zmm29, %%" r "3\n\t"                \
	"vpternlogd $0x96, %%zmm28, %%zmm31, %%" r "4\n\t" \
	"vpaddd %%zmm29, %%zmm28, %%" r "5\n\t"
/* Two independent sha256rnds2 (into two of xmm1..4, from xmm0 and xmm9). */
#define RNDS2_PAIR(x, y)                             \
	"sha256rnds2 %%xmm0, %%xmm9, %%xmm" x "\n\t" \
	"sha256rnds2 %%xmm0, %%xmm9, %%xmm" y "\n\t"

/* What two SHANI_ASM_QUAD()s with K in xmm8 write. */
#define SHANI_QUAD_CLOBBERS                                                                       \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm9", "xmm10", "xmm11", \
	    "xmm12", "xmm13", "xmm14", "xmm15"

/* Two independent 128-bit additions, as SHA-NI code has around sha256rnds2. */
#define XMM_PAIR(x, y)                          \
	"vpaddd %%xmm0, %%xmm9, %%xmm" x "\n\t" \
	"vpaddd %%xmm0, %%xmm9, %%xmm" y "\n\t"

enum zmm_kernel {
	ZMM_ROR,
	ZMM_TERNLOG,
	ZMM_ADD,
	ZMM_KMIX,
	ZMM_KMIX_XMM,
	ZMM_KMIX_QUAD,
	ZMM_KMIX_RNDS2,
	ZMM_KMIX_RNDS2_LOW
};

/*
 * TSC cycles per iteration of @k, best of several runs. The target
 * attribute only lets the clobber lists name zmm16..31.
 */
__attribute__((target("avx512f"))) static double zmm_cycles(enum zmm_kernel k, int iters)
{
	uint64_t best = UINT64_MAX;

	for (int r = 0; r < 7; r++) {
		uint64_t t0 = __rdtsc();

		for (int i = 0; i < iters; i++) {
			switch (k) {
			case ZMM_ROR:
				__asm__ volatile(ZMM12("vprord $7,")::: ZMM_CLOBBERS);
				break;
			case ZMM_TERNLOG:
				__asm__ volatile(ZMM12("vpternlogd $0x96, %%zmm28,")::
				                     : ZMM_CLOBBERS);
				break;
			case ZMM_ADD:
				__asm__ volatile(ZMM12("vpaddd %%zmm28,")::: ZMM_CLOBBERS);
				break;
			case ZMM_KMIX:
				__asm__ volatile(ZMM_MIX("zmm2") ZMM_MIX("zmm2")::: ZMM_CLOBBERS);
				break;
			case ZMM_KMIX_XMM: /* 128-bit ops alongside: is a third port free? */
				__asm__ volatile(ZMM_MIX("zmm2") XMM_PAIR("1", "2") ZMM_MIX("zmm2")
				                     XMM_PAIR("3", "4")::
				                         : ZMM_CLOBBERS, "xmm1", "xmm2", "xmm3",
				                           "xmm4");
				break;
			case ZMM_KMIX_QUAD: /* two streams' quads alongside */
				__asm__ volatile(ZMM_MIX("zmm2")
				                     SHANI_ASM_QUAD("%%xmm8", "5", "6", "1", "2",
				                                    "3", "4", "7") ZMM_MIX("zmm2")
				                         SHANI_ASM_QUAD("%%xmm8", "10", "11", "12",
				                                        "13", "14", "15", "9")::
				                             : ZMM_CLOBBERS, SHANI_QUAD_CLOBBERS);
				break;
			case ZMM_KMIX_RNDS2: /* SHA-NI alongside, zmm0..15 untouched */
				__asm__ volatile(ZMM_MIX("zmm2") RNDS2_PAIR("1", "2")
				                     ZMM_MIX("zmm2") RNDS2_PAIR("3", "4")::
				                         : ZMM_CLOBBERS, "xmm1", "xmm2", "xmm3",
				                           "xmm4");
				break;
			case ZMM_KMIX_RNDS2_LOW: /* half the zmm work in zmm10..15: one switch */
				__asm__ volatile(
				    ZMM_MIX("zmm2") RNDS2_PAIR("1", "2") ZMM_MIX("zmm1")
				        RNDS2_PAIR("3", "4") "vzeroupper" ::
				            : ZMM_CLOBBERS, "xmm1", "xmm2", "xmm3", "xmm4", "xmm10",
				              "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
				break;
			}
		}
		if (__rdtsc() - t0 < best)
			best = __rdtsc() - t0;
	}
	return (double)best / iters;
}

/* TSC cycles per byte of an implementation's block function on L1-resident data. */
static double kernel_cpb(const struct verity_sha256_impl *impl)
{
	static uint8_t data[VERITY_SHA256_MAX_LANES][4096];
	uint32_t state[VERITY_SHA256_MAX_LANES][8];
	const uint8_t *ptr[VERITY_SHA256_MAX_LANES];
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < VERITY_SHA256_MAX_LANES; i++) {
		ptr[i] = data[i];
		memcpy(state[i], verity_sha256_initial_state, sizeof(state[i]));
	}
	for (int r = 0; r < 200; r++) {
		uint64_t t0 = __rdtsc();

		impl->blocks(state, ptr, 4096 / VERITY_SHA256_BLOCK_SIZE);
		if (__rdtsc() - t0 < best)
			best = __rdtsc() - t0;
	}
	sink[0] ^= state[0][0];
	return (double)best / (4096.0 * impl->lanes);
}

/*
 * What bounds SHA-NI here: 32 sha256rnds2 per 64-byte block, so
 * 32 x throughput / 64 cycles per byte with enough independent streams,
 * 32 x latency / 64 for one stream. Each SHA-NI block function against it.
 */
static void shani_bound(void)
{
	double tp = rnds2_cycles(false), lat = rnds2_cycles(true);
	double bound = 32 * tp / 64;

	printf("\nsha256rnds2 (TSC cycles): throughput %.2f, latency %.2f; bound %.3f c/B with "
	       "%.1f+ streams, %.3f c/B for one stream\n",
	       tp, lat, bound, lat / tp, 32 * lat / 64);
	printf("%-12s %10s %12s\n", "impl", "kernel c/B", "% of bound");
	for (size_t k = 0; k < verity_sha256_impl_count(); k++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(k);
		double cpb;

		if (strncmp(impl->name, "shani", 5) != 0 || !impl->cpu_supported())
			continue;
		cpb = kernel_cpb(impl);
		printf("%-12s %10.3f %11.0f%%\n", impl->name, cpb, 100 * bound / cpb);
	}
}

/* zmm instructions per block of 16 lanes in avx512-x16: ALU, shuffles (see ZMM_MIX). */
#define X16_ZMM_ALU     1752
#define X16_ZMM_SHUFFLE 80

/*
 * What bounds AVX-512 here: the x16 kernel's instructions at the rate the
 * vector ports run its mix. And what SHA-NI costs alongside it: each
 * sha256rnds2 added to the mix, with zmm0..15 untouched (the only way a
 * hybrid pays no SSE/AVX-512 transition) and after a write to zmm0..15.
 */
static void avx512_bound(bool shani)
{
	double ror = zmm_cycles(ZMM_ROR, ZMM_ITERS) / 12;
	double tern = zmm_cycles(ZMM_TERNLOG, ZMM_ITERS) / 12;
	double add = zmm_cycles(ZMM_ADD, ZMM_ITERS) / 12;
	double mix = zmm_cycles(ZMM_KMIX, ZMM_ITERS);
	/* Shuffles run on one of the two ports the mix uses: count them like the mix. */
	double bound = (X16_ZMM_ALU + X16_ZMM_SHUFFLE) * (mix / 48) / (16 * 64.0);
	const struct verity_sha256_impl *x16 = verity_sha256_impl_find("avx512-x16");
	double cpb = kernel_cpb(x16);

	printf("\nzmm instructions (TSC cycles each, 12 independent): vprord %.2f, vpternlogd "
	       "%.2f, vpaddd %.2f, the x16 kernel's mix %.2f;\nbound %.3f c/B (%d ALU and %d "
	       "shuffle instructions per 16 blocks)\n",
	       ror, tern, add, mix / 48, bound, X16_ZMM_ALU, X16_ZMM_SHUFFLE);
	printf("%-12s %10s %12s\n", "impl", "kernel c/B", "% of bound");
	printf("%-12s %10.3f %11.0f%%\n", x16->name, cpb, 100 * bound / cpb);
	if (shani) {
		double xmm = zmm_cycles(ZMM_KMIX_XMM, ZMM_ITERS);
		double with = zmm_cycles(ZMM_KMIX_RNDS2, ZMM_ITERS);
		double quad = (zmm_cycles(ZMM_KMIX_QUAD, ZMM_ITERS) - mix) / 2;
		double low = zmm_cycles(ZMM_KMIX_RNDS2_LOW, ZMM_ITERS / 10);

		/* 16 quads per block, 12 with the schedule: count 14 full ones. */
		printf(
		    "amid that mix with zmm0..15 untouched, each 128-bit vpaddd costs +%.2f TSC "
		    "cycles, each sha256rnds2 +%.2f,\neach SHA-NI quad +%.2f: a SHA-NI stream in "
		    "the same thread would cost about %.3f c/B, against %.3f for avx512-x16;\n"
		    "%.0f cycles per switch to SSE after a write to zmm0..15\n",
		    (xmm - mix) / 4, (with - mix) / 4, quad, 14 * quad / 64, cpb, low - with);
	}
}
#endif

/* Time the one-time calibration of the dispatcher, as a first large batch does. */
static void calibration_cost(void)
{
	static uint8_t blocks[16 * 4096];
	double best = 1e30;

	for (int r = 0; r < 5; r++) {
		uint64_t t0 = clock_ns(CLOCK_MONOTONIC);

		verity_sha256_force_impl(NULL);
		verity_sha256_calibrate(blocks, sizeof(blocks));
		if ((double)(clock_ns(CLOCK_MONOTONIC) - t0) < best)
			best = (double)(clock_ns(CLOCK_MONOTONIC) - t0);
	}
	printf("\ncalibration: %.0f us (best of 5); many: %s, %s\n", best / 1e3,
	       verity_sha256_impl_name(true), verity_sha256_impl_reason(true));
}

static void die(const char *what)
{
	fprintf(stderr, "bench_sha256: %s\n", what);
	exit(2);
}

#ifdef BENCH_OPENSSL
#define REFERENCE_NAME "openssl-evp"
static EVP_MD_CTX *evp_ctx;
static const EVP_MD *evp_md;

static void openssl_init(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	/* Fetch once: implicit fetches per digest would bias against OpenSSL. */
	evp_md = EVP_MD_fetch(NULL, "SHA256", NULL);
#else
	evp_md = EVP_sha256();
#endif
	evp_ctx = EVP_MD_CTX_new();
	if (!evp_md || !evp_ctx)
		die("OpenSSL SHA-256 unavailable");
}

static void openssl_many(const uint8_t *msgs, size_t msg_len, size_t n, const uint8_t *salt,
                         size_t salt_len, uint8_t *digests)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int len;

		if (!EVP_DigestInit_ex(evp_ctx, evp_md, NULL) ||
		    (salt_len && !EVP_DigestUpdate(evp_ctx, salt, salt_len)) ||
		    !EVP_DigestUpdate(evp_ctx, msgs + i * msg_len, msg_len) ||
		    !EVP_DigestFinal_ex(evp_ctx, digests + i * VERITY_SHA256_DIGEST_SIZE, &len))
			die("OpenSSL digest failed");
	}
}

static const char *reference_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

static void openssl_free(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD_free((EVP_MD *)evp_md);
#endif
	EVP_MD_CTX_free(evp_ctx);
}
#else
/*
 * Without OpenSSL (a cross build for a board or qemu), the reference is
 * libverity's generic C code: the table still prints, ratios to it.
 */
#define REFERENCE_NAME "generic-ref"
static void openssl_init(void)
{
}

static void openssl_many(const uint8_t *msgs, size_t msg_len, size_t n, const uint8_t *salt,
                         size_t salt_len, uint8_t *digests)
{
	if (verity_sha256_hash_many_impl(verity_sha256_impl_find("generic"), msgs, msg_len, msg_len,
	                                 n, salt, salt_len, VERITY_SALT_PREFIX, digests))
		die("generic hash_many failed");
}

static const char *reference_version(void)
{
	return "no OpenSSL in this build: generic C";
}

static void openssl_free(void)
{
}
#endif

static void run_pass(const struct candidate *c, const struct workload *w, const uint8_t *msgs,
                     const uint8_t *salt, uint8_t *digests)
{
	if (!c->impl)
		openssl_many(msgs, w->msg_len, w->count, salt, w->salt_len, digests);
	else if (verity_sha256_hash_many_impl(c->impl, msgs, w->msg_len, w->msg_len, w->count, salt,
	                                      w->salt_len, VERITY_SALT_PREFIX, digests))
		die("hash_many failed");
	consume(digests, w->count);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
	double tmp[MAX_REPS];

	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_sha256 [--reps N] [--min-ms MS] [--wall] [--impl "
	                "NAME[,NAME...]] [--csv FILE]\n"
	                "       bench_sha256 --list\n"
	                "       bench_sha256 --stream-file PATH [--impl NAME] [--reps N]\n"
	                "NAME is a libverity implementation or 'openssl' (always measured)\n");
	exit(2);
}

static bool name_selected(const char *list, const char *name)
{
	size_t len = strlen(name);

	if (!list)
		return true;
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && memcmp(p, name, n) == 0)
			return true;
		p += n + (end ? 1 : 0);
	}
	return false;
}

/* Hash a file like sha256sum: read() in 128 KiB pieces into the streaming API. */
static int stream_file(const char *path, const char *impl_name, unsigned reps)
{
	const struct verity_sha256_impl *impl =
	    verity_sha256_impl_find(impl_name ? impl_name : "generic");
	static uint8_t buf[128 * 1024];
	double mbps[MAX_REPS];
	uint8_t digest[VERITY_SHA256_DIGEST_SIZE];

	if (!impl || impl->lanes != 1 || !impl->cpu_supported())
		die("--stream-file needs a single-stream implementation this CPU supports");
	for (unsigned r = 0; r < reps; r++) {
		struct verity_sha256_ctx ctx;
		uint64_t total = 0, t0 = now_ns();
		int fd = open(path, O_RDONLY);
		ssize_t got;

		if (fd < 0)
			die("cannot open the --stream-file");
		verity_sha256_init_impl(&ctx, impl);
		while ((got = read(fd, buf, sizeof(buf))) != 0) {
			if (got < 0) {
				if (errno == EINTR)
					continue;
				die("read failed");
			}
			verity_sha256_update(&ctx, buf, (size_t)got);
			total += (uint64_t)got;
		}
		verity_sha256_final(&ctx, digest);
		close(fd);
		mbps[r] = (double)total / ((double)(now_ns() - t0) / 1e9) / 1e6;
	}
	printf("%s stream %.1f MB/s ", impl->name, median(mbps, reps));
	for (int i = 0; i < VERITY_SHA256_DIGEST_SIZE; i++)
		printf("%02x", digest[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	static struct candidate cands[MAX_CANDIDATES];
	size_t ncand = 0, max_msgs = 0;
	unsigned reps = 7;
	double min_ms = 25;
	const char *only = NULL, *file = NULL, *csv = NULL;
	uint8_t *msgs, *digests, salt[SALT_LEN];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc)
			min_ms = atof(argv[++i]);
		else if (!strcmp(argv[i], "--impl") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
			csv = argv[++i];
		else if (!strcmp(argv[i], "--wall"))
			wall_clock = true;
		else if (!strcmp(argv[i], "--stream-file") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--list")) {
			for (size_t k = 0; k < verity_sha256_impl_count(); k++) {
				const struct verity_sha256_impl *impl = verity_sha256_impl_at(k);

				printf("%s %u %s\n", impl->name, impl->lanes,
				       impl->cpu_supported() ? "usable" : "unsupported");
			}
			for (size_t k = 0; k < BENCH_ONLY_COUNT; k++)
				printf("%s %u %s (bench only: --impl %s)\n", bench_only[k]->name,
				       bench_only[k]->lanes,
				       bench_only[k]->cpu_supported() ? "usable" : "unsupported",
				       bench_only[k]->name);
			return 0;
		} else
			usage();
	}
	if (reps < 1 || reps > MAX_REPS || min_ms <= 0)
		usage();
	if (file)
		return stream_file(file, only, reps);

	openssl_init();
	tsc_per_ns = calibrate_tsc();
	cands[ncand++] = (struct candidate){.name = REFERENCE_NAME};
	for (size_t k = 0; k < verity_sha256_impl_count() && ncand < MAX_CANDIDATES; k++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(k);

		if (impl->cpu_supported() && name_selected(only, impl->name))
			cands[ncand++] = (struct candidate){.name = impl->name, .impl = impl};
	}
	for (size_t k = 0; k < BENCH_ONLY_COUNT && ncand < MAX_CANDIDATES; k++) {
		const struct verity_sha256_impl *impl = bench_only[k];

		/* Measured only when named: far slower, and not in the library. */
		if (only && impl->cpu_supported() && name_selected(only, impl->name))
			cands[ncand++] = (struct candidate){.name = impl->name, .impl = impl};
	}

	size_t buf_len = 0;
	for (size_t w = 0; w < NWORK; w++) {
		if (workloads[w].msg_len * workloads[w].count > buf_len)
			buf_len = workloads[w].msg_len * workloads[w].count;
		if (workloads[w].count > max_msgs)
			max_msgs = workloads[w].count;
	}
	msgs = malloc(buf_len);
	digests = malloc(max_msgs * VERITY_SHA256_DIGEST_SIZE);
	if (!msgs || !digests)
		die("out of memory");
	for (size_t i = 0; i < buf_len; i++)
		msgs[i] = (uint8_t)(i * 2654435761u >> 13);
	for (size_t i = 0; i < SALT_LEN; i++)
		salt[i] = (uint8_t)(0xa5 ^ i);

	/* Every implementation must agree with OpenSSL before it is timed. */
	for (size_t w = 0; w < NWORK; w++) {
		const struct workload *wl = &workloads[w];
		uint8_t *want = malloc(wl->count * VERITY_SHA256_DIGEST_SIZE);
		size_t n = wl->count < 40 ? wl->count : 40;

		if (!want)
			die("out of memory");
		openssl_many(msgs, wl->msg_len, n, salt, wl->salt_len, want);
		for (size_t c = 1; c < ncand; c++) {
			if (verity_sha256_hash_many_impl(cands[c].impl, msgs, wl->msg_len,
			                                 wl->msg_len, n, salt, wl->salt_len,
			                                 VERITY_SALT_PREFIX, digests) ||
			    memcmp(digests, want, n * VERITY_SHA256_DIGEST_SIZE)) {
				fprintf(stderr, "%s disagrees with OpenSSL on %s\n", cands[c].name,
				        wl->label);
				return 1;
			}
		}
		free(want);
	}

	/* Calibrate passes so that one repetition takes about min_ms. */
	for (size_t c = 0; c < ncand; c++) {
		for (size_t w = 0; w < NWORK; w++) {
			uint64_t t0 = measure_ns(), dt;
			size_t done = 0;

			do {
				run_pass(&cands[c], &workloads[w], msgs, salt, digests);
				done++;
				dt = measure_ns() - t0;
			} while (dt < 5000000u);
			cands[c].passes[w] = (size_t)((double)done * min_ms * 1e6 / (double)dt) + 1;
		}
	}

	for (unsigned r = 0; r < reps; r++) {
		for (size_t w = 0; w < NWORK; w++) {
			for (size_t c = 0; c < ncand; c++) {
				const struct workload *wl = &workloads[w];
				uint64_t t0 = measure_ns(), c0 = cycles(), dt, dc;
				double bytes =
				    (double)(wl->msg_len * wl->count * cands[c].passes[w]);

				for (size_t p = 0; p < cands[c].passes[w]; p++)
					run_pass(&cands[c], wl, msgs, salt, digests);
				dc = cycles() - c0;
				dt = measure_ns() - t0;
				cands[c].mbps[w][r] = bytes / ((double)dt / 1e9) / 1e6;
				cands[c].cpb[w][r] =
				    (wall_clock ? (double)dc : (double)dt * tsc_per_ns) / bytes;
			}
		}
	}

	printf("SHA-256: medians of %u repetitions of ~%.0f ms %s time; c/B in TSC cycles "
	       "(%.3f GHz); x = median per-repetition ratio to the first row (%s)\n",
	       reps, min_ms, wall_clock ? "wall" : "thread CPU", tsc_per_ns, reference_version());
	printf("%-18s", "");
	for (size_t w = 0; w < NWORK; w++)
		printf(" | %-23s", workloads[w].label);
	printf("\n%-12s %5s", "impl", "lanes");
	for (size_t w = 0; w < NWORK; w++)
		printf(" | %8s %6s %6s", "MB/s", "c/B", "x");
	printf("\n");
	for (size_t c = 0; c < ncand; c++) {
		printf("%-12s %5u", cands[c].name, cands[c].impl ? cands[c].impl->lanes : 1);
		for (size_t w = 0; w < NWORK; w++) {
			double ratio[MAX_REPS];

			for (unsigned r = 0; r < reps; r++)
				ratio[r] = cands[c].mbps[w][r] / cands[0].mbps[w][r];
			printf(" | %8.1f %6.2f %6.2f", median(cands[c].mbps[w], reps),
			       median(cands[c].cpb[w], reps), median(ratio, reps));
		}
		printf("\n");
	}
	if (csv) {
		FILE *f = fopen(csv, "w");

		if (!f)
			die("cannot write the CSV file");
		fprintf(f, "impl,lanes,workload,msg_bytes,mbps,cycles_per_byte,x_reference\n");
		for (size_t c = 0; c < ncand; c++)
			for (size_t w = 0; w < NWORK; w++) {
				double ratio[MAX_REPS];

				for (unsigned r = 0; r < reps; r++)
					ratio[r] = cands[c].mbps[w][r] / cands[0].mbps[w][r];
				fprintf(f, "%s,%u,%s,%zu,%.1f,%.3f,%.3f\n", cands[c].name,
				        cands[c].impl ? cands[c].impl->lanes : 1,
				        workloads[w].label, workloads[w].msg_len,
				        median(cands[c].mbps[w], reps),
				        median(cands[c].cpb[w], reps), median(ratio, reps));
			}
		if (fclose(f))
			die("cannot write the CSV file");
	}
#if defined(__x86_64__)
	if (verity_sha256_impl_find("shani") && verity_sha256_impl_find("shani")->cpu_supported())
		shani_bound();
	if (verity_sha256_impl_find("avx512-x16") &&
	    verity_sha256_impl_find("avx512-x16")->cpu_supported())
		avx512_bound(verity_sha256_impl_find("shani") &&
		             verity_sha256_impl_find("shani")->cpu_supported());
#endif
	calibration_cost();
	printf("chosen: single %s, many %s; sink ", verity_sha256_impl_single()->name,
	       verity_sha256_impl_many()->name);
	for (int j = 0; j < 4; j++)
		printf("%016llx", (unsigned long long)sink[j]);
	printf("\n");
	free(msgs);
	free(digests);
	openssl_free();
	return 0;
}
