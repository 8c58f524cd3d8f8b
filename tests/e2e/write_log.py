"""The log QEMU's blklogwrites block driver keeps of every write and flush a guest
issues, read back so that a test can replay any prefix of it onto a copy of the
disk: the disk as a power cut at that moment could have left it.

blklogwrites uses the format of Linux's dm-log-writes (drivers/md/dm-log-writes.c,
and QEMU's block/blklogwrites.c): all little-endian; log sector 0 is the superblock
(magic 0x6a736677736872, version 1, nr_entries, sectorsize), and from log sector 1
each entry is one log sector holding (sector, nr_sectors, flags, data_len) followed,
unless it is a discard, by the nr_sectors sectors of data written. A flush is an
entry with LOG_FLUSH_FLAG and no data. Entries are logged after the write itself
completed, in completion order.

The records in the data are decoded here from docs/journal.md, not with rota's code.
"""
import dataclasses
import struct
import zlib

MAGIC = 0x6A736677736872
FLUSH, FUA, DISCARD, MARK = 1, 2, 4, 8
RECORD_MAGIC = 0x4E495053  # "SPIN"


@dataclasses.dataclass
class Entry:
    sector: int  # where on the disk, in the log's sectors
    nr_sectors: int
    flags: int
    data: bytes

    @property
    def flush(self):
        return bool(self.flags & FLUSH)


def read_log(path):
    """The superblock's entry count and every entry in the file (read until the
    data ends: writes after the last flush need not be counted in the superblock)."""
    with open(path, "rb") as f:
        log = f.read()
    magic, version, counted, sector_size = struct.unpack_from("<QQQI", log, 0)
    if magic != MAGIC or version != 1:
        raise ValueError(f"{path}: not a blklogwrites log (magic {magic:#x})")
    entries, at = [], sector_size
    while at + sector_size <= len(log):
        sector, nr_sectors, flags, _ = struct.unpack_from("<QQQQ", log, at)
        if flags & ~(FLUSH | FUA | DISCARD | MARK) or (flags == 0 and nr_sectors == 0):
            break  # past the last entry
        at += sector_size
        size = 0 if flags & DISCARD else nr_sectors * sector_size
        if at + size > len(log):
            break
        entries.append(Entry(sector, nr_sectors, flags, log[at : at + size]))
        at += size
    if len(entries) < counted:
        raise ValueError(f"{path}: {len(entries)} entries, the superblock counts {counted}")
    return entries, sector_size


def apply(image, entry, sector_size, sectors=None):
    """Writes entry (its first `sectors` sectors only: a torn write) into image."""
    if entry.flags & DISCARD or not entry.data:
        return
    count = entry.nr_sectors if sectors is None else sectors
    start = entry.sector * sector_size
    image[start : start + count * sector_size] = entry.data[: count * sector_size]


def record_text(sector_bytes):
    """The record at the start of these bytes in rota-journal's field format
    ("seq=1 fate=... p99_us=..."), or None if there is no valid one."""
    if len(sector_bytes) < 64:
        return None
    body, crc = sector_bytes[:60], struct.unpack_from("<I", sector_bytes, 60)[0]
    magic, version, length, seq, fate, result, wedge = struct.unpack_from("<IHHQIBB", body)
    if magic != RECORD_MAGIC or zlib.crc32(body) != crc or version != 1 or length != 64:
        return None
    frames, fps_x10, p50, p99 = struct.unpack_from("<IIII", body, 24)
    return (
        f"seq={seq} fate={fate} result={'win' if result == 2 else 'lose'} wedge={wedge} "
        f"frames={frames} fps={fps_x10 // 10}.{fps_x10 % 10} p50_us={p50} p99_us={p99}"
    )


def records_written(entry, sector_size):
    """The records an entry writes, each at the start of one of its sectors."""
    found = []
    for i in range(0, len(entry.data), sector_size):
        text = record_text(entry.data[i : i + sector_size])
        if text is not None:
            found.append(text)
    return found
