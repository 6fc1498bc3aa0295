/* SPDX-License-Identifier: MIT */
/*
 * The X.509 facts the kernel's asymmetric-key code works with
 * (crypto/asymmetric_keys/x509_cert_parser.c, x509_public_key.c): key
 * identifiers, the authority key identifier, one certificate's signature
 * checked with another's key, the self-signature check every certificate
 * gets when it is parsed, and the RSA modulus sizes the kernel's RSA takes.
 * Used for embedded and for keyring certificates alike.
 */
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>

#include "sig/sig.h"

#define TAG_SEQUENCE (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)
/* authorityKeyIdentifier, 2.5.29.35 */
#define OID_AKID "\x55\x1d\x23"

#define OID_EQ(buf, oid) \
	((buf)->len == sizeof(oid) - 1 && memcmp((buf)->p, oid, sizeof(oid) - 1) == 0)

/*
 * The extnValue contents of extension @oid (with its length @oid_len).
 * v3_ext.p points at the Extensions SEQUENCE inside the [3] wrapper, in
 * 2.28 and 3.x. Return: 1 found, 0 absent, -1 malformed.
 */
static int find_extension(const mbedtls_x509_crt *crt, const char *oid, size_t oid_len,
                          unsigned char **value, size_t *value_len)
{
	unsigned char *p = crt->v3_ext.p;
	const unsigned char *end;
	size_t len;

	if (!p || crt->v3_ext.len == 0)
		return 0;
	end = p + crt->v3_ext.len;
	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQUENCE))
		return -1;
	end = p + len;
	while (p < end) {
		const unsigned char *ext_end;
		mbedtls_asn1_buf id;
		int critical = 0;

		if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQUENCE))
			return -1;
		ext_end = p + len;
		if (mbedtls_asn1_get_tag(&p, ext_end, &id.len, MBEDTLS_ASN1_OID))
			return -1;
		id.p = p;
		p += id.len;
		if (p < ext_end && *p == MBEDTLS_ASN1_BOOLEAN &&
		    mbedtls_asn1_get_bool(&p, ext_end, &critical))
			return -1;
		if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING) ||
		    p + len != ext_end)
			return -1;
		if (id.len == oid_len && memcmp(id.p, oid, oid_len) == 0) {
			*value = p;
			*value_len = len;
			return 1;
		}
		p = (unsigned char *)ext_end;
	}
	return 0;
}

/*
 * AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET
 * STRING OPTIONAL, authorityCertIssuer [1] IMPLICIT GeneralNames OPTIONAL,
 * authorityCertSerialNumber [2] IMPLICIT INTEGER OPTIONAL }. As the kernel,
 * the issuer ID is the first directoryName with the serial number.
 */
static int parse_akid(unsigned char *p, const unsigned char *end, struct verity_crt_ids *ids)
{
	size_t len;

	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQUENCE) || p + len != end)
		return -1;
	if (p < end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0)) {
		if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0) ||
		    len == 0)
			return -1;
		ids->akid_kid = p;
		ids->akid_kid_len = len;
		p += len;
	}
	if (p < end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 1)) {
		const unsigned char *names_end;

		if (mbedtls_asn1_get_tag(&p, end, &len,
		                         MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED |
		                             1))
			return -1;
		names_end = p + len;
		while (p < names_end) {
			int tag = *p;

			if (mbedtls_asn1_get_tag(&p, names_end, &len, tag))
				return -1;
			/* directoryName [4] EXPLICIT Name */
			if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 4) &&
			    !ids->akid_issuer) {
				unsigned char *name = p;
				size_t name_len;

				if (mbedtls_asn1_get_tag(&name, p + len, &name_len, TAG_SEQUENCE) ||
				    name + name_len != p + len)
					return -1;
				ids->akid_issuer = p;
				ids->akid_issuer_len = len;
			}
			p += len;
		}
	}
	if (p < end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)) {
		if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2) ||
		    len == 0)
			return -1;
		ids->akid_serial = p;
		ids->akid_serial_len = len;
		p += len;
	}
	if (p != end)
		return -1;
	/* An issuer without a serial number (or the reverse) names nothing. */
	if (!ids->akid_issuer || !ids->akid_serial) {
		ids->akid_issuer = ids->akid_serial = NULL;
		ids->akid_issuer_len = ids->akid_serial_len = 0;
	}
	return 0;
}

int verity_crt_ids(const mbedtls_x509_crt *crt, struct verity_crt_ids *ids)
{
	unsigned char *value;
	size_t len;
	int found;

	memset(ids, 0, sizeof(*ids));
	if (!verity_crt_skid(crt, &ids->skid, &ids->skid_len)) {
		ids->skid = NULL;
		ids->skid_len = 0;
	}
	found = find_extension(crt, OID_AKID, sizeof(OID_AKID) - 1, &value, &len);
	if (found < 0)
		return -1;
	if (found == 0)
		return 0;
	return parse_akid(value, value + len, ids);
}

bool verity_crt_id_is(const mbedtls_x509_crt *crt, const uint8_t *issuer, size_t issuer_len,
                      const uint8_t *serial, size_t serial_len)
{
	return issuer && crt->issuer_raw.len == issuer_len &&
	       memcmp(crt->issuer_raw.p, issuer, issuer_len) == 0 &&
	       crt->serial.len == serial_len && memcmp(crt->serial.p, serial, serial_len) == 0;
}

bool verity_rsa_bits_valid(size_t bits)
{
	/* The kernel sizes the modulus in 64-bit limbs, then takes these only. */
	size_t rounded = (bits + 63) / 64 * 64;

	return rounded == 512 || rounded == 1024 || rounded == 1536 || rounded == 2048 ||
	       rounded == 3072 || rounded == 4096;
}

bool verity_rsa_bits_accepted(size_t bits)
{
	size_t rounded = (bits + 63) / 64 * 64;

	return verity_rsa_bits_valid(bits) && rounded >= 2048;
}

/* The named curve of an EC SubjectPublicKeyInfo (pk_raw is public in 2.28 and 3.x). */
bool verity_ec_curve_accepted(const mbedtls_x509_crt *crt)
{
	unsigned char *p = crt->pk_raw.p;
	const unsigned char *end = p + crt->pk_raw.len;
	mbedtls_asn1_buf alg, params;
	size_t len;

	if (!p || mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQUENCE) != 0 ||
	    mbedtls_asn1_get_alg(&p, p + len, &alg, &params) != 0 || params.tag != MBEDTLS_ASN1_OID)
		return false;
	return OID_EQ(&params, MBEDTLS_OID_EC_GRP_SECP256R1) ||
	       OID_EQ(&params, MBEDTLS_OID_EC_GRP_SECP384R1);
}

/*
 * The signature fields are private in mbedTLS 3, so the algorithm and the
 * BIT STRING come from the raw DER: SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signatureValue }.
 */
enum verity_crt_sig verity_crt_verify(const mbedtls_x509_crt *child, const mbedtls_x509_crt *issuer)
{
	unsigned char *p = child->raw.p;
	const unsigned char *end = p + child->raw.len;
	mbedtls_asn1_buf alg, params;
	mbedtls_md_type_t md;
	mbedtls_pk_type_t pk_type;
	uint8_t hash[MBEDTLS_MD_MAX_SIZE];
	size_t len;

	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQUENCE) != 0 || p + len != end ||
	    mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQUENCE) != 0)
		return VERITY_CRT_SIG_BAD;
	p += len;
	if (mbedtls_asn1_get_alg(&p, end, &alg, &params) != 0 ||
	    mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_BIT_STRING) != 0 || len < 2 ||
	    *p != 0 || p + len != end)
		return VERITY_CRT_SIG_BAD;
	if (mbedtls_oid_get_sig_alg(&alg, &md, &pk_type) != 0)
		return VERITY_CRT_SIG_UNSUPPORTED;
	if (md != MBEDTLS_MD_SHA256 && md != MBEDTLS_MD_SHA384 && md != MBEDTLS_MD_SHA512)
		return VERITY_CRT_SIG_UNSUPPORTED;
	if (pk_type == MBEDTLS_PK_RSA) {
		size_t bits = mbedtls_pk_get_bitlen(&issuer->pk);

		if (mbedtls_pk_get_type(&issuer->pk) != MBEDTLS_PK_RSA)
			return VERITY_CRT_SIG_BAD;
		if (!verity_rsa_bits_valid(bits))
			return VERITY_CRT_SIG_BAD_KEY;
		if (!verity_rsa_bits_accepted(bits))
			return VERITY_CRT_SIG_UNSUPPORTED;
	} else if (pk_type == MBEDTLS_PK_ECDSA) {
		if (!mbedtls_pk_can_do(&issuer->pk, MBEDTLS_PK_ECDSA))
			return VERITY_CRT_SIG_BAD;
		if (!verity_ec_curve_accepted(issuer))
			return VERITY_CRT_SIG_UNSUPPORTED;
	} else {
		return VERITY_CRT_SIG_UNSUPPORTED;
	}
	if (mbedtls_md(mbedtls_md_info_from_type(md), child->tbs.p, child->tbs.len, hash) != 0)
		return VERITY_CRT_SIG_BAD;
	return mbedtls_pk_verify((mbedtls_pk_context *)&issuer->pk, md, hash,
	                         mbedtls_md_get_size(mbedtls_md_info_from_type(md)), p + 1,
	                         len - 1) == 0
	           ? VERITY_CRT_SIG_OK
	           : VERITY_CRT_SIG_BAD;
}

static bool same(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	return a && b && a_len == b_len && memcmp(a, b, a_len) == 0;
}

/*
 * As the kernel's x509_check_for_self_signed(): subject equal to issuer,
 * an authority key identifier (if any) naming the certificate itself, then
 * its own signature checked.
 */
int verity_crt_self_check(const mbedtls_x509_crt *crt, const struct verity_crt_ids *ids,
                          bool *self_signed, bool *unsupported, unsigned *checks)
{
	bool by_kid, by_id;
	enum verity_crt_sig r;

	*self_signed = false;
	*unsupported = false;
	if (crt->subject_raw.len != crt->issuer_raw.len ||
	    memcmp(crt->subject_raw.p, crt->issuer_raw.p, crt->issuer_raw.len) != 0)
		return 0;
	if (ids->akid_kid || ids->akid_issuer) {
		by_kid = same(ids->skid, ids->skid_len, ids->akid_kid, ids->akid_kid_len);
		by_id = verity_crt_id_is(crt, ids->akid_issuer, ids->akid_issuer_len,
		                         ids->akid_serial, ids->akid_serial_len);
		if (!by_kid && !by_id)
			return 0;
		/* Both parts given: both must name the certificate itself. */
		if (ids->akid_kid && ids->akid_issuer && by_kid != by_id)
			return VERITY_CRT_SIG_BAD;
	}
	if (checks)
		(*checks)++;
	r = verity_crt_verify(crt, crt);
	if (r == VERITY_CRT_SIG_UNSUPPORTED) {
		*unsupported = true;
		return 0;
	}
	if (r != VERITY_CRT_SIG_OK)
		return r;
	*self_signed = true;
	return 0;
}
