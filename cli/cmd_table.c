/* SPDX-License-Identifier: MIT */
/*
 * verify-image table <data> <hash> [<root>]: the Linux dm-verity table line
 * veritysetup would load for this image and options, and the same as a
 * dm-mod.create= kernel argument. The device names are the paths given;
 * logical volumes (--pv) get their linear tables, and dm-mod.create= sets
 * them up first.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

#define LINE_MAX_BYTES 4096
/* The linear table of one LV: about 60 bytes a segment. */
#define LINEAR_MAX_BYTES (64u << 10)

static const char *const table_options[] = {CLI_DDI_OPTIONS,       CLI_IMAGE_OPTIONS,
                                            "ignore-corruption",   "restart-on-corruption",
                                            "panic-on-corruption", "error-as-corruption",
                                            "ignore-zero-blocks",  "check-at-most-once",
                                            "use-tasklets",        "dm-name",
                                            "fec-device",          "fec-offset",
                                            "fec-roots",           NULL};

/* veritysetup's flag rules for the error handling options. */
static int set_modes(struct verity_table *t, const struct cli_options *opts)
{
	int modes =
	    opts->ignore_corruption + opts->restart_on_corruption + opts->panic_on_corruption;

	if (modes > 1) {
		cli_error("Only one of --ignore-corruption, --restart-on-corruption and "
		          "--panic-on-corruption may be used.");
		return EXIT_USAGE;
	}
	if (opts->error_as_corruption && !opts->restart_on_corruption &&
	    !opts->panic_on_corruption) {
		cli_error("--error-as-corruption needs --restart-on-corruption or "
		          "--panic-on-corruption.");
		return EXIT_USAGE;
	}
	if (opts->ignore_corruption)
		t->corruption_mode = VERITY_CORRUPTION_IGNORE;
	else if (opts->restart_on_corruption)
		t->corruption_mode = VERITY_CORRUPTION_RESTART;
	else if (opts->panic_on_corruption)
		t->corruption_mode = VERITY_CORRUPTION_PANIC;
	if (opts->error_as_corruption)
		t->io_error_mode =
		    opts->restart_on_corruption ? VERITY_IO_ERROR_RESTART : VERITY_IO_ERROR_PANIC;
	t->ignore_zero_blocks = opts->ignore_zero_blocks;
	t->check_at_most_once = opts->check_at_most_once;
	t->try_verify_in_tasklet = opts->use_tasklets;
	return EXIT_OK;
}

/*
 * The four FEC arguments with the values veritysetup passes to the kernel;
 * @name: the FEC device as the table names it.
 */
static int set_fec(struct verity_table *t, const struct cli_fec *fec, const char *name,
                   uint32_t block_size)
{
	size_t len;

	if (!fec->enabled)
		return EXIT_OK;
	len = strlen(name);
	if (len >= sizeof(t->fec_device)) {
		cli_error("FEC device name too long.");
		return EXIT_USAGE;
	}
	memcpy(t->fec_device, name, len + 1);
	t->has_fec = true;
	t->fec_start = fec->offset / block_size;
	t->fec_blocks = fec->params.fec_blocks;
	t->fec_roots = fec->roots;
	return EXIT_OK;
}

static void print_root(const struct cli_image *img)
{
	char hex[2 * VERITY_MAX_DIGEST_SIZE + 1];

	cli_hex(hex, img->params.root_digest, img->params.root_digest_size);
	fputs(hex, stdout);
}

/* The logical volumes among the data, hash and FEC devices (with --pv), in table order. */
struct lv_devices {
	const char *path[3];
	char dm_name[3][2 * VERITY_LVM_NAME_MAX + 2];
	char linear[3][LINEAR_MAX_BYTES];
	unsigned count;
};

static int find_lvs(struct lv_devices *lvs, const struct cli_image *img, const struct cli_fec *fec)
{
	const char *paths[3] = {
	    img->data_fd < 0 ? img->data_path : NULL,
	    img->hash_fd < 0 && !(img->same_file && img->data_fd < 0) ? img->hash_path : NULL,
	    fec->is_lv && !fec->same_as_hash && !fec->same_as_data ? fec->path : NULL};
	int ret;

	lvs->count = 0;
	if (img->ddi) /* partitions of a disk image, not logical volumes */
		return EXIT_OK;
	for (int i = 0; i < 3; i++) {
		unsigned n = lvs->count;

		if (!paths[i])
			continue;
		lvs->path[n] = paths[i];
		ret = cli_lvm_dm_name(paths[i], lvs->dm_name[n], sizeof(lvs->dm_name[n]));
		if (!ret)
			ret = cli_lvm_linear_table(&img->pvs, paths[i], '\n', lvs->linear[n],
			                           sizeof(lvs->linear[n]));
		if (ret)
			return ret;
		lvs->count++;
	}
	return EXIT_OK;
}

/* Device name in the verity line: the LV's mapped device, or the path given. */
static const char *device_name(const struct lv_devices *lvs, const char *path, bool dm_init,
                               char *buf, size_t size)
{
	for (unsigned i = 0; i < lvs->count; i++)
		if (lvs->path[i] == path || strcmp(lvs->path[i], path) == 0) {
			/* dm-init names devices by minor: the LVs come first, minors 0 and 1. */
			if (dm_init)
				snprintf(buf, size, "/dev/dm-%u", i);
			else
				snprintf(buf, size, "/dev/mapper/%s", lvs->dm_name[i]);
			return buf;
		}
	return path;
}

/* "linear": [{"name", "logical_volume", "table": [one string per segment]}]. */
static void json_linear(struct lv_devices *lvs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	fputc('[', f);
	for (unsigned i = 0; i < lvs->count; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		cli_json_string(f, lvs->dm_name[i]);
		fputs(",\"logical_volume\":", f);
		cli_json_string(f, lvs->path[i]);
		fputs(",\"table\":[", f);
		for (char *l = lvs->linear[i], *nl; l; l = nl ? nl + 1 : NULL) {
			nl = strchr(l, '\n');
			if (nl)
				*nl = '\0';
			cli_json_string(f, l);
			if (nl)
				fputc(',', f);
		}
		fputs("]}", f);
	}
	fputc(']', f);
	if (fclose(f) == 0)
		cli_json_field_raw("linear", buf);
	free(buf);
}

static int run_table(const struct cli_options *opts, int argc, char **argv)
{
	char line[LINE_MAX_BYTES], arg[LINE_MAX_BYTES + 300];
	static char dm_line[LINEAR_MAX_BYTES], full[2 * LINEAR_MAX_BYTES + LINE_MAX_BYTES + 1200];
	char data_name[2][2 * VERITY_LVM_NAME_MAX + 20], hash_name[2][2 * VERITY_LVM_NAME_MAX + 20];
	char fec_name[2][2 * VERITY_LVM_NAME_MAX + 20];
	struct verity_table table, dm_table;
	static struct lv_devices lvs;
	struct cli_image img;
	struct cli_fec fec = {.fd = -1};
	int ret, err;

	/*
	 * A table line trusts nothing itself: the kernel checks any signature.
	 * Only a disk image (one argument) has a signature to check here.
	 */
	if (argc != 1 && cli_has_trust_options(opts)) {
		cli_error("Option --%s is not allowed with table action.",
		          cli_option_given(opts, "trusted-cert")    ? "trusted-cert"
		          : cli_option_given(opts, "trusted-certs") ? "trusted-certs"
		                                                    : "trusted-dtb");
		return EXIT_USAGE;
	}
	ret = cli_image_open_with_root(&img, opts, argc, argv, false);
	if (!ret)
		ret = cli_fec_setup(&fec, opts, &img, false, false);
	if (!ret)
		ret = find_lvs(&lvs, &img, &fec);
	if (ret)
		goto out;
	err = verity_table_init(
	    &table, &img.params,
	    device_name(&lvs, img.data_path, false, data_name[0], sizeof(data_name[0])),
	    device_name(&lvs, img.hash_path, false, hash_name[0], sizeof(hash_name[0])));
	if (!err)
		err = verity_table_init(
		    &dm_table, &img.params,
		    device_name(&lvs, img.data_path, true, data_name[1], sizeof(data_name[1])),
		    device_name(&lvs, img.hash_path, true, hash_name[1], sizeof(hash_name[1])));
	if (!err) {
		ret = set_modes(&table, opts);
		if (ret)
			goto out;
		ret = set_fec(&table, &fec,
		              fec.enabled ? device_name(&lvs, fec.path, false, fec_name[0],
		                                        sizeof(fec_name[0]))
		                          : NULL,
		              img.params.data_block_size);
		if (ret)
			goto out;
		set_modes(&dm_table, opts);
		set_fec(&dm_table, &fec,
		        fec.enabled
		            ? device_name(&lvs, fec.path, true, fec_name[1], sizeof(fec_name[1]))
		            : NULL,
		        img.params.data_block_size);
		if (table.check_at_most_once && img.params.data_blocks > 0x7fffffffu)
			err = VERITY_E_AT_MOST_ONCE_TOO_LARGE;
	}
	if (!err)
		err = verity_table_format(&table, line, sizeof(line), NULL);
	if (!err)
		err = verity_table_format_dm_mod_create(
		    lvs.count ? &dm_table : &table, opts->dm_name, NULL, arg, sizeof(arg), NULL);
	if (err) {
		cli_error("Cannot write the table line: %s.", verity_strerror(err));
		ret = err == VERITY_E_TABLE_UNREPRESENTABLE ? EXIT_USAGE : cli_exit_code(err);
		goto out;
	}
	/* dm-mod.create= with the LVs first: "<name>,,<minor>,ro,<seg>,<seg>;" each. */
	if (lvs.count) {
		const char *prefix = "dm-mod.create=\"";
		size_t n = strlen(prefix);

		memcpy(full, prefix, n);
		for (unsigned i = 0; i < lvs.count; i++) {
			strcpy(dm_line, lvs.linear[i]);
			for (char *c = dm_line; *c; c++)
				if (*c == '\n')
					*c = ',';
			n += (size_t)snprintf(full + n, sizeof(full) - n, "%s,,%u,ro,%s;",
			                      lvs.dm_name[i], i, dm_line);
		}
		snprintf(full + n, sizeof(full) - n, "%s", arg + strlen(prefix));
	}
	if (opts->json) {
		cli_json_field_string("table", line);
		cli_json_field_string("dm_mod_create", lvs.count ? full : arg);
		if (lvs.count)
			json_linear(&lvs);
		if (cli_image_ddi_hash_arg(&img)) {
			char root_hex[2 * VERITY_MAX_DIGEST_SIZE + 1];

			cli_hex(root_hex, img.params.root_digest, img.params.root_digest_size);
			cli_json_field_string(cli_image_ddi_hash_arg(&img), root_hex);
		}
	} else {
		/* dmsetup skips '#' lines: each LV's linear table under its name. */
		for (unsigned i = 0; i < lvs.count; i++)
			printf("# %s (%s)\n%s\n", lvs.dm_name[i], lvs.path[i], lvs.linear[i]);
		if (lvs.count)
			printf("# %s\n", opts->dm_name ? opts->dm_name : "vroot");
		printf("%s\n%s\n", line, lvs.count ? full : arg);
		/* What systemd-veritysetup-generator takes on the kernel command line. */
		if (cli_image_ddi_hash_arg(&img)) {
			printf("%s=", cli_image_ddi_hash_arg(&img));
			print_root(&img);
			putchar('\n');
		}
	}
out:
	cli_fec_close(&fec);
	cli_image_close(&img);
	return ret;
}

const struct cli_command cli_cmd_table = {
    .name = "table",
    .args = CLI_IMAGE_ARGS,
    .summary = "Print the dm-verity table line and a dm-mod.create= kernel argument",
    .min_args = 1,
    .max_args = 3,
    .options = table_options,
    .run = run_table,
};
