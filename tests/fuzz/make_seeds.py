#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, tests/fuzz/corpus/<target>/.

Seeds are where each fuzzer starts: inputs that reach deep into a decoder, so
mutations explore around real data instead of rediscovering the format. They
come from the captured fixtures (tests/fixtures: ACPI tables, PCI
configuration spaces, virtio capability captures), laid out in each target's
input format (tests/fuzz/targets/*.cpp say the format in their header
comment), and from small hand-made inputs where nothing is captured (rota.cfg
text, load options, EDID, GET_DISPLAY_INFO answers, journal disks, virtqueue
scripts). The output is deterministic; the corpus is checked in, and this
script is how it was made:

    python3 tests/fuzz/make_seeds.py            # rewrites tests/fuzz/corpus/
    python3 tests/fuzz/make_seeds.py --check    # fails if the checked-in corpus differs

Python 3 standard library only.
"""
import argparse
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def checksum_fixed(data, at, length):
    """data with the byte at `at` set so data[0:length] sums to 0 mod 256."""
    data = bytearray(data)
    data[at] = 0
    data[at] = (-sum(data[:length])) & 0xFF
    return bytes(data)


def index_lines(folder):
    with open(os.path.join(folder, "index.txt")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line.split()


# ---------------------------------------------------------------- text


def config_seeds():
    every_key = (
        "# rota.cfg: every key once\n"
        "video=virtio\nmode=1280x800\nframes=600\ngate=off\nseed=0x1234abcd\n"
        "perframe=off\nfps=0\ncpus=2\njournal=on\ndebug=smp-selftest,dump-pci\n"
    )
    mistakes = (
        "\ufeffvideo = gop   # trailing comment\r\n"
        "mode=16x16\r\nframes=-1\r\nfps=1001\r\ncpus=0\r\n"
        "no equals sign here\r\nunknown=1\r\ndebug=fault-pf, nosuch\r\n"
        "seed=tsc\r\nmode=preferred\r\n\x00\x00\x00"
    )
    return {
        "every-key.cfg": every_key.encode(),
        "mistakes-crlf-bom.cfg": mistakes.encode("utf-8"),
        "defaults.cfg": b"video=auto\nmode=preferred\ncpus=all\ndebug=none\n",
    }


def utf16(text):
    return text.encode("utf-16-le") + b"\x00\x00"


def load_option_seeds():
    return {
        "shell-command.ucs2": utf16("BOOTX64.EFI fps=0 frames=600 gate=off"),
        "boot-entry.ucs2": utf16(
            "\\EFI\\BOOT\\BOOTX64.EFI\tmode=1024x768 debug=dump-acpi,test-scene"
        ),
        "binary-optional-data.ucs2": bytes(range(0, 64)),
    }


def ucs2_seeds():
    # The capacity byte, then UCS-2 units.
    return {
        "firmware-vendor": u8(64) + "EDK II".encode("utf-16-le"),
        "short-buffer": u8(4) + "BOOTX64.EFI fps=0".encode("utf-16-le"),
        "non-ascii": u8(32) + "caf\u00e9 \u2603\tok\r\n".encode("utf-16-le"),
    }


# ---------------------------------------------------------------- ACPI


def acpi_memory(folder, seal=False):
    """A fixture as BlobMemory's input: flags, then address/length/bytes per
    structure, the RSDP first. The DSDT keeps only its header (its AML is not
    rota's business), with the length and checksum made to match."""
    blobs = []
    for fields in index_lines(folder):
        name, address = fields[0], int(fields[1], 16)
        data = read(os.path.join(folder, name))
        if name == "DSDT.bin":
            data = data[:4] + u32(36) + data[8:36]
            data = checksum_fixed(data, 9, 36)
        blob = u64(address) + u16(len(data)) + data
        if name == "rsdp.bin":
            blobs.insert(0, blob)
        else:
            blobs.append(blob)
    return u8(1 if seal else 0) + b"".join(blobs)


def acpi_folders():
    base = os.path.join(FIXTURES, "acpi")
    return [
        os.path.join(base, d)
        for d in sorted(os.listdir(base))
        if os.path.isdir(os.path.join(base, d))
    ]


def unique_tables(signature):
    seeds = {}
    seen = set()
    for folder in acpi_folders():
        path = os.path.join(folder, signature + ".bin")
        if os.path.exists(path) and read(path) not in seen:
            seen.add(read(path))
            seeds[os.path.basename(folder) + "-" + signature] = read(path)
    return seeds


def acpi_table_seeds():
    seeds = {}
    for folder in acpi_folders():
        seeds[os.path.basename(folder)] = acpi_memory(folder)
    seeds["q35-smp4-sealed"] = acpi_memory(os.path.join(FIXTURES, "acpi", "q35-smp4"), seal=True)
    return seeds


# ---------------------------------------------------------------- PCI


def bar_masks(bars):
    """The writable bits of each BAR slot (PCI Local Bus 3.0, 6.2.5.1) for
    BARs of the given kinds and sizes, as tests/host's FakeConfigSpace has them."""
    masks = [0] * 6
    for index, kind, size in bars:
        mask = ~(size - 1) & 0xFFFFFFFFFFFFFFFF
        if kind == "io":
            masks[index] = mask & 0xFFFFFFFC
        elif kind.startswith("mem64"):
            masks[index] = mask & 0xFFFFFFF0
            masks[index + 1] = mask >> 32
        else:
            masks[index] = mask & 0xFFFFFFF0
    return b"".join(u32(m) for m in masks)


def pci_fixture(folder):
    """(functions {bdf: bytes}, bars {bdf: [(index, kind, size)]}, ecam)."""
    functions, bars, ecam = {}, {}, False
    for fields in index_lines(folder):
        if fields[0] == "access":
            ecam = fields[1] == "ecam"
        elif fields[0] == "function":
            functions[fields[1]] = read(os.path.join(folder, fields[3]))
        elif fields[0] == "bar":
            bars.setdefault(fields[1], []).append((int(fields[2]), fields[3], int(fields[5], 16)))
    return functions, bars, ecam


def pci_folders():
    base = os.path.join(FIXTURES, "pci")
    return [
        os.path.join(base, d)
        for d in sorted(os.listdir(base))
        if os.path.isdir(os.path.join(base, d))
    ]


def pci_function_seeds():
    seeds, seen = {}, set()
    for folder in pci_folders():
        functions, bars, ecam = pci_fixture(folder)
        for bdf, data in functions.items():
            seed = u8(1 if ecam else 0) + bar_masks(bars.get(bdf, [])) + data[:256]
            if seed not in seen:
                seen.add(seed)
                seeds[os.path.basename(folder) + "-" + bdf.replace(":", "_")] = seed
    return seeds


def pci_enumerate_seeds():
    seeds = {}
    for folder in pci_folders():
        functions, _, _ = pci_fixture(folder)
        seed = u8(0) + u8(255)
        for bdf, data in functions.items():
            bus, rest = bdf.split(":")
            device, function = rest.split(".")
            seed += (
                u8(int(bus, 16)) + u8(int(device, 16) << 3 | int(function)) + u8(255) + data[:255]
            )
        seeds[os.path.basename(folder)] = seed
    return seeds


def virtio_pci_cap_seeds():
    seeds = {}
    base = os.path.join(FIXTURES, "virtio")
    for name in sorted(os.listdir(base)):
        if not name.endswith(".cfg"):
            continue
        stem = name[: -len(".cfg")]
        windows = [(0, 0, "mem32")] * 6
        with open(os.path.join(base, stem + ".bars")) as f:
            for line in f:
                fields = line.split()
                if len(fields) == 4:
                    windows[int(fields[0])] = (int(fields[2], 16), int(fields[3], 16), fields[1])
        seed = b"".join(u64(a) + u64(s) + u8(1 if k == "io" else 0) for a, s, k in windows)
        seed += bytes(24) + read(os.path.join(base, name))[:256]
        seeds[stem] = seed
    return seeds


# ---------------------------------------------------------------- display


def edid_block(width, height):
    """A VESA E-EDID 1.4 base block whose first detailed timing is width x height."""
    edid = bytearray(128)
    edid[0:8] = b"\x00\xff\xff\xff\xff\xff\xff\x00"
    edid[18:20] = b"\x01\x04"
    d = 54
    edid[d : d + 2] = u16(10650)  # pixel clock, 10 kHz units
    edid[d + 2] = width & 0xFF
    edid[d + 4] = (width >> 8) << 4
    edid[d + 5] = height & 0xFF
    edid[d + 7] = (height >> 8) << 4
    return checksum_fixed(edid, 127, 128)


def edid_seeds():
    with_extension = edid_block(1920, 1080)
    with_extension = with_extension[:126] + b"\x01" + with_extension[127:]
    with_extension = checksum_fixed(with_extension, 127, 128) + bytes(128)
    return {"qemu-1280x800": edid_block(1280, 800), "1920x1080-extension": with_extension}


OK_NODATA, OK_DISPLAY_INFO, OK_EDID, ERR_UNSPEC = 0x1100, 0x1101, 0x1104, 0x1200


def ctrl_header(kind):
    return u32(kind) + u32(0) + u64(0) + u32(0) + u8(0) + bytes(3)


def display_info(modes):
    body = b""
    for i in range(16):
        width, height, enabled = modes[i] if i < len(modes) else (0, 0, 0)
        body += u32(0) + u32(0) + u32(width) + u32(height) + u32(enabled) + u32(0)
    return ctrl_header(OK_DISPLAY_INFO) + body


def gpu_display_info_seeds():
    answer = display_info([(1280, 800, 1)])
    two = display_info([(8, 8, 1), (1024, 768, 1)])
    return {
        "qemu-one-scanout": u8(0) + u32(0) + u32(0) + u32(len(answer)) + answer,
        "wanted-mode": u8(1) + u32(800) + u32(600) + u32(len(answer)) + answer,
        "tiny-first-scanout": u8(0) + u32(0) + u32(0) + u32(len(two)) + two,
    }


def gpu_response_seeds():
    edid = ctrl_header(OK_EDID) + u32(128) + u32(0) + edid_block(1280, 800) + bytes(1024 - 128)
    return {
        "ok-nodata": u32(OK_NODATA) + u16(24) + u32(24) + ctrl_header(OK_NODATA),
        "err-unspec": u32(OK_NODATA) + u16(24) + u32(24) + ctrl_header(ERR_UNSPEC),
        "ok-edid": u32(OK_EDID) + u16(len(edid)) + u32(len(edid)) + edid,
    }


def virgl_capset_seeds():
    # QEMU 7.2's VIRGL2 capset as captured (tests/fixtures/virgl), and its first
    # 308 bytes as the VIRGL (v1) capset, each with QEMU's two offers.
    capset2 = read(os.path.join(FIXTURES, "virgl", "capset2.bin"))
    offers = u8(2) + u32(1) + u32(1) + u32(308) + u32(2) + u32(2) + u32(len(capset2))
    mode = u16(1280) + u16(800)
    return {
        "qemu-virgl2": offers + u32(2) + mode + capset2,
        "qemu-virgl-v1": offers + u32(1) + mode + u32(1) + capset2[4:308],
    }


# ---------------------------------------------------------------- virtio-blk


def blk_config_seeds():
    # Features: SIZE_MAX (1), SEG_MAX (2), BLK_SIZE (6), FLUSH (9), VERSION_1 (32).
    features = (1 << 1) | (1 << 2) | (1 << 6) | (1 << 9) | (1 << 32)
    qemu = u64(131072) + u32(0) + u32(254) + u16(0) + u8(0) + u8(0) + u32(512) + bytes(36)
    big_blocks = u64(131072) + u32(65536) + u32(126) + bytes(4) + u32(4096) + bytes(36)
    return {
        "qemu-default": u64(features) + u8(60) + u8(2) + b"\x00\x00" + qemu,
        "4k-blocks-read-only": u64(features | 1 << 5) + u8(60) + u8(0) + big_blocks,
        "generation-changes": u64(features) + u8(24) + u8(4) + b"\x00\x01\x01\x01" + qemu,
    }


# ---------------------------------------------------------------- journal

JOURNAL_MAGIC = b"ROTAJRNL"
RECORD_MAGIC = 0x4E495053


def with_crc(structure):
    return structure[:60] + u32(zlib.crc32(structure[:60]))


def journal_header(record_bytes=512, area_start=8, region=2048):
    count = (region - area_start) // (record_bytes // 512)
    body = JOURNAL_MAGIC + u32(1) + u32(64) + u32(512) + u32(record_bytes)
    body += u64(area_start) + u32(count) + u32(region) + bytes(20) + u32(0)
    return with_crc(body)


def journal_record(sequence, fate, win, wedge):
    body = u32(RECORD_MAGIC) + u16(1) + u16(64) + u64(sequence) + u32(fate)
    body += u8(2 if win else 1) + u8(wedge) + u16(0)
    body += u32(432) + u32(600) + u32(16667) + u32(17012) + bytes(20) + u32(0)
    return with_crc(body)


def journal_header_seeds():
    return {
        "formatted-512": u8(0) + u64(131072) + journal_header(),
        "formatted-4k": u8(0) + u64(131072) + journal_header(record_bytes=4096),
        "sealed-small-area": u8(3) + u64(4096) + journal_header(area_start=1, region=1025),
    }


def journal_record_seeds():
    return {
        "slot-0": u8(0) + u8(0) + u16(2038) + u16(0) + journal_record(1, 1234567, True, 7),
        "slot-4-of-4k": u8(0) + u8(3) + u16(253) + u16(4) + journal_record(5, 42, False, 3),
    }


def patch(sector, data):
    return u16(sector) + u16(len(data)) + data


def journal_disk(flags, block_shift, capacity_extra, patches, fail_read=0, fail_write=0):
    return (
        u8(flags)
        + u8(block_shift)
        + u16(capacity_extra)
        + u8(fail_read)
        + u8(fail_write)
        + b"".join(patches)
    )


def journal_replay_seeds():
    records = [patch(8 + i, journal_record(i + 1, 1000 + i, i % 2 == 1, i)) for i in range(3)]
    fat = bytearray(512)
    fat[0x52:0x57] = b"FAT32"
    fat[510:512] = b"\x55\xaa"
    big = [patch(8 + 8 * i, journal_record(i + 1, 77 + i, True, 5)) for i in range(2)]
    return {
        "blank": journal_disk(0, 0, 0, []),
        "three-records": journal_disk(0, 0, 100, [patch(0, journal_header())] + records),
        "three-records-append": journal_disk(4, 0, 100, [patch(0, journal_header())] + records),
        "read-only": journal_disk(2, 0, 0, [patch(0, journal_header())] + records),
        "fat-volume": journal_disk(0, 0, 0, [patch(0, bytes(fat))]),
        "4k-blocks": journal_disk(4, 3, 0, [patch(0, journal_header(record_bytes=4096))] + big),
        "damaged-header": journal_disk(
            4, 0, 0, [patch(0, journal_header()[:60] + b"\0\0\0\0")] + records
        ),
        "failing-read": journal_disk(0, 0, 0, [patch(0, journal_header())] + records, fail_read=2),
    }


# ---------------------------------------------------------------- virtqueue

ADD, KICK, POLL, COMPLETE, ELEMENT, PUBLISH, SET_IDX, SET_EVENT = 0, 2, 3, 5, 6, 7, 8, 9


def virtqueue_seeds():
    # Setup byte: size = 1 << (setup % 9), EVENT_IDX when bit 7 is set.
    def add(readable, writable):
        return u8(ADD) + u8(readable | writable << 2) + u16(512) * (readable + writable)

    request = add(1, 1) + add(1, 2) + u8(KICK)
    served = u8(COMPLETE) + u16(512) + u8(COMPLETE) + u16(1024) + u8(PUBLISH) + u8(POLL) + u8(POLL)
    return {
        "blk-like-size-8": u8(3) + (request + served) * 4,
        "event-idx-size-64": u8(0x80 | 6) + (request + served + u8(SET_EVENT) + u16(3)) * 3,
        "hostile-element": u8(2)
        + request
        + u8(ELEMENT)
        + u32(9)
        + u32(4096)
        + u8(PUBLISH)
        + u8(POLL),
    }


# ---------------------------------------------------------------- main

TARGETS = {
    "config_file": config_seeds,
    "load_options": load_option_seeds,
    "ucs2": ucs2_seeds,
    "acpi_tables": acpi_table_seeds,
    "acpi_madt": lambda: unique_tables("APIC"),
    "acpi_mcfg": lambda: unique_tables("MCFG"),
    "acpi_fadt": lambda: unique_tables("FACP"),
    "pci_function": pci_function_seeds,
    "pci_enumerate": pci_enumerate_seeds,
    "virtio_pci_caps": virtio_pci_cap_seeds,
    "edid": edid_seeds,
    "gpu_display_info": gpu_display_info_seeds,
    "gpu_response": gpu_response_seeds,
    "virgl_capset": virgl_capset_seeds,
    "blk_config": blk_config_seeds,
    "journal_header": journal_header_seeds,
    "journal_record": journal_record_seeds,
    "journal_replay": journal_replay_seeds,
    "virtqueue_used": virtqueue_seeds,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--out", default=os.path.join(HERE, "corpus"))
    args = parser.parse_args()
    stale = []
    for target, make in sorted(TARGETS.items()):
        folder = os.path.join(args.out, target)
        seeds = make()
        if args.check:
            present = set(os.listdir(folder)) if os.path.isdir(folder) else set()
            for name, data in seeds.items():
                if name not in present or read(os.path.join(folder, name)) != data:
                    stale.append(os.path.join(target, name))
            continue
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name not in seeds:
                os.remove(os.path.join(folder, name))
        for name, data in seeds.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
    if stale:
        print(
            "make_seeds.py: corpus differs from the generator:", *stale, sep="\n  ", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
