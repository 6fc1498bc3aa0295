/* SPDX-License-Identifier: MIT */
/*
 * Hand-built PKCS#7 messages: keys and certificates made with mbedTLS here,
 * SignedData assembled byte by byte and really signed, so that every reject
 * case differs from an accepted control by exactly one defect and must
 * return its own error code.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <libfdt.h>
#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/version.h>
#include <mbedtls/rsa.h>
#include <mbedtls/x509_crt.h>

#include "libverity.h"
#include "sig/sig.h"

/* ---- byte buffers and DER ---- */

struct buf {
	uint8_t *p;
	size_t len;
};

static struct buf bytes(const void *p, size_t len)
{
	struct buf b = {malloc(len ? len : 1), len};

	cr_assert_not_null(b.p);
	memcpy(b.p, p, len);
	return b;
}

#define OID(s) bytes(s, sizeof(s) - 1)

/* Concatenate @n buffers, consuming them. */
static struct buf cat(int n, ...)
{
	struct buf out = {NULL, 0};
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		struct buf b = va_arg(ap, struct buf);

		out.p = realloc(out.p, out.len + b.len + 1);
		cr_assert_not_null(out.p);
		memcpy(out.p + out.len, b.p, b.len);
		out.len += b.len;
		free(b.p);
	}
	va_end(ap);
	if (!out.p)
		out.p = malloc(1);
	return out;
}

static struct buf empty(void)
{
	return bytes("", 0);
}

/* A TLV with a DER length around @content (consumed). */
static struct buf tlv(uint8_t tag, struct buf content)
{
	uint8_t hdr[6];
	size_t n = 0;

	hdr[n++] = tag;
	if (content.len < 0x80) {
		hdr[n++] = (uint8_t)content.len;
	} else if (content.len < 0x100) {
		hdr[n++] = 0x81;
		hdr[n++] = (uint8_t)content.len;
	} else {
		hdr[n++] = 0x82;
		hdr[n++] = (uint8_t)(content.len >> 8);
		hdr[n++] = (uint8_t)content.len;
	}
	return cat(2, bytes(hdr, n), content);
}

static struct buf seq(struct buf c)
{
	return tlv(0x30, c);
}

static struct buf set(struct buf c)
{
	return tlv(0x31, c);
}

static struct buf oid(struct buf c)
{
	return tlv(0x06, c);
}

static struct buf octets(struct buf c)
{
	return tlv(0x04, c);
}

static struct buf integer(uint8_t v)
{
	return tlv(0x02, bytes(&v, 1));
}

static struct buf copy(struct buf b)
{
	return bytes(b.p, b.len);
}

#define OID_DATA           MBEDTLS_OID_PKCS "\x07\x01"
#define OID_SIGNED_DATA    MBEDTLS_OID_PKCS "\x07\x02"
#define OID_CONTENT_TYPE   MBEDTLS_OID_PKCS9 "\x03"
#define OID_MESSAGE_DIGEST MBEDTLS_OID_PKCS9 "\x04"
#define OID_SIGNING_TIME   MBEDTLS_OID_PKCS9 "\x05"
#define OID_SMIME_CAPS     MBEDTLS_OID_PKCS9 "\x0f"
#define OID_UNKNOWN_ATTR   "\x2b\x06\x01\x04\x01\x82\x37\x0a\x03\x01" /* some private OID */
#define OID_UNKNOWN_DIGEST "\x2a\x03\x04"

/* ---- keys and certificates ---- */

static uint64_t rng_state;

/* Deterministic test randomness (xorshift64*): keys and nonces only need to differ. */
static int test_rng(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		rng_state ^= rng_state >> 12;
		rng_state ^= rng_state << 25;
		rng_state ^= rng_state >> 27;
		out[i] = (uint8_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 56);
	}
	return 0;
}

struct identity {
	mbedtls_pk_context key;
	mbedtls_x509_crt crt; /* parsed back, for issuer/serial/SKID */
	struct buf der;
};

static void make_key(mbedtls_pk_context *pk, mbedtls_ecp_group_id curve, unsigned rsa_bits)
{
	mbedtls_pk_init(pk);
	if (rsa_bits) {
		cr_assert_eq(mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), 0);
		cr_assert_eq(
		    mbedtls_rsa_gen_key(mbedtls_pk_rsa(*pk), test_rng, NULL, rsa_bits, 65537), 0);
	} else {
		cr_assert_eq(mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
		cr_assert_eq(mbedtls_ecp_gen_key(curve, mbedtls_pk_ec(*pk), test_rng, NULL), 0);
	}
}

/* mbedTLS 3.5 deprecated the MPI form of the serial setter for a raw one. */
static void set_serial(mbedtls_x509write_cert *w, int serial)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03040000
	unsigned char raw[1 + sizeof(serial)];
	size_t n = 0;

	cr_assert_geq(serial, 0);
	/* Big-endian, minimal, with a leading zero when the top bit is set (DER INTEGER). */
	for (int shift = 8 * ((int)sizeof(serial) - 1); shift >= 0; shift -= 8) {
		unsigned char b = (unsigned char)((unsigned)serial >> shift);

		if (n == 0 && b == 0 && shift)
			continue;
		if (n == 0 && (b & 0x80))
			raw[n++] = 0;
		raw[n++] = b;
	}
	cr_assert_eq(mbedtls_x509write_crt_set_serial_raw(w, raw, n), 0);
#else
	mbedtls_mpi sn;

	mbedtls_mpi_init(&sn);
	cr_assert_eq(mbedtls_mpi_lset(&sn, serial), 0);
	cr_assert_eq(mbedtls_x509write_crt_set_serial(w, &sn), 0);
	mbedtls_mpi_free(&sn);
#endif
}

/* Whether make_cert() writes an authorityKeyIdentifier (the issuer's key ID). */
static bool cert_akid = true;

/* A certificate for @id's key, signed by @issuer (NULL: self-signed). */
static void make_cert(struct identity *id, const char *subject, struct identity *issuer,
                      const char *issuer_name, int serial, const char *not_before,
                      const char *not_after)
{
	mbedtls_x509write_cert w;
	unsigned char out[4096];
	int len;

	mbedtls_x509write_crt_init(&w);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	set_serial(&w, serial);
	cr_assert_eq(mbedtls_x509write_crt_set_validity(&w, not_before, not_after), 0);
	cr_assert_eq(mbedtls_x509write_crt_set_subject_name(&w, subject), 0);
	cr_assert_eq(mbedtls_x509write_crt_set_issuer_name(&w, issuer ? issuer_name : subject), 0);
	mbedtls_x509write_crt_set_subject_key(&w, &id->key);
	mbedtls_x509write_crt_set_issuer_key(&w, issuer ? &issuer->key : &id->key);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	cr_assert_eq(mbedtls_x509write_crt_set_subject_key_identifier(&w), 0);
	if (cert_akid)
		cr_assert_eq(mbedtls_x509write_crt_set_authority_key_identifier(&w), 0);
	len = mbedtls_x509write_crt_der(&w, out, sizeof(out), test_rng, NULL);
	cr_assert_gt(len, 0);
	id->der = bytes(out + sizeof(out) - len, (size_t)len);
	mbedtls_x509_crt_init(&id->crt);
	cr_assert_eq(mbedtls_x509_crt_parse_der(&id->crt, id->der.p, id->der.len), 0);
	mbedtls_x509write_crt_free(&w);
}

static void make_identity(struct identity *id, mbedtls_ecp_group_id curve, unsigned rsa_bits,
                          int serial)
{
	make_key(&id->key, curve, rsa_bits);
	make_cert(id, "CN=verity-test", NULL, NULL, serial, "20200101000000", "20300101000000");
}

static void free_identity(struct identity *id)
{
	mbedtls_pk_free(&id->key);
	mbedtls_x509_crt_free(&id->crt);
	free(id->der.p);
}

/* ---- SignedData builder ---- */

struct signer_spec {
	struct identity *id;
	int version;            /* 1 (default) or 3 */
	bool skid_in_v1;        /* wrong sid form for the version */
	const char *digest_oid; /* default SHA-256 */
	size_t digest_oid_len;
	mbedtls_md_type_t md;   /* default SHA-256 */
	const char *sigalg_oid; /* default ecdsa-with-SHA256 or rsaEncryption */
	size_t sigalg_oid_len;
	bool attrs;
	bool no_content_type, no_message_digest, repeat_message_digest, two_content_types;
	bool digest_of_other, content_type_not_data, smime_caps, unknown_attrs;
	const char *signing_time; /* UTCTime (13 chars) or GeneralizedTime (15) */
	bool corrupt_signature;
};

struct msg_spec {
	int sd_version; /* default: 1, or 3 when a signer is v3 */
	bool econtent;  /* embed the content (non-detached) */
	bool econtent_type_signed_data;
	bool outer_data; /* ContentInfo type data instead of signedData */
	bool garbage_cert;
	int n_certs;
	struct identity *certs[16];
	int n_signers;
	struct signer_spec signers[20];
};

static const char *root_hex = "4392a0e2cef3d5e9a9fd01f2a2ee6d9ff9a1d8e2a6f66db2b7e0c8f8f0f9c1d2";

static struct buf digest_of(mbedtls_md_type_t md, const void *data, size_t len)
{
	uint8_t out[MBEDTLS_MD_MAX_SIZE];
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);

	cr_assert_eq(mbedtls_md(info, data, len, out), 0);
	return bytes(out, mbedtls_md_get_size(info));
}

static struct buf attribute(const char *type, size_t type_len, struct buf values)
{
	return seq(cat(2, oid(bytes(type, type_len)), set(values)));
}

#define ATTR(type, values) attribute(type, sizeof(type) - 1, values)

static struct buf build_attrs(const struct signer_spec *s)
{
	const char *payload = s->digest_of_other ? "other data" : root_hex;
	struct buf a = empty();

	if (!s->no_content_type) {
		struct buf ct =
		    oid(s->content_type_not_data ? OID(OID_SIGNED_DATA) : OID(OID_DATA));

		if (s->two_content_types)
			ct = cat(2, ct, oid(OID(OID_DATA)));
		a = cat(2, a, ATTR(OID_CONTENT_TYPE, ct));
	}
	if (s->signing_time) {
		size_t n = strlen(s->signing_time);

		a = cat(
		    2, a,
		    ATTR(OID_SIGNING_TIME, tlv(n == 13 ? 0x17 : 0x18, bytes(s->signing_time, n))));
	}
	if (s->smime_caps)
		a = cat(2, a, ATTR(OID_SMIME_CAPS, seq(empty())));
	if (s->unknown_attrs) /* repeated and multi-valued: ignored as in the kernel */
		a = cat(3, a, ATTR(OID_UNKNOWN_ATTR, cat(2, integer(1), integer(2))),
		        ATTR(OID_UNKNOWN_ATTR, integer(3)));
	if (!s->no_message_digest) {
		a = cat(
		    2, a,
		    ATTR(OID_MESSAGE_DIGEST, octets(digest_of(s->md, payload, strlen(payload)))));
		if (s->repeat_message_digest)
			a = cat(2, a,
			        ATTR(OID_MESSAGE_DIGEST,
			             octets(digest_of(s->md, payload, strlen(payload)))));
	}
	return a;
}

static struct buf build_signer(struct signer_spec *s)
{
	struct identity *id = s->id;
	struct buf sid, attrs_tlv, sig_alg, signature;
	uint8_t sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t sig_len = 0;
	struct buf hash;
	bool rsa = mbedtls_pk_get_type(&id->key) == MBEDTLS_PK_RSA;

	if (!s->md)
		s->md = MBEDTLS_MD_SHA256;
	if (!s->version)
		s->version = 1;
	if (s->version == 3 || s->skid_in_v1) {
		const uint8_t *p = id->crt.v3_ext.p, *end = p + id->crt.v3_ext.len;
		const uint8_t *skid = NULL;

		/* Find the SKID extension value (04 14 <20 bytes>) written by mbedTLS. */
		for (; p + 22 <= end; p++)
			if (memcmp(p, "\x06\x03\x55\x1d\x0e\x04\x16\x04\x14", 9) == 0) {
				skid = p + 9;
				break;
			}
		cr_assert_not_null(skid);
		sid = tlv(0x80, bytes(skid, 20));
	} else {
		sid = seq(cat(2, bytes(id->crt.issuer_raw.p, id->crt.issuer_raw.len),
		              tlv(0x02, bytes(id->crt.serial.p, id->crt.serial.len))));
	}

	if (s->attrs) {
		struct buf a = build_attrs(s);
		struct buf signed_form = set(copy(a));

		hash = digest_of(s->md, signed_form.p, signed_form.len);
		free(signed_form.p);
		attrs_tlv = tlv(0xa0, a);
	} else {
		attrs_tlv = empty();
		hash = digest_of(s->md, root_hex, strlen(root_hex));
	}
#if VERITY_MBEDTLS_MAJOR >= 3
	cr_assert_eq(mbedtls_pk_sign(&id->key, s->md, hash.p, hash.len, sig, sizeof(sig), &sig_len,
	                             test_rng, NULL),
	             0);
#else
	cr_assert_eq(
	    mbedtls_pk_sign(&id->key, s->md, hash.p, hash.len, sig, &sig_len, test_rng, NULL), 0);
#endif
	free(hash.p);
	if (s->corrupt_signature)
		sig[sig_len / 2] ^= 1;
	signature = octets(bytes(sig, sig_len));

	if (s->sigalg_oid)
		sig_alg = seq(oid(bytes(s->sigalg_oid, s->sigalg_oid_len)));
	else if (rsa)
		sig_alg = seq(cat(2, oid(OID(MBEDTLS_OID_PKCS1_RSA)), tlv(0x05, empty())));
	else if (s->md == MBEDTLS_MD_SHA384)
		sig_alg = seq(oid(OID(MBEDTLS_OID_ECDSA_SHA384)));
	else if (s->md == MBEDTLS_MD_SHA512)
		sig_alg = seq(oid(OID(MBEDTLS_OID_ECDSA_SHA512)));
	else
		sig_alg = seq(oid(OID(MBEDTLS_OID_ECDSA_SHA256)));

	struct buf digest_alg;

	if (s->digest_oid)
		digest_alg = seq(oid(bytes(s->digest_oid, s->digest_oid_len)));
	else if (s->md == MBEDTLS_MD_SHA384)
		digest_alg = seq(oid(OID(MBEDTLS_OID_DIGEST_ALG_SHA384)));
	else if (s->md == MBEDTLS_MD_SHA512)
		digest_alg = seq(oid(OID(MBEDTLS_OID_DIGEST_ALG_SHA512)));
	else
		digest_alg = seq(oid(OID(MBEDTLS_OID_DIGEST_ALG_SHA256)));

	return seq(
	    cat(6, integer((uint8_t)s->version), sid, digest_alg, attrs_tlv, sig_alg, signature));
}

/* SignedData around ready-made signerInfos contents (consumed). */
static struct buf build_with_signer_infos(const struct msg_spec *m, int sd_version,
                                          struct buf infos)
{
	struct buf certs = empty(), eci;

	for (int i = 0; i < m->n_certs; i++)
		certs = cat(2, certs, copy(m->certs[i]->der));
	if (m->garbage_cert)
		certs = cat(2, certs, seq(integer(7)));
	if (certs.len)
		certs = tlv(0xa0, certs);
	eci = oid(m->econtent_type_signed_data ? OID(OID_SIGNED_DATA) : OID(OID_DATA));
	if (m->econtent)
		eci = cat(2, eci, tlv(0xa0, octets(bytes(root_hex, strlen(root_hex)))));
	struct buf sd =
	    seq(cat(5, integer((uint8_t)sd_version),
	            set(seq(cat(2, oid(OID(MBEDTLS_OID_DIGEST_ALG_SHA256)), tlv(0x05, empty())))),
	            seq(eci), certs, set(infos)));
	return seq(
	    cat(2, oid(m->outer_data ? OID(OID_DATA) : OID(OID_SIGNED_DATA)), tlv(0xa0, sd)));
}

static struct buf build(struct msg_spec *m)
{
	struct buf infos = empty();
	int sd_version = m->sd_version;

	for (int i = 0; i < m->n_signers; i++) {
		infos = cat(2, infos, build_signer(&m->signers[i]));
		if (!m->sd_version && m->signers[i].version == 3)
			sd_version = 3;
	}
	if (!sd_version)
		sd_version = 1;
	return build_with_signer_infos(m, sd_version, infos);
}

/* ---- fixtures ---- */

static struct identity alice; /* P-256, trusted */
static struct identity bob;   /* P-256, not trusted */
static struct verity_keyring *keyring;

static void setup(void)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	make_identity(&alice, MBEDTLS_ECP_DP_SECP256R1, 0, 0x1234);
	make_identity(&bob, MBEDTLS_ECP_DP_SECP256R1, 0, 0x4321);
	cr_assert_eq(verity_keyring_new(&keyring), 0);
	cr_assert_eq(verity_keyring_add_der(keyring, alice.der.p, alice.der.len, "alice"), 0);
}

static void teardown(void)
{
	verity_keyring_free(keyring);
	free_identity(&alice);
	free_identity(&bob);
}

static int check_with(struct msg_spec *m, const struct verity_sig_options *opts,
                      struct verity_sig_result *res)
{
	struct buf sig = build(m);
	int ret = verity_sig_verify(keyring, sig.p, sig.len, root_hex, opts, res);

	cr_assert_eq(ret, res->error, "result.error %d differs from return %d", res->error, ret);
	free(sig.p);
	return ret;
}

static int check(struct msg_spec *m)
{
	struct verity_sig_result res;

	return check_with(m, NULL, &res);
}

#define ALICE(...)                        \
	{                                 \
		.id = &alice, __VA_ARGS__ \
	}
#define BOB(...)                        \
	{                               \
		.id = &bob, __VA_ARGS__ \
	}

TestSuite(pkcs7, .init = setup, .fini = teardown);

/* Controls: the builder's output is accepted, in each shape used below. */
Test(pkcs7, controls_accepted)
{
	struct msg_spec plain = {.n_signers = 1, .signers = {ALICE()}};
	struct msg_spec attrs = {
	    .n_certs = 1,
	    .certs = {&alice},
	    .n_signers = 1,
	    .signers = {ALICE(.attrs = true, .signing_time = "250101120000Z")}};
	struct msg_spec skid = {.n_signers = 1, .signers = {ALICE(.version = 3, .attrs = true)}};
	struct msg_spec sha512 = {.n_signers = 1, .signers = {ALICE(.md = MBEDTLS_MD_SHA512)}};
	struct msg_spec two = {.n_certs = 2,
	                       .certs = {&alice, &bob},
	                       .n_signers = 2,
	                       .signers = {BOB(.attrs = true), ALICE(.attrs = true)}};
	struct verity_sig_result res;

	cr_assert_eq(check(&plain), 0);
	cr_assert_eq(check(&attrs), 0);
	cr_assert_eq(check(&skid), 0);
	cr_assert_eq(check(&sha512), 0);
	cr_assert_eq(check_with(&two, NULL, &res), 0);
	cr_assert_eq(res.trusted_signer, 1);
	cr_assert_str_eq(res.trusted_name, "alice");
	cr_assert_eq(res.signer_count, 2);
}

Test(pkcs7, message_digest_mismatch)
{
	struct msg_spec m = {.n_signers = 1,
	                     .signers = {ALICE(.attrs = true, .digest_of_other = true)}};

	cr_assert_eq(check(&m), VERITY_E_SIG_DIGEST_MISMATCH);
}

Test(pkcs7, attrs_on_some_signers_only)
{
	struct msg_spec m = {.n_signers = 2, .signers = {ALICE(.attrs = true), ALICE()}};
	struct verity_sig_result res;

	cr_assert_eq(check_with(&m, NULL, &res), VERITY_E_SIG_INCONSISTENT_ATTRS);
	cr_assert_eq(res.signer, 1);
}

Test(pkcs7, missing_mandatory_attrs)
{
	struct msg_spec no_ct = {.n_signers = 1,
	                         .signers = {ALICE(.attrs = true, .no_content_type = true)}};
	struct msg_spec no_md = {.n_signers = 1,
	                         .signers = {ALICE(.attrs = true, .no_message_digest = true)}};
	struct verity_sig_result res;

	cr_assert_eq(check_with(&no_ct, NULL, &res), VERITY_E_SIG_MISSING_ATTR);
	cr_assert(strstr(res.detail, "contentType"), "%s", res.detail);
	cr_assert_eq(check_with(&no_md, NULL, &res), VERITY_E_SIG_MISSING_ATTR);
	cr_assert(strstr(res.detail, "messageDigest"), "%s", res.detail);
}

Test(pkcs7, repeated_or_multivalued_attrs)
{
	struct msg_spec rep = {.n_signers = 1,
	                       .signers = {ALICE(.attrs = true, .repeat_message_digest = true)}};
	struct msg_spec multi = {.n_signers = 1,
	                         .signers = {ALICE(.attrs = true, .two_content_types = true)}};
	struct msg_spec unknown = {.n_signers = 1,
	                           .signers = {ALICE(.attrs = true, .unknown_attrs = true)}};

	cr_assert_eq(check(&rep), VERITY_E_SIG_REPEATED_ATTR);
	cr_assert_eq(check(&multi), VERITY_E_SIG_REPEATED_ATTR);
	/* The kernel ignores unknown attributes entirely, repeats included. */
	cr_assert_eq(check(&unknown), 0);
}

Test(pkcs7, forbidden_smime_capabilities)
{
	struct msg_spec m = {.n_signers = 1, .signers = {ALICE(.attrs = true, .smime_caps = true)}};

	cr_assert_eq(check(&m), VERITY_E_SIG_FORBIDDEN_ATTR);
}

Test(pkcs7, content_type_not_data)
{
	struct msg_spec econtent = {
	    .econtent_type_signed_data = true, .n_signers = 1, .signers = {ALICE()}};
	struct msg_spec attr = {.n_signers = 1,
	                        .signers = {ALICE(.attrs = true, .content_type_not_data = true)}};
	struct msg_spec outer = {.outer_data = true, .n_signers = 1, .signers = {ALICE()}};
	struct msg_spec attached = {.econtent = true, .n_signers = 1, .signers = {ALICE()}};

	cr_assert_eq(check(&econtent), VERITY_E_SIG_WRONG_CONTENT_TYPE);
	cr_assert_eq(check(&attr), VERITY_E_SIG_WRONG_CONTENT_TYPE);
	cr_assert_eq(check(&outer), VERITY_E_SIG_NOT_SIGNED_DATA);
	cr_assert_eq(check(&attached), VERITY_E_SIG_NOT_DETACHED);
}

Test(pkcs7, sha256_with_rsa_encryption_refused)
{
	struct msg_spec m = {
	    .n_signers = 1,
	    .signers = {ALICE(.sigalg_oid = MBEDTLS_OID_PKCS1_SHA256,
	                      .sigalg_oid_len = sizeof(MBEDTLS_OID_PKCS1_SHA256) - 1)}};

	cr_assert_eq(check(&m), VERITY_E_SIG_UNSUPPORTED_SIG_ALG);
}

Test(pkcs7, ecdsa_hash_must_equal_digest_algorithm)
{
	struct msg_spec m = {
	    .n_signers = 1,
	    .signers = {ALICE(.md = MBEDTLS_MD_SHA512, .sigalg_oid = MBEDTLS_OID_ECDSA_SHA256,
	                      .sigalg_oid_len = sizeof(MBEDTLS_OID_ECDSA_SHA256) - 1)}};

	cr_assert_eq(check(&m), VERITY_E_SIG_ALG_DIGEST_MISMATCH);
}

Test(pkcs7, unknown_digest_in_any_signer_rejects_all)
{
	struct msg_spec m = {
	    .n_signers = 2,
	    .signers = {ALICE(), BOB(.digest_oid = OID_UNKNOWN_DIGEST,
	                             .digest_oid_len = sizeof(OID_UNKNOWN_DIGEST) - 1)}};
	struct verity_sig_result res;

	cr_assert_eq(check_with(&m, NULL, &res), VERITY_E_SIG_UNSUPPORTED_DIGEST);
	cr_assert_eq(res.signer, 1);
}

Test(pkcs7, sha1_policy)
{
	struct msg_spec m = {
	    .n_signers = 1,
	    .signers = {ALICE(.md = MBEDTLS_MD_SHA1, .sigalg_oid = MBEDTLS_OID_ECDSA_SHA1,
	                      .sigalg_oid_len = sizeof(MBEDTLS_OID_ECDSA_SHA1) - 1,
	                      .digest_oid = MBEDTLS_OID_DIGEST_ALG_SHA1,
	                      .digest_oid_len = sizeof(MBEDTLS_OID_DIGEST_ALG_SHA1) - 1)}};
	struct verity_sig_options opts = {.flags = VERITY_SIG_ALLOW_SHA1};
	struct verity_sig_result res;

	cr_assert_eq(check(&m), VERITY_E_SIG_SHA1_DISABLED);
	cr_assert_eq(check_with(&m, &opts, &res), 0);
}

Test(pkcs7, version_consistency)
{
	struct msg_spec v3_in_v1 = {
	    .sd_version = 1, .n_signers = 1, .signers = {ALICE(.version = 3)}};
	struct msg_spec v1_in_v3 = {
	    .sd_version = 3, .n_signers = 1, .signers = {ALICE(.version = 1)}};
	struct msg_spec skid_in_v1 = {.n_signers = 1, .signers = {ALICE(.skid_in_v1 = true)}};
	struct msg_spec sd_v2 = {.sd_version = 2, .n_signers = 1, .signers = {ALICE()}};
	struct msg_spec si_v2 = {.n_signers = 1, .signers = {ALICE(.version = 2)}};

	cr_assert_eq(check(&v3_in_v1), VERITY_E_SIG_VERSION_MISMATCH);
	cr_assert_eq(check(&v1_in_v3), VERITY_E_SIG_VERSION_MISMATCH);
	cr_assert_eq(check(&skid_in_v1), VERITY_E_SIG_VERSION_MISMATCH);
	cr_assert_eq(check(&sd_v2), VERITY_E_SIG_BAD_VERSION);
	cr_assert_eq(check(&si_v2), VERITY_E_SIG_BAD_VERSION);
}

Test(pkcs7, signing_time_against_embedded_certificate)
{
	/* alice is valid 2020-01-01 00:00:00 .. 2030-01-01 00:00:00. */
	static const struct {
		const char *time;
		int want_embedded;
	} cases[] = {
	    {"191231235959Z", VERITY_E_SIG_SIGNING_TIME},
	    {"200101000000Z", 0},
	    {"291231235959Z", 0},
	    {"300101000001Z", VERITY_E_SIG_SIGNING_TIME},
	    {"20500101000000Z", VERITY_E_SIG_SIGNING_TIME},
	    {"20250615103000Z", 0},
	    {"2501011200Z", VERITY_E_SIG_MALFORMED},   /* no seconds */
	    {"251301120000Z", VERITY_E_SIG_MALFORMED}, /* month 13 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct msg_spec embedded = {
		    .n_certs = 1,
		    .certs = {&alice},
		    .n_signers = 1,
		    .signers = {ALICE(.attrs = true, .signing_time = cases[i].time)}};
		struct msg_spec bare = {
		    .n_signers = 1,
		    .signers = {ALICE(.attrs = true, .signing_time = cases[i].time)}};
		int want_bare =
		    cases[i].want_embedded == VERITY_E_SIG_MALFORMED ? VERITY_E_SIG_MALFORMED : 0;

		cr_assert_eq(check(&embedded), cases[i].want_embedded, "%s", cases[i].time);
		/* Without the embedded certificate the kernel does not check the time. */
		cr_assert_eq(check(&bare), want_bare, "%s", cases[i].time);
	}
}

Test(pkcs7, embedded_signer_must_verify)
{
	/* bob's signature is broken; alice alone would be trusted. */
	struct msg_spec m = {.n_certs = 2,
	                     .certs = {&alice, &bob},
	                     .n_signers = 2,
	                     .signers = {ALICE(), BOB(.corrupt_signature = true)}};
	struct msg_spec not_embedded = {.n_certs = 1,
	                                .certs = {&alice},
	                                .n_signers = 2,
	                                .signers = {ALICE(), BOB(.corrupt_signature = true)}};
	struct verity_sig_result res;

	cr_assert_eq(check_with(&m, NULL, &res), VERITY_E_SIG_BAD_SIGNATURE);
	cr_assert_eq(res.signer, 1);
	/* As in the kernel, a signer without certificate nor trust is skipped. */
	cr_assert_eq(check(&not_embedded), 0);
}

Test(pkcs7, untrusted_and_bad_signature)
{
	struct msg_spec untrusted = {
	    .n_certs = 1, .certs = {&bob}, .n_signers = 1, .signers = {BOB()}};
	struct msg_spec corrupt = {.n_signers = 1, .signers = {ALICE(.corrupt_signature = true)}};

	cr_assert_eq(check(&untrusted), VERITY_E_SIG_UNTRUSTED);
	cr_assert_eq(check(&corrupt), VERITY_E_SIG_BAD_SIGNATURE);
}

Test(pkcs7, chain_to_trusted_certificate)
{
	struct identity leaf, stranger;
	struct msg_spec chained = {.n_certs = 1, .certs = {&leaf}, .n_signers = 1};
	struct msg_spec no_cert = {.n_signers = 1};
	struct msg_spec wrong_ca = {.n_certs = 1, .certs = {&stranger}, .n_signers = 1};

	/* leaf is signed by alice (trusted); stranger claims alice but is self-signed. */
	make_key(&leaf.key, MBEDTLS_ECP_DP_SECP384R1, 0);
	make_cert(&leaf, "CN=leaf", &alice, "CN=verity-test", 77, "20200101000000",
	          "20300101000000");
	make_key(&stranger.key, MBEDTLS_ECP_DP_SECP256R1, 0);
	make_cert(&stranger, "CN=leaf", &bob, "CN=verity-test", 78, "20200101000000",
	          "20300101000000");
	chained.signers[0] = (struct signer_spec){.id = &leaf, .md = MBEDTLS_MD_SHA384};
	no_cert.signers[0] = chained.signers[0];
	wrong_ca.signers[0] = (struct signer_spec){.id = &stranger};

	cr_assert_eq(check(&chained), 0);
	cr_assert_eq(check(&no_cert), VERITY_E_SIG_UNTRUSTED);
	cr_assert_eq(check(&wrong_ca), VERITY_E_SIG_UNTRUSTED);
	free_identity(&leaf);
	free_identity(&stranger);

	/* Without an authorityKeyIdentifier the kernel finds no issuer: neither do we. */
	cert_akid = false;
	make_key(&leaf.key, MBEDTLS_ECP_DP_SECP256R1, 0);
	make_cert(&leaf, "CN=leaf", &alice, "CN=verity-test", 79, "20200101000000",
	          "20300101000000");
	cert_akid = true;
	cr_assert_eq(check(&chained), VERITY_E_SIG_UNTRUSTED);
	free_identity(&leaf);
}

/*
 * A hostile message: 16 embedded certificates with one subject name that
 * sign each other in a cycle, 16 signers, none trusted. The work is counted
 * in signature checks: each certificate's link is checked once per message.
 */
Test(pkcs7, certificate_cycle_bounded_work)
{
	static struct identity ring[16];
	struct msg_spec m = {.n_certs = 16, .n_signers = 16};
	struct verity_sig_result res;
	unsigned checks = 0;
	struct buf sig;
	int ret;

	for (int i = 0; i < 16; i++)
		make_key(&ring[i].key, MBEDTLS_ECP_DP_SECP256R1, 0);
	for (int akid = 1; akid >= 0; akid--) {
		cert_akid = akid;
		for (int i = 0; i < 16; i++) {
			make_cert(&ring[i], "CN=cycle", &ring[(i + 1) % 16], "CN=cycle", 100 + i,
			          "20200101000000", "20300101000000");
			m.certs[i] = &ring[i];
			m.signers[i] = (struct signer_spec){.id = &ring[i]};
		}
		sig = build(&m);
		ret = verity_sig_verify_counted(keyring, sig.p, sig.len, root_hex, NULL, &res,
		                                &checks);
		free(sig.p);
		cr_log_info("cycle %s key identifiers: %u signature checks",
		            akid ? "with" : "without", checks);
		if (akid) {
			/* 16 signer signatures, 16 links: no certificate checked twice. */
			cr_assert_eq(ret, VERITY_E_SIG_UNTRUSTED, "%d: %s", ret, res.detail);
			cr_assert_leq(checks, 32, "%u signature checks", checks);
		} else {
			/* Same subject and issuer, no key identifier: a self-signed certificate
			 * whose own signature fails, refused as the kernel's parser does. */
			cr_assert_eq(ret, VERITY_E_SIG_BAD_CERT, "%d: %s", ret, res.detail);
			cr_assert_leq(checks, 1, "%u signature checks", checks);
		}
		for (int i = 0; i < 16; i++) {
			mbedtls_x509_crt_free(&ring[i].crt);
			free(ring[i].der.p);
		}
	}
	cert_akid = true;
	for (int i = 0; i < 16; i++)
		mbedtls_pk_free(&ring[i].key);
}

/* A self-signed certificate with a broken self-signature: refused everywhere. */
Test(pkcs7, broken_self_signature)
{
	struct identity broken = {0};
	struct msg_spec m = {.n_certs = 1, .certs = {&broken}, .n_signers = 1};
	struct verity_keyring *kr;

	broken.der = copy(alice.der);
	broken.der.p[broken.der.len - 2] ^= 1; /* inside the signature value */
	mbedtls_x509_crt_init(&broken.crt);
	cr_assert_eq(mbedtls_x509_crt_parse_der(&broken.crt, broken.der.p, broken.der.len), 0);
	mbedtls_pk_init(&broken.key);
	m.signers[0] = (struct signer_spec){.id = &alice};
	cr_assert_eq(check(&m), VERITY_E_SIG_BAD_CERT);
	m.certs[0] = &alice;
	cr_assert_eq(check(&m), 0, "the intact certificate is accepted");

	cr_assert_eq(verity_keyring_new(&kr), 0);
	cr_assert_eq(verity_keyring_add_der(kr, broken.der.p, broken.der.len, "broken"),
	             VERITY_E_KEYRING_BAD_CERT);
	cr_assert_eq(verity_keyring_count(kr), 0);
	cr_assert_eq(verity_keyring_add_der(kr, alice.der.p, alice.der.len, "alice"), 0);
	verity_keyring_free(kr);
	free_identity(&broken);
}

Test(pkcs7, key_types_refused)
{
	struct identity p224, rsa1024;
	struct msg_spec m = {.n_signers = 1};

	make_identity(&p224, MBEDTLS_ECP_DP_SECP224R1, 0, 5);
	make_identity(&rsa1024, MBEDTLS_ECP_DP_NONE, 1024, 6);
	cr_assert_eq(verity_keyring_add_der(keyring, p224.der.p, p224.der.len, "p224"), 0);
	cr_assert_eq(verity_keyring_add_der(keyring, rsa1024.der.p, rsa1024.der.len, "rsa"), 0);
	m.signers[0] = (struct signer_spec){.id = &p224};
	cr_assert_eq(check(&m), VERITY_E_SIG_KEY_UNSUPPORTED);
	m.signers[0] = (struct signer_spec){.id = &rsa1024};
	cr_assert_eq(check(&m), VERITY_E_SIG_KEY_UNSUPPORTED);

	/* An embedded certificate with a refused key rejects the whole message. */
	struct msg_spec embedded = {.n_certs = 1, .certs = {&p224}, .n_signers = 2};

	embedded.signers[0] = (struct signer_spec){.id = &alice};
	embedded.signers[1] = (struct signer_spec){.id = &p224};
	cr_assert_eq(check(&embedded), VERITY_E_SIG_KEY_UNSUPPORTED);
	/* Matched in the keyring, the refused key is a check not made: refused too. */
	embedded.n_certs = 0;
	cr_assert_eq(check(&embedded), VERITY_E_SIG_KEY_UNSUPPORTED);
	/* A signer whose certificate is nowhere is skipped, as in the kernel. */
	{
		struct verity_keyring *only_alice;
		struct buf sig = build(&embedded);

		cr_assert_eq(verity_keyring_new(&only_alice), 0);
		cr_assert_eq(verity_keyring_add_der(only_alice, alice.der.p, alice.der.len, "a"),
		             0);
		cr_assert_eq(verity_sig_verify(only_alice, sig.p, sig.len, root_hex, NULL, NULL),
		             0);
		verity_keyring_free(only_alice);
		free(sig.p);
	}
	free_identity(&p224);
	free_identity(&rsa1024);
}

Test(pkcs7, embedded_garbage_certificate)
{
	struct msg_spec m = {.garbage_cert = true, .n_signers = 1, .signers = {ALICE()}};

	cr_assert_eq(check(&m), VERITY_E_SIG_BAD_CERT);
}

Test(pkcs7, signer_limits)
{
	struct msg_spec none = {.n_signers = 0};
	struct msg_spec many = {.n_signers = 17};

	for (int i = 0; i < 17; i++)
		many.signers[i] = (struct signer_spec){.id = &alice};
	cr_assert_eq(check(&none), VERITY_E_SIG_NO_SIGNERS);
	cr_assert_eq(check(&many), VERITY_E_SIG_LIMIT);
}

/* Inner lengths that lie about their size, inside correct outer lengths. */
Test(pkcs7, nested_length_overflows)
{
	static const struct {
		const char *hdr;
		size_t len;
		int want;
	} cases[] = {
	    {"\x30\x84\x7f\xff\xff\xff", 6, VERITY_E_SIG_MALFORMED}, /* 2 GiB SignerInfo */
	    {"\x30\x84\xff\xff\xff\xff", 6, VERITY_E_SIG_MALFORMED}, /* 4 GiB */
	    {"\x30\x88\x00\x00\x00\x00\x00\x00\x00\x10", 10, VERITY_E_SIG_MALFORMED}, /* 8 bytes */
	    {"\x30\x82\x01\x00", 4, VERITY_E_SIG_MALFORMED}, /* 256 > container */
	    {"\x30\x80", 2, VERITY_E_SIG_BER},               /* indefinite */
	    {"\x30\x81", 2, VERITY_E_SIG_MALFORMED},         /* length cut */
	};
	struct msg_spec m = {.n_signers = 1, .signers = {ALICE()}};
	struct buf good = build_signer(&m.signers[0]);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* The real SignerInfo contents after a lying header. */
		size_t skip = good.p[1] & 0x80 ? 2 + (good.p[1] & 0x7f) : 2;
		struct buf infos = cat(2, bytes(cases[i].hdr, cases[i].len),
		                       bytes(good.p + skip, good.len - skip));
		struct buf sig = build_with_signer_infos(&m, 1, infos);
		struct verity_sig_result res;

		cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, NULL, &res),
		             cases[i].want, "case %zu: %s", i, res.detail);
		cr_assert_gt(res.offset, 0, "case %zu: offset reported", i);
		free(sig.p);
	}
	free(good.p);
}

Test(pkcs7, constructed_octet_string_is_ber)
{
	struct msg_spec m = {.n_signers = 1, .signers = {ALICE()}};
	struct buf sig = build(&m);
	struct verity_sig_result res;
	/* The signature OCTET STRING is the last TLV: make its tag constructed. */
	size_t at = sig.len - 2;

	while (!(sig.p[at] == 0x04 && sig.p[at + 1] + at + 2 == sig.len))
		at--;
	sig.p[at] = 0x24;
	cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, NULL, &res),
	             VERITY_E_SIG_BER, "%s", res.detail);
	free(sig.p);
}

Test(pkcs7, every_prefix_and_trailing_byte_rejected)
{
	struct msg_spec m = {
	    .n_certs = 2,
	    .certs = {&alice, &bob},
	    .n_signers = 2,
	    .signers = {ALICE(.attrs = true, .signing_time = "250101000000Z"), BOB(.attrs = true)}};
	struct buf sig = build(&m);
	struct verity_sig_result res;
	uint8_t *longer;

	for (size_t len = 0; len < sig.len; len++) {
		uint8_t *prefix = malloc(len ? len : 1);

		memcpy(prefix, sig.p, len);
		cr_assert_neq(verity_sig_verify(keyring, prefix, len, root_hex, NULL, &res), 0,
		              "prefix %zu accepted", len);
		free(prefix);
	}
	cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, NULL, &res), 0);
	longer = malloc(sig.len + 1);
	memcpy(longer, sig.p, sig.len);
	longer[sig.len] = 0;
	cr_assert_eq(verity_sig_verify(keyring, longer, sig.len + 1, root_hex, NULL, &res),
	             VERITY_E_SIG_TRAILING_DATA);
	cr_assert_eq(res.offset, (long)sig.len);
	free(longer);
	free(sig.p);
}

Test(pkcs7, arguments_and_options)
{
	struct msg_spec m = {.n_signers = 1, .signers = {ALICE()}};
	struct buf sig = build(&m);
	struct verity_sig_options opts = {0};
	struct verity_sig_result res;
	uint8_t digest[32];
	char hex[65];

	cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, &opts, &res), 0);
	opts.reserved[2] = 1;
	cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, &opts, &res),
	             VERITY_E_INVAL);
	opts.reserved[2] = 0;
	opts.flags = 1u << 30;
	cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, &opts, &res),
	             VERITY_E_INVAL);
	opts.flags = 0;
	opts.max_size = (uint32_t)sig.len - 1;
	cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, &opts, &res),
	             VERITY_E_SIG_TOO_LARGE);
	cr_assert_eq(verity_sig_verify(NULL, sig.p, sig.len, root_hex, NULL, &res), VERITY_E_INVAL);
	cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, root_hex, NULL, NULL), 0);

	/* The signed string is exactly lowercase hex: anything else is refused up front. */
	static const char *const bad[] = {
	    "",
	    "abc",
	    "4392A0E2",
	    "4392a0e2\n",
	    "4392a0g2",
	    "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(verity_sig_verify(keyring, sig.p, sig.len, bad[i], NULL, &res),
		             VERITY_E_BAD_HEX, "%s", bad[i]);

	/* verity_root_hex() and the binary-digest entry point agree with the string. */
	for (size_t i = 0; i < 32; i++) {
		unsigned v;

		cr_assert_eq(sscanf(root_hex + 2 * i, "%2x", &v), 1);
		digest[i] = (uint8_t)v;
	}
	cr_assert_eq(verity_root_hex(digest, 32, hex, sizeof(hex)), 0);
	cr_assert_str_eq(hex, root_hex);
	cr_assert_eq(verity_root_hex(digest, 32, hex, 64), VERITY_E_INVAL);
	cr_assert_eq(verity_sig_verify_digest(keyring, sig.p, sig.len, digest, 32, NULL, &res), 0);
	digest[31] ^= 1;
	cr_assert_eq(verity_sig_verify_digest(keyring, sig.p, sig.len, digest, 32, NULL, &res),
	             VERITY_E_SIG_BAD_SIGNATURE);
	cr_assert_eq(verity_sig_verify_digest(keyring, sig.p, sig.len, digest, 0, NULL, &res),
	             VERITY_E_INVAL);
	free(sig.p);
}

Test(pkcs7, error_messages_exist)
{
	for (int code = VERITY_E_SIG_MALFORMED; code >= VERITY_E_KEYRING_FINGERPRINT; code--)
		cr_assert_str_neq(verity_strerror(code), "Unknown error", "code %d", code);
}

/* ---- keyring API from memory ---- */

Test(pkcs7, keyring_from_memory)
{
	struct verity_keyring *kr;
	struct buf trailing = cat(2, copy(bob.der), bytes("x", 1));

	cr_assert_eq(verity_keyring_new(&kr), 0);
	cr_assert_eq(verity_keyring_add_buffer(kr, bob.der.p, bob.der.len, NULL), 0);
	cr_assert_eq(verity_keyring_count(kr), 1);
	cr_assert_str_eq(verity_keyring_name(kr, 0), "CN=verity-test");
	cr_assert_null(verity_keyring_name(kr, 1));
	cr_assert_eq(verity_keyring_add_der(kr, trailing.p, trailing.len, "t"),
	             VERITY_E_KEYRING_BAD_CERT);
	cr_assert_eq(verity_keyring_add_der(kr, bob.der.p, 10, "t"), VERITY_E_KEYRING_BAD_CERT);
	cr_assert_eq(verity_keyring_add_buffer(kr, (const uint8_t *)"-----BEGIN CERTIFICATE-----\n",
	                                       28, "pem"),
	             VERITY_E_KEYRING_BAD_CERT);
	cr_assert_eq(verity_keyring_count(kr), 1, "failed adds leave the keyring unchanged");
	cr_assert_neq(verity_keyring_error(kr)[0], '\0');
	verity_keyring_free(kr);
	free(trailing.p);
}

/* ---- device trees built with libfdt ---- */

static void *fit_blob(const char *algo, const void *digest, int digest_len, uint32_t data_blocks,
                      bool with_flag)
{
	static const uint8_t salt[32] = {1, 2, 3};
	size_t size = 4096;
	void *fdt = malloc(size);

	cr_assert_eq(fdt_create(fdt, (int)size), 0);
	cr_assert_eq(fdt_finish_reservemap(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, ""), 0);
	cr_assert_eq(fdt_begin_node(fdt, "images"), 0);
	cr_assert_eq(fdt_begin_node(fdt, "rootfs"), 0);
	cr_assert_eq(fdt_begin_node(fdt, "dm-verity"), 0);
	cr_assert_eq(fdt_property_string(fdt, "algo", algo), 0);
	cr_assert_eq(fdt_property_u32(fdt, "data-block-size", 4096), 0);
	cr_assert_eq(fdt_property_u32(fdt, "hash-block-size", 4096), 0);
	cr_assert_eq(fdt_property_u32(fdt, "num-data-blocks", data_blocks), 0);
	cr_assert_eq(fdt_property_u32(fdt, "hash-start-block", data_blocks), 0);
	cr_assert_eq(fdt_property(fdt, "digest", digest, digest_len), 0);
	cr_assert_eq(fdt_property(fdt, "salt", salt, sizeof(salt)), 0);
	if (with_flag)
		cr_assert_eq(fdt_property(fdt, "check-at-most-once", NULL, 0), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_finish(fdt), 0);
	return fdt;
}

Test(fit, dm_verity_node)
{
	uint8_t digest[32];
	struct verity_params params;
	uint32_t flags = 0;
	void *fdt;

	for (int i = 0; i < 32; i++)
		digest[i] = (uint8_t)i;
	fdt = fit_blob("sha256", digest, 32, 256, true);
	cr_assert_eq(verity_params_from_fit(fdt, fdt_totalsize(fdt), "/images/rootfs/dm-verity",
	                                    &params, &flags),
	             0);
	cr_assert_str_eq(params.algorithm, "sha256");
	cr_assert_eq(params.hash_type, 1);
	cr_assert_eq(params.data_block_size, 4096);
	cr_assert_eq(params.data_blocks, 256);
	cr_assert_eq(params.hash_start_block, 256);
	cr_assert_eq(params.salt_size, 32);
	cr_assert_eq(params.salt[2], 3);
	cr_assert_eq(params.root_digest_size, 32);
	cr_assert_arr_eq(params.root_digest, digest, 32);
	cr_assert_eq(flags, VERITY_FIT_CHECK_AT_MOST_ONCE);
	cr_assert_eq(verity_params_from_fit(fdt, fdt_totalsize(fdt), "/images/nope", &params, NULL),
	             VERITY_E_KEYRING_DTB_NO_NODE);
	cr_assert_eq(verity_params_from_fit(fdt, 64, "/images/rootfs/dm-verity", &params, NULL),
	             VERITY_E_KEYRING_BAD_DTB);
	free(fdt);

	fdt = fit_blob("sha256", digest, 31, 256, false); /* digest of the wrong size */
	cr_assert_eq(verity_params_from_fit(fdt, fdt_totalsize(fdt), "/images/rootfs/dm-verity",
	                                    &params, NULL),
	             VERITY_E_DT_BAD_PARAMS);
	free(fdt);
	fdt = fit_blob("md5", digest, 16, 256, false);
	cr_assert_eq(verity_params_from_fit(fdt, fdt_totalsize(fdt), "/images/rootfs/dm-verity",
	                                    &params, NULL),
	             VERITY_E_BAD_HASH_ALG);
	free(fdt);
	fdt = fit_blob("sha256", digest, 32, 0, false);
	cr_assert_eq(verity_params_from_fit(fdt, fdt_totalsize(fdt), "/images/rootfs/dm-verity",
	                                    &params, NULL),
	             VERITY_E_DT_BAD_PARAMS);
	free(fdt);
}

/*
 * Many disabled nodes: the keyring walk visits each node once (it used to
 * look up every node's path from the root first: quadratic). The bound is
 * in steps of the walk, counted by the library.
 */
static void *many_nodes_blob(int count, bool containers, size_t *size)
{
	void *fdt;

	*size = 256 + (size_t)count * 96;
	fdt = malloc(*size);
	cr_assert_not_null(fdt);
	cr_assert_eq(fdt_create(fdt, (int)*size), 0);
	cr_assert_eq(fdt_finish_reservemap(fdt), 0);
	cr_assert_eq(fdt_begin_node(fdt, ""), 0);
	if (!containers) {
		cr_assert_eq(fdt_begin_node(fdt, "verity-keys"), 0);
		cr_assert_eq(fdt_property_string(fdt, "compatible", "libverity,dm-verity-keys"), 0);
	}
	for (int i = 0; i < count; i++) {
		char name[16];

		snprintf(name, sizeof(name), "n%d", i);
		cr_assert_eq(fdt_begin_node(fdt, name), 0);
		if (containers)
			cr_assert_eq(
			    fdt_property_string(fdt, "compatible", "libverity,dm-verity-keys"), 0);
		cr_assert_eq(fdt_property_string(fdt, "status", "disabled"), 0);
		cr_assert_eq(fdt_end_node(fdt), 0);
	}
	if (!containers)
		cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_end_node(fdt), 0);
	cr_assert_eq(fdt_finish(fdt), 0);
	return fdt;
}

Test(dtb, many_disabled_nodes_linear)
{
	const int count = 40000;

	for (int containers = 0; containers <= 1; containers++) {
		struct verity_keyring *kr;
		unsigned long steps = 0;
		size_t size;
		void *fdt = many_nodes_blob(count, containers, &size);

		cr_assert_eq(verity_keyring_new(&kr), 0);
		cr_assert_eq(verity_keyring_add_dtb_counted(kr, fdt, size, NULL, &steps),
		             VERITY_E_KEYRING_EMPTY, "%s", verity_keyring_error(kr));
		/* One step per node, plus the container and the end of the tree. */
		cr_assert_leq(steps, (unsigned long)count + 3, "%lu steps", steps);
		cr_assert_geq(steps, (unsigned long)count);
		verity_keyring_free(kr);
		free(fdt);
	}
}

/* ---- allocation through the caller's hooks ---- */

struct counting {
	long allocs, frees, live;
	long fail_at; /* the Nth allocation fails (1-based); 0: never */
};

static void *count_alloc(void *user_data, size_t size)
{
	struct counting *c = user_data;

	if (c->fail_at && c->allocs + 1 == c->fail_at)
		return NULL;
	c->allocs++;
	c->live++;
	return malloc(size);
}

static void count_free(void *user_data, void *ptr)
{
	struct counting *c = user_data;

	c->frees++;
	c->live--;
	free(ptr);
}

/* Keyring adds (DER, PEM, device tree) and a verification; return the last result. */
static int keyring_session(struct counting *c, const struct buf *sig, const void *dtb,
                           size_t dtb_size)
{
	struct verity_allocator hooks = {c, count_alloc, count_free};
	static const char pem_head[] = "-----BEGIN CERTIFICATE-----\n";
	struct verity_keyring *kr;
	int ret;

	ret = verity_keyring_new_with(&kr, &hooks);
	if (ret)
		return ret;
	ret = verity_keyring_add_der(kr, bob.der.p, bob.der.len, "bob");
	if (!ret) { /* PEM that does not parse: refused, through the hooks too */
		ret = verity_keyring_add_buffer(kr, (const uint8_t *)pem_head, sizeof(pem_head) - 1,
		                                "pem");
		if (ret == VERITY_E_KEYRING_BAD_CERT)
			ret = 0;
	}
	if (!ret)
		ret = verity_keyring_add_dtb(kr, dtb, dtb_size, NULL);
	if (!ret)
		ret = verity_sig_verify(kr, sig->p, sig->len, root_hex, NULL, NULL);
	verity_keyring_free(kr);
	return ret;
}

Test(pkcs7, allocations_through_hooks_only)
{
	struct msg_spec m = {.n_certs = 1, .certs = {&alice}, .n_signers = 1, .signers = {ALICE()}};
	struct buf sig = build(&m);
	size_t size = 4096 + alice.der.len;
	void *dtb = malloc(size);
	struct counting c = {0};
	long needed;

	cr_assert_eq(fdt_create(dtb, (int)size), 0);
	cr_assert_eq(fdt_finish_reservemap(dtb), 0);
	cr_assert_eq(fdt_begin_node(dtb, ""), 0);
	cr_assert_eq(fdt_begin_node(dtb, "keys"), 0);
	cr_assert_eq(fdt_property_string(dtb, "compatible", "libverity,dm-verity-keys"), 0);
	cr_assert_eq(fdt_begin_node(dtb, "alice"), 0);
	cr_assert_eq(fdt_property(dtb, "x509-certificate", alice.der.p, (int)alice.der.len), 0);
	cr_assert_eq(fdt_end_node(dtb), 0);
	cr_assert_eq(fdt_end_node(dtb), 0);
	cr_assert_eq(fdt_end_node(dtb), 0);
	cr_assert_eq(fdt_finish(dtb), 0);

	cr_assert_eq(keyring_session(&c, &sig, dtb, size), 0);
	cr_assert_gt(c.allocs, 3, "keyring, entries and the message come from the hooks");
	cr_assert_eq(c.live, 0, "%ld allocations not freed", c.live);
	needed = c.allocs;

	/* Every allocation failing in turn: a clean VERITY_E_NOMEM, nothing leaked. */
	for (long n = 1; n <= needed; n++) {
		struct counting f = {.fail_at = n};

		cr_assert_eq(keyring_session(&f, &sig, dtb, size), VERITY_E_NOMEM,
		             "allocation %ld failing", n);
		cr_assert_eq(f.live, 0, "allocation %ld failing: %ld not freed", n, f.live);
	}
	free(dtb);
	free(sig.p);
}

/* The printf subset the signature code formats its details with (sig/fmt.c). */
Test(fmt, conversions)
{
	char buf[64];

	cr_assert_eq(
	    verity_snprintf(buf, sizeof(buf), "%s#%d %zu %ld %u", "a", -12, (size_t)34, -5L, 7u),
	    13);
	cr_assert_str_eq(buf, "a#-12 34 -5 7");
	verity_snprintf(buf, sizeof(buf), "-0x%04x %04d-%02d %02x %c%%", 0x1fu, 2026, 3, 0xabu,
	                'z');
	cr_assert_str_eq(buf, "-0x001f 2026-03 ab z%");
	cr_assert_eq(verity_snprintf(buf, 5, "%s", "truncated"), 9);
	cr_assert_str_eq(buf, "trun");
}
