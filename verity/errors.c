/* SPDX-License-Identifier: MIT */
/* Messages for every error code of libverity.h, one place for all layers. */
#include "libverity.h"

static const struct {
	int code;
	const char *message;
} messages[] = {
    {VERITY_OK, "Success"},
    /* General */
    {VERITY_E_INVAL, "Invalid argument"},
    {VERITY_E_NOMEM, "Out of memory"},
    {VERITY_E_IO, "I/O error"},
    {VERITY_E_SHORT_READ, "Device is shorter than expected"},
    {VERITY_E_OVERFLOW, "Size or offset overflows 64 bits"},
    {VERITY_E_UNSUPPORTED, "Not supported by this build or CPU"},
    {VERITY_E_BAD_HASH_ALG, "Hash algorithm not supported"},
    {VERITY_E_BAD_HEX, "Malformed hexadecimal string"},
    {VERITY_E_RANGE, "Read outside the verified data area"},
    {VERITY_E_THREAD, "Could not start a worker thread"},
    /* Tree geometry and verification */
    {VERITY_E_BAD_HASH_TYPE, "Unsupported hash type (format must be 0 or 1)"},
    {VERITY_E_BAD_DATA_BLOCK_SIZE, "Invalid data block size (power of two, 512 B to 512 KiB)"},
    {VERITY_E_BAD_HASH_BLOCK_SIZE, "Invalid hash block size (power of two, 512 B to 512 KiB)"},
    {VERITY_E_SALT_TOO_LONG, "Salt longer than 256 bytes"},
    {VERITY_E_DIGEST_TOO_BIG, "Digest size too big for the hash block size"},
    {VERITY_E_TOO_MANY_LEVELS, "Too many tree levels"},
    {VERITY_E_NO_DATA_BLOCKS, "Number of data blocks is zero"},
    {VERITY_E_HASH_AREA_OVERFLOW, "Hash area overflow"},
    {VERITY_E_HASH_DEVICE_TOO_SMALL, "Hash device is too small"},
    {VERITY_E_DATA_DEVICE_TOO_SMALL, "Data device is too small"},
    {VERITY_E_AREA_OVERLAP, "Data area overlaps with hash area"},
    {VERITY_E_BAD_HASH_OFFSET, "Hash offset is not a multiple of 512"},
    {VERITY_E_BAD_ROOT_DIGEST, "Root digest has the wrong size"},
    {VERITY_E_CORRUPT_DATA, "Data block is corrupted"},
    {VERITY_E_CORRUPT_HASH, "Hash block is corrupted"},
    {VERITY_E_CORRUPT_PADDING, "Spare area of a hash block is not zeroed"},
    {VERITY_E_ROOT_MISMATCH, "Verification of root hash failed"},
    /* Superblock */
    {VERITY_E_SB_TOO_SHORT, "Superblock is shorter than 512 bytes"},
    {VERITY_E_SB_BAD_MAGIC, "No VERITY signature detected"},
    {VERITY_E_SB_BAD_VERSION, "Unsupported VERITY version"},
    {VERITY_E_SB_BAD_HASH_TYPE, "Unsupported VERITY hash type"},
    {VERITY_E_SB_BAD_ALGORITHM, "Superblock hash algorithm not supported"},
    {VERITY_E_SB_BAD_BLOCK_SIZE, "Unsupported VERITY block size (data block size)"},
    {VERITY_E_SB_BAD_SALT_SIZE, "VERITY header corrupted: salt size over 256"},
    {VERITY_E_SB_RESERVED_NONZERO, "VERITY header corrupted: reserved bytes not zero"},
    {VERITY_E_SB_ALGORITHM_UNTERMINATED,
     "VERITY header corrupted: hash algorithm name not terminated"},
    {VERITY_E_SB_BAD_HASH_BLOCK_SIZE, "Unsupported VERITY block size (hash block size)"},
    /* Verified device and table line */
    {VERITY_E_TABLE_SYNTAX, "Malformed verity table line"},
    /* Signatures and keyrings */
    {VERITY_E_SIG_MALFORMED, "Malformed PKCS#7 signature"},
    {VERITY_E_SIG_TOO_LARGE, "Signature larger than the size limit"},
    {VERITY_E_SIG_TRAILING_DATA, "Trailing data after the PKCS#7 signature"},
    {VERITY_E_SIG_BER, "Signature uses BER encoding (indefinite length); DER required"},
    {VERITY_E_SIG_NOT_SIGNED_DATA, "Only support pkcs7_signedData type"},
    {VERITY_E_SIG_BAD_VERSION, "Unsupported SignedData or SignerInfo version"},
    {VERITY_E_SIG_VERSION_MISMATCH, "SignerInfo version does not match SignedData or signer ID"},
    {VERITY_E_SIG_NOT_DETACHED, "PKCS#7 signature with non-detached data"},
    {VERITY_E_SIG_WRONG_CONTENT_TYPE, "Invalid unspecified sig (not pkcs7-data)"},
    {VERITY_E_SIG_NO_SIGNERS, "PKCS#7 signature has no signer"},
    {VERITY_E_SIG_LIMIT, "Too many signers or certificates in the signature"},
    {VERITY_E_SIG_UNSUPPORTED_DIGEST, "Unsupported digest algorithm in signature"},
    {VERITY_E_SIG_SHA1_DISABLED, "SHA-1 signatures are disabled by policy"},
    {VERITY_E_SIG_UNSUPPORTED_SIG_ALG, "Unsupported signature algorithm"},
    {VERITY_E_SIG_RSA_PSS_DISABLED, "RSA-PSS signatures are disabled by policy"},
    {VERITY_E_SIG_ALG_DIGEST_MISMATCH, "Signature algorithm hash differs from digest algorithm"},
    {VERITY_E_SIG_INCONSISTENT_ATTRS, "Inconsistently supplied authAttrs"},
    {VERITY_E_SIG_MISSING_ATTR, "Missing required AuthAttr (contentType or messageDigest)"},
    {VERITY_E_SIG_REPEATED_ATTR, "Repeated/multivalue AuthAttrs not permitted"},
    {VERITY_E_SIG_FORBIDDEN_ATTR, "Forbidden signed attribute (S/MIME capabilities)"},
    {VERITY_E_SIG_DIGEST_MISMATCH, "Message digest doesn't match"},
    {VERITY_E_SIG_SIGNING_TIME, "Message signed outside of X.509 validity window"},
    {VERITY_E_SIG_BAD_CERT, "Embedded certificate cannot be parsed"},
    {VERITY_E_SIG_KEY_UNSUPPORTED, "Signer key type, curve or size not accepted"},
    {VERITY_E_SIG_BAD_SIGNATURE, "Signature verification failed"},
    {VERITY_E_SIG_UNTRUSTED, "No signer is trusted (required key not available)"},
    {VERITY_E_KEYRING_BAD_CERT, "Trusted certificate cannot be parsed"},
    {VERITY_E_KEYRING_EMPTY, "No trusted certificate found"},
    {VERITY_E_KEYRING_BAD_DTB, "Device tree blob is invalid"},
    {VERITY_E_KEYRING_DTB_NO_NODE, "Device tree node not found"},
    {VERITY_E_KEYRING_DTB_PROPERTY, "Device tree property missing or malformed"},
    {VERITY_E_DT_BAD_PARAMS, "Malformed dm-verity parameters in device tree"},
    {VERITY_E_KEYRING_FINGERPRINT, "Certificate does not match its sha256-fingerprint"},
};

const char *verity_strerror(int err)
{
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (messages[i].code == err)
			return messages[i].message;
	return "Unknown error";
}
