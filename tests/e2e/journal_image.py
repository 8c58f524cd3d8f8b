"""Spin journals written on the host, byte by byte as docs/journal.md defines them
(not with rota's encoder), so that a test can put any header or record on a disk
image and see what the kernel makes of it."""
import struct
import zlib

SECTOR = 512
MAGIC = b"ROTAJRNL"
RECORD_MAGIC = 0x4E495053  # "SPIN"


def header(record_bytes=512, area_start=8, record_count=2040, region_sectors=2048, version=1):
    """The 64-byte header ("Header (sector 0)"), its CRC over bytes 0..59."""
    body = struct.pack(
        "<8sIIIIQII20s",
        MAGIC,
        version,
        64,
        SECTOR,
        record_bytes,
        area_start,
        record_count,
        region_sectors,
        bytes(20),
    )
    return body + struct.pack("<I", zlib.crc32(body))


def record(sequence, fate, win, wedge, frames=432, fps_x10=600, p50_us=16667, p99_us=17000):
    """One 64-byte record ("Record (one per slot)")."""
    body = struct.pack(
        "<IHHQIBBHIIII20s",
        RECORD_MAGIC,
        1,
        64,
        sequence,
        fate,
        2 if win else 1,
        wedge,
        0,
        frames,
        fps_x10,
        p50_us,
        p99_us,
        bytes(20),
    )
    return body + struct.pack("<I", zlib.crc32(body))


def write_at(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)
