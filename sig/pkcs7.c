/* SPDX-License-Identifier: MIT */
/*
 * Root-hash signatures: PKCS#7/CMS SignedData parsed on mbedTLS's ASN.1,
 * checked with its X.509 and pk modules, with the acceptance rules of the
 * Linux kernel (crypto/asymmetric_keys/pkcs7_*.c as used by dm-verity).
 * Never mbedtls_pkcs7_*: it lacks signed attributes and consults the clock.
 *
 * Two passes, as in the kernel: parse everything (any error rejects the whole
 * message), then verify every signer whose certificate is embedded, then look
 * for at least one signer that reaches the keyring.
 */
#include <stdarg.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "sig/sig.h"
#include "verity/util.h"

#define SIG_MAX_SIGNERS 16
#define SIG_MAX_CERTS   16
/*
 * Signature checks per message: each embedded certificate's self-signature
 * and its chain link (remembered), each signer's signature and its one trust
 * check. A hostile message cannot make more.
 */
#define SIG_MAX_CHECKS (2 * SIG_MAX_CERTS + 2 * SIG_MAX_SIGNERS)

#define TAG_SEQUENCE    (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)
#define TAG_SET         (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET)
#define TAG_CTX(n)      (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | (n))
#define TAG_CTX_PRIM(n) (MBEDTLS_ASN1_CONTEXT_SPECIFIC | (n))

/* OIDs absent from mbedTLS 2.28 (PKCS#7 and PKCS#9). */
#define OID_PKCS7_DATA         MBEDTLS_OID_PKCS "\x07\x01"
#define OID_PKCS7_SIGNED_DATA  MBEDTLS_OID_PKCS "\x07\x02"
#define OID_CONTENT_TYPE       MBEDTLS_OID_PKCS9 "\x03"
#define OID_MESSAGE_DIGEST     MBEDTLS_OID_PKCS9 "\x04"
#define OID_SIGNING_TIME       MBEDTLS_OID_PKCS9 "\x05"
#define OID_SMIME_CAPABILITIES MBEDTLS_OID_PKCS9 "\x0f"
/* Microsoft SpcSpOpusInfo, which the kernel allows only with Authenticode. */
#define OID_MS_OPUS_INFO "\x2b\x06\x01\x04\x01\x82\x37\x02\x01\x0c"

#define OID_EQ(buf, oid) \
	((buf)->len == sizeof(oid) - 1 && memcmp((buf)->p, oid, sizeof(oid) - 1) == 0)

struct sig_time {
	int year, mon, day, hour, min, sec;
};

enum sig_scheme {
	SCHEME_RSA_PKCS1V15,
	SCHEME_RSA_PSS,
	SCHEME_ECDSA,
};

struct signer {
	const uint8_t *start; /* the SignerInfo TLV, for error offsets */
	int version;
	const uint8_t *issuer; /* issuer Name TLV (v1) */
	size_t issuer_len;
	const uint8_t *serial; /* serial INTEGER contents (v1) */
	size_t serial_len;
	const uint8_t *skid; /* subjectKeyIdentifier contents (v3) */
	size_t skid_len;
	mbedtls_md_type_t md;
	const uint8_t *attrs; /* the whole [0] IMPLICIT SET TLV, or NULL */
	size_t attrs_len;
	const uint8_t *msg_digest;
	size_t msg_digest_len;
	bool has_signing_time;
	struct sig_time signing_time;
	enum sig_scheme scheme;
	mbedtls_md_type_t pss_mgf1_md;
	int pss_salt_len;
	const uint8_t *sig;
	size_t sig_len;
	/* Filled in during verification. */
	const mbedtls_x509_crt *embedded;  /* its certificate in the message */
	int embedded_index;                /* ... as an index of certs[], or -1 */
	uint8_t hash[MBEDTLS_MD_MAX_SIZE]; /* digest the signature covers */
	size_t hash_len;
};

/* What the chain walks learn about one embedded certificate. */
struct cert_state {
	const uint8_t *at; /* its place in the message, for error offsets */
	struct verity_crt_ids ids;
	bool self_signed, unsupported_sig;
	int issuer; /* embedded issuer found by a chain walk (itself when self-signed), or -1 */
	bool seen, verified;
	const struct verity_keyring_entry *trusted_by;
	const mbedtls_x509_crt *checked_by; /* memo of the last signature check */
	enum verity_crt_sig checked;
};

struct message {
	int version;
	size_t n_signers;
	struct signer signers[SIG_MAX_SIGNERS];
	size_t n_certs;
	mbedtls_x509_crt certs[SIG_MAX_CERTS];
	struct cert_state state[SIG_MAX_CERTS];
};

struct ctx {
	const uint8_t *base;
	const struct verity_sig_options *opts;
	struct verity_sig_result *res;
	int signer;      /* index being parsed, or -1 */
	unsigned checks; /* signature checks made */
};

static int fail(struct ctx *c, int err, const uint8_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct ctx *c, int err, const uint8_t *at, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	c->res->error = err;
	c->res->offset = at ? (long)(at - c->base) : -1;
	c->res->signer = c->signer;
	if (c->signer >= 0)
		n = verity_snprintf(c->res->detail, sizeof(c->res->detail), "SignerInfo[%d].",
		                    c->signer);
	va_start(ap, fmt);
	verity_vsnprintf(c->res->detail + n, sizeof(c->res->detail) - (size_t)n, fmt, ap);
	va_end(ap);
	if (at) {
		size_t used = strlen(c->res->detail);

		verity_snprintf(c->res->detail + used, sizeof(c->res->detail) - used,
		                " (at offset %ld)", c->res->offset);
	}
	return err;
}

/*
 * Read the header of a TLV with tag @tag, bounded by @end, and leave *p at
 * its contents. Classifies every failure for the message.
 */
static int get_tag(struct ctx *c, unsigned char **p, const unsigned char *end, int tag, size_t *len,
                   const char *field)
{
	unsigned char *at = *p;
	int ret;

	if (at >= end)
		return fail(c, VERITY_E_SIG_MALFORMED, at, "%s: missing (end of data)", field);
	if (end - at >= 2 && at[1] == 0x80)
		return fail(c, VERITY_E_SIG_BER, at, "%s: indefinite length", field);
	if (*at != tag && (*at & ~MBEDTLS_ASN1_CONSTRUCTED) == tag &&
	    (tag == MBEDTLS_ASN1_OCTET_STRING))
		return fail(c, VERITY_E_SIG_BER, at, "%s: constructed OCTET STRING", field);
	ret = mbedtls_asn1_get_tag(p, end, len, tag);
	if (ret == MBEDTLS_ERR_ASN1_UNEXPECTED_TAG)
		return fail(c, VERITY_E_SIG_MALFORMED, at, "%s: expected tag 0x%02x, found 0x%02x",
		            field, (unsigned)tag, (unsigned)*at);
	if (ret == MBEDTLS_ERR_ASN1_OUT_OF_DATA)
		return fail(c, VERITY_E_SIG_MALFORMED, at, "%s: length runs past its container",
		            field);
	if (ret != 0)
		return fail(c, VERITY_E_SIG_MALFORMED, at, "%s: invalid length", field);
	return 0;
}

static int get_oid(struct ctx *c, unsigned char **p, const unsigned char *end,
                   mbedtls_asn1_buf *oid, const char *field)
{
	int ret = get_tag(c, p, end, MBEDTLS_ASN1_OID, &oid->len, field);

	if (ret)
		return ret;
	if (oid->len == 0)
		return fail(c, VERITY_E_SIG_MALFORMED, *p, "%s: empty OID", field);
	oid->tag = MBEDTLS_ASN1_OID;
	oid->p = *p;
	*p += oid->len;
	return 0;
}

/* A small INTEGER (version): DER, non-negative, at most 2 bytes. */
static int get_small_int(struct ctx *c, unsigned char **p, const unsigned char *end, int *value,
                         const char *field)
{
	unsigned char *at = *p;
	size_t len;
	int ret = get_tag(c, p, end, MBEDTLS_ASN1_INTEGER, &len, field);

	if (ret)
		return ret;
	if (len == 0 || len > 2 || ((*p)[0] & 0x80))
		return fail(c, VERITY_E_SIG_BAD_VERSION, at, "%s: out of range", field);
	*value = 0;
	for (size_t i = 0; i < len; i++)
		*value = (*value << 8) | (*p)[i];
	*p += len;
	return 0;
}

/* AlgorithmIdentifier: OID plus optional parameters (any). */
static int get_alg(struct ctx *c, unsigned char **p, const unsigned char *end,
                   mbedtls_asn1_buf *oid, mbedtls_asn1_buf *params, const char *field)
{
	const unsigned char *seq_end;
	size_t len;
	int ret = get_tag(c, p, end, TAG_SEQUENCE, &len, field);

	if (ret)
		return ret;
	seq_end = *p + len;
	ret = get_oid(c, p, seq_end, oid, field);
	if (ret)
		return ret;
	memset(params, 0, sizeof(*params));
	if (*p < seq_end) {
		unsigned char *at = *p;

		params->tag = *at;
		ret = get_tag(c, p, seq_end, *at, &params->len, field);
		if (ret)
			return ret;
		params->p = *p;
		*p += params->len;
	}
	if (*p != seq_end)
		return fail(c, VERITY_E_SIG_MALFORMED, *p, "%s: trailing bytes", field);
	return 0;
}

static const char *md_name(mbedtls_md_type_t md)
{
	const char *name = mbedtls_md_get_name(mbedtls_md_info_from_type(md));

	return name ? name : "unknown";
}

/* Digests this verifier accepts (kernel: sha1/224/256/384/512/sha3/sm3/...). */
static int digest_from_oid(struct ctx *c, const mbedtls_asn1_buf *oid, const uint8_t *at,
                           mbedtls_md_type_t *md)
{
	if (mbedtls_oid_get_md_alg(oid, md) != 0)
		return fail(c, VERITY_E_SIG_UNSUPPORTED_DIGEST, at,
		            "digestAlgorithm: unknown or unsupported OID");
	switch (*md) {
	case MBEDTLS_MD_SHA256:
	case MBEDTLS_MD_SHA384:
	case MBEDTLS_MD_SHA512:
		return 0;
	case MBEDTLS_MD_SHA1:
		if (c->opts->flags & VERITY_SIG_ALLOW_SHA1)
			return 0;
		return fail(c, VERITY_E_SIG_SHA1_DISABLED, at, "digestAlgorithm: SHA-1");
	default:
		return fail(c, VERITY_E_SIG_UNSUPPORTED_DIGEST, at,
		            "digestAlgorithm: %s not accepted (SHA-256/384/512 only)",
		            md_name(*md));
	}
}

/*
 * RSASSA-PSS-params (RFC 4055): hashAlgorithm [0], maskGenAlgorithm [1]
 * (MGF1 with a hash), saltLength [2], trailerField [3] (must be 1). Defaults
 * (SHA-1) are refused since the hash must equal the digest algorithm.
 */
static int parse_pss_params(struct ctx *c, struct signer *s, const mbedtls_asn1_buf *params,
                            const uint8_t *at)
{
	unsigned char *p = params->p;
	const unsigned char *end;
	mbedtls_md_type_t hash_md = MBEDTLS_MD_SHA1;
	size_t len;
	int ret;

	s->pss_mgf1_md = MBEDTLS_MD_SHA1;
	s->pss_salt_len = 20;
	if (params->tag != TAG_SEQUENCE)
		return fail(c, VERITY_E_SIG_MALFORMED, at, "signatureAlgorithm: PSS parameters");
	end = p + params->len;
	if (p < end && *p == TAG_CTX(0)) {
		mbedtls_asn1_buf oid, alg_params;

		ret = get_tag(c, &p, end, TAG_CTX(0), &len, "PSS hashAlgorithm");
		if (ret)
			return ret;
		ret = get_alg(c, &p, p + len, &oid, &alg_params, "PSS hashAlgorithm");
		if (ret)
			return ret;
		if (mbedtls_oid_get_md_alg(&oid, &hash_md) != 0)
			return fail(c, VERITY_E_SIG_UNSUPPORTED_SIG_ALG, at, "PSS: unknown hash");
	}
	if (p < end && *p == TAG_CTX(1)) {
		mbedtls_asn1_buf oid, mgf_params, hash_oid;
		unsigned char *q;

		ret = get_tag(c, &p, end, TAG_CTX(1), &len, "PSS maskGenAlgorithm");
		if (ret)
			return ret;
		ret = get_alg(c, &p, p + len, &oid, &mgf_params, "PSS maskGenAlgorithm");
		if (ret)
			return ret;
		if (!OID_EQ(&oid, MBEDTLS_OID_MGF1) || mgf_params.tag != TAG_SEQUENCE)
			return fail(c, VERITY_E_SIG_UNSUPPORTED_SIG_ALG, at,
			            "PSS: MGF is not MGF1");
		/* mgf_params holds the contents of the MGF1 hash AlgorithmIdentifier. */
		q = mgf_params.p;
		ret = get_oid(c, &q, mgf_params.p + mgf_params.len, &hash_oid, "PSS MGF1 hash");
		if (ret)
			return ret;
		if (mbedtls_oid_get_md_alg(&hash_oid, &s->pss_mgf1_md) != 0)
			return fail(c, VERITY_E_SIG_UNSUPPORTED_SIG_ALG, at,
			            "PSS: unknown MGF1 hash");
	}
	if (p < end && *p == TAG_CTX(2)) {
		int salt;

		ret = get_tag(c, &p, end, TAG_CTX(2), &len, "PSS saltLength");
		if (ret)
			return ret;
		if (mbedtls_asn1_get_int(&p, p + len, &salt) != 0 || salt < 0)
			return fail(c, VERITY_E_SIG_MALFORMED, at, "PSS saltLength");
		s->pss_salt_len = salt;
	}
	if (p < end && *p == TAG_CTX(3)) {
		int trailer;

		ret = get_tag(c, &p, end, TAG_CTX(3), &len, "PSS trailerField");
		if (ret)
			return ret;
		if (mbedtls_asn1_get_int(&p, p + len, &trailer) != 0 || trailer != 1)
			return fail(c, VERITY_E_SIG_UNSUPPORTED_SIG_ALG, at, "PSS trailerField");
	}
	if (p != end)
		return fail(c, VERITY_E_SIG_MALFORMED, p, "PSS parameters: trailing bytes");
	if (hash_md != s->md)
		return fail(c, VERITY_E_SIG_ALG_DIGEST_MISMATCH, at,
		            "PSS hash differs from digestAlgorithm");
	return 0;
}

static int parse_sig_alg(struct ctx *c, struct signer *s, const mbedtls_asn1_buf *oid,
                         const mbedtls_asn1_buf *params, const uint8_t *at)
{
	mbedtls_md_type_t md;
	mbedtls_pk_type_t pk;

	/* The kernel takes RSA only as the key OID rsaEncryption (PKCS#1 v1.5). */
	if (OID_EQ(oid, MBEDTLS_OID_PKCS1_RSA)) {
		s->scheme = SCHEME_RSA_PKCS1V15;
		return 0;
	}
	if (OID_EQ(oid, MBEDTLS_OID_RSASSA_PSS)) {
		if (!(c->opts->flags & VERITY_SIG_ALLOW_RSA_PSS))
			return fail(c, VERITY_E_SIG_RSA_PSS_DISABLED, at,
			            "signatureAlgorithm: RSA-PSS");
		s->scheme = SCHEME_RSA_PSS;
		return parse_pss_params(c, s, params, at);
	}
	if (mbedtls_oid_get_sig_alg(oid, &md, &pk) == 0 && pk == MBEDTLS_PK_ECDSA) {
		if (md != s->md)
			return fail(c, VERITY_E_SIG_ALG_DIGEST_MISMATCH, at,
			            "signatureAlgorithm: ecdsa-with-%s with digestAlgorithm %s",
			            md_name(md), md_name(s->md));
		s->scheme = SCHEME_ECDSA;
		return 0;
	}
	return fail(c, VERITY_E_SIG_UNSUPPORTED_SIG_ALG, at,
	            "signatureAlgorithm: not rsaEncryption or ecdsa-with-SHA*");
}

static int two_digits(const unsigned char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, as the kernel. */
static int parse_time(const unsigned char *v, size_t len, int tag, struct sig_time *t)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int century;

	if (tag == MBEDTLS_ASN1_UTC_TIME && len == 13) {
		if (two_digits(v, &t->year))
			return -1;
		t->year += t->year >= 50 ? 1900 : 2000;
		v += 2;
	} else if (tag == MBEDTLS_ASN1_GENERALIZED_TIME && len == 15) {
		if (two_digits(v, &century) || two_digits(v + 2, &t->year))
			return -1;
		t->year += century * 100;
		v += 4;
	} else {
		return -1;
	}
	if (two_digits(v, &t->mon) || two_digits(v + 2, &t->day) || two_digits(v + 4, &t->hour) ||
	    two_digits(v + 6, &t->min) || two_digits(v + 8, &t->sec) || v[10] != 'Z')
		return -1;
	if (t->mon < 1 || t->mon > 12 || t->day < 1 || t->day > days[t->mon - 1] || t->hour > 23 ||
	    t->min > 59 || t->sec > 60)
		return -1;
	return 0;
}

static int compare_time(const struct sig_time *a, const mbedtls_x509_time *b)
{
	const int x[] = {a->year, a->mon, a->day, a->hour, a->min, a->sec};
	const int y[] = {b->year, b->mon, b->day, b->hour, b->min, b->sec};

	for (size_t i = 0; i < 6; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/*
 * The single value of a known attribute: the SET must hold exactly one
 * element (the kernel calls its action per value, so a second one counts as
 * a repeat).
 */
static int single_value(struct ctx *c, unsigned char *values, const unsigned char *values_end,
                        unsigned char **value, size_t *len, int *tag, const char *name)
{
	unsigned char *p = values;
	int ret;

	if (p >= values_end)
		return fail(c, VERITY_E_SIG_MALFORMED, p, "signedAttrs.%s: no value", name);
	*tag = *p;
	ret = get_tag(c, &p, values_end, *p, len, name);
	if (ret)
		return ret;
	*value = p;
	if (p + *len != values_end)
		return fail(c, VERITY_E_SIG_REPEATED_ATTR, p + *len,
		            "signedAttrs.%s: more than one value", name);
	return 0;
}

static int parse_attrs(struct ctx *c, struct signer *s, unsigned char *p, const unsigned char *end)
{
	enum { SEEN_CONTENT_TYPE = 1, SEEN_DIGEST = 2, SEEN_TIME = 4 };
	unsigned seen = 0;
	int ret;

	while (p < end) {
		unsigned char *attr_at = p, *value;
		const unsigned char *attr_end, *values_end;
		mbedtls_asn1_buf oid;
		size_t len;
		int tag;

		ret = get_tag(c, &p, end, TAG_SEQUENCE, &len, "signedAttrs.Attribute");
		if (ret)
			return ret;
		attr_end = p + len;
		ret = get_oid(c, &p, attr_end, &oid, "signedAttrs.Attribute.type");
		if (ret)
			return ret;
		ret = get_tag(c, &p, attr_end, TAG_SET, &len, "signedAttrs.Attribute.values");
		if (ret)
			return ret;
		values_end = p + len;
		if (values_end != attr_end)
			return fail(c, VERITY_E_SIG_MALFORMED, (const uint8_t *)values_end,
			            "signedAttrs.Attribute: trailing bytes");

		if (OID_EQ(&oid, OID_CONTENT_TYPE)) {
			mbedtls_asn1_buf ct;

			if (seen & SEEN_CONTENT_TYPE)
				return fail(c, VERITY_E_SIG_REPEATED_ATTR, attr_at,
				            "signedAttrs: contentType repeated");
			seen |= SEEN_CONTENT_TYPE;
			ret = single_value(c, p, values_end, &value, &len, &tag, "contentType");
			if (ret)
				return ret;
			if (tag != MBEDTLS_ASN1_OID)
				return fail(c, VERITY_E_SIG_MALFORMED, value,
				            "signedAttrs.contentType: not an OID");
			ct.p = value;
			ct.len = len;
			if (!OID_EQ(&ct, OID_PKCS7_DATA))
				return fail(c, VERITY_E_SIG_WRONG_CONTENT_TYPE, value,
				            "signedAttrs.contentType: not data");
		} else if (OID_EQ(&oid, OID_MESSAGE_DIGEST)) {
			if (seen & SEEN_DIGEST)
				return fail(c, VERITY_E_SIG_REPEATED_ATTR, attr_at,
				            "signedAttrs: messageDigest repeated");
			seen |= SEEN_DIGEST;
			ret = single_value(c, p, values_end, &value, &len, &tag, "messageDigest");
			if (ret)
				return ret;
			if (tag != MBEDTLS_ASN1_OCTET_STRING)
				return fail(c, VERITY_E_SIG_MALFORMED, value,
				            "signedAttrs.messageDigest: not an OCTET STRING");
			s->msg_digest = value;
			s->msg_digest_len = len;
		} else if (OID_EQ(&oid, OID_SIGNING_TIME)) {
			if (seen & SEEN_TIME)
				return fail(c, VERITY_E_SIG_REPEATED_ATTR, attr_at,
				            "signedAttrs: signingTime repeated");
			seen |= SEEN_TIME;
			ret = single_value(c, p, values_end, &value, &len, &tag, "signingTime");
			if (ret)
				return ret;
			if (parse_time(value, len, tag, &s->signing_time) != 0)
				return fail(c, VERITY_E_SIG_MALFORMED, value,
				            "signedAttrs.signingTime: not UTCTime/GeneralizedTime "
				            "with seconds and Z");
			s->has_signing_time = true;
		} else if (OID_EQ(&oid, OID_SMIME_CAPABILITIES)) {
			return fail(
			    c, VERITY_E_SIG_FORBIDDEN_ATTR, attr_at,
			    "signedAttrs: smimeCapabilities (only allowed with Authenticode)");
		} else if (OID_EQ(&oid, OID_MS_OPUS_INFO)) {
			return fail(c, VERITY_E_SIG_FORBIDDEN_ATTR, attr_at,
			            "signedAttrs: SpcSpOpusInfo (only allowed with Authenticode)");
		}
		/* Unknown attributes are ignored, as in the kernel. */
		p = (unsigned char *)attr_end;
	}
	if (!(seen & SEEN_CONTENT_TYPE))
		return fail(c, VERITY_E_SIG_MISSING_ATTR, s->attrs, "signedAttrs: no contentType");
	if (!(seen & SEEN_DIGEST))
		return fail(c, VERITY_E_SIG_MISSING_ATTR, s->attrs,
		            "signedAttrs: no messageDigest");
	return 0;
}

static int parse_signer(struct ctx *c, const struct message *msg, struct signer *s,
                        unsigned char **pp, const unsigned char *end)
{
	unsigned char *p = *pp, *at;
	const unsigned char *si_end;
	mbedtls_asn1_buf oid, params;
	size_t len;
	int ret;

	s->start = p;
	ret = get_tag(c, &p, end, TAG_SEQUENCE, &len, "SignerInfo");
	if (ret)
		return ret;
	si_end = p + len;

	at = p;
	ret = get_small_int(c, &p, si_end, &s->version, "version");
	if (ret)
		return ret;
	if (s->version != 1 && s->version != 3)
		return fail(c, VERITY_E_SIG_BAD_VERSION, at, "version %d (1 or 3 expected)",
		            s->version);
	/* v1 (issuer and serial) needs SignedData v1; v3 (SKID) needs SignedData v3. */
	if ((s->version == 1) != (msg->version == 1))
		return fail(c, VERITY_E_SIG_VERSION_MISMATCH, at,
		            "version %d inside SignedData version %d", s->version, msg->version);

	at = p;
	if (s->version == 1) {
		const unsigned char *sid_end;

		if (p < si_end && *p == TAG_CTX_PRIM(0))
			return fail(c, VERITY_E_SIG_VERSION_MISMATCH, at,
			            "sid: subjectKeyIdentifier in a version 1 SignerInfo");
		ret = get_tag(c, &p, si_end, TAG_SEQUENCE, &len, "sid.issuerAndSerialNumber");
		if (ret)
			return ret;
		sid_end = p + len;
		s->issuer = p;
		ret = get_tag(c, &p, sid_end, TAG_SEQUENCE, &len, "sid.issuer");
		if (ret)
			return ret;
		p += len;
		s->issuer_len = (size_t)(p - s->issuer);
		ret = get_tag(c, &p, sid_end, MBEDTLS_ASN1_INTEGER, &len, "sid.serialNumber");
		if (ret)
			return ret;
		if (len == 0)
			return fail(c, VERITY_E_SIG_MALFORMED, p, "sid.serialNumber: empty");
		s->serial = p;
		s->serial_len = len;
		p += len;
		if (p != sid_end)
			return fail(c, VERITY_E_SIG_MALFORMED, p, "sid: trailing bytes");
	} else {
		if (p < si_end && *p == TAG_SEQUENCE)
			return fail(c, VERITY_E_SIG_VERSION_MISMATCH, at,
			            "sid: issuerAndSerialNumber in a version 3 SignerInfo");
		ret = get_tag(c, &p, si_end, TAG_CTX_PRIM(0), &len, "sid.subjectKeyIdentifier");
		if (ret)
			return ret;
		if (len == 0)
			return fail(c, VERITY_E_SIG_MALFORMED, p,
			            "sid.subjectKeyIdentifier: empty");
		s->skid = p;
		s->skid_len = len;
		p += len;
	}

	at = p;
	ret = get_alg(c, &p, si_end, &oid, &params, "digestAlgorithm");
	if (ret)
		return ret;
	ret = digest_from_oid(c, &oid, at, &s->md);
	if (ret)
		return ret;

	if (p < si_end && *p == TAG_CTX(0)) {
		s->attrs = p;
		ret = get_tag(c, &p, si_end, TAG_CTX(0), &len, "signedAttrs");
		if (ret)
			return ret;
		s->attrs_len = (size_t)(p + len - s->attrs);
		ret = parse_attrs(c, s, p, p + len);
		if (ret)
			return ret;
		p += len;
	} else if (p < si_end && *p == TAG_CTX(2)) {
		/* The kernel's [2] EXPLICIT SEQUENCE form is never produced; refuse it. */
		return fail(c, VERITY_E_SIG_MALFORMED, p,
		            "signedAttrs: [2] EXPLICIT SEQUENCE form not supported");
	}

	at = p;
	ret = get_alg(c, &p, si_end, &oid, &params, "signatureAlgorithm");
	if (ret)
		return ret;
	ret = parse_sig_alg(c, s, &oid, &params, at);
	if (ret)
		return ret;

	ret = get_tag(c, &p, si_end, MBEDTLS_ASN1_OCTET_STRING, &len, "signature");
	if (ret)
		return ret;
	if (len == 0)
		return fail(c, VERITY_E_SIG_MALFORMED, p, "signature: empty");
	s->sig = p;
	s->sig_len = len;
	p += len;

	if (p < si_end && *p == TAG_CTX(1)) {
		ret = get_tag(c, &p, si_end, TAG_CTX(1), &len, "unsignedAttrs");
		if (ret)
			return ret;
		p += len;
	}
	if (p != si_end)
		return fail(c, VERITY_E_SIG_MALFORMED, p, "trailing bytes");
	*pp = p;
	return 0;
}

static int parse_certs(struct ctx *c, struct message *msg, unsigned char *p,
                       const unsigned char *end)
{
	while (p < end) {
		unsigned char *at = p;
		size_t len;
		int ret = get_tag(c, &p, end, TAG_SEQUENCE, &len, "certificates.Certificate");

		if (ret)
			return ret;
		p += len;
		if (msg->n_certs == SIG_MAX_CERTS)
			return fail(c, VERITY_E_SIG_LIMIT, at, "more than %d certificates",
			            SIG_MAX_CERTS);
		msg->state[msg->n_certs].at = at;
		ret = mbedtls_x509_crt_parse_der(&msg->certs[msg->n_certs++], at, (size_t)(p - at));
		if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
			return fail(c, VERITY_E_NOMEM, at, "certificates: out of memory");
		if (ret != 0)
			return fail(c, VERITY_E_SIG_BAD_CERT, at,
			            "certificates[%zu]: X.509 parse error -0x%04x",
			            msg->n_certs - 1, (unsigned)-ret);
	}
	return 0;
}

static int parse_message(struct ctx *c, struct message *msg, const uint8_t *sig, size_t sig_len)
{
	unsigned char *p = (unsigned char *)sig, *at;
	const unsigned char *end = sig + sig_len, *ci_end, *sd_end;
	mbedtls_asn1_buf oid, params;
	size_t len;
	int ret;

	ret = get_tag(c, &p, end, TAG_SEQUENCE, &len, "ContentInfo");
	if (ret)
		return ret;
	ci_end = p + len;
	if (ci_end != end)
		return fail(c, VERITY_E_SIG_TRAILING_DATA, ci_end, "%zu bytes after ContentInfo",
		            (size_t)(end - ci_end));
	at = p;
	ret = get_oid(c, &p, ci_end, &oid, "ContentInfo.contentType");
	if (ret)
		return ret;
	if (!OID_EQ(&oid, OID_PKCS7_SIGNED_DATA))
		return fail(c, VERITY_E_SIG_NOT_SIGNED_DATA, at, "ContentInfo.contentType");
	ret = get_tag(c, &p, ci_end, TAG_CTX(0), &len, "ContentInfo.content");
	if (ret)
		return ret;
	if (p + len != ci_end)
		return fail(c, VERITY_E_SIG_MALFORMED, p + len, "ContentInfo: trailing bytes");
	ret = get_tag(c, &p, ci_end, TAG_SEQUENCE, &len, "SignedData");
	if (ret)
		return ret;
	sd_end = p + len;
	if (sd_end != ci_end)
		return fail(c, VERITY_E_SIG_MALFORMED, sd_end, "SignedData: trailing bytes");

	at = p;
	ret = get_small_int(c, &p, sd_end, &msg->version, "SignedData.version");
	if (ret)
		return ret;
	if (msg->version != 1 && msg->version != 3)
		return fail(c, VERITY_E_SIG_BAD_VERSION, at,
		            "SignedData.version %d (1 or 3 expected)", msg->version);

	/* digestAlgorithms: SET or SEQUENCE OF AlgorithmIdentifier; not used. */
	if (p < sd_end && *p == TAG_SEQUENCE)
		ret = get_tag(c, &p, sd_end, TAG_SEQUENCE, &len, "SignedData.digestAlgorithms");
	else
		ret = get_tag(c, &p, sd_end, TAG_SET, &len, "SignedData.digestAlgorithms");
	if (ret)
		return ret;
	for (const unsigned char *da_end = p + len; p < da_end;) {
		ret = get_alg(c, &p, da_end, &oid, &params, "SignedData.digestAlgorithms[]");
		if (ret)
			return ret;
	}

	ret = get_tag(c, &p, sd_end, TAG_SEQUENCE, &len, "SignedData.encapContentInfo");
	if (ret)
		return ret;
	{
		const unsigned char *eci_end = p + len;

		at = p;
		ret = get_oid(c, &p, eci_end, &oid, "encapContentInfo.eContentType");
		if (ret)
			return ret;
		if (p < eci_end)
			return fail(c, VERITY_E_SIG_NOT_DETACHED, p, "encapContentInfo.eContent");
		if (!OID_EQ(&oid, OID_PKCS7_DATA))
			return fail(c, VERITY_E_SIG_WRONG_CONTENT_TYPE, at,
			            "encapContentInfo.eContentType");
	}

	/* certificates [0] or [2] IMPLICIT, crls [1] or [3] IMPLICIT. */
	if (p < sd_end && (*p == TAG_CTX(0) || *p == TAG_CTX(2))) {
		ret = get_tag(c, &p, sd_end, *p, &len, "SignedData.certificates");
		if (ret)
			return ret;
		ret = parse_certs(c, msg, p, p + len);
		if (ret)
			return ret;
		p += len;
	}
	if (p < sd_end && (*p == TAG_CTX(1) || *p == TAG_CTX(3))) {
		ret = get_tag(c, &p, sd_end, *p, &len, "SignedData.crls");
		if (ret)
			return ret;
		p += len;
	}

	if (p < sd_end && *p == TAG_SEQUENCE)
		ret = get_tag(c, &p, sd_end, TAG_SEQUENCE, &len, "SignedData.signerInfos");
	else
		ret = get_tag(c, &p, sd_end, TAG_SET, &len, "SignedData.signerInfos");
	if (ret)
		return ret;
	if (p + len != sd_end)
		return fail(c, VERITY_E_SIG_MALFORMED, p + len, "SignedData: trailing bytes");
	if (len == 0)
		return fail(c, VERITY_E_SIG_NO_SIGNERS, p, "SignedData.signerInfos: empty");
	while (p < sd_end) {
		if (msg->n_signers == SIG_MAX_SIGNERS)
			return fail(c, VERITY_E_SIG_LIMIT, p, "more than %d signers",
			            SIG_MAX_SIGNERS);
		c->signer = (int)msg->n_signers;
		ret = parse_signer(c, msg, &msg->signers[msg->n_signers], &p, sd_end);
		if (ret)
			return ret;
		msg->n_signers++;
	}
	c->signer = -1;
	c->res->signer_count = (unsigned)msg->n_signers;

	/* Signed attributes: in every signer or in none. */
	for (size_t i = 1; i < msg->n_signers; i++)
		if (!msg->signers[i].attrs != !msg->signers[0].attrs) {
			c->signer = (int)i;
			return fail(c, VERITY_E_SIG_INCONSISTENT_ATTRS, msg->signers[i].start,
			            "signedAttrs %s, unlike SignerInfo[0]",
			            msg->signers[i].attrs ? "present" : "absent");
		}
	return 0;
}

/* Does certificate @crt match the signer ID of @s? */
static bool crt_matches_signer(const mbedtls_x509_crt *crt, const struct signer *s)
{
	const uint8_t *skid;
	size_t skid_len;

	if (s->version == 1)
		return verity_crt_id_is(crt, s->issuer, s->issuer_len, s->serial, s->serial_len);
	return verity_crt_skid(crt, &skid, &skid_len) && skid_len == s->skid_len &&
	       memcmp(skid, s->skid, skid_len) == 0;
}

/*
 * The digest the signature covers: H(content), or, with signed attributes,
 * H(attributes with the [0] tag replaced by SET) after messageDigest was
 * found equal to H(content).
 */
static int compute_signed_hash(struct ctx *c, struct signer *s, const char *content,
                               size_t content_len)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(s->md);
	uint8_t content_hash[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_context_t md;
	static const uint8_t set_tag = TAG_SET;
	int ret;

	if (!info)
		return fail(c, VERITY_E_SIG_UNSUPPORTED_DIGEST, s->start, "digest not built in");
	s->hash_len = mbedtls_md_get_size(info);
	if (mbedtls_md(info, (const unsigned char *)content, content_len, content_hash) != 0)
		return fail(c, VERITY_E_NOMEM, NULL, "hashing failed");
	if (!s->attrs) {
		memcpy(s->hash, content_hash, s->hash_len);
		return 0;
	}
	if (s->msg_digest_len != s->hash_len)
		return fail(c, VERITY_E_SIG_DIGEST_MISMATCH, s->msg_digest,
		            "signedAttrs.messageDigest: %zu bytes, digest has %zu",
		            s->msg_digest_len, s->hash_len);
	if (memcmp(s->msg_digest, content_hash, s->hash_len) != 0)
		return fail(c, VERITY_E_SIG_DIGEST_MISMATCH, s->msg_digest,
		            "signedAttrs.messageDigest differs from the hash of the root hash");
	mbedtls_md_init(&md);
	ret = mbedtls_md_setup(&md, info, 0);
	if (!ret)
		ret = mbedtls_md_starts(&md);
	if (!ret)
		ret = mbedtls_md_update(&md, &set_tag, 1);
	if (!ret)
		ret = mbedtls_md_update(&md, s->attrs + 1, s->attrs_len - 1);
	if (!ret)
		ret = mbedtls_md_finish(&md, s->hash);
	mbedtls_md_free(&md);
	if (ret)
		return fail(c, VERITY_E_NOMEM, NULL, "hashing failed");
	return 0;
}

/* Is @crt's key one this policy verifies @s with? */
static bool key_accepted(const mbedtls_x509_crt *crt, const struct signer *s)
{
	mbedtls_pk_type_t type = mbedtls_pk_get_type(&crt->pk);

	switch (s->scheme) {
	case SCHEME_RSA_PKCS1V15:
	case SCHEME_RSA_PSS:
		return type == MBEDTLS_PK_RSA &&
		       verity_rsa_bits_accepted(mbedtls_pk_get_bitlen(&crt->pk));
	case SCHEME_ECDSA:
		return (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECDSA) &&
		       verity_ec_curve_accepted(crt);
	}
	return false;
}

/*
 * A check the kernel would make but this policy will not (a key or a
 * certificate signature algorithm it refuses): the message is refused, so
 * that nothing the kernel would reject is accepted here.
 */
static int refused(struct ctx *c, const uint8_t *at, const char *what)
{
	return fail(c, VERITY_E_SIG_KEY_UNSUPPORTED, at,
	            "%s: key or signature algorithm refused (RSA 2048/3072/4096, ECDSA "
	            "P-256/P-384, SHA-256/384/512)",
	            what);
}

/* Every signature check goes through here: the total per message is capped. */
static int spend_check(struct ctx *c)
{
	if (c->checks >= SIG_MAX_CHECKS)
		return fail(c, VERITY_E_SIG_LIMIT, NULL, "more than %d signature checks",
		            SIG_MAX_CHECKS);
	c->checks++;
	return 0;
}

static int signature_verifies(struct ctx *c, const mbedtls_x509_crt *crt, const struct signer *s,
                              bool *ok)
{
	mbedtls_pk_context *pk = (mbedtls_pk_context *)&crt->pk;
	int ret = spend_check(c);

	if (ret)
		return ret;
	if (s->scheme == SCHEME_RSA_PSS) {
		mbedtls_pk_rsassa_pss_options pss = {
		    .mgf1_hash_id = s->pss_mgf1_md,
		    .expected_salt_len = s->pss_salt_len,
		};

		*ok = mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &pss, pk, s->md, s->hash,
		                            s->hash_len, s->sig, s->sig_len) == 0;
		return 0;
	}
	/* Any non-zero value fails, MBEDTLS_ERR_PK_SIG_LEN_MISMATCH included. */
	*ok = mbedtls_pk_verify(pk, s->md, s->hash, s->hash_len, s->sig, s->sig_len) == 0;
	return 0;
}

/*
 * Embedded certificate @child's signature checked with @issuer's key,
 * remembered: a certificate is checked at most once per issuer it is
 * offered, and the chain walks offer each one issuer.
 */
static int cert_verifies(struct ctx *c, struct message *msg, size_t child,
                         const mbedtls_x509_crt *issuer, enum verity_crt_sig *result)
{
	struct cert_state *st = &msg->state[child];
	int ret;

	if (st->checked_by != issuer) {
		ret = spend_check(c);
		if (ret)
			return ret;
		st->checked = verity_crt_verify(&msg->certs[child], issuer);
		st->checked_by = issuer;
	}
	*result = st->checked;
	return 0;
}

static bool same_bytes(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	return a && b && a_len == b_len && memcmp(a, b, a_len) == 0;
}

/*
 * The parse-time checks of each embedded certificate (kernel
 * x509_cert_parse): key identifiers, and a self-signed certificate's own
 * signature, whose failure refuses the whole message.
 */
static int check_embedded_certs(struct ctx *c, struct message *msg)
{
	for (size_t i = 0; i < msg->n_certs; i++) {
		struct cert_state *st = &msg->state[i];
		int ret;

		st->issuer = -1;
		if (verity_crt_ids(&msg->certs[i], &st->ids) != 0)
			return fail(c, VERITY_E_SIG_BAD_CERT, msg->state[i].at,
			            "certificates[%zu]: malformed authorityKeyIdentifier", i);
		if (c->checks >= SIG_MAX_CHECKS)
			return spend_check(c);
		ret = verity_crt_self_check(&msg->certs[i], &st->ids, &st->self_signed,
		                            &st->unsupported_sig, &c->checks);
		if (ret)
			return fail(
			    c,
			    ret == VERITY_CRT_SIG_BAD_KEY ? VERITY_E_SIG_KEY_UNSUPPORTED
			                                  : VERITY_E_SIG_BAD_CERT,
			    msg->state[i].at,
			    "certificates[%zu]: self-signed certificate whose own signature "
			    "%s",
			    i,
			    ret == VERITY_CRT_SIG_BAD_KEY ? "uses an RSA size the kernel refuses"
			                                  : "does not verify");
		if (st->unsupported_sig)
			return refused(c, msg->state[i].at, "self-signed embedded certificate");
	}
	return 0;
}

/*
 * As the kernel's pkcs7_verify_sig_chain(): from the signer's certificate,
 * follow ONE issuer per link, the embedded certificate that the
 * authorityKeyIdentifier names (issuer and serial, else key ID); stop at a
 * self-signed certificate, an issuer not embedded, or a loop. Each link's
 * signature must verify (else the message is refused).
 */
static int walk_chain(struct ctx *c, struct message *msg, struct signer *s)
{
	size_t x = (size_t)s->embedded_index;

	for (size_t i = 0; i < msg->n_certs; i++)
		msg->state[i].seen = false;
	for (;;) {
		struct cert_state *xs = &msg->state[x];
		const struct verity_crt_ids *ids = &xs->ids;
		enum verity_crt_sig r;
		size_t p;
		int ret;

		xs->seen = true;
		if (xs->self_signed) {
			xs->issuer = (int)x;
			return 0;
		}
		for (p = 0; p < msg->n_certs; p++)
			if (ids->akid_issuer
			        ? verity_crt_id_is(&msg->certs[p], ids->akid_issuer,
			                           ids->akid_issuer_len, ids->akid_serial,
			                           ids->akid_serial_len)
			        : same_bytes(msg->state[p].ids.skid, msg->state[p].ids.skid_len,
			                     ids->akid_kid, ids->akid_kid_len))
				break;
		if (p == msg->n_certs)
			return 0; /* the top of what is embedded */
		if (ids->akid_issuer && ids->akid_kid &&
		    !same_bytes(msg->state[p].ids.skid, msg->state[p].ids.skid_len, ids->akid_kid,
		                ids->akid_kid_len))
			return fail(
			    c, VERITY_E_SIG_BAD_CERT, msg->state[x].at,
			    "certificates[%zu]: authorityKeyIdentifier names certificates[%zu] "
			    "by issuer and serial but not by key ID",
			    x, p);
		if (msg->state[p].seen)
			return 0; /* a loop: the kernel stops there too */
		ret = cert_verifies(c, msg, x, &msg->certs[p], &r);
		if (ret)
			return ret;
		if (r == VERITY_CRT_SIG_UNSUPPORTED)
			return refused(c, msg->state[x].at, "embedded certificate chain link");
		if (r != VERITY_CRT_SIG_OK)
			return fail(
			    c,
			    r == VERITY_CRT_SIG_BAD_KEY ? VERITY_E_SIG_KEY_UNSUPPORTED
			                                : VERITY_E_SIG_BAD_SIGNATURE,
			    msg->state[x].at,
			    "certificates[%zu]: signature does not verify with its issuer "
			    "certificates[%zu]%s",
			    x, p,
			    r == VERITY_CRT_SIG_BAD_KEY ? " (an RSA size the kernel refuses)" : "");
		xs->issuer = (int)p;
		x = p;
	}
}

/*
 * A keyring certificate as the kernel's find_asymmetric_key() finds it: by
 * ID (issuer Name and serial) when given, whose key ID must then equal
 * @skid when that is given too (*@rejected otherwise); else by key ID.
 */
static const struct verity_keyring_entry *keyring_find(const struct verity_keyring *kr,
                                                       const uint8_t *issuer, size_t issuer_len,
                                                       const uint8_t *serial, size_t serial_len,
                                                       const uint8_t *skid, size_t skid_len,
                                                       bool *rejected)
{
	*rejected = false;
	for (size_t k = 0; k < kr->count; k++) {
		const struct verity_keyring_entry *e = kr->entries[k];

		if (issuer ? !verity_crt_id_is(&e->crt, issuer, issuer_len, serial, serial_len)
		           : !same_bytes(e->skid, e->skid_len, skid, skid_len))
			continue;
		if (issuer && skid && !same_bytes(e->skid, e->skid_len, skid, skid_len)) {
			*rejected = true;
			return NULL;
		}
		return e;
	}
	return NULL;
}

enum trust { TRUSTED, NO_KEY };

/*
 * As the kernel's pkcs7_validate_trust_one(): walk the chain found above;
 * the first link that is itself a keyring certificate (by ID) vouches for
 * the link below it (or for the signature); else the keyring certificate
 * the top link's authorityKeyIdentifier names vouches for the top link;
 * else a keyring certificate with the signer's ID for the signature. The
 * one check made must succeed, else the message is refused. Certificates
 * seen for an earlier signer are not walked again.
 * Return: 0 with *@result set, or a negative error.
 */
static int trust_one(struct ctx *c, struct message *msg, const struct verity_keyring *kr,
                     struct signer *s, enum trust *result,
                     const struct verity_keyring_entry **trusted)
{
	const struct verity_keyring_entry *key = NULL;
	int child = -1, last = -1, x = s->embedded_index, top = -1;
	bool rejected, ok = false;
	int ret;

	*result = NO_KEY;
	for (; x >= 0; child = x, x = msg->state[x].issuer) {
		struct cert_state *st = &msg->state[x];

		if (st->seen) {
			if (!st->verified)
				return 0;
			*trusted = st->trusted_by;
			top = x;
			goto verified;
		}
		st->seen = true;
		key = keyring_find(kr, msg->certs[x].issuer_raw.p, msg->certs[x].issuer_raw.len,
		                   msg->certs[x].serial.p, msg->certs[x].serial.len, st->ids.skid,
		                   st->ids.skid_len, &rejected);
		if (key) {
			top = x;
			goto matched;
		}
		if (st->issuer == x)
			return 0; /* an unknown self-signed root */
		last = x;
	}
	if (last >= 0 && (msg->state[last].ids.akid_issuer || msg->state[last].ids.akid_kid)) {
		const struct verity_crt_ids *ids = &msg->state[last].ids;

		key =
		    keyring_find(kr, ids->akid_issuer, ids->akid_issuer_len, ids->akid_serial,
		                 ids->akid_serial_len, ids->akid_kid, ids->akid_kid_len, &rejected);
		if (rejected)
			return fail(c, VERITY_E_SIG_UNTRUSTED, msg->state[last].at,
			            "certificates[%d]: authorityKeyIdentifier names a trusted "
			            "certificate by issuer and serial but not by key ID",
			            last);
		if (key) {
			child = last;
			top = last;
			goto matched;
		}
	}
	key = s->version == 1 ? keyring_find(kr, s->issuer, s->issuer_len, s->serial, s->serial_len,
	                                     NULL, 0, &rejected)
	                      : keyring_find(kr, NULL, 0, NULL, 0, s->skid, s->skid_len, &rejected);
	if (!key)
		return 0;
	child = -1;
	top = -1;

matched:
	/* The keyring certificate vouches for @child, or for the signature itself. */
	if (child < 0) {
		if (!key_accepted(&key->crt, s))
			return refused(c, s->sig, "trusted certificate for the signature");
		ret = signature_verifies(c, &key->crt, s, &ok);
		if (ret)
			return ret;
	} else {
		enum verity_crt_sig r;

		ret = cert_verifies(c, msg, (size_t)child, &key->crt, &r);
		if (ret)
			return ret;
		if (r == VERITY_CRT_SIG_UNSUPPORTED)
			return refused(c, msg->state[child].at,
			               "trusted certificate for a chain link");
		ok = r == VERITY_CRT_SIG_OK;
	}
	if (!ok) {
		if (child < 0)
			return fail(c, VERITY_E_SIG_BAD_SIGNATURE, s->sig,
			            "signature does not verify with the trusted certificate %s",
			            key->name);
		return fail(c, VERITY_E_SIG_BAD_SIGNATURE, msg->state[child].at,
		            "certificates[%d] does not verify with the trusted certificate %s",
		            child, key->name);
	}
	*trusted = key;

verified:
	/* Everything from the signer's certificate up to @top is now vouched for. */
	for (x = s->embedded_index; top >= 0 && x >= 0; x = msg->state[x].issuer) {
		msg->state[x].verified = true;
		msg->state[x].trusted_by = *trusted;
		if (x == top)
			break;
	}
	*result = TRUSTED;
	return 0;
}

static int verify_message(struct ctx *c, struct message *msg, const struct verity_keyring *kr,
                          const char *root_hex)
{
	size_t content_len = strlen(root_hex);
	const struct verity_keyring_entry *trusted = NULL;
	int ret;

	ret = check_embedded_certs(c, msg);
	if (ret)
		return ret;

	/* Pass 1 (pkcs7_verify): digests; embedded signer certificates and their chains verify. */
	for (size_t i = 0; i < msg->n_signers; i++) {
		struct signer *s = &msg->signers[i];
		bool ok;

		c->signer = (int)i;
		s->embedded_index = -1;
		ret = compute_signed_hash(c, s, root_hex, content_len);
		if (ret)
			return ret;
		for (size_t k = 0; k < msg->n_certs && s->embedded_index < 0; k++)
			if (crt_matches_signer(&msg->certs[k], s))
				s->embedded_index = (int)k;
		if (s->embedded_index < 0)
			continue;
		s->embedded = &msg->certs[s->embedded_index];
		/* Every signer with an embedded certificate must verify: no skipping. */
		if (!key_accepted(s->embedded, s))
			return fail(c, VERITY_E_SIG_KEY_UNSUPPORTED, s->start,
			            "embedded certificate key does not fit the signature algorithm "
			            "or is refused (RSA 2048/3072/4096, ECDSA P-256/P-384)");
		if (s->has_signing_time &&
		    (compare_time(&s->signing_time, &s->embedded->valid_from) < 0 ||
		     compare_time(&s->signing_time, &s->embedded->valid_to) > 0))
			return fail(
			    c, VERITY_E_SIG_SIGNING_TIME, s->start,
			    "signingTime %04d-%02d-%02d %02d:%02d:%02d outside the embedded "
			    "certificate's validity",
			    s->signing_time.year, s->signing_time.mon, s->signing_time.day,
			    s->signing_time.hour, s->signing_time.min, s->signing_time.sec);
		ret = signature_verifies(c, s->embedded, s, &ok);
		if (ret)
			return ret;
		if (!ok)
			return fail(c, VERITY_E_SIG_BAD_SIGNATURE, s->sig,
			            "signature does not verify with the embedded certificate");
		ret = walk_chain(c, msg, s);
		if (ret)
			return ret;
	}

	/* Pass 2 (pkcs7_validate_trust): every signer; one must reach the keyring. */
	for (size_t i = 0; i < msg->n_certs; i++)
		msg->state[i].seen = false;
	for (size_t i = 0; i < msg->n_signers; i++) {
		const struct verity_keyring_entry *by = NULL;
		enum trust t;

		c->signer = (int)i;
		ret = trust_one(c, msg, kr, &msg->signers[i], &t, &by);
		if (ret)
			return ret;
		if (t == TRUSTED && !trusted) {
			trusted = by;
			c->res->trusted_signer = (int)i;
		}
	}
	c->signer = -1;
	if (trusted) {
		verity_snprintf(c->res->trusted_name, sizeof(c->res->trusted_name), "%s",
		                trusted->name);
		return 0;
	}
	return fail(c, VERITY_E_SIG_UNTRUSTED, NULL,
	            "no signer's certificate is in the keyring or chains to it");
}

static int check_root_hex(const char *root_hex)
{
	size_t len = strnlen(root_hex, 2 * VERITY_MAX_DIGEST_SIZE + 1);

	if (len == 0 || len % 2 || len > 2 * VERITY_MAX_DIGEST_SIZE)
		return VERITY_E_BAD_HEX;
	for (size_t i = 0; i < len; i++)
		if (!((root_hex[i] >= '0' && root_hex[i] <= '9') ||
		      (root_hex[i] >= 'a' && root_hex[i] <= 'f')))
			return VERITY_E_BAD_HEX;
	return 0;
}

int verity_sig_verify(const struct verity_keyring *keyring, const uint8_t *sig, size_t sig_len,
                      const char *root_hex, const struct verity_sig_options *options,
                      struct verity_sig_result *result)
{
	return verity_sig_verify_counted(keyring, sig, sig_len, root_hex, options, result, NULL);
}

int verity_sig_verify_counted(const struct verity_keyring *keyring, const uint8_t *sig,
                              size_t sig_len, const char *root_hex,
                              const struct verity_sig_options *options,
                              struct verity_sig_result *result, unsigned *checks)
{
	static const struct verity_sig_options defaults;
	struct verity_sig_result scratch;
	struct ctx c;
	struct message *msg;
	size_t max_size;
	int ret;

	if (!result)
		result = &scratch;
	memset(result, 0, sizeof(*result));
	result->offset = -1;
	result->signer = -1;
	result->trusted_signer = -1;
	c.base = sig;
	c.res = result;
	c.signer = -1;
	c.checks = 0;
	c.opts = options ? options : &defaults;

	if (!keyring || !sig || !root_hex)
		return fail(&c, VERITY_E_INVAL, NULL, "NULL argument");
	for (size_t i = 0; i < sizeof(c.opts->reserved) / sizeof(c.opts->reserved[0]); i++)
		if (c.opts->reserved[i])
			return fail(&c, VERITY_E_INVAL, NULL, "options.reserved not zero");
	if (c.opts->flags & ~(VERITY_SIG_ALLOW_SHA1 | VERITY_SIG_ALLOW_RSA_PSS))
		return fail(&c, VERITY_E_INVAL, NULL, "unknown options.flags");
	if (check_root_hex(root_hex))
		return fail(&c, VERITY_E_BAD_HEX, NULL,
		            "root hash must be lowercase hex of a digest, no newline");
	max_size = c.opts->max_size && c.opts->max_size < VERITY_SIG_MAX_SIZE ? c.opts->max_size
	                                                                      : VERITY_SIG_MAX_SIZE;
	if (sig_len > max_size)
		return fail(&c, VERITY_E_SIG_TOO_LARGE, NULL, "%zu bytes, limit %zu", sig_len,
		            max_size);

	verity_sig_crypto_init();
	/* The message lives in memory from the keyring's allocator hooks. */
	msg = verity_alloc(keyring->allocator, sizeof(*msg));
	if (!msg)
		return fail(&c, VERITY_E_NOMEM, NULL, "out of memory");
	memset(msg, 0, sizeof(*msg));
	for (size_t i = 0; i < SIG_MAX_CERTS; i++)
		mbedtls_x509_crt_init(&msg->certs[i]);
	ret = parse_message(&c, msg, sig, sig_len);
	if (!ret)
		ret = verify_message(&c, msg, keyring, root_hex);
	for (size_t i = 0; i < SIG_MAX_CERTS; i++)
		mbedtls_x509_crt_free(&msg->certs[i]);
	verity_free(keyring->allocator, msg);
	if (checks)
		*checks = c.checks;
	if (!ret) {
		result->error = 0;
		verity_snprintf(result->detail, sizeof(result->detail), "signer %d trusted via %s",
		                result->trusted_signer, result->trusted_name);
	}
	return ret;
}

int verity_root_hex(const uint8_t *digest, size_t digest_len, char *out, size_t out_size)
{
	static const char hex[] = "0123456789abcdef";

	if (!digest || !out || digest_len == 0 || digest_len > VERITY_MAX_DIGEST_SIZE ||
	    out_size < 2 * digest_len + 1)
		return VERITY_E_INVAL;
	for (size_t i = 0; i < digest_len; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * digest_len] = '\0';
	return 0;
}

int verity_sig_verify_digest(const struct verity_keyring *keyring, const uint8_t *sig,
                             size_t sig_len, const uint8_t *digest, size_t digest_len,
                             const struct verity_sig_options *options,
                             struct verity_sig_result *result)
{
	char root_hex[2 * VERITY_MAX_DIGEST_SIZE + 1];
	int ret = verity_root_hex(digest, digest_len, root_hex, sizeof(root_hex));

	if (ret) {
		if (result) {
			memset(result, 0, sizeof(*result));
			result->error = ret;
			result->offset = -1;
			result->signer = -1;
			result->trusted_signer = -1;
			verity_snprintf(result->detail, sizeof(result->detail),
			                "bad root digest size");
		}
		return ret;
	}
	return verity_sig_verify(keyring, sig, sig_len, root_hex, options, result);
}
