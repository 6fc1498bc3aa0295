/* SPDX-License-Identifier: MIT */
/* Private to the FEC files: the message layout shared by encoding and correction. */
#ifndef VERITY_FEC_INTERNAL_H
#define VERITY_FEC_INTERNAL_H

#include "verity/fec_rs.h"

struct verity_fec_ctx {
	const struct verity_params *params;
	const struct verity_fec_params *fec;
	const struct verity_bdev *data;
	const struct verity_bdev *hash;
	uint32_t bs;     /* block size (data == hash) */
	uint32_t k;      /* message blocks per round, 255 - roots */
	uint64_t rounds; /* interleaved rounds */
	struct verity_rs rs;
};

/* Check the parameters and fill in @ctx. Return: 0 or a verity_fec_check() error. */
int verity_fec_ctx_init(struct verity_fec_ctx *ctx, const struct verity_params *params,
                        const struct verity_fec_params *fec, const struct verity_bdev *data,
                        const struct verity_bdev *hash);

/*
 * Message blocks [first, first + count) into @buf: data blocks, then
 * hash-device blocks from hash_start_block, zeros at and past fec_blocks.
 * Return: 0, VERITY_E_DATA/HASH_DEVICE_TOO_SMALL, or a read error.
 */
int verity_fec_read_message(const struct verity_fec_ctx *ctx, uint64_t first, uint64_t count,
                            uint8_t *buf);

/* Bytes [offset, offset + len) of message block @block (zeros past fec_blocks). */
int verity_fec_read_message_part(const struct verity_fec_ctx *ctx, uint64_t block, uint32_t offset,
                                 uint32_t len, uint8_t *buf);

/*
 * Decode the round of message block @block and write that block's bytes to
 * @out (block size). @erasures are positions in the round (0 .. k - 1).
 * Works in stripes of @stripe bytes of each block: @rows holds k x stripe
 * bytes, @parity and @check stripe x roots each. The result is not
 * verified here.
 * Return: 0, VERITY_E_FEC_UNCORRECTABLE, or a read error.
 */
int verity_fec_decode_block(const struct verity_fec_ctx *ctx, const struct verity_bdev *fecdev,
                            uint64_t block, const uint8_t *erasures, uint32_t nerasures,
                            uint32_t stripe, uint8_t *rows, uint8_t *parity, uint8_t *check,
                            uint8_t *out);

/*
 * veritysetup's count of repairable errors: every codeword of every round
 * decoded errors-only, the symbols it changes summed into *@symbols, the
 * parity's included. Buffers as for verity_fec_decode_block().
 * Return: 0, VERITY_E_FEC_UNCORRECTABLE for a codeword past that decoder,
 * or a read error.
 */
int verity_fec_count_errors(const struct verity_fec_ctx *ctx, const struct verity_bdev *fecdev,
                            uint32_t stripe, uint8_t *rows, uint8_t *parity, uint8_t *check,
                            uint64_t *symbols);

#endif /* VERITY_FEC_INTERNAL_H */
