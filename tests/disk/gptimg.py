#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Small GPT image writer and editor for the disk tests: makes images that
systemd-repart cannot (4096-byte sectors, damaged headers, A/B pairs, bad
ranges) and edits images it made (signature JSON, swapped UUIDs).

  gptimg.py make OUT [--sector-size N] [--entries N] [--align SECTORS]
                     [--damage primary|primary-entries]
                     --part type=T,uuid=U,label=L,file=F[,attrs=A][,first=LBA][,last=LBA] ...
      T is a GUID or ROLE-ARCH (root-x86-64, root-verity-arm64, usr-verity-sig-x86-64...).
      Partitions are laid out in order, 4 KiB aligned, unless first/last are given.
  gptimg.py sig-json IMG INDEX '{"rootHash": ...}'   replace a partition's contents (NUL-padded)
  gptimg.py swap-uuids IMG I J                        exchange two partitions' UUIDs
  gptimg.py offset IMG INDEX                          print "OFFSET SIZE" of a partition (bytes)
"""
import json
import struct
import sys
import uuid as uuidlib
import zlib

TYPES = {
    "x86-64": ["4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "8484680c-9521-48c6-9c11-b0720656f69e",
               "2c7357ed-ebd2-46d9-aec1-23d437ec2bf5", "77ff5f63-e7b6-4633-acf4-1565b864c0e6",
               "41092b05-9fc8-4523-994f-2def0408b176", "e7bb33fb-06cf-4e81-8273-e543b413e2e2"],
    "arm64": ["b921b045-1df0-41c3-af44-4c6f280d3fae", "b0e01050-ee5f-4390-949a-9101b17104e9",
              "df3300ce-d69f-4c92-978c-9bfb0f38d820", "6e11a4e7-fbca-4ded-b9e9-e1a512bb664e",
              "6db69de6-29f4-4758-a7a5-962190f00ce3", "c23ce4ff-44bd-4b00-b2d4-b41b3419e02a"],
}
ROLES = ["root", "usr", "root-verity", "usr-verity", "root-verity-sig", "usr-verity-sig"]


def type_guid(text):
    for arch, guids in TYPES.items():
        for role, guid in zip(ROLES, guids):
            if text == role + "-" + arch:
                return guid
    return text


def guid_bytes(text):
    return uuidlib.UUID(text).bytes_le


def header(ss, my, alt, first, last, disk_guid, entries_lba, count, esize, entries_crc):
    h = struct.pack("<8sIII4xQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, my, alt, first, last,
                    disk_guid, entries_lba, count, esize, entries_crc)
    crc = zlib.crc32(h)
    h = h[:16] + struct.pack("<I", crc) + h[20:]
    return h + bytes(ss - len(h))


def make(args):
    out = args[0]
    ss, count, damage, parts, align_arg = 512, 128, None, [], None
    i = 1
    while i < len(args):
        if args[i] == "--sector-size":
            ss = int(args[i + 1])
        elif args[i] == "--entries":
            count = int(args[i + 1])
        elif args[i] == "--align":
            align_arg = int(args[i + 1])
        elif args[i] == "--damage":
            damage = args[i + 1]
        elif args[i] == "--part":
            parts.append(dict(kv.split("=", 1) for kv in args[i + 1].split(",")))
        i += 2
    esize = 128
    entry_sectors = (count * esize + ss - 1) // ss
    first_usable = 2 + entry_sectors
    align = align_arg or max(1, 4096 // ss)
    lba = (first_usable + align - 1) // align * align
    layout = []
    for p in parts:
        data = open(p["file"], "rb").read() if "file" in p else b""
        nsect = max(1, (len(data) + ss - 1) // ss)
        first = int(p.get("first", lba))
        last = int(p.get("last", first + nsect - 1))
        layout.append((p, data, first, last))
        if "first" not in p:  # explicit ranges may lie anywhere, past the end included
            lba = max(lba, (last + 1 + align - 1) // align * align)
    total = lba + entry_sectors + 1
    last_usable = total - entry_sectors - 2
    entries = b""
    for p, data, first, last in layout:
        name = p.get("label", "").encode("utf-16-le")[:72]
        entries += (guid_bytes(type_guid(p["type"])) + guid_bytes(p["uuid"]) +
                    struct.pack("<QQQ", first, last, int(p.get("attrs", "0"))) +
                    name + bytes(72 - len(name)))
    entries += bytes(count * esize - len(entries))
    ecrc = zlib.crc32(entries)
    img = bytearray(total * ss)
    mbr = bytearray(512)
    mbr[446 + 4] = 0xEE
    struct.pack_into("<II", mbr, 446 + 8, 1, min(total - 1, 0xFFFFFFFF))
    mbr[510:512] = b"\x55\xaa"
    img[0:512] = mbr
    disk_guid = uuidlib.uuid4().bytes_le
    img[ss:2 * ss] = header(ss, 1, total - 1, first_usable, last_usable, disk_guid, 2, count,
                            esize, ecrc)
    img[2 * ss:2 * ss + len(entries)] = entries
    backup_entries = total - 1 - entry_sectors
    img[backup_entries * ss:backup_entries * ss + len(entries)] = entries
    img[(total - 1) * ss:total * ss] = header(ss, total - 1, 1, first_usable, last_usable,
                                              disk_guid, backup_entries, count, esize, ecrc)
    for p, data, first, last in layout:
        if first * ss + len(data) <= len(img):
            img[first * ss:first * ss + len(data)] = data
    if damage == "primary":
        img[ss + 40] ^= 1
    elif damage == "primary-entries":
        img[2 * ss + 1] ^= 1
    open(out, "wb").write(img)


def find_gpt(img):
    for ss in (512, 4096):
        if img[ss:ss + 8] == b"EFI PART":
            return ss
    raise SystemExit("no GPT")


def entry_range(img, index):
    ss = find_gpt(img)
    entries_lba, count, esize = struct.unpack_from("<QII", img, ss + 72)
    off = entries_lba * ss + (index - 1) * esize
    first, last = struct.unpack_from("<QQ", img, off + 32)
    return ss, off, first * ss, (last - first + 1) * ss


def rewrite_crcs(img, ss, hdr_lba):
    h = hdr_lba * ss
    entries_lba, count, esize = struct.unpack_from("<QII", img, h + 72)
    ecrc = zlib.crc32(img[entries_lba * ss:entries_lba * ss + count * esize])
    struct.pack_into("<I", img, h + 88, ecrc)
    struct.pack_into("<I", img, h + 16, 0)
    size = struct.unpack_from("<I", img, h + 12)[0]
    struct.pack_into("<I", img, h + 16, zlib.crc32(img[h:h + size]))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make(args)
        return
    img = bytearray(open(args[0], "rb").read())
    if cmd == "offset":
        _, _, off, size = entry_range(img, int(args[1]))
        print(off, size)
        return
    if cmd == "sig-json":
        _, _, off, size = entry_range(img, int(args[1]))
        text = args[2].encode()
        assert len(text) <= size
        img[off:off + size] = text + bytes(size - len(text))
    elif cmd == "swap-uuids":
        ss, a, _, _ = entry_range(img, int(args[1]))
        _, b, _, _ = entry_range(img, int(args[2]))
        ua, ub = bytes(img[a + 16:a + 32]), bytes(img[b + 16:b + 32])
        img[a + 16:a + 32], img[b + 16:b + 32] = ub, ua
        # Both copies of the entries and both headers stay consistent.
        total = len(img) // ss
        pentries = struct.unpack_from("<Q", img, ss + 72)[0]
        bentries = struct.unpack_from("<Q", img, (total - 1) * ss + 72)[0]
        count, esize = struct.unpack_from("<II", img, ss + 80)
        n = count * esize
        img[bentries * ss:bentries * ss + n] = img[pentries * ss:pentries * ss + n]
        rewrite_crcs(img, ss, 1)
        rewrite_crcs(img, ss, total - 1)
    open(args[0], "wb").write(img)


if __name__ == "__main__":
    main()
