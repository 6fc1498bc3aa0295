/* SPDX-License-Identifier: MIT */
/*
 * The FEC Reed-Solomon decoder (verity_rs_decode()) on hostile codewords.
 * Invariants: a codeword it accepts comes out as a valid codeword (its
 * parity is what the encoder computes for its message) with exactly the
 * returned number of symbols changed; a refused codeword is left as it was;
 * nothing but the documented codes comes back.
 *
 * Input: roots selector, mode, erasure count and positions, then either a
 * raw codeword (mode even) or a message length, the message, which is
 * encoded and then hit by the (position, xor) pairs that follow (mode odd),
 * so that corrections are reached.
 */
#include "fuzz/fuzz.h"
#include "verity/fec_rs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verity_rs rs;
	uint8_t cw[VERITY_FEC_RSM] = {0}, in[VERITY_FEC_RSM], parity[VERITY_FEC_MAX_ROOTS];
	uint8_t eras[VERITY_FEC_MAX_ROOTS];
	uint32_t roots, neras = 0, k, changed = 0;
	size_t pos = 3;
	int ret;

	if (size < 3)
		return 0;
	roots = VERITY_FEC_MIN_ROOTS + data[0] % (VERITY_FEC_MAX_ROOTS - VERITY_FEC_MIN_ROOTS + 1);
	FUZZ_CHECK(verity_rs_init(&rs, roots) == 0);
	k = VERITY_FEC_RSM - roots;
	/* distinct erasure positions, at most roots */
	for (uint32_t want = data[2] % (roots + 1); neras < want && pos < size; pos++) {
		bool dup = false;

		for (uint32_t i = 0; i < neras; i++)
			dup |= eras[i] == data[pos] % VERITY_FEC_RSM;
		if (!dup)
			eras[neras++] = (uint8_t)(data[pos] % VERITY_FEC_RSM);
	}
	if ((data[1] & 1) && pos < size) {
		uint32_t mlen = data[pos++]; /* message bytes given; the rest are zero */

		for (uint32_t i = 0; i < mlen && i < k && pos < size; i++)
			cw[i] = data[pos++];
		verity_rs_encode(&rs, cw, cw + k);
		/* error pattern: (position, xor value) pairs */
		while (pos + 1 < size) {
			cw[data[pos] % VERITY_FEC_RSM] ^= data[pos + 1];
			pos += 2;
		}
	} else {
		for (uint32_t i = 0; i < VERITY_FEC_RSM && pos < size; i++)
			cw[i] = data[pos++];
	}
	memcpy(in, cw, sizeof(cw));
	ret = verity_rs_decode(&rs, cw, eras, neras);
	if (ret < 0) {
		FUZZ_CHECK(ret == VERITY_E_FEC_UNCORRECTABLE);
		FUZZ_CHECK(memcmp(in, cw, sizeof(cw)) == 0);
		return 0;
	}
	verity_rs_encode(&rs, cw, parity);
	FUZZ_CHECK(memcmp(parity, cw + k, roots) == 0);
	for (uint32_t i = 0; i < VERITY_FEC_RSM; i++)
		changed += in[i] != cw[i];
	FUZZ_CHECK(changed == (uint32_t)ret);
	FUZZ_CHECK(changed <= roots);
	if (fuzz_verbose())
		fprintf(stderr, "roots %u erasures %u: %d corrected\n", roots, neras, ret);
	return 0;
}
