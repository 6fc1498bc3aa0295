/* SPDX-License-Identifier: MIT */
/* The 32-byte vectors of the column encoder (fec_columns.h), for AVX2 code with or without GFNI. */
#ifndef VERITY_FEC_YMM_H
#define VERITY_FEC_YMM_H

#include <immintrin.h>

#define VW 32
typedef __m256i vec;
#define V_LOAD(p)       _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define V_STORE(p, v)   _mm256_storeu_si256((__m256i *)(void *)(p), v)
#define V_ZERO()        _mm256_setzero_si256()
#define V_XOR(a, b)     _mm256_xor_si256(a, b)
#define V_XOR3(a, b, c) V_XOR(V_XOR(a, b), c)

#endif /* VERITY_FEC_YMM_H */
