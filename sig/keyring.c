/* SPDX-License-Identifier: MIT */
/*
 * Trusted X.509 certificates: from DER or PEM in memory or a device tree
 * blob (docs/devicetree-binding.md); files and directories are in
 * sig/keyring_file.c (hosted). Every add is all-or-nothing: certificates are
 * staged in a scratch keyring and moved over only when the whole source was
 * good. Core: memory only through the keyring's allocator hooks, no stdio.
 */
#include <stdarg.h>
#include <string.h>

#include <libfdt.h>
#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/version.h>
#if defined(MBEDTLS_USE_PSA_CRYPTO)
#include <psa/crypto.h>
#endif

#include "sha/sha256.h"
#include "sig/sig.h"
#include "verity/util.h"

void verity_sig_crypto_init(void)
{
#if defined(MBEDTLS_USE_PSA_CRYPTO)
	(void)psa_crypto_init();
#endif
}

bool verity_der_is_one_sequence(const uint8_t *der, size_t len)
{
	unsigned char *p = (unsigned char *)der;
	size_t inner;

	if (!der || len < 2 || der[1] == 0x80)
		return false;
	if (mbedtls_asn1_get_tag(&p, der + len, &inner,
	                         MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
		return false;
	return p + inner == der + len;
}

#if MBEDTLS_VERSION_MAJOR >= 3
bool verity_crt_skid(const mbedtls_x509_crt *crt, const uint8_t **skid, size_t *skid_len)
{
	if (!crt->subject_key_id.p || crt->subject_key_id.len == 0)
		return false;
	*skid = crt->subject_key_id.p;
	*skid_len = crt->subject_key_id.len;
	return true;
}
#else
/*
 * mbedTLS 2.28 keeps no SKID: walk the extensions. v3_ext.p points at the
 * Extensions SEQUENCE inside the [3] wrapper.
 */
bool verity_crt_skid(const mbedtls_x509_crt *crt, const uint8_t **skid, size_t *skid_len)
{
	unsigned char *p = crt->v3_ext.p;
	const unsigned char *end;
	size_t len;

	if (!p || crt->v3_ext.len == 0)
		return false;
	end = p + crt->v3_ext.len;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
		return false;
	end = p + len;
	while (p < end) {
		const unsigned char *ext_end;
		mbedtls_asn1_buf oid;
		int critical = 0;

		if (mbedtls_asn1_get_tag(&p, end, &len,
		                         MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			return false;
		ext_end = p + len;
		if (mbedtls_asn1_get_tag(&p, ext_end, &oid.len, MBEDTLS_ASN1_OID))
			return false;
		oid.p = p;
		p += oid.len;
		if (p < ext_end && *p == MBEDTLS_ASN1_BOOLEAN &&
		    mbedtls_asn1_get_bool(&p, ext_end, &critical))
			return false;
		if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING))
			return false;
		if (oid.len == sizeof(MBEDTLS_OID_SUBJECT_KEY_IDENTIFIER) - 1 &&
		    memcmp(oid.p, MBEDTLS_OID_SUBJECT_KEY_IDENTIFIER, oid.len) == 0) {
			/* extnValue holds OCTET STRING keyIdentifier. */
			if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING) ||
			    p + len != ext_end || len == 0)
				return false;
			*skid = p;
			*skid_len = len;
			return true;
		}
		p = (unsigned char *)ext_end;
	}
	return false;
}
#endif

void verity_keyring_set_error(struct verity_keyring *kr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verity_vsnprintf(kr->error, sizeof(kr->error), fmt, ap);
	va_end(ap);
}

#define set_error verity_keyring_set_error

int verity_keyring_new(struct verity_keyring **keyring)
{
	return verity_keyring_new_with(keyring, NULL);
}

int verity_keyring_new_with(struct verity_keyring **keyring,
                            const struct verity_allocator *allocator)
{
	struct verity_keyring *kr;

	if (!keyring)
		return VERITY_E_INVAL;
	*keyring = NULL;
	verity_sig_crypto_init();
	kr = verity_alloc(allocator, sizeof(*kr));
	if (!kr)
		return VERITY_E_NOMEM;
	memset(kr, 0, sizeof(*kr));
	if (allocator) {
		kr->allocator_copy = *allocator;
		kr->allocator = &kr->allocator_copy;
	}
	*keyring = kr;
	return 0;
}

void verity_keyring_stage_init(struct verity_keyring *staged, const struct verity_keyring *kr)
{
	memset(staged, 0, sizeof(*staged));
	staged->allocator = kr->allocator;
}

void verity_keyring_discard(struct verity_keyring *kr)
{
	for (size_t i = 0; i < kr->count; i++) {
		mbedtls_x509_crt_free(&kr->entries[i]->crt);
		verity_free(kr->allocator, kr->entries[i]);
	}
	verity_free(kr->allocator, kr->entries);
	kr->entries = NULL;
	kr->count = 0;
	kr->capacity = 0;
}

void verity_keyring_free(struct verity_keyring *keyring)
{
	if (!keyring)
		return;
	verity_keyring_discard(keyring);
	/* The hooks live inside the keyring: free through a copy. */
	{
		struct verity_allocator copy = keyring->allocator_copy;

		verity_free(keyring->allocator ? &copy : NULL, keyring);
	}
}

size_t verity_keyring_count(const struct verity_keyring *keyring)
{
	return keyring ? keyring->count : 0;
}

const char *verity_keyring_name(const struct verity_keyring *keyring, size_t index)
{
	if (!keyring || index >= keyring->count)
		return NULL;
	return keyring->entries[index]->name;
}

const char *verity_keyring_error(const struct verity_keyring *keyring)
{
	return keyring ? keyring->error : "";
}

static int reserve(struct verity_keyring *kr, size_t extra)
{
	struct verity_keyring_entry **grown;
	size_t want;

	if (extra > SIZE_MAX - kr->count)
		return VERITY_E_NOMEM;
	want = kr->count + extra;
	if (want <= kr->capacity)
		return 0;
	if (want < 8)
		want = 8;
	if (want < kr->capacity * 2)
		want = kr->capacity * 2;
	if (want > SIZE_MAX / sizeof(*grown))
		return VERITY_E_NOMEM;
	grown = verity_alloc(kr->allocator, want * sizeof(*grown));
	if (!grown)
		return VERITY_E_NOMEM;
	if (kr->count)
		memcpy(grown, kr->entries, kr->count * sizeof(*grown));
	verity_free(kr->allocator, kr->entries);
	kr->entries = grown;
	kr->capacity = want;
	return 0;
}

int verity_keyring_commit(struct verity_keyring *kr, struct verity_keyring *staged, int ret)
{
	if (ret) {
		memcpy(kr->error, staged->error, sizeof(kr->error));
		verity_keyring_discard(staged);
		return ret;
	}
	ret = reserve(kr, staged->count);
	if (ret) {
		verity_keyring_discard(staged);
		return ret;
	}
	if (staged->count)
		memcpy(kr->entries + kr->count, staged->entries,
		       staged->count * sizeof(*staged->entries));
	kr->count += staged->count;
	verity_free(staged->allocator, staged->entries);
	staged->entries = NULL;
	staged->count = 0;
	staged->capacity = 0;
	kr->error[0] = '\0';
	return 0;
}

/*
 * What the kernel refuses to load as a trusted key (x509_cert_parse(),
 * rsa_check_key_length()): a self-signed certificate whose own signature
 * does not verify, and an RSA modulus of a size its RSA does not take.
 */
static int check_loadable(struct verity_keyring *kr, const mbedtls_x509_crt *crt, const char *name)
{
	struct verity_crt_ids ids;
	bool self_signed, unsupported;
	int ret;

	if (!name)
		name = "certificate";
	if (mbedtls_pk_get_type(&crt->pk) == MBEDTLS_PK_RSA &&
	    !verity_rsa_bits_valid(mbedtls_pk_get_bitlen(&crt->pk))) {
		set_error(kr,
		          "%s: %zu-bit RSA key (the kernel takes 512, 1024, 1536, 2048, 3072 "
		          "or 4096 bits)",
		          name, mbedtls_pk_get_bitlen(&crt->pk));
		return VERITY_E_KEYRING_BAD_CERT;
	}
	if (verity_crt_ids(crt, &ids) != 0) {
		set_error(kr, "%s: malformed authorityKeyIdentifier", name);
		return VERITY_E_KEYRING_BAD_CERT;
	}
	ret = verity_crt_self_check(crt, &ids, &self_signed, &unsupported, NULL);
	if (ret) {
		set_error(kr, "%s: self-signed certificate whose own signature does not verify",
		          name);
		return VERITY_E_KEYRING_BAD_CERT;
	}
	return 0;
}

/* Parse one strict-DER certificate into a new entry of @kr. */
static int add_one_der(struct verity_keyring *kr, const uint8_t *der, size_t len, const char *name)
{
	struct verity_keyring_entry *entry;
	int ret;

	if (!verity_der_is_one_sequence(der, len)) {
		set_error(kr, "%s: not one DER certificate", name ? name : "certificate");
		return VERITY_E_KEYRING_BAD_CERT;
	}
	ret = reserve(kr, 1);
	if (ret)
		return ret;
	entry = verity_alloc(kr->allocator, sizeof(*entry));
	if (!entry)
		return VERITY_E_NOMEM;
	memset(entry, 0, sizeof(*entry));
	mbedtls_x509_crt_init(&entry->crt);
	ret = mbedtls_x509_crt_parse_der(&entry->crt, der, len);
	if (ret != 0) {
		set_error(kr, "%s: X.509 parse error -0x%04x", name ? name : "certificate",
		          (unsigned)-ret);
		mbedtls_x509_crt_free(&entry->crt);
		verity_free(kr->allocator, entry);
		return ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? VERITY_E_NOMEM
		                                            : VERITY_E_KEYRING_BAD_CERT;
	}
	ret = check_loadable(kr, &entry->crt, name);
	if (ret) {
		mbedtls_x509_crt_free(&entry->crt);
		verity_free(kr->allocator, entry);
		return ret;
	}
	if (!verity_crt_skid(&entry->crt, &entry->skid, &entry->skid_len)) {
		entry->skid = NULL;
		entry->skid_len = 0;
	}
	if (name)
		verity_snprintf(entry->name, sizeof(entry->name), "%s", name);
	else if (mbedtls_x509_dn_gets(entry->name, sizeof(entry->name), &entry->crt.subject) < 0)
		verity_snprintf(entry->name, sizeof(entry->name), "certificate");
	kr->entries[kr->count++] = entry;
	return 0;
}

int verity_keyring_add_der(struct verity_keyring *keyring, const uint8_t *der, size_t len,
                           const char *name)
{
	struct verity_keyring staged;

	if (!keyring || !der)
		return VERITY_E_INVAL;
	verity_keyring_stage_init(&staged, keyring);
	return verity_keyring_commit(keyring, &staged, add_one_der(&staged, der, len, name));
}

static bool looks_like_pem(const uint8_t *buf, size_t len)
{
	static const char marker[] = "-----BEGIN ";
	const size_t n = sizeof(marker) - 1;

	/* memchr for the first dash, then compare: no memmem in a bootloader. */
	for (const uint8_t *p = buf; len >= n;) {
		const uint8_t *dash = memchr(p, '-', len - n + 1);

		if (!dash)
			return false;
		if (memcmp(dash, marker, n) == 0)
			return true;
		len -= (size_t)(dash - p) + 1;
		p = dash + 1;
	}
	return false;
}

/* PEM: every CERTIFICATE block becomes an entry; anything unparsable fails. */
static int stage_pem(struct verity_keyring *staged, const uint8_t *buf, size_t len,
                     const char *name)
{
	mbedtls_x509_crt chain;
	char *text;
	int ret, n = 0;

	/* mbedtls wants PEM NUL-terminated with the NUL counted in the length. */
	if (len == SIZE_MAX)
		return VERITY_E_NOMEM;
	text = verity_alloc(staged->allocator, len + 1);
	if (!text)
		return VERITY_E_NOMEM;
	memcpy(text, buf, len);
	text[len] = '\0';
	mbedtls_x509_crt_init(&chain);
	ret = mbedtls_x509_crt_parse(&chain, (const unsigned char *)text, len + 1);
	verity_free(staged->allocator, text);
	if (ret != 0) {
		set_error(staged, "%s: PEM certificate parse error %s0x%04x", name ? name : "PEM",
		          ret < 0 ? "-" : "+", (unsigned)(ret < 0 ? -ret : ret));
		mbedtls_x509_crt_free(&chain);
		return VERITY_E_KEYRING_BAD_CERT;
	}
	for (const mbedtls_x509_crt *c = &chain; c && c->raw.p; c = c->next) {
		char entry_name[128];
		const char *use = NULL;

		n++;
		if (name) {
			if (n == 1 && !c->next)
				use = name;
			else {
				verity_snprintf(entry_name, sizeof(entry_name), "%s#%d", name, n);
				use = entry_name;
			}
		}
		ret = add_one_der(staged, c->raw.p, c->raw.len, use);
		if (ret)
			break;
	}
	mbedtls_x509_crt_free(&chain);
	if (!ret && n == 0) {
		set_error(staged, "%s: no certificate", name ? name : "PEM");
		ret = VERITY_E_KEYRING_BAD_CERT;
	}
	return ret;
}

int verity_keyring_stage_buffer(struct verity_keyring *staged, const uint8_t *buf, size_t len,
                                const char *name)
{
	if (looks_like_pem(buf, len))
		return stage_pem(staged, buf, len, name);
	return add_one_der(staged, buf, len, name);
}

int verity_keyring_add_buffer(struct verity_keyring *keyring, const uint8_t *buf, size_t len,
                              const char *name)
{
	struct verity_keyring staged;

	if (!keyring || !buf)
		return VERITY_E_INVAL;
	verity_keyring_stage_init(&staged, keyring);
	return verity_keyring_commit(keyring, &staged,
	                             verity_keyring_stage_buffer(&staged, buf, len, name));
}

/*
 * A string property: present, NUL-terminated at its last byte, with no
 * earlier NUL. Return: 1 present and valid, 0 absent, -1 malformed.
 */
static int get_string_prop(const void *blob, int node, const char *prop, const char **value)
{
	int len;
	const char *data = fdt_getprop(blob, node, prop, &len);

	if (!data)
		return len == -FDT_ERR_NOTFOUND ? 0 : -1;
	if (len <= 0 || data[len - 1] != '\0' || strlen(data) != (size_t)len - 1)
		return -1;
	*value = data;
	return 1;
}

/* Return: 1 active, 0 disabled, negative error. */
static int node_is_active(struct verity_keyring *staged, const void *blob, int node,
                          const char *node_path)
{
	const char *status;
	int ret = get_string_prop(blob, node, "status", &status);

	if (ret < 0) {
		set_error(staged, "%s: malformed status property", node_path);
		return VERITY_E_KEYRING_DTB_PROPERTY;
	}
	if (ret == 0)
		return 1;
	return strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

static int stage_dt_cert(struct verity_keyring *staged, const void *blob, int node,
                         const char *node_path)
{
	const uint8_t *der, *fingerprint;
	const char *hint = NULL;
	char name[128];
	int len, fp_len, ret;

	ret = node_is_active(staged, blob, node, node_path);
	if (ret <= 0)
		return ret;
	der = fdt_getprop(blob, node, "x509-certificate", &len);
	if (!der || len <= 0) {
		set_error(staged, "%s: no x509-certificate property", node_path);
		return VERITY_E_KEYRING_DTB_PROPERTY;
	}
	if (!verity_der_is_one_sequence(der, (size_t)len)) {
		set_error(staged, "%s: x509-certificate is not one DER certificate", node_path);
		return VERITY_E_KEYRING_BAD_CERT;
	}
	ret = get_string_prop(blob, node, "key-name-hint", &hint);
	if (ret < 0) {
		set_error(staged, "%s: malformed key-name-hint property", node_path);
		return VERITY_E_KEYRING_DTB_PROPERTY;
	}
	fingerprint = fdt_getprop(blob, node, "sha256-fingerprint", &fp_len);
	if (fingerprint) {
		uint8_t digest[VERITY_SHA256_DIGEST_SIZE];

		if (fp_len != VERITY_SHA256_DIGEST_SIZE) {
			set_error(staged, "%s: sha256-fingerprint is not 32 bytes", node_path);
			return VERITY_E_KEYRING_DTB_PROPERTY;
		}
		verity_sha256(der, (size_t)len, digest);
		if (memcmp(digest, fingerprint, sizeof(digest)) != 0) {
			set_error(staged, "%s: certificate does not match sha256-fingerprint",
			          node_path);
			return VERITY_E_KEYRING_FINGERPRINT;
		}
	}
	/* Names are for logs: cut long ones instead of failing. */
	{
		const char *src = hint ? hint : node_path;
		size_t n = strnlen(src, sizeof(name) - 1);

		memcpy(name, src, n);
		name[n] = '\0';
	}
	ret = add_one_der(staged, der, (size_t)len, name);
	if (ret == VERITY_E_KEYRING_BAD_CERT)
		set_error(staged, "%s: x509-certificate does not parse as X.509", node_path);
	return ret;
}

/* Deeper trees are refused: the walk keeps one slot per level. */
#define DT_MAX_DEPTH 64

/*
 * One pass over the tree (or the subtree of @start), each node visited once:
 * node paths are built from the names on the way down (never with
 * fdt_get_path(), which walks from the root each time), and a node is a
 * certificate when its parent is an active container.
 */
struct dt_walk {
	char path[256]; /* the current node's path, cut to fit (names are for logs) */
	size_t len[DT_MAX_DEPTH + 1];
	bool container[DT_MAX_DEPTH + 1];
	unsigned long steps;
};

static void dt_walk_enter(struct dt_walk *w, int depth, const char *name)
{
	size_t n = w->len[depth - 1];

	if (n > 1 && n < sizeof(w->path) - 1)
		w->path[n++] = '/';
	while (*name && n < sizeof(w->path) - 1)
		w->path[n++] = *name++;
	w->path[n] = '\0';
	w->len[depth] = n;
}

/* Is @node an active container? By compatible string, or @by_path for @start. */
static int dt_container(struct verity_keyring *staged, const void *blob, int node, const char *path,
                        bool by_path, bool *found)
{
	if (!by_path && fdt_node_check_compatible(blob, node, VERITY_DT_KEYS_COMPATIBLE) != 0)
		return 0;
	*found = true;
	return node_is_active(staged, blob, node, path);
}

static int stage_dt_walk(struct verity_keyring *staged, const void *blob, int start,
                         const char *start_path, bool by_path, unsigned long *steps)
{
	struct dt_walk *w = verity_alloc(staged->allocator, sizeof(*w));
	int node = start, depth = 0, ret;
	bool found = false;

	if (!w)
		return VERITY_E_NOMEM;
	memset(w, 0, sizeof(*w));
	w->len[0] = strnlen(start_path, sizeof(w->path) - 1);
	memcpy(w->path, start_path, w->len[0]);
	ret = dt_container(staged, blob, start, w->path, by_path, &found);
	if (ret < 0)
		goto out;
	w->container[0] = ret > 0;
	for (;;) {
		node = fdt_next_node(blob, node, &depth);
		w->steps++;
		if (node < 0 || depth <= 0)
			break;
		if (depth > DT_MAX_DEPTH) {
			set_error(staged, "%s: nodes nested deeper than %d levels", w->path,
			          DT_MAX_DEPTH);
			ret = VERITY_E_KEYRING_BAD_DTB;
			goto out;
		}
		dt_walk_enter(w, depth, fdt_get_name(blob, node, NULL));
		if (w->container[depth - 1]) {
			ret = stage_dt_cert(staged, blob, node, w->path);
			if (ret < 0)
				goto out;
		}
		/* With a path, only the direct subnodes of that node hold certificates. */
		ret = by_path ? 0 : dt_container(staged, blob, node, w->path, false, &found);
		if (ret < 0)
			goto out;
		w->container[depth] = ret > 0;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND) {
		set_error(staged, "%s: %s", w->path, fdt_strerror(node));
		ret = VERITY_E_KEYRING_BAD_DTB;
		goto out;
	}
	ret = 0;
	if (!found) {
		set_error(staged, "no node compatible with \"%s\"", VERITY_DT_KEYS_COMPATIBLE);
		ret = VERITY_E_KEYRING_DTB_NO_NODE;
	}
out:
	if (steps)
		*steps = w->steps;
	verity_free(staged->allocator, w);
	return ret;
}

static int stage_dtb(struct verity_keyring *staged, const void *blob, size_t size, const char *path,
                     unsigned long *steps)
{
	int ret, node;

	if (size > INT32_MAX) {
		set_error(staged, "device tree larger than 2 GiB");
		return VERITY_E_KEYRING_BAD_DTB;
	}
	ret = verity_fdt_check(blob, size);
	if (ret != 0) {
		set_error(staged, "device tree check failed: %s", fdt_strerror(ret));
		return VERITY_E_KEYRING_BAD_DTB;
	}
	if (path) {
		node = fdt_path_offset(blob, path);
		if (node < 0) {
			set_error(staged, "%s: %s", path, fdt_strerror(node));
			return VERITY_E_KEYRING_DTB_NO_NODE;
		}
		ret = stage_dt_walk(staged, blob, node, path, true, steps);
	} else {
		ret = stage_dt_walk(staged, blob, 0, "/", false, steps);
	}
	if (ret < 0)
		return ret;
	if (staged->count == 0) {
		set_error(staged, "device tree holds no active certificate");
		return VERITY_E_KEYRING_EMPTY;
	}
	return 0;
}

int verity_keyring_add_dtb(struct verity_keyring *keyring, const void *blob, size_t size,
                           const char *path)
{
	return verity_keyring_add_dtb_counted(keyring, blob, size, path, NULL);
}

int verity_keyring_add_dtb_counted(struct verity_keyring *keyring, const void *blob, size_t size,
                                   const char *path, unsigned long *steps)
{
	struct verity_keyring staged;

	if (steps)
		*steps = 0;
	if (!keyring || !blob)
		return VERITY_E_INVAL;
	verity_keyring_stage_init(&staged, keyring);
	return verity_keyring_commit(keyring, &staged, stage_dtb(&staged, blob, size, path, steps));
}
