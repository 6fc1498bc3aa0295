/* SPDX-License-Identifier: MIT */
/*
 * libverity: verify Linux dm-verity images outside the kernel.
 *
 * The umbrella header: include this one. Every function returns 0 on success
 * or a negative VERITY_E_* code; verity_strerror() turns a code into a
 * message. The library never prints and never exits.
 *
 * Conventions (after libfsverity): parameter structs are zeroed by the caller
 * and then filled in; fields named reserved* must stay zero.
 *
 * The headers below split along the core/hosted line: everything but
 * <libverity/hosted.h> is in the freestanding core a bootloader links;
 * hosted.h (file descriptors, files, directories) is left out when compiling
 * with -ffreestanding or -DVERITY_FREESTANDING.
 */
#ifndef LIBVERITY_H
#define LIBVERITY_H

#include <libverity/common.h>
#include <libverity/sha.h>
#include <libverity/sha256.h>
#include <libverity/tree.h>
#include <libverity/superblock.h>
#include <libverity/device.h>
#include <libverity/table.h>
#include <libverity/sig.h>
#include <libverity/open.h>
#include <libverity/disk.h>
#include <libverity/lvm.h>
#include <libverity/fec.h>

#if __STDC_HOSTED__ && !defined(VERITY_FREESTANDING)
#include <libverity/hosted.h>
#endif

#endif /* LIBVERITY_H */
