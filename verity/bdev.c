/* SPDX-License-Identifier: MIT */
/* Checked reads through a bdev, and the memory adapter (freestanding). */
#include <string.h>

#include "verity/util.h"

int verity_bdev_read(const struct verity_bdev *bdev, uint64_t offset, void *buf, size_t len)
{
	uint64_t end;
	int ret;

	if (!bdev || !bdev->read || (!buf && len))
		return VERITY_E_INVAL;
	if (verity_add_overflow_u64(offset, len, &end) || end > bdev->size)
		return VERITY_E_RANGE;
	if (len == 0)
		return 0;
	ret = bdev->read(bdev->user_data, offset, buf, len);
	/* Every read goes through here: a callback's positive return is not success. */
	return ret > 0 ? VERITY_E_IO : ret;
}

const void *verity_bdev_map(const struct verity_bdev *bdev, uint64_t offset, size_t len)
{
	uint64_t end;

	if (!bdev || !bdev->map || len == 0 || verity_add_overflow_u64(offset, len, &end) ||
	    end > bdev->size)
		return NULL;
	return bdev->map(bdev->user_data, offset, len);
}

void verity_bdev_unmap(const struct verity_bdev *bdev, const void *addr, uint64_t offset,
                       size_t len)
{
	if (addr && bdev->unmap)
		bdev->unmap(bdev->user_data, addr, offset, len);
}

static int memory_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	const struct verity_memory_bdev *mem = user_data;

	if (offset > mem->len || len > mem->len - offset)
		return VERITY_E_SHORT_READ;
	memcpy(buf, mem->bytes + offset, len);
	return 0;
}

static const void *memory_map(void *user_data, uint64_t offset, size_t len)
{
	const struct verity_memory_bdev *mem = user_data;

	if (offset > mem->len || len > mem->len - offset)
		return NULL;
	return mem->bytes + offset;
}

int verity_bdev_from_memory(struct verity_bdev *bdev, struct verity_memory_bdev *mem_ctx,
                            const void *mem, size_t len)
{
	if (!bdev || !mem_ctx || (!mem && len))
		return VERITY_E_INVAL;
	mem_ctx->bytes = mem;
	mem_ctx->len = len;
	*bdev = (struct verity_bdev){
	    .user_data = mem_ctx, .read = memory_read, .size = len, .map = memory_map};
	return 0;
}
