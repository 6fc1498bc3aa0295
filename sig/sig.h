/* SPDX-License-Identifier: MIT */
/* Private to sig/: the keyring layout and helpers shared by its files. */
#ifndef VERITY_SIG_SIG_H
#define VERITY_SIG_SIG_H

#include <mbedtls/x509_crt.h>

#include "libverity.h"
/* keyring.c still holds the file loaders declared there (hosted). */
#include "libverity/hosted.h"

/* The container compatible string of the device-tree binding. */
#define VERITY_DT_KEYS_COMPATIBLE "libverity,dm-verity-keys"

struct verity_keyring_entry {
	mbedtls_x509_crt crt; /* exactly one certificate, own copy of the DER */
	const uint8_t *skid;  /* subject key identifier inside crt, or NULL */
	size_t skid_len;
	char name[128];
};

struct verity_keyring {
	struct verity_keyring_entry **entries;
	size_t count;
	size_t capacity;
	char error[256];
};

/* Initialise the crypto backend (PSA where mbedTLS uses it); idempotent. */
void verity_sig_crypto_init(void);

/* The subjectKeyIdentifier of @crt (contents of the key ID octets). */
bool verity_crt_skid(const mbedtls_x509_crt *crt, const uint8_t **skid, size_t *skid_len);

/*
 * fdt_check_full() behind checks that refuse what libfdt 1.6.1 mishandles: a
 * property length of 0xfffffff4 (endless loop) and trees older than version
 * 17 (NULL dereference). Return: 0 or -FDT_ERR_*.
 */
int verity_fdt_check(const void *blob, size_t size);

/* True when @der..@der+len is exactly one DER SEQUENCE TLV (definite length). */
bool verity_der_is_one_sequence(const uint8_t *der, size_t len);

#endif /* VERITY_SIG_SIG_H */
