/* SPDX-License-Identifier: MIT */
/* Discoverable disk images for dissect, verify, read and table: open, trust, dissect. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "verity/open_fd.h"

/* Where systemd looks for verity certificates when no trust option is given. */
static const char *const default_cert_dirs[] = {"/etc/verity.d", "/run/verity.d",
                                                "/usr/lib/verity.d"};

static int default_keyring(const struct cli_options *opts, struct verity_keyring **keyring)
{
	struct verity_keyring *kr;
	struct stat st;

	if (verity_keyring_new(&kr) != 0)
		return EXIT_FAILURE_GENERIC;
	for (size_t i = 0; i < sizeof(default_cert_dirs) / sizeof(default_cert_dirs[0]); i++) {
		int err;

		if (stat(default_cert_dirs[i], &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		err = verity_keyring_add_dir(kr, default_cert_dirs[i]);
		if (err && err != VERITY_E_KEYRING_EMPTY) {
			cli_error("Cannot load trusted certificates from %s: %s (%s).",
			          default_cert_dirs[i], verity_strerror(err),
			          verity_keyring_error(kr));
			verity_keyring_free(kr);
			return err == VERITY_E_NOMEM ? EXIT_FAILURE_GENERIC : EXIT_USAGE;
		}
	}
	cli_debug(opts, "%zu trusted certificates from the default directories",
	          verity_keyring_count(kr));
	*keyring = kr;
	return EXIT_OK;
}

int cli_ddi_exit_code(int err)
{
	if (err == VERITY_E_GPT_NOT_FOUND || err == VERITY_E_GPT_BAD_SECTOR_SIZE ||
	    err == VERITY_E_GPT_AMBIGUOUS_SECTOR || err == VERITY_E_DDI_BAD_ARCH)
		return EXIT_USAGE;
	if (err == VERITY_E_GPT_DISK_TOO_SMALL)
		return EXIT_IO;
	if (err <= VERITY_E_GPT_NOT_FOUND && err > VERITY_E_JSON_SYNTAX)
		return EXIT_CORRUPT; /* a damaged partition table */
	if ((err <= VERITY_E_JSON_SYNTAX && err > VERITY_E_DDI_NO_PARTITION) ||
	    err == VERITY_E_DDI_UNKNOWN_FINGERPRINT || err == VERITY_E_DDI_NOT_SIGNED)
		return EXIT_BAD_SIGNATURE;
	if (err == VERITY_E_DDI_NO_PARTITION)
		return EXIT_NOT_FOUND;
	if (err == VERITY_E_DDI_PAIR_MISMATCH)
		return EXIT_CORRUPT;
	return cli_exit_code(err);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Fill @sc when a roothash/usrhash file sits next to @path. Return: exit code. */
static int sidecar_load(struct cli_sidecar *sc, const struct cli_options *opts, const char *path)
{
	char base[4000], file[4000 + 16];
	size_t len = strlen(path), n;
	uint32_t role;
	FILE *f;
	int ret, fd;

	memset(sc, 0, sizeof(*sc));
	if (len >= sizeof(base))
		return EXIT_OK;
	memcpy(base, path, len + 1);
	if (len > 4 && strcmp(base + len - 4, ".raw") == 0)
		base[len - 4] = '\0';
	ret = cli_ddi_role(opts, false, &role);
	if (ret)
		return ret;
	snprintf(file, sizeof(file), "%s.%s", base,
	         role == VERITY_DPS_USR ? "usrhash" : "roothash");
	/* An image with /usr only needs no --partition. */
	if (!exists(file) && !opts->partition) {
		role = VERITY_DPS_USR;
		snprintf(file, sizeof(file), "%s.usrhash", base);
	}
	if (!exists(file))
		return EXIT_OK;
	sc->found = true;
	sc->role = role;
	fd = cli_open_path(file, O_RDONLY, "root hash file");
	if (fd < 0)
		return EXIT_IO;
	f = fdopen(fd, "r");
	if (!f) {
		cli_error("Cannot read %s (%s).", file, strerror(errno));
		close(fd);
		return EXIT_IO;
	}
	n = fread(sc->root_hex, 1, sizeof(sc->root_hex) - 1, f);
	fclose(f);
	sc->root_hex[n] = '\0';
	while (n && strchr(" \t\r\n", sc->root_hex[n - 1]))
		sc->root_hex[--n] = '\0';
	sc->root_size = cli_unhex(sc->root_hex, sc->root, sizeof(sc->root));
	if (sc->root_size < 16) {
		cli_error("Invalid root hash in %s.", file);
		return EXIT_USAGE;
	}
	strcat(file, ".p7s");
	if (exists(file)) {
		ret = cli_read_signature(file, &sc->sig, &sc->sig_len);
		if (ret)
			return ret;
	}
	snprintf(sc->verity_path, sizeof(sc->verity_path), "%s.verity", base);
	if (!exists(sc->verity_path))
		sc->verity_path[0] = '\0';
	cli_verbose(opts, "%s: sidecar root hash%s%s", path, sc->sig ? ", signature" : "",
	            sc->verity_path[0] ? ", .verity file" : "");
	return EXIT_OK;
}

/*
 * The sidecar root hash is trusted when its signature verifies with the
 * keyring, or when it equals --root-hash. Return: exit code.
 */
static int sidecar_trust(const struct cli_sidecar *sc, const struct cli_options *opts,
                         const struct verity_keyring *keyring, const uint8_t *given, int given_size)
{
	struct verity_sig_options sig_opts;
	struct verity_sig_result result;
	int err;

	if (given_size > 0) {
		if (given_size == sc->root_size && memcmp(given, sc->root, (size_t)given_size) == 0)
			return EXIT_OK;
		cli_error("The sidecar root hash differs from --root-hash.");
		return EXIT_USAGE;
	}
	if (!sc->sig) {
		cli_error("The sidecar root hash is not signed (no .p7s file) and no --root-hash "
		          "was given.");
		return EXIT_BAD_SIGNATURE;
	}
	cli_sig_options(opts, &sig_opts);
	err = verity_keyring_count(keyring) ? verity_sig_verify(keyring, sc->sig, sc->sig_len,
	                                                        sc->root_hex, &sig_opts, &result)
	                                    : VERITY_E_SIG_UNTRUSTED;
	if (err) {
		cli_error("Sidecar root hash signature: %s.", verity_strerror(err));
		return cli_ddi_exit_code(err);
	}
	cli_verbose(opts, "Sidecar root hash signature verified: trusted certificate %s.",
	            result.trusted_name);
	return EXIT_OK;
}

void cli_ddi_close(struct cli_ddi *d)
{
	free(d->sidecar.sig);
	d->sidecar.sig = NULL;
	if (d->dissected)
		verity_ddi_free(&d->ddi);
	d->dissected = false;
	verity_keyring_free(d->keyring);
	d->keyring = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	cli_lvm_close(&d->pvs);
}

int cli_ddi_open(struct cli_ddi *d, const struct cli_options *opts, const char *path)
{
	struct verity_ddi_options o = {0};
	struct verity_sig_options sig_opts = {0};
	bool is_lv;
	int ret, err;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->path = path;
	if (opts->root_hash) {
		int n = cli_unhex(opts->root_hash, d->root, sizeof(d->root));

		if (n < 16) {
			cli_error("Invalid --root-hash %s (hex digits of a digest).",
			          opts->root_hash);
			return EXIT_USAGE;
		}
		o.root_digest = d->root;
		o.root_digest_size = (uint32_t)n;
		d->root_given = n;
	}
	ret = cli_has_trust_options(opts) ? cli_load_keyring(opts, &d->keyring)
	                                  : default_keyring(opts, &d->keyring);
	if (ret)
		return ret;
	ret = sidecar_load(&d->sidecar, opts, path);
	if (ret)
		return ret;
	if (d->sidecar.found) {
		ret = sidecar_trust(&d->sidecar, opts, d->keyring, o.root_digest,
		                    (int)o.root_digest_size);
		if (ret)
			return ret;
		/* Trusted now: for a partitioned image it names the pair. */
		o.root_digest = d->sidecar.root;
		o.root_digest_size = (uint32_t)d->sidecar.root_size;
	}
	ret = cli_lvm_resolve(&d->pvs, opts, path, &d->disk, &is_lv);
	if (ret)
		return ret;
	if (!is_lv) {
		d->fd = cli_open_path(path, O_RDONLY, "image");
		if (d->fd < 0)
			return EXIT_IO;
	}
	if (!is_lv && verity_bdev_from_fd(&d->disk, &d->fd_ctx, d->fd, UINT64_MAX) != 0) {
		cli_error("Cannot find the size of %s.", path);
		return EXIT_IO;
	}
	if (d->sidecar.verity_path[0])
		return EXIT_OK; /* an unpartitioned image: cli_image_open_ddi() opens it */
	if (opts->allow_sha1)
		sig_opts.flags |= VERITY_SIG_ALLOW_SHA1;
	o.arch = opts->architecture;
	o.sector_size = opts->sector_size;
	o.keyring = verity_keyring_count(d->keyring) ? d->keyring : NULL;
	o.sig_options = &sig_opts;
	err = verity_ddi_dissect(&d->ddi, &d->disk, &o);
	if (err) {
		if (err == VERITY_E_DDI_BAD_ARCH)
			cli_error("Unknown architecture %s.", opts->architecture);
		else
			cli_error("%s: %s.", path, verity_strerror(err));
		return cli_ddi_exit_code(err);
	}
	d->dissected = true;
	return EXIT_OK;
}

int cli_ddi_role(const struct cli_options *opts, bool all, uint32_t *role)
{
	if (!opts->partition) {
		*role = all ? 0 : VERITY_DPS_ROOT;
		return EXIT_OK;
	}
	if (strcmp(opts->partition, "root") == 0) {
		*role = VERITY_DPS_ROOT;
		return EXIT_OK;
	}
	if (strcmp(opts->partition, "usr") == 0) {
		*role = VERITY_DPS_USR;
		return EXIT_OK;
	}
	cli_error("Invalid --partition %s (root or usr).", opts->partition);
	return EXIT_USAGE;
}

int cli_ddi_select(struct cli_ddi *d, const struct cli_options *opts, uint32_t *index)
{
	uint32_t role;
	int ret, err;

	ret = cli_ddi_role(opts, false, &role);
	if (ret)
		return ret;
	err = verity_ddi_select(&d->ddi, role, NULL, index);
	if (err) {
		cli_error("%s: no usable %s verity pair: %s.", d->path, verity_dps_role_name(role),
		          verity_strerror(err));
		return cli_ddi_exit_code(err);
	}
	return EXIT_OK;
}

/* What a cli_image of a disk image holds on to. */
struct cli_ddi_image {
	struct cli_ddi d;
	bool plain; /* sidecar files, no GPT */
	uint32_t index;
	struct verity_ddi_bdevs b;
	char data_path[64];
	char hash_path[64];
};

void cli_image_close_ddi(struct cli_image *img)
{
	if (!img->ddi)
		return;
	cli_ddi_close(&img->ddi->d);
	free(img->ddi);
	img->ddi = NULL;
}

const struct cli_sidecar *cli_image_sidecar(const struct cli_image *img)
{
	return img->ddi && img->ddi->plain ? &img->ddi->d.sidecar : NULL;
}

const char *cli_image_ddi_hash_arg(const struct cli_image *img)
{
	if (!img->ddi)
		return NULL;
	if (img->ddi->plain)
		return img->ddi->d.sidecar.role == VERITY_DPS_USR ? "usrhash" : "roothash";
	return img->ddi->d.ddi.pairs[img->ddi->index].role == VERITY_DPS_USR ? "usrhash"
	                                                                     : "roothash";
}

/* foo.raw with foo.verity: the whole file is the data, the .verity file the hash device. */
static int open_plain(struct cli_image *img, const struct cli_options *opts,
                      struct cli_ddi_image *x)
{
	struct verity_open_params op = {0};
	struct verity_open_info info;
	int err;

	img->hash_fd = cli_open_path(x->d.sidecar.verity_path, O_RDONLY, NULL);
	if (img->hash_fd < 0)
		return EXIT_IO;
	if (verity_bdev_from_fd(&img->hash, &img->hash_ctx, img->hash_fd, UINT64_MAX) != 0)
		return EXIT_IO;
	img->data = x->d.disk;
	op.data = &img->data;
	op.hash = &img->hash;
	op.root_digest = x->d.sidecar.root;
	op.root_digest_size = (size_t)x->d.sidecar.root_size;
	err = verity_open_resolve(&op, &info);
	if (err) {
		cli_error("%s: %s.", x->d.sidecar.verity_path, verity_strerror(err));
		return cli_ddi_exit_code(err);
	}
	img->params = info.params;
	img->superblock = true;
	memcpy(img->uuid, info.uuid, sizeof(img->uuid));
	img->hash_path = x->d.sidecar.verity_path;
	x->plain = true;
	cli_verbose(opts, "%s: unpartitioned image with sidecar files.", img->data_path);
	return EXIT_OK;
}

/*
 * The pair of @role to use: the one whose root hash the caller named
 * (--root-hash, a sidecar file) if any, else the highest label version.
 */
static int select_pair(const struct cli_ddi *d, uint32_t role, uint32_t *index)
{
	const uint8_t *want = d->sidecar.found ? d->sidecar.root : d->root_given ? d->root : NULL;
	int size = d->sidecar.found ? d->sidecar.root_size : d->root_given;

	for (uint32_t i = 0; want && i < d->ddi.pair_count; i++) {
		const struct verity_ddi_pair *p = &d->ddi.pairs[i];

		if (p->role == role && (int)p->root_digest_size == size &&
		    memcmp(p->root_digest, want, (size_t)size) == 0) {
			*index = i;
			return p->status;
		}
	}
	return verity_ddi_select(&d->ddi, role, NULL, index);
}

int cli_image_open_ddi(struct cli_image *img, const struct cli_options *opts, const char *path)
{
	struct cli_ddi_image *x;
	const struct verity_ddi_pair *pair;
	const struct verity_ddi *ddi;
	char uuid[37];
	uint32_t role;
	int ret, err;

	memset(img, 0, sizeof(*img));
	img->data_fd = img->hash_fd = -1;
	img->data_path = img->hash_path = path;
	if (opts->root_hash_signature || opts->root_hash_file) {
		cli_error("A disk image carries its own signature: use --root-hash or the trust "
		          "options, not --root-hash-signature or --root-hash-file.");
		return EXIT_USAGE;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return EXIT_FAILURE_GENERIC;
	img->ddi = x;
	ret = cli_ddi_open(&x->d, opts, path);
	if (ret)
		return ret;
	if (x->d.sidecar.verity_path[0])
		return open_plain(img, opts, x);
	ddi = &x->d.ddi;
	ret = cli_ddi_role(opts, false, &role);
	if (ret)
		return ret;
	err = select_pair(&x->d, role, &x->index);
	/* An image with /usr only (a system extension) needs no --partition. */
	if (err == VERITY_E_DDI_NO_PARTITION && !opts->partition)
		err = select_pair(&x->d, role = VERITY_DPS_USR, &x->index);
	if (err) {
		cli_error("%s: no usable %s verity pair: %s.", path, verity_dps_role_name(role),
		          verity_strerror(err));
		return cli_ddi_exit_code(err);
	}
	pair = &ddi->pairs[x->index];
	err = verity_bdev_slice(&x->b.data, &x->b.data_ctx, &x->d.disk,
	                        ddi->gpt.parts[pair->data].offset, ddi->gpt.parts[pair->data].size);
	if (!err)
		err = verity_bdev_slice(&x->b.hash, &x->b.hash_ctx, &x->d.disk,
		                        ddi->gpt.parts[pair->hash].offset,
		                        ddi->gpt.parts[pair->hash].size);
	if (err) {
		cli_error("%s: %s.", path, verity_strerror(err));
		return cli_ddi_exit_code(err);
	}
	img->data = x->b.data;
	img->hash = x->b.hash;
	img->params = pair->params;
	img->superblock = true;
	verity_guid_format(ddi->gpt.parts[pair->data].uuid, uuid);
	snprintf(x->data_path, sizeof(x->data_path), "/dev/disk/by-partuuid/%s", uuid);
	verity_guid_format(ddi->gpt.parts[pair->hash].uuid, uuid);
	snprintf(x->hash_path, sizeof(x->hash_path), "/dev/disk/by-partuuid/%s", uuid);
	img->data_path = x->data_path;
	img->hash_path = x->hash_path;
	cli_verbose(opts, "%s: %s pair, data partition #%u, verity partition #%u.", path,
	            verity_dps_role_name(role), ddi->gpt.parts[pair->data].index,
	            ddi->gpt.parts[pair->hash].index);
	return EXIT_OK;
}

/* Whether the image at @path has verity pairs of both roles (no trust needed to tell). */
static bool has_root_and_usr(const struct cli_options *opts, const char *path)
{
	struct verity_ddi_options o = {0};
	struct verity_fd_bdev ctx;
	struct verity_bdev disk;
	struct verity_ddi ddi;
	bool root = false, usr = false;
	int fd = verity_open_path(path, O_RDONLY); /* a probe: no message */

	if (fd < 0)
		return false;
	o.arch = opts->architecture;
	o.sector_size = opts->sector_size;
	if (verity_bdev_from_fd(&disk, &ctx, fd, UINT64_MAX) == 0 &&
	    verity_ddi_dissect(&ddi, &disk, &o) == 0) {
		for (uint32_t i = 0; i < ddi.pair_count; i++) {
			root |= ddi.pairs[i].role == VERITY_DPS_ROOT;
			usr |= ddi.pairs[i].role == VERITY_DPS_USR;
		}
		verity_ddi_free(&ddi);
	}
	close(fd);
	return root && usr;
}

int cli_ddi_each_role(const struct cli_options *opts, const char *path,
                      int (*fn)(const struct cli_options *opts, int argc, char **argv))
{
	static const char *const roles[] = {"root", "usr"};
	struct cli_options one = *opts;
	char *argv[2] = {(char *)path, NULL}; /* NULL-terminated, as main()'s */
	int ret = EXIT_OK;

	if (opts->partition || !has_root_and_usr(opts, path))
		return fn(opts, 1, argv);
	/* Parity covers one data and hash pair: which one must be said. */
	if (opts->fec_device) {
		cli_error("The image has root and /usr verity pairs: name the one --fec-device "
		          "protects with --partition.");
		return EXIT_USAGE;
	}
	if (opts->json && cli_json_stream())
		fputs(",\"pairs\":[", cli_json_stream());
	for (unsigned i = 0; i < 2; i++) {
		int r;

		one.partition = roles[i];
		/* Each run's fields (each starting with a comma) go into its own object. */
		if (opts->json && cli_json_stream())
			fprintf(cli_json_stream(), "%s{\"partition\":\"%s\"", i ? "," : "",
			        roles[i]);
		r = fn(&one, 1, argv);
		if (opts->json && cli_json_stream())
			fputc('}', cli_json_stream());
		if (r && !ret)
			ret = r;
	}
	if (opts->json && cli_json_stream())
		fputc(']', cli_json_stream());
	return ret;
}
