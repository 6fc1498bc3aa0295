/* SPDX-License-Identifier: MIT */
/* Private to sig/: the keyring layout and helpers shared by its files. */
#ifndef VERITY_SIG_SIG_H
#define VERITY_SIG_SIG_H

#include <stdarg.h>

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
	const struct verity_allocator *allocator; /* &allocator_copy, or NULL: malloc */
	struct verity_allocator allocator_copy;
	char error[256];
};

/* A scratch keyring for an all-or-nothing add, with @kr's allocator. */
void verity_keyring_stage_init(struct verity_keyring *staged, const struct verity_keyring *kr);
/* Free every entry of @kr (not @kr itself). */
void verity_keyring_discard(struct verity_keyring *kr);
/*
 * End an add: with @ret 0 move @staged's entries to @kr, else copy its error
 * to @kr and discard it. Return: @ret, or VERITY_E_NOMEM.
 */
int verity_keyring_commit(struct verity_keyring *kr, struct verity_keyring *staged, int ret);
/* Stage the PEM or DER certificates of @buf. Return: 0 or an add error. */
int verity_keyring_stage_buffer(struct verity_keyring *staged, const uint8_t *buf, size_t len,
                                const char *name);
void verity_keyring_set_error(struct verity_keyring *kr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* sig/fmt.c: the printf subset error details use (%s %c %d %u %x, 0, width, l, z). */
int verity_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int verity_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Initialise the crypto backend (PSA where mbedTLS uses it); idempotent. */
void verity_sig_crypto_init(void);

/* The subjectKeyIdentifier of @crt (contents of the key ID octets). */
bool verity_crt_skid(const mbedtls_x509_crt *crt, const uint8_t **skid, size_t *skid_len);

#include "sig/fdt.h"

/* True when @der..@der+len is exactly one DER SEQUENCE TLV (definite length). */
bool verity_der_is_one_sequence(const uint8_t *der, size_t len);

/*
 * verity_sig_verify() that also reports in *@checks (if not NULL) how many
 * signature verifications it made: the work a message caused, for tests.
 */
int verity_sig_verify_counted(const struct verity_keyring *keyring, const uint8_t *sig,
                              size_t sig_len, const char *root_hex,
                              const struct verity_sig_options *options,
                              struct verity_sig_result *result, unsigned *checks);

/*
 * verity_keyring_add_dtb() that also reports in *@steps (if not NULL) how
 * many nodes its walk stepped over: the work a blob caused, for tests.
 */
int verity_keyring_add_dtb_counted(struct verity_keyring *keyring, const void *blob, size_t size,
                                   const char *path, unsigned long *steps);

/* ---- sig/x509.c: certificate facts as the kernel sees them ---- */

/* Key identifiers of a certificate; pointers into its DER, NULL when absent. */
struct verity_crt_ids {
	const uint8_t *skid; /* subjectKeyIdentifier */
	size_t skid_len;
	const uint8_t *akid_kid; /* authorityKeyIdentifier keyIdentifier */
	size_t akid_kid_len;
	const uint8_t *akid_issuer; /* its directoryName (Name TLV), with ... */
	size_t akid_issuer_len;
	const uint8_t *akid_serial; /* ... the serial number contents */
	size_t akid_serial_len;
};

/* Return: 0, or -1 when the authorityKeyIdentifier is malformed. */
int verity_crt_ids(const mbedtls_x509_crt *crt, struct verity_crt_ids *ids);

/* Is @crt's own ID (raw issuer Name TLV + serial contents) the one given? */
bool verity_crt_id_is(const mbedtls_x509_crt *crt, const uint8_t *issuer, size_t issuer_len,
                      const uint8_t *serial, size_t serial_len);

/* RSA modulus sizes the kernel's RSA takes (rsa_check_key_length()). */
bool verity_rsa_bits_valid(size_t bits);
/* ... and of those, the ones this library's policy uses (2048, 3072, 4096). */
bool verity_rsa_bits_accepted(size_t bits);
/* ECDSA curves the policy uses: P-256, P-384. */
bool verity_ec_curve_accepted(const mbedtls_x509_crt *crt);

enum verity_crt_sig {
	VERITY_CRT_SIG_OK = 0,
	VERITY_CRT_SIG_BAD,         /* does not verify (kernel: -EKEYREJECTED) */
	VERITY_CRT_SIG_UNSUPPORTED, /* algorithm, curve or size not used (-ENOPKG) */
	VERITY_CRT_SIG_BAD_KEY,     /* an RSA size the kernel refuses (-EINVAL) */
};

/* @child's signature checked with @issuer's key. */
enum verity_crt_sig verity_crt_verify(const mbedtls_x509_crt *child,
                                      const mbedtls_x509_crt *issuer);

/*
 * The kernel's check of every certificate it parses: when subject equals
 * issuer (and an authority key identifier, if any, names the certificate
 * itself) the self-signature must verify. *@checks counts verifications.
 * Return: 0 (see *@self_signed; *@unsupported for an algorithm not used), or
 * VERITY_CRT_SIG_BAD / VERITY_CRT_SIG_BAD_KEY: the certificate is refused.
 */
int verity_crt_self_check(const mbedtls_x509_crt *crt, const struct verity_crt_ids *ids,
                          bool *self_signed, bool *unsupported, unsigned *checks);

#endif /* VERITY_SIG_SIG_H */
