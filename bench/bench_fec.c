/* SPDX-License-Identifier: MIT */
/*
 * FEC encoder throughput per implementation, on the batches the format
 * encoder hands them: k message rows of one block each (B = 1 round of
 * 4 KiB blocks, as verity_fec_encode() picks for them), parity interleaved
 * per codeword. Built with ISA-L (libisal) when configure finds it: its
 * ec_encode_data() with the code's parity matrix runs on the same batches,
 * its output transposed the same way, so the figures compare like for like.
 * Every implementation's parity is checked against the portable encoder's.
 *
 *   bench/bench_fec [-b ROW_BYTES] [ROOTS...]      (defaults: 4096; 2 8 16 24)
 *
 * Figures: MB of message per second of this thread's CPU time, best of
 * several runs (the machine may be shared). Not part of `make check`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verity/fec_rs.h"
#ifdef BENCH_ISAL
#include <isa-l/erasure_code.h>
#endif

#define RUNS 7

static double thread_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

struct batch {
	struct verity_rs rs;
	unsigned k;
	size_t len;
	const uint8_t *rows[VERITY_FEC_RSM];
	uint8_t *vecs;   /* roots parity vectors of the step encoders */
	uint8_t *parity; /* interleaved output */
};

/* Codeword c's parity contiguous, as the FEC area holds it. */
static void interleave(const struct batch *b, uint8_t *const *vec, unsigned head)
{
	unsigned roots = b->rs.roots;

	for (unsigned i = 0; i < roots; i++)
		for (size_t c = 0; c < b->len; c++)
			b->parity[c * roots + i] = vec[(head + i) % roots][c];
}

static void encode_ops(const struct batch *b, const struct verity_gf_vector_ops *ops)
{
	uint8_t *vec[VERITY_FEC_MAX_ROOTS];
	unsigned roots = b->rs.roots, head = 0;

	if (ops->encode) {
		ops->encode(&b->rs, b->rows, b->len, b->parity);
		return;
	}
	for (unsigned i = 0; i < roots; i++) {
		vec[i] = b->vecs + i * b->len;
		memset(vec[i], 0, b->len);
	}
	for (unsigned j = 0; j < b->k; j++) {
		verity_gf_encode_step(&b->rs, ops, vec, head, b->rows[j], b->len);
		head = (head + 1) % roots;
	}
	interleave(b, vec, head);
}

#ifdef BENCH_ISAL
static unsigned char isal_tables[32 * VERITY_FEC_RSM * VERITY_FEC_MAX_ROOTS];

/* ISA-L's tables for the code: column j of the matrix is the parity of unit message j. */
static void isal_init(const struct batch *b)
{
	static unsigned char matrix[VERITY_FEC_MAX_ROOTS * VERITY_FEC_RSM];
	uint8_t msg[VERITY_FEC_RSM], p[VERITY_FEC_MAX_ROOTS];
	unsigned roots = b->rs.roots;

	for (unsigned j = 0; j < b->k; j++) {
		memset(msg, 0, sizeof(msg));
		msg[j] = 1;
		verity_rs_encode(&b->rs, msg, p);
		for (unsigned i = 0; i < roots; i++)
			matrix[i * b->k + j] = p[i];
	}
	ec_init_tables((int)b->k, (int)roots, matrix, isal_tables);
}

static void encode_isal(const struct batch *b)
{
	uint8_t *vec[VERITY_FEC_MAX_ROOTS];

	for (unsigned i = 0; i < b->rs.roots; i++)
		vec[i] = b->vecs + i * b->len;
	ec_encode_data((int)b->len, (int)b->k, (int)b->rs.roots, isal_tables,
	               (unsigned char **)(void *)b->rows, vec);
	interleave(b, vec, 0);
}
#endif

/* Best MB/s of message over RUNS runs of @reps encodes; 0 on a parity mismatch. */
static double measure(const struct batch *b, const struct verity_gf_vector_ops *ops,
                      const uint8_t *want, unsigned reps)
{
	double best = 0;

	for (unsigned r = 0; r < RUNS; r++) {
		double t = thread_seconds();

		for (unsigned i = 0; i < reps; i++) {
#ifdef BENCH_ISAL
			if (!ops) {
				encode_isal(b);
				continue;
			}
#endif
			encode_ops(b, ops);
		}
		t = thread_seconds() - t;
		if (t > 0 && (double)b->len * b->k * reps / t / 1e6 > best)
			best = (double)b->len * b->k * reps / t / 1e6;
	}
	return memcmp(b->parity, want, b->len * b->rs.roots) ? 0 : best;
}

int main(int argc, char **argv)
{
	static const char *const names[] = {"generic", "avx2", "gfni256", "gfni512"};
	static const unsigned default_roots[] = {2, 8, 16, 24};
	size_t row = 4096;
	int first = 1, status = 0;
	uint8_t *msg, *want;
	struct batch b;

	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		row = strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (row == 0 || row > (64u << 20)) {
		fprintf(stderr, "usage: %s [-b ROW_BYTES] [ROOTS...]\n", argv[0]);
		return 1;
	}
	memset(&b, 0, sizeof(b));
	b.len = row;
	/* Rows a little further apart than their length, as the encoder reads them. */
	msg = malloc((row + 64) * VERITY_FEC_RSM);
	b.vecs = malloc(row * VERITY_FEC_MAX_ROOTS);
	b.parity = malloc(row * VERITY_FEC_MAX_ROOTS);
	want = malloc(row * VERITY_FEC_MAX_ROOTS);
	if (!msg || !b.vecs || !b.parity || !want)
		return 1;
	srand(1);
	for (size_t i = 0; i < (row + 64) * VERITY_FEC_RSM; i++)
		msg[i] = (uint8_t)rand();
	printf(
	    "FEC encoder, rows of %zu bytes; MB of message per second of thread CPU, best of %d\n",
	    row, RUNS);
	for (int a = first; a < argc || (first == argc && a - first < 4); a++) {
		unsigned roots = first == argc ? default_roots[a - first] : (unsigned)atoi(argv[a]);
		unsigned reps;

		if (verity_rs_init(&b.rs, roots) != 0) {
			fprintf(stderr, "roots %u: not 2..24\n", roots);
			return 1;
		}
		b.k = VERITY_FEC_RSM - roots;
		for (unsigned j = 0; j < b.k; j++)
			b.rows[j] = msg + j * (row + 64);
		encode_ops(&b, verity_gf_vector_named("generic"));
		memcpy(want, b.parity, row * roots);
		/* About 64 MB of message per run for the fast ones. */
		reps = (unsigned)(64e6 / ((double)row * b.k)) + 1;
		printf("roots %2u:", roots);
		for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
			const struct verity_gf_vector_ops *ops = verity_gf_vector_named(names[n]);
			double mbs;

			if (!ops)
				continue;
			mbs = measure(&b, ops, want, n == 0 ? reps / 16 + 1 : reps);
			printf("  %s %.0f", names[n], mbs);
			status |= mbs == 0;
		}
#ifdef BENCH_ISAL
		isal_init(&b);
		{
			double mbs = measure(&b, NULL, want, reps);

			printf("  isa-l %.0f", mbs);
			status |= mbs == 0;
		}
#endif
		printf("\n");
	}
	if (status)
		fprintf(stderr, "parity mismatch (shown as 0)\n");
	return status;
}
