/* SPDX-License-Identifier: MIT */
/* libverity: root-hash signatures and in-memory/device-tree keyrings (core). Include <libverity.h>.
 */
#ifndef LIBVERITY_SIG_H
#define LIBVERITY_SIG_H

#include <libverity/tree.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- signatures and keyrings ---- */

/*
 * Root-hash signatures as the Linux kernel's dm-verity checks them: a
 * detached PKCS#7/CMS SignedData (DER) over the root hash as lowercase hex,
 * no newline. Acceptance rules follow the kernel (see docs/signatures.md);
 * verification never reads the clock.
 */

/* Upper bound of a signature, as the kernel's user-key payload limit. */
#define VERITY_SIG_MAX_SIZE 32767u

/* Flags of struct verity_sig_options. */
#define VERITY_SIG_ALLOW_SHA1    (1u << 0) /* accept SHA-1 digests (off: insecure) */
#define VERITY_SIG_ALLOW_RSA_PSS (1u << 1) /* accept RSASSA-PSS (the kernel refuses) */

/**
 * struct verity_sig_options - verification policy; zero means the defaults
 * @flags: VERITY_SIG_ALLOW_* bits; 0 = SHA-256/384/512 only, no RSA-PSS
 * @max_size: largest signature accepted in bytes; 0 or anything above
 *            VERITY_SIG_MAX_SIZE means VERITY_SIG_MAX_SIZE
 * @reserved: must be zero
 */
struct verity_sig_options {
	uint32_t flags;
	uint32_t max_size;
	uint32_t reserved[6];
};

/**
 * struct verity_sig_result - what a verification found, for messages
 * @error: the value returned by verity_sig_verify()
 * @offset: byte offset in the signature of the element at fault, or -1
 * @signer: index of the SignerInfo at fault, or -1
 * @signer_count: number of SignerInfos parsed
 * @trusted_signer: index of the first signer that reached a trusted
 *                  certificate (success), or -1
 * @trusted_name: name of that trusted certificate (key-name-hint, file name
 *                or subject), empty otherwise
 * @detail: NUL-terminated English detail, e.g. the field that is malformed
 */
struct verity_sig_result {
	int error;
	long offset;
	int signer;
	unsigned signer_count;
	int trusted_signer;
	char trusted_name[128];
	char detail[256];
};

/* A set of trusted X.509 certificates (opaque). */
struct verity_keyring;

/**
 * verity_keyring_new() - create an empty keyring
 * @keyring: receives the new keyring, to be freed with verity_keyring_free()
 *
 * With mbedTLS built for PSA crypto this also initialises PSA.
 * Return: 0, VERITY_E_INVAL or VERITY_E_NOMEM.
 */
VERITY_PUBLIC int verity_keyring_new(struct verity_keyring **keyring);

/**
 * verity_keyring_new_with() - create an empty keyring that allocates through hooks
 * @keyring: receives the new keyring, to be freed with verity_keyring_free()
 * @allocator: hooks (copied); every allocation of the keyring, of its adds
 *             and of verity_sig_verify() with it goes through them. NULL:
 *             malloc/free (hosted builds; freestanding builds need hooks).
 *
 * The keyring and the signature check never print, never read files and
 * never call malloc themselves. mbedTLS's own allocations (certificates it
 * parses, bignums while verifying) go through mbedTLS's allocator: with
 * MBEDTLS_PLATFORM_MEMORY the integrator may route them with
 * mbedtls_platform_set_calloc_free(), a process-wide setting that is the
 * integrator's choice, never made by this library; without it (Debian's
 * mbedTLS 2.28) they use the C library's calloc/free.
 * Return: 0, VERITY_E_INVAL or VERITY_E_NOMEM.
 */
VERITY_PUBLIC int verity_keyring_new_with(struct verity_keyring **keyring,
                                          const struct verity_allocator *allocator);

/** verity_keyring_free() - free a keyring; NULL is allowed. */
VERITY_PUBLIC void verity_keyring_free(struct verity_keyring *keyring);

/**
 * verity_keyring_count() - number of certificates in a keyring
 * Return: the count; 0 for NULL.
 */
VERITY_PUBLIC size_t verity_keyring_count(const struct verity_keyring *keyring);

/**
 * verity_keyring_name() - name of certificate @index (for logs)
 * Return: a string owned by the keyring, or NULL if @index is out of range.
 */
VERITY_PUBLIC const char *verity_keyring_name(const struct verity_keyring *keyring, size_t index);

/**
 * verity_keyring_error() - detail of the last failed verity_keyring_add_*()
 *
 * Names the file, directory entry or device-tree node at fault.
 * Return: a string owned by the keyring (empty if none); never NULL.
 */
VERITY_PUBLIC const char *verity_keyring_error(const struct verity_keyring *keyring);

/**
 * verity_keyring_add_der() - add one DER certificate from memory
 * @keyring: the keyring
 * @der: exactly one DER X.509 certificate, nothing after it
 * @len: bytes at @der
 * @name: name for logs, or NULL to use the certificate's subject
 *
 * The bytes are copied. All-or-nothing: on error the keyring is unchanged.
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM or VERITY_E_KEYRING_BAD_CERT.
 */
VERITY_PUBLIC int verity_keyring_add_der(struct verity_keyring *keyring, const uint8_t *der,
                                         size_t len, const char *name);

/**
 * verity_keyring_add_buffer() - add certificates from PEM or DER in memory
 * @keyring: the keyring
 * @buf: one DER certificate, or PEM text with one or more CERTIFICATE blocks
 * @len: bytes at @buf
 * @name: name for logs (suffixed "#N" for the Nth PEM block), or NULL
 *
 * All-or-nothing: on error the keyring is unchanged.
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM or VERITY_E_KEYRING_BAD_CERT.
 */
VERITY_PUBLIC int verity_keyring_add_buffer(struct verity_keyring *keyring, const uint8_t *buf,
                                            size_t len, const char *name);

/**
 * verity_keyring_add_dtb() - add the certificates of a device tree blob
 * @keyring: the keyring
 * @blob: flattened device tree; checked with fdt_check_full() first
 * @size: bytes at @blob (the header's totalsize must fit in it)
 * @path: container node path, or NULL for every node compatible with
 *        "libverity,dm-verity-keys"
 *
 * Binding: docs/devicetree-binding.md. Each subnode whose status is absent
 * or "okay" contributes its x509-certificate property (one DER certificate);
 * key-name-hint names it; an optional sha256-fingerprint must match.
 * All-or-nothing: on error the keyring is unchanged.
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_KEYRING_BAD_DTB,
 * VERITY_E_KEYRING_DTB_NO_NODE, VERITY_E_KEYRING_DTB_PROPERTY,
 * VERITY_E_KEYRING_BAD_CERT, VERITY_E_KEYRING_FINGERPRINT or
 * VERITY_E_KEYRING_EMPTY (no active certificate).
 */
VERITY_PUBLIC int verity_keyring_add_dtb(struct verity_keyring *keyring, const void *blob,
                                         size_t size, const char *path);

/**
 * verity_root_hex() - format a binary root digest as the signed string
 * @digest: the root digest
 * @digest_len: 1 .. VERITY_MAX_DIGEST_SIZE bytes
 * @out: receives lowercase hex and a NUL
 * @out_size: at least 2 * @digest_len + 1
 *
 * Return: 0 or VERITY_E_INVAL.
 */
VERITY_PUBLIC int verity_root_hex(const uint8_t *digest, size_t digest_len, char *out,
                                  size_t out_size);

/**
 * verity_sig_verify() - check a root-hash signature
 * @keyring: trusted certificates
 * @sig: DER PKCS#7/CMS ContentInfo (detached SignedData)
 * @sig_len: bytes at @sig
 * @root_hex: the signed string: lowercase hex, even length, at most
 *            2 * VERITY_MAX_DIGEST_SIZE characters, no newline
 * @options: policy, or NULL for the defaults
 * @result: optional; filled in on success and failure
 *
 * Every signer must parse and use accepted algorithms; every signer whose
 * certificate is embedded must verify with it; and at least one signer must
 * verify with a keyring certificate found by issuer and serial number (or
 * subject key identifier), or through a chain of embedded certificates
 * linked by authority key identifiers, as the kernel does. The work is
 * bounded: at most 64 signature checks per message (VERITY_E_SIG_LIMIT).
 *
 * Return: 0 when trusted; VERITY_E_INVAL (NULL arguments, reserved fields),
 * VERITY_E_BAD_HEX (@root_hex not lowercase hex), VERITY_E_NOMEM, or one of
 * the VERITY_E_SIG_* codes: MALFORMED, TOO_LARGE, TRAILING_DATA, BER,
 * NOT_SIGNED_DATA, BAD_VERSION, VERSION_MISMATCH, NOT_DETACHED,
 * WRONG_CONTENT_TYPE, NO_SIGNERS, LIMIT, UNSUPPORTED_DIGEST, SHA1_DISABLED,
 * UNSUPPORTED_SIG_ALG, RSA_PSS_DISABLED, ALG_DIGEST_MISMATCH,
 * INCONSISTENT_ATTRS, MISSING_ATTR, REPEATED_ATTR, FORBIDDEN_ATTR,
 * DIGEST_MISMATCH, SIGNING_TIME, BAD_CERT, KEY_UNSUPPORTED (a check the
 * kernel would make needs a key or certificate signature algorithm the
 * policy refuses), BAD_SIGNATURE, UNTRUSTED.
 */
VERITY_PUBLIC int verity_sig_verify(const struct verity_keyring *keyring, const uint8_t *sig,
                                    size_t sig_len, const char *root_hex,
                                    const struct verity_sig_options *options,
                                    struct verity_sig_result *result);

/**
 * verity_sig_verify_digest() - verity_sig_verify() over a binary root digest
 * @digest: root digest, formatted with verity_root_hex() before checking
 * @digest_len: 1 .. VERITY_MAX_DIGEST_SIZE
 *
 * Other arguments and return values as verity_sig_verify().
 */
VERITY_PUBLIC int verity_sig_verify_digest(const struct verity_keyring *keyring, const uint8_t *sig,
                                           size_t sig_len, const uint8_t *digest, size_t digest_len,
                                           const struct verity_sig_options *options,
                                           struct verity_sig_result *result);

/* Flags read from a U-Boot FIT dm-verity node (booleans of the same names). */
#define VERITY_FIT_RESTART_ON_CORRUPTION (1u << 0)
#define VERITY_FIT_PANIC_ON_CORRUPTION   (1u << 1)
#define VERITY_FIT_RESTART_ON_ERROR      (1u << 2)
#define VERITY_FIT_PANIC_ON_ERROR        (1u << 3)
#define VERITY_FIT_CHECK_AT_MOST_ONCE    (1u << 4)

/**
 * verity_params_from_fit() - read a U-Boot FIT "dm-verity" node
 * @blob: flattened device tree (checked with fdt_check_full() first)
 * @size: bytes at @blob
 * @path: path of the dm-verity node, e.g. "/images/rootfs/dm-verity"
 * @params: filled in (hash_type 1, algorithm, block sizes, data_blocks,
 *          hash_start_block, salt, root digest)
 * @flags: receives VERITY_FIT_* bits; may be NULL
 *
 * Return: 0, VERITY_E_INVAL, VERITY_E_KEYRING_BAD_DTB,
 * VERITY_E_KEYRING_DTB_NO_NODE, VERITY_E_DT_BAD_PARAMS (a property missing,
 * of the wrong size, or out of range) or VERITY_E_BAD_HASH_ALG.
 */
VERITY_PUBLIC int verity_params_from_fit(const void *blob, size_t size, const char *path,
                                         struct verity_params *params, uint32_t *flags);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_SIG_H */
