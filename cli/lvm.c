/* SPDX-License-Identifier: MIT */
/* LVM2 physical volumes for the CLI: open the files, scan, resolve VG/LV names. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"

int cli_lvm_exit_code(int err)
{
	switch (err) {
	case VERITY_E_LVM_NOT_FOUND:
		return EXIT_NOT_FOUND;
	case VERITY_E_LVM_MISSING_PV:
	case VERITY_E_LVM_TRUNCATED:
		return EXIT_IO;
	case VERITY_E_LVM_NO_LABEL:
	case VERITY_E_LVM_NO_METADATA:
	case VERITY_E_LVM_UNSUPPORTED:
	case VERITY_E_LVM_LIMIT:
	case VERITY_E_LVM_TEXT_TOO_LARGE:
		return EXIT_USAGE;
	default:
		break;
	}
	/* Damaged labels, headers, texts and maps: like a superblock that cannot be right. */
	if (err <= VERITY_E_LVM_NO_LABEL && err > VERITY_E_LVM_NO_LABEL - 100)
		return EXIT_CORRUPT;
	return cli_exit_code(err);
}

int cli_lvm_open(struct cli_lvm *pvs, const char *const *paths, size_t count, int *err,
                 char *detail, size_t detail_size)
{
	size_t bad = SIZE_MAX;
	struct verity_lvm_options o = {
	    .detail = detail, .detail_size = detail_size, .device = &bad};
	int ret;

	memset(pvs, 0, sizeof(*pvs));
	if (err)
		*err = 0;
	if (detail_size)
		detail[0] = '\0';
	if (count == 0 || count > VERITY_LVM_MAX_DEVICES) {
		cli_error("Give 1 to %d physical volumes.", VERITY_LVM_MAX_DEVICES);
		return EXIT_USAGE;
	}
	pvs->paths = paths;
	for (size_t i = 0; i < count; i++) {
		/* Never blocks on a FIFO; refuses what is not a file or block device. */
		pvs->fds[i] = cli_open_path(paths[i], O_RDONLY, NULL);
		if (pvs->fds[i] < 0) {
			if (err)
				*err = VERITY_E_IO;
			return EXIT_IO;
		}
		pvs->count = i + 1;
		ret = verity_bdev_from_fd(&pvs->bdevs[i], &pvs->ctx[i], pvs->fds[i], UINT64_MAX);
		if (ret) {
			cli_error("Device %s is not a regular file or block device.", paths[i]);
			if (err)
				*err = ret;
			return EXIT_IO;
		}
	}
	ret = verity_lvm_scan(&pvs->lvm, pvs->bdevs, count, &o);
	if (ret) {
		const char *where = bad < count ? paths[bad] : "";

		if (detail_size && detail[0])
			cli_error("LVM2 metadata refused: %s%s%s: %s.", where, *where ? ": " : "",
			          verity_strerror(ret), detail);
		else
			cli_error("LVM2 metadata refused: %s%s%s.", where, *where ? ": " : "",
			          verity_strerror(ret));
		if (err)
			*err = ret;
		return cli_lvm_exit_code(ret);
	}
	return EXIT_OK;
}

void cli_lvm_close(struct cli_lvm *pvs)
{
	verity_lvm_free(pvs->lvm);
	pvs->lvm = NULL;
	for (size_t i = 0; i < pvs->count; i++)
		close(pvs->fds[i]);
	pvs->count = 0;
}

/* "VG/LV": one slash, neither part empty, not "./..." or "/..." (those are files). */
static bool lv_shaped(const char *path, size_t *slash)
{
	const char *s = strchr(path, '/');

	if (!s || s == path || !s[1] || strchr(s + 1, '/') || path[0] == '.')
		return false;
	*slash = (size_t)(s - path);
	return true;
}

int cli_lvm_resolve(struct cli_lvm *pvs, const struct cli_options *opts, const char *path,
                    struct verity_bdev *bdev, bool *is_lv)
{
	char vg_name[VERITY_LVM_NAME_MAX + 1], detail[256];
	size_t slash, vg, lv;
	struct stat st;
	int ret;

	*is_lv = false;
	if (opts->pv.count == 0 || !lv_shaped(path, &slash) || slash > VERITY_LVM_NAME_MAX)
		return EXIT_OK;
	if (!pvs->lvm) {
		ret =
		    cli_lvm_open(pvs, opts->pv.items, opts->pv.count, NULL, detail, sizeof(detail));
		if (ret)
			return ret;
	}
	memcpy(vg_name, path, slash);
	vg_name[slash] = '\0';
	ret = verity_lvm_find(pvs->lvm, vg_name, path + slash + 1, &vg, &lv);
	if (ret == VERITY_E_LVM_NOT_FOUND) {
		/* Not an LV: a file of that name is still a file. */
		if (stat(path, &st) == 0)
			return EXIT_OK;
		cli_error("Logical volume %s not found on the given physical volumes.", path);
		return EXIT_NOT_FOUND;
	}
	if (!ret)
		ret = verity_lvm_lv_bdev(pvs->lvm, vg, lv, bdev);
	if (ret == VERITY_E_LVM_UNSUPPORTED) {
		struct verity_lvm_lv_info info;

		verity_lvm_lv_info(pvs->lvm, vg, lv, &info);
		cli_error("Logical volume %s is not linear: segment type %s is not supported.",
		          path, info.unsupported_type);
	} else if (ret) {
		cli_error("Cannot open logical volume %s: %s.", path, verity_strerror(ret));
	}
	if (ret)
		return cli_lvm_exit_code(ret);
	*is_lv = true;
	return EXIT_OK;
}

int cli_lvm_dm_name(const char *vg_lv, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = vg_lv; *p; p++) {
		const char *put = *p == '-' ? "--" : *p == '/' ? "-" : NULL;
		char one[2] = {*p, '\0'};

		for (const char *q = put ? put : one; *q; q++) {
			if (n + 1 >= size)
				return EXIT_USAGE;
			out[n++] = *q;
		}
	}
	out[n] = '\0';
	return EXIT_OK;
}

/* Whether dmsetup and dm-init can take @s as one word. */
static bool table_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s == ',' || *s == ';' || *s == '"' || *s == 0x7f)
			return false;
	return true;
}

int cli_lvm_linear_table(const struct cli_lvm *pvs, const char *path, char sep, char *out,
                         size_t size)
{
	char vg_name[VERITY_LVM_NAME_MAX + 1];
	struct verity_lvm_lv_info info;
	struct verity_lvm_vg_info vgi;
	char sep_str[2] = {sep, '\0'};
	size_t slash, vg, lv, n = 0;

	if (!pvs->lvm || !lv_shaped(path, &slash) || slash > VERITY_LVM_NAME_MAX)
		return EXIT_NOT_FOUND;
	memcpy(vg_name, path, slash);
	vg_name[slash] = '\0';
	if (verity_lvm_find(pvs->lvm, vg_name, path + slash + 1, &vg, &lv) ||
	    verity_lvm_vg_info(pvs->lvm, vg, &vgi) || verity_lvm_lv_info(pvs->lvm, vg, lv, &info))
		return EXIT_NOT_FOUND;
	out[0] = '\0';
	for (size_t s = 0; s < info.segment_count; s++) {
		struct verity_lvm_segment seg;
		struct verity_lvm_pv_info pv;
		const char *file;
		int len;

		verity_lvm_segment(pvs->lvm, vg, lv, s, &seg);
		verity_lvm_pv_info(pvs->lvm, vg, seg.pv, &pv);
		file = pvs->paths[pv.device_index];
		if (!table_word(file)) {
			cli_error("Physical volume name %s cannot be written into a table line.",
			          file);
			return EXIT_USAGE;
		}
		/* Sizes in 512-byte sectors; all multiples of the extent size. */
		len =
		    snprintf(out + n, size - n, "%s%llu %llu linear %s %llu", s ? sep_str : "",
		             (unsigned long long)(seg.start_extent * vgi.extent_size / 512),
		             (unsigned long long)(seg.extent_count * vgi.extent_size / 512), file,
		             (unsigned long long)((pv.pe_start + seg.pe * vgi.extent_size) / 512));
		if (len < 0 || (size_t)len >= size - n) {
			cli_error("Linear table of %s too long.", path);
			return EXIT_USAGE;
		}
		n += (size_t)len;
	}
	return EXIT_OK;
}
