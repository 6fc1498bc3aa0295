/* SPDX-License-Identifier: MIT */
/* Private to sig/: the device-tree check, apart so that sig/fit.c needs no mbedTLS. */
#ifndef VERITY_SIG_FDT_H
#define VERITY_SIG_FDT_H

#include <stddef.h>

/*
 * fdt_check_full() behind checks that refuse what libfdt 1.6.1 mishandles: a
 * property length of 0xfffffff4 (endless loop) and trees older than version
 * 17 (NULL dereference). Return: 0 or -FDT_ERR_*.
 */
int verity_fdt_check(const void *blob, size_t size);

#endif /* VERITY_SIG_FDT_H */
