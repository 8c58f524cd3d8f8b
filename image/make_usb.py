#!/usr/bin/env python3
"""make_usb.py OUT.img ESP.img — wraps the ESP in a GPT disk image for `dd` to a stick.

Layout (UEFI 2.10, section 5): LBA 0 protective MBR, LBA 1 primary GPT header, LBA 2-33
entry array, the ESP at LBA 2048 (1 MiB aligned, as partitioning tools do), and the
backup entry array and header in the last 33 sectors. The GUIDs are fixed so that the
same ESP always gives the same image.
"""
import struct
import sys
import uuid
import zlib

SECTOR = 512
ESP_FIRST_LBA = 2048
ENTRY_COUNT = 128
ENTRY_SIZE = 128
ENTRY_SECTORS = ENTRY_COUNT * ENTRY_SIZE // SECTOR  # 32
ESP_TYPE = uuid.UUID("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")
_NAMESPACE = uuid.UUID("9a1c3e52-3b0e-4a0c-8f3e-726f74610001")
DISK_GUID = uuid.uuid5(_NAMESPACE, "rota-usb disk")
PART_GUID = uuid.uuid5(_NAMESPACE, "rota-usb esp")


def total_sectors(esp_bytes):
    """ESP rounded up to whole MiB, plus 1 MiB in front and 1 MiB behind for the backup GPT."""
    esp_sectors = -(-esp_bytes // (1 << 20)) * (1 << 20) // SECTOR
    return ESP_FIRST_LBA + esp_sectors + ESP_FIRST_LBA


def protective_mbr(sectors):
    """One partition of type 0xEE covering the disk, so MBR-only tools leave it alone."""
    mbr = bytearray(SECTOR)
    size = min(sectors - 1, 0xFFFFFFFF)
    # status, CHS start (0/0/2), type, CHS end (saturated), first LBA, sector count
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff", 1, size)
    mbr[510:512] = b"\x55\xaa"
    return bytes(mbr)


def partition_entries(first_lba, last_lba):
    entry = struct.pack(
        "<16s16sQQQ72s",
        ESP_TYPE.bytes_le,
        PART_GUID.bytes_le,
        first_lba,
        last_lba,
        0,
        "EFI System".encode("utf-16-le"),
    )
    return entry + bytes(ENTRY_SIZE * (ENTRY_COUNT - 1))


def gpt_header(my_lba, alternate_lba, entries_lba, sectors, entries_crc):
    def pack(crc):
        return struct.pack(
            "<8sIIIIQQQQ16sQIII",
            b"EFI PART",
            0x00010000,
            92,
            crc,
            0,
            my_lba,
            alternate_lba,
            34,
            sectors - 34,
            DISK_GUID.bytes_le,
            entries_lba,
            ENTRY_COUNT,
            ENTRY_SIZE,
            entries_crc,
        )

    header = pack(zlib.crc32(pack(0)))  # the CRC covers the header with its own field zero
    return header + bytes(SECTOR - len(header))


def fat_with_hidden_sectors(boot_sector, hidden):
    """A FAT boot sector records how many sectors precede the volume (BPB_HiddSec);
    Windows and some firmware check it, so set it to the partition's first LBA."""
    if (
        len(boot_sector) < SECTOR
        or boot_sector[510:512] != b"\x55\xaa"
        or boot_sector[0] not in (0xEB, 0xE9)
    ):
        return boot_sector
    patched = bytearray(boot_sector)
    struct.pack_into("<I", patched, 0x1C, hidden)
    return bytes(patched)


def write_image(out_path, esp_path):
    with open(esp_path, "rb") as f:
        esp = f.read()
    sectors = total_sectors(len(esp))
    last_lba = sectors - 1
    esp_last = ESP_FIRST_LBA + -(-len(esp) // SECTOR) - 1
    entries = partition_entries(ESP_FIRST_LBA, esp_last)
    entries_crc = zlib.crc32(entries)

    esp = bytearray(esp)
    esp[0:SECTOR] = fat_with_hidden_sectors(esp[0:SECTOR], ESP_FIRST_LBA)
    if esp[0x16:0x18] == b"\x00\x00":  # FAT32: its backup boot sector must match
        backup = struct.unpack_from("<H", esp, 0x32)[0] * SECTOR
        if 0 < backup < len(esp) - SECTOR:
            esp[backup : backup + SECTOR] = fat_with_hidden_sectors(
                esp[backup : backup + SECTOR], ESP_FIRST_LBA
            )

    with open(out_path, "wb") as f:
        f.write(protective_mbr(sectors))
        f.write(gpt_header(1, last_lba, 2, sectors, entries_crc))
        f.write(entries)
        _write_sparse(f, ESP_FIRST_LBA * SECTOR, esp)
        f.seek((last_lba - ENTRY_SECTORS) * SECTOR)
        f.write(entries)
        f.write(gpt_header(last_lba, 1, last_lba - ENTRY_SECTORS, sectors, entries_crc))


def _write_sparse(f, offset, data, chunk=1 << 16):
    """Seeks over all-zero chunks so the image file stays sparse on disk."""
    zero = bytes(chunk)
    for pos in range(0, len(data), chunk):
        piece = data[pos : pos + chunk]
        if piece != zero[: len(piece)]:
            f.seek(offset + pos)
            f.write(piece)


def main(argv):
    if len(argv) != 3:
        print("usage: make_usb.py OUT.img ESP.img", file=sys.stderr)
        return 2
    write_image(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
