"""Host-side checks of the imaging tools and the harness's pure parts; no QEMU.

Run: python3 -m unittest -v test_tools (from this directory), ctest name tools_selftest.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_DIR = os.path.join(HERE, "..", "..", "image")
sys.path.insert(0, IMAGE_DIR)

import make_usb  # noqa: E402
import picture  # noqa: E402
import qemu  # noqa: E402

SECTOR = 512
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def mcopy_out(image, path):
    return subprocess.run(
        ["mcopy", "-n", "-i", image, "::" + path, "-"],
        env=MTOOLS_ENV,
        check=True,
        capture_output=True,
    ).stdout


class Images(unittest.TestCase):
    """make_esp.sh and make_usb.py on a stand-in EFI binary."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rota-tools-")
        cls.efi = os.path.join(cls.dir, "BOOTX64.EFI")
        cls.efi_bytes = b"MZ" + bytes(range(256)) * 40
        with open(cls.efi, "wb") as f:
            f.write(cls.efi_bytes)
        cls.cfg = os.path.join(IMAGE_DIR, "rota.cfg")
        cls.esp = os.path.join(cls.dir, "esp.img")
        cls.usb = os.path.join(cls.dir, "usb.img")
        subprocess.run(
            [os.path.join(IMAGE_DIR, "make_esp.sh"), cls.esp, cls.efi, cls.cfg], check=True
        )
        make_usb.write_image(cls.usb, cls.esp)
        cls.disk = read(cls.usb)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def test_esp_holds_the_loader_and_the_config(self):
        self.assertEqual(mcopy_out(self.esp, "/EFI/BOOT/BOOTX64.EFI"), self.efi_bytes)
        self.assertEqual(mcopy_out(self.esp, "/rota.cfg"), read(self.cfg))
        self.assertEqual(read(self.esp)[0x52:0x5A], b"FAT32   ")

    def test_protective_mbr(self):
        mbr = self.disk[:SECTOR]
        self.assertEqual(mbr[510:512], b"\x55\xaa")
        self.assertEqual(mbr[446 + 4], 0xEE)
        first, count = struct.unpack_from("<II", mbr, 446 + 8)
        self.assertEqual((first, count), (1, len(self.disk) // SECTOR - 1))
        self.assertEqual(mbr[462:510], bytes(48))  # the other three entries are empty

    def check_header(self, lba, alternate, entries_lba):
        raw = self.disk[lba * SECTOR : (lba + 1) * SECTOR]
        (
            sig,
            rev,
            size,
            crc,
            _,
            my,
            alt,
            first,
            last,
            guid,
            elba,
            n,
            esize,
            ecrc,
        ) = struct.unpack_from("<8sIIIIQQQQ16sQIII", raw)
        self.assertEqual((sig, rev, size), (b"EFI PART", 0x10000, 92))
        self.assertEqual(crc, zlib.crc32(raw[:16] + bytes(4) + raw[20:92]))
        self.assertEqual((my, alt, elba), (lba, alternate, entries_lba))
        self.assertEqual((first, last), (34, len(self.disk) // SECTOR - 34))
        entries = self.disk[elba * SECTOR : elba * SECTOR + n * esize]
        self.assertEqual(ecrc, zlib.crc32(entries))
        return guid, entries

    def test_primary_and_backup_gpt_agree(self):
        last = len(self.disk) // SECTOR - 1
        guid, entries = self.check_header(1, last, 2)
        backup_guid, backup_entries = self.check_header(last, 1, last - 32)
        self.assertEqual((guid, entries), (backup_guid, backup_entries))

    def test_esp_partition(self):
        _, entries = self.check_header(1, len(self.disk) // SECTOR - 1, 2)
        kind, _, first, last, _, name = struct.unpack_from("<16s16sQQQ72s", entries)
        self.assertEqual(
            uuid.UUID(bytes_le=kind), uuid.UUID("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")
        )
        esp = read(self.esp)
        self.assertEqual((first, last), (2048, 2048 + len(esp) // SECTOR - 1))
        self.assertEqual(name.decode("utf-16-le").rstrip("\0"), "EFI System")
        self.assertEqual(entries[128:], bytes(127 * 128))
        inside = self.disk[first * SECTOR : (last + 1) * SECTOR]
        self.assertEqual(struct.unpack_from("<I", inside, 0x1C)[0], 2048)  # BPB_HiddSec
        patched = bytearray(esp)
        for sector in (0, 6):  # the FAT32 boot sector and its backup
            struct.pack_into("<I", patched, sector * SECTOR + 0x1C, 2048)
        self.assertEqual(inside, bytes(patched))
        self.assertEqual(
            mcopy_out(f"{self.usb}@@{2048 * SECTOR}", "/EFI/BOOT/BOOTX64.EFI"), self.efi_bytes
        )

    @unittest.skipUnless(shutil.which("sfdisk"), "sfdisk not installed")
    def test_sfdisk_agrees(self):
        out = subprocess.run(
            ["sfdisk", "--dump", self.usb], check=True, capture_output=True, text=True
        ).stdout
        self.assertIn("label: gpt", out)
        self.assertRegex(
            out, r"start=\s*2048, size=\s*131072, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
        )

    @unittest.skipUnless(shutil.which("sgdisk"), "sgdisk not installed")
    def test_sgdisk_verifies(self):
        out = subprocess.run(
            ["sgdisk", "-v", self.usb], check=True, capture_output=True, text=True
        ).stdout
        self.assertIn("No problems found", out)

    def test_cfg_lines_are_appended_in_a_copy(self):
        for image, offset in ((self.esp, 0), (self.usb, 2048 * SECTOR)):
            copy = os.path.join(self.dir, "copy.img")
            shutil.copyfile(image, copy)
            qemu._append_cfg(copy, offset, ["frames=5", "debug=fault-pf"], self.dir)
            target = f"{copy}@@{offset}" if offset else copy
            text = mcopy_out(target, "/rota.cfg").decode()
            self.assertTrue(text.endswith("\nframes=5\ndebug=fault-pf\n"), text[-80:])
            self.assertEqual(text[: -len("frames=5\ndebug=fault-pf\n")], read(self.cfg).decode())


def png(width, height, rows, color=2):
    """A PNG with one filter type per row, as encoders choose them."""
    bpp = 3 if color == 2 else 4

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw, prev = b"", bytes(width * bpp)
    for y, row in enumerate(rows):
        kind = y % 5
        out = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            paeth = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]
            out.append((x - [0, a, b, (a + b) // 2, paeth][kind]) & 0xFF)
        raw += bytes([kind]) + out
        prev = row
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class Pictures(unittest.TestCase):
    W, H = 7, 10

    def rgb(self, x, y):
        return ((x * 37 + y * 11) & 0xFF, (x * y * 5 + 200) & 0xFF, (255 - x * 13 - y) & 0xFF)

    def check(self, image):
        self.assertEqual((image.width, image.height), (self.W, self.H))
        for y in range(self.H):
            for x in range(self.W):
                self.assertEqual(image.pixel(x, y), self.rgb(x, y), (x, y))

    def test_png_rgb_all_filters(self):
        rows = [bytes(v for x in range(self.W) for v in self.rgb(x, y)) for y in range(self.H)]
        self.check(picture.parse_png(png(self.W, self.H, rows)))

    def test_png_rgba(self):
        rows = [
            bytes(v for x in range(self.W) for v in self.rgb(x, y) + (x,)) for y in range(self.H)
        ]
        self.check(picture.parse_png(png(self.W, self.H, rows, color=6)))

    def test_ppm_with_comment(self):
        pixels = bytes(v for y in range(self.H) for x in range(self.W) for v in self.rgb(x, y))
        self.check(picture.parse_ppm(b"P6\n# qemu\n%d %d\n255\n" % (self.W, self.H) + pixels))


class SerialLines(unittest.TestCase):
    """wait_for_line on a log file written by hand, with a stand-in process for QEMU."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rota-serial-")
        self.m = qemu.Machine(qemu.Options(image="unused"))
        self.m.serial_path = os.path.join(self.dir, "serial.log")
        self.m.proc = subprocess.Popen(["sleep", "30"])

    def tearDown(self):
        self.m.kill()
        shutil.rmtree(self.dir)

    def write(self, data):
        with open(self.m.serial_path, "ab") as f:
            f.write(data)

    def test_escapes_and_order(self):
        self.write(
            b"\x1b[2J\x1b[01;01H\x1b[=3hBdsDxe: starting\r\n[boot] one\r\n[mem] two\n[boot] three"
        )
        self.assertEqual(self.m.wait_for_line(r"^\[mem\]", 1).group(0), "[mem]")
        self.assertEqual(
            self.m.wait_for_line(r"^\[boot\] (\w+)", 1, from_start=True).group(1), "one"
        )
        with self.assertRaises(qemu.Timeout):  # "three" has no newline yet, "one" is behind
            self.m.wait_for_line(r"^\[boot\]", 0.3)
        self.write(b"\n")
        self.assertEqual(self.m.wait_for_line(r"^\[boot\] (\w+)", 1).group(1), "three")
        self.assertEqual(self.m.lines[0], "BdsDxe: starting")

    def test_exit_while_waiting(self):
        self.write(b"[panic] halted")
        self.m.proc.kill()
        self.m.proc.wait()
        self.assertEqual(self.m.wait_for_line(r"halted", 1).group(0), "halted")
        with self.assertRaises(qemu.Exited):
            self.m.wait_for_line(r"\[summary\]", 5)


if __name__ == "__main__":
    unittest.main()
