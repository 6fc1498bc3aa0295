/* SPDX-License-Identifier: MIT */
/*
 * Discoverable Disk Images: classify the GPT entries by DPS type, pair data
 * and verity partitions through the root hash (data UUID = its first 16
 * bytes, verity UUID = its last 16), check signatures and the top of each
 * tree, and open the verified device of a pair.
 */
#include <string.h>

#include "sha/sha256.h"
#include "sig/sig.h"
#include "verity/util.h"

static int slice_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	const struct verity_slice_bdev *s = user_data;

	/* verity_bdev_read() keeps offset + len inside the slice, and the slice inside the parent.
	 */
	return verity_bdev_read(s->parent, s->offset + offset, buf, len);
}

static const void *slice_map(void *user_data, uint64_t offset, size_t len)
{
	const struct verity_slice_bdev *s = user_data;

	return verity_bdev_map(s->parent, s->offset + offset, len);
}

static void slice_unmap(void *user_data, const void *addr, uint64_t offset, size_t len)
{
	const struct verity_slice_bdev *s = user_data;

	verity_bdev_unmap(s->parent, addr, s->offset + offset, len);
}

int verity_bdev_slice(struct verity_bdev *bdev, struct verity_slice_bdev *ctx,
                      const struct verity_bdev *parent, uint64_t offset, uint64_t size)
{
	uint64_t end;

	if (!bdev || !ctx || !parent || !parent->read)
		return VERITY_E_INVAL;
	if (verity_add_overflow_u64(offset, size, &end) || end > parent->size)
		return VERITY_E_RANGE;
	ctx->parent = parent;
	ctx->offset = offset;
	*bdev = (struct verity_bdev){.user_data = ctx, .read = slice_read, .size = size};
	if (parent->map) {
		bdev->map = slice_map;
		bdev->unmap = slice_unmap;
	}
	return 0;
}

int verity_ddi_sig_check(const struct verity_ddi_sig *sig, const struct verity_keyring *keyring,
                         const struct verity_sig_options *options, struct verity_sig_result *result)
{
	struct verity_keyring *only;
	int ret;

	if (!sig || !keyring || !sig->signature)
		return VERITY_E_INVAL;
	if (!sig->has_fingerprint)
		return verity_sig_verify(keyring, sig->signature, sig->signature_size,
		                         sig->root_hex, options, result);
	/* The fingerprint names the signer: only that trusted certificate may vouch. */
	for (size_t i = 0; i < keyring->count; i++) {
		const mbedtls_x509_crt *crt = &keyring->entries[i]->crt;
		uint8_t digest[VERITY_SHA256_DIGEST_SIZE];

		verity_sha256(crt->raw.p, crt->raw.len, digest);
		if (memcmp(digest, sig->fingerprint, sizeof(digest)) != 0)
			continue;
		ret = verity_keyring_new(&only);
		if (ret)
			return ret;
		ret = verity_keyring_add_der(only, crt->raw.p, crt->raw.len,
		                             keyring->entries[i]->name);
		if (ret == 0)
			ret = verity_sig_verify(only, sig->signature, sig->signature_size,
			                        sig->root_hex, options, result);
		verity_keyring_free(only);
		return ret;
	}
	if (result) {
		memset(result, 0, sizeof(*result));
		result->error = VERITY_E_DDI_UNKNOWN_FINGERPRINT;
		result->offset = -1;
		result->signer = -1;
		result->trusted_signer = -1;
		memcpy(result->detail, "certificateFingerprint names no trusted certificate",
		       sizeof("certificateFingerprint names no trusted certificate"));
	}
	return VERITY_E_DDI_UNKNOWN_FINGERPRINT;
}

/* Partition index with this UUID among the used ones, or -1. */
static int find_uuid(const struct verity_ddi *ddi, const uint8_t *uuid)
{
	for (uint32_t i = 0; i < ddi->gpt.count; i++)
		if (!ddi->ignored[i] && memcmp(ddi->gpt.parts[i].uuid, uuid, 16) == 0)
			return (int)i;
	return -1;
}

/* Locate both halves of @pair's root hash; Return: 0 or VERITY_E_DDI_PAIR_MISMATCH. */
static int find_halves(const struct verity_ddi *ddi, struct verity_ddi_pair *pair)
{
	uint32_t data_role = pair->role, hash_role = pair->role + 2;
	const uint8_t *root = pair->root_digest;
	int d, h;

	if (pair->root_digest_size < 16)
		return VERITY_E_DDI_PAIR_MISMATCH;
	d = find_uuid(ddi, root);
	h = find_uuid(ddi, root + pair->root_digest_size - 16);
	pair->data = d >= 0 && ddi->role[d] == data_role ? d : -1;
	pair->hash = h >= 0 && ddi->role[h] == hash_role ? h : -1;
	return pair->data >= 0 && pair->hash >= 0 ? 0 : VERITY_E_DDI_PAIR_MISMATCH;
}

/* The pair's partitions as bdevs over @disk. */
static int pair_bdevs(const struct verity_bdev *disk, const struct verity_ddi *ddi,
                      const struct verity_ddi_pair *pair, struct verity_ddi_bdevs *b)
{
	const struct verity_gpt_partition *dp = &ddi->gpt.parts[pair->data];
	const struct verity_gpt_partition *hp = &ddi->gpt.parts[pair->hash];
	int ret;

	ret = verity_bdev_slice(&b->data, &b->data_ctx, disk, dp->offset, dp->size);
	if (ret == 0)
		ret = verity_bdev_slice(&b->hash, &b->hash_ctx, disk, hp->offset, hp->size);
	return ret;
}

/*
 * verity_open() over the pair with its root hash (the signature is checked
 * by the caller, which knows the certificateFingerprint).
 */
static int open_pair(const struct verity_bdev *disk, const struct verity_ddi *ddi,
                     const struct verity_ddi_pair *pair, struct verity_ddi_bdevs *b,
                     const struct verity_device_options *options, struct verity_device **dev,
                     struct verity_params *params)
{
	struct verity_open_params op;
	struct verity_open_info info;
	int ret = pair_bdevs(disk, ddi, pair, b);

	if (ret)
		return ret;
	memset(&op, 0, sizeof(op));
	op.data = &b->data;
	op.hash = &b->hash;
	op.root_digest = pair->root_digest;
	op.root_digest_size = pair->root_digest_size;
	op.device_options = options;
	ret = verity_open(&op, dev, &info);
	/* Large blocks: the small budget of a check may not hold the fixed buffers. */
	if (ret == VERITY_E_BUDGET_TOO_SMALL && options && info.min_memory_budget) {
		struct verity_device_options bigger = *options;

		bigger.memory_budget = info.min_memory_budget;
		op.device_options = &bigger;
		ret = verity_open(&op, dev, &info);
	}
	if (params)
		*params = info.params;
	return ret;
}

/* Superblock, then the path from the first data block to the root. */
static int check_tree(const struct verity_bdev *disk, const struct verity_ddi *ddi,
                      struct verity_ddi_pair *pair, const struct verity_allocator *allocator)
{
	struct verity_ddi_bdevs b;
	struct verity_device_options opts;
	struct verity_device *dev;
	uint8_t *block;
	int ret;

	memset(&opts, 0, sizeof(opts));
	opts.allocator = allocator;
	/* Small budget: only the levels on the checked path need to be read. */
	opts.memory_budget = 256u << 10;
	ret = open_pair(disk, ddi, pair, &b, &opts, &dev, &pair->params);
	if (ret)
		return ret;
	block = verity_alloc(allocator, pair->params.data_block_size);
	if (!block) {
		verity_device_close(dev);
		return VERITY_E_NOMEM;
	}
	ret = verity_device_read(dev, 0, pair->params.data_block_size, block);
	verity_free(allocator, block);
	verity_device_close(dev);
	return ret;
}

static int read_sig_partition(const struct verity_bdev *disk, const struct verity_gpt_partition *p,
                              struct verity_ddi_sig *sig, const struct verity_allocator *allocator)
{
	uint8_t *buf;
	int ret;

	memset(sig, 0, sizeof(*sig));
	if (p->size > VERITY_DDI_SIG_MAX_SIZE)
		return VERITY_E_JSON_TOO_LARGE;
	buf = verity_alloc(allocator, (size_t)p->size);
	if (!buf)
		return VERITY_E_NOMEM;
	ret = verity_bdev_read(disk, p->offset, buf, (size_t)p->size);
	if (ret == 0)
		ret = verity_ddi_sig_parse(sig, buf, (size_t)p->size, allocator);
	verity_free(allocator, buf);
	return ret;
}

static bool given_root(const struct verity_ddi_options *o, const struct verity_ddi_pair *pair)
{
	return o->root_digest && o->root_digest_size == pair->root_digest_size &&
	       memcmp(o->root_digest, pair->root_digest, pair->root_digest_size) == 0;
}

/*
 * Everything about one pair once its root hash is known. The signature is
 * the reason given first: a root hash nobody vouches for explains any
 * mismatch that follows from it.
 */
static void check_pair(const struct verity_bdev *disk, struct verity_ddi *ddi,
                       struct verity_ddi_pair *pair, const struct verity_ddi_sig *sig,
                       const struct verity_ddi_options *o)
{
	bool trusted_root = given_root(o, pair);
	int status;

	if (sig) {
		struct verity_sig_result result;

		if (o->keyring)
			pair->sig_error =
			    verity_ddi_sig_check(sig, o->keyring, o->sig_options, &result);
		else
			pair->sig_error = VERITY_E_SIG_UNTRUSTED;
		pair->signed_ok = pair->sig_error == 0;
		if (pair->signed_ok)
			memcpy(pair->signer, result.trusted_name, sizeof(pair->signer));
	}
	status = find_halves(ddi, pair);
	if (status == 0)
		status = check_tree(disk, ddi, pair, o->allocator);
	if (!pair->signed_ok && !trusted_root)
		pair->status = sig ? pair->sig_error : VERITY_E_DDI_NOT_SIGNED;
	else
		pair->status = status;
}

static struct verity_ddi_pair *new_pair(struct verity_ddi *ddi, uint32_t role)
{
	struct verity_ddi_pair *pair;

	if (ddi->pair_count == VERITY_DDI_MAX_PAIRS)
		return NULL;
	pair = &ddi->pairs[ddi->pair_count++];
	memset(pair, 0, sizeof(*pair));
	pair->role = role;
	pair->data = pair->hash = pair->sig = -1;
	return pair;
}

static bool used_by_pair(const struct verity_ddi *ddi, int index)
{
	for (uint32_t i = 0; i < ddi->pair_count; i++)
		if (ddi->pairs[i].data == index || ddi->pairs[i].hash == index ||
		    ddi->pairs[i].sig == index)
			return true;
	return false;
}

static int classify(struct verity_ddi *ddi, const char *arch)
{
	for (uint32_t i = 0; i < ddi->gpt.count; i++) {
		const struct verity_gpt_partition *p = &ddi->gpt.parts[i];
		const char *type_arch;
		uint32_t role;

		verity_dps_lookup(p->type, &role, &type_arch);
		ddi->role[i] = role;
		ddi->ignored[i] = VERITY_DDI_USED;
		if (type_arch && strcmp(type_arch, arch) != 0)
			ddi->ignored[i] = VERITY_DDI_IGNORED_FOREIGN;
		else if (p->attributes & VERITY_GPT_ATTR_NO_AUTO)
			ddi->ignored[i] = VERITY_DDI_IGNORED_NO_AUTO;
		else if (strncmp(p->label, "PRT#", 4) == 0)
			ddi->ignored[i] = VERITY_DDI_IGNORED_PARTIAL;
		else if (strncmp(p->label, "PND#", 4) == 0)
			ddi->ignored[i] = VERITY_DDI_IGNORED_PENDING;
	}
	return 0;
}

void verity_ddi_free(struct verity_ddi *ddi)
{
	if (!ddi)
		return;
	verity_free(ddi->gpt.allocator, ddi->role);
	verity_free(ddi->gpt.allocator, ddi->ignored);
	ddi->role = NULL;
	ddi->ignored = NULL;
	verity_gpt_free(&ddi->gpt);
}

int verity_ddi_dissect(struct verity_ddi *ddi, const struct verity_bdev *disk,
                       const struct verity_ddi_options *options)
{
	struct verity_ddi_options defaults;
	const struct verity_ddi_options *o = options;
	uint8_t probe[16];
	bool given_found = false;
	int ret;

	if (!ddi || !disk)
		return VERITY_E_INVAL;
	memset(ddi, 0, sizeof(*ddi));
	if (!o) {
		memset(&defaults, 0, sizeof(defaults));
		o = &defaults;
	}
	for (unsigned i = 0; i < 4; i++)
		if (o->reserved[i])
			return VERITY_E_INVAL;
	if (o->root_digest &&
	    (o->root_digest_size < 16 || o->root_digest_size > VERITY_MAX_DIGEST_SIZE))
		return VERITY_E_BAD_ROOT_DIGEST;
	const char *arch = o->arch ? o->arch : verity_dps_native_arch();
	if (!arch || verity_dps_type(arch, VERITY_DPS_ROOT, probe) != 0)
		return VERITY_E_DDI_BAD_ARCH;
	ret = verity_gpt_read(&ddi->gpt, disk, o->sector_size, o->allocator);
	if (ret)
		return ret;
	ddi->role = verity_alloc(o->allocator, (ddi->gpt.count + 1) * sizeof(*ddi->role));
	ddi->ignored = verity_alloc(o->allocator, ddi->gpt.count + 1);
	if (!ddi->role || !ddi->ignored) {
		verity_ddi_free(ddi);
		return VERITY_E_NOMEM;
	}
	classify(ddi, arch);

	/* Signed pairs: one per signature partition. */
	for (uint32_t i = 0; i < ddi->gpt.count; i++) {
		uint32_t role = ddi->role[i];
		struct verity_ddi_sig sig;
		struct verity_ddi_pair *pair;

		if (ddi->ignored[i] ||
		    (role != VERITY_DPS_ROOT_VERITY_SIG && role != VERITY_DPS_USR_VERITY_SIG))
			continue;
		pair = new_pair(ddi, role - 4);
		if (!pair)
			break;
		pair->sig = (int)i;
		ret = read_sig_partition(disk, &ddi->gpt.parts[i], &sig, o->allocator);
		if (ret == VERITY_E_NOMEM) {
			verity_ddi_free(ddi);
			return ret;
		}
		if (ret) {
			pair->status = pair->sig_error = ret;
			continue;
		}
		memcpy(pair->root_digest, sig.root_digest, sig.root_digest_size);
		pair->root_digest_size = sig.root_digest_size;
		given_found |= given_root(o, pair);
		check_pair(disk, ddi, pair, &sig, o);
		verity_ddi_sig_free(&sig);
	}

	/* A trusted root hash from the caller, when no signature partition names it. */
	if (o->root_digest && !given_found) {
		for (uint32_t role = VERITY_DPS_ROOT; role <= VERITY_DPS_USR; role++) {
			int d = find_uuid(ddi, o->root_digest);

			if (d < 0 || ddi->role[d] != role)
				continue;
			struct verity_ddi_pair *pair = new_pair(ddi, role);

			if (!pair)
				break;
			memcpy(pair->root_digest, o->root_digest, o->root_digest_size);
			pair->root_digest_size = o->root_digest_size;
			given_found = true;
			check_pair(disk, ddi, pair, NULL, o);
		}
		if (!given_found) {
			struct verity_ddi_pair *pair = new_pair(ddi, VERITY_DPS_ROOT);

			if (pair) {
				memcpy(pair->root_digest, o->root_digest, o->root_digest_size);
				pair->root_digest_size = o->root_digest_size;
				pair->status = VERITY_E_DDI_PAIR_MISMATCH;
			}
		}
	}

	/* Verity partitions no signature or given root hash accounts for. */
	for (uint32_t i = 0; i < ddi->gpt.count; i++) {
		uint32_t role = ddi->role[i];
		struct verity_ddi_pair *pair;
		int data = -1;

		if (ddi->ignored[i] ||
		    (role != VERITY_DPS_ROOT_VERITY && role != VERITY_DPS_USR_VERITY) ||
		    used_by_pair(ddi, (int)i))
			continue;
		for (uint32_t k = 0; k < ddi->gpt.count; k++)
			if (!ddi->ignored[k] && ddi->role[k] == role - 2 &&
			    !used_by_pair(ddi, (int)k)) {
				data = data == -1 ? (int)k : -2;
			}
		pair = new_pair(ddi, role - 2);
		if (!pair)
			break;
		pair->hash = (int)i;
		pair->data = data >= 0 ? data : -1;
		pair->status = VERITY_E_DDI_NOT_SIGNED;
		if (data >= 0) {
			/* The root hash the UUIDs claim (SHA-256 size): shown, not trusted. */
			memcpy(pair->root_digest, ddi->gpt.parts[data].uuid, 16);
			memcpy(pair->root_digest + 16, ddi->gpt.parts[i].uuid, 16);
			pair->root_digest_size = 32;
		}
	}
	return 0;
}

int verity_ddi_select(const struct verity_ddi *ddi, uint32_t role, const char *label,
                      uint32_t *index)
{
	int best = -1, first_failed = 0;
	bool any = false;

	if (!ddi || !index || (role != VERITY_DPS_ROOT && role != VERITY_DPS_USR))
		return VERITY_E_INVAL;
	for (uint32_t i = 0; i < ddi->pair_count; i++) {
		const struct verity_ddi_pair *p = &ddi->pairs[i];
		const char *l;

		if (p->role != role)
			continue;
		l = p->data >= 0 ? ddi->gpt.parts[p->data].label : "";
		if (label && strcmp(l, label) != 0)
			continue;
		any = true;
		if (p->status) {
			if (!first_failed)
				first_failed = p->status;
			continue;
		}
		/* Highest label version; on a tie the earlier partition (spec). */
		if (best < 0 ||
		    verity_strverscmp(l, ddi->gpt.parts[ddi->pairs[best].data].label) > 0 ||
		    (verity_strverscmp(l, ddi->gpt.parts[ddi->pairs[best].data].label) == 0 &&
		     p->data < ddi->pairs[best].data))
			best = (int)i;
	}
	if (best >= 0) {
		*index = (uint32_t)best;
		return 0;
	}
	return any ? first_failed : VERITY_E_DDI_NO_PARTITION;
}

int verity_ddi_open(struct verity_device **dev, const struct verity_bdev *disk,
                    const struct verity_ddi *ddi, uint32_t index, struct verity_ddi_bdevs *bdevs,
                    const struct verity_device_options *options)
{
	if (!dev || !disk || !ddi || !bdevs || index >= ddi->pair_count)
		return VERITY_E_INVAL;
	if (ddi->pairs[index].status)
		return ddi->pairs[index].status;
	return open_pair(disk, ddi, &ddi->pairs[index], bdevs, options, dev, NULL);
}
