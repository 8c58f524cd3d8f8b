"""Host-side checks of the imaging tools, the plot and the harness's pure parts; no QEMU.

Run: python3 -m unittest -v test_tools (from this directory), ctest name tools_selftest.
Needs Debian's python3-pil and python3-matplotlib (image/deps.sh), and the partition
tools' own checkers, sgdisk (gdisk) and sfdisk (fdisk), to judge the USB image.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
IMAGE_DIR = os.path.join(ROOT, "image")
FRAMETIMES_LOG = os.path.join(ROOT, "tests", "fixtures", "serial", "frametimes.log")
sys.path.insert(0, IMAGE_DIR)

import picture  # noqa: E402
import qemu  # noqa: E402

SECTOR = 512
ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def mcopy_out(image, path):
    return subprocess.run(
        ["mcopy", "-n", "-i", image, "::" + path, "-"],
        env=MTOOLS_ENV,
        check=True,
        capture_output=True,
    ).stdout


class Images(unittest.TestCase):
    """make_esp.sh and make_usb.sh on a stand-in EFI binary, judged by the partition
    and file system tools themselves."""

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
        run(os.path.join(IMAGE_DIR, "make_esp.sh"), cls.esp, cls.efi, cls.cfg)
        run(os.path.join(IMAGE_DIR, "make_usb.sh"), cls.usb, cls.efi, cls.cfg)
        cls.table = json.loads(run("sfdisk", "--json", cls.usb))["partitiontable"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def partition(self, name):
        """The ESP's sectors copied out of the stick image, as a file of its own."""
        (part,) = self.table["partitions"]
        path = os.path.join(self.dir, name)
        with open(self.usb, "rb") as f:
            f.seek(part["start"] * SECTOR)
            data = f.read(part["size"] * SECTOR)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_esp_holds_the_loader_and_the_config(self):
        self.assertEqual(mcopy_out(self.esp, "/EFI/BOOT/BOOTX64.EFI"), self.efi_bytes)
        self.assertEqual(mcopy_out(self.esp, "/rota.cfg"), read(self.cfg))
        self.assertEqual(read(self.esp)[0x52:0x5A], b"FAT32   ")
        run("fsck.fat", "-n", self.esp)

    def test_sgdisk_verifies_the_gpt(self):
        # sgdisk -v checks both headers and their CRCs, the entry arrays, the
        # protective MBR and overlaps; it exits 0 with problems too, so read it.
        self.assertIn("No problems found", run("sgdisk", "-v", self.usb))

    def test_sfdisk_verifies_the_gpt(self):
        self.assertIn("No errors detected", run("sfdisk", "--verify", self.usb))

    def test_one_efi_system_partition_at_1_mib(self):
        self.assertEqual(self.table["label"], "gpt")
        self.assertEqual(len(self.table["partitions"]), 1)
        (part,) = self.table["partitions"]
        self.assertEqual(part["type"], ESP_TYPE)
        self.assertEqual(part["name"], "EFI System")
        self.assertEqual(part["start"], 2048)
        self.assertEqual(part["size"] * SECTOR, os.path.getsize(self.esp))
        self.assertGreaterEqual(os.path.getsize(self.usb), (2048 + part["size"] + 33) * SECTOR)

    def test_the_partition_is_a_fat32_volume_with_the_loader(self):
        esp = self.partition("partition.img")
        run("fsck.fat", "-n", esp)
        self.assertEqual(mcopy_out(esp, "/EFI/BOOT/BOOTX64.EFI"), self.efi_bytes)
        self.assertEqual(mcopy_out(esp, "/rota.cfg"), read(self.cfg))
        # What the runner and a reader of the stick use: the volume at its offset.
        self.assertEqual(
            mcopy_out(f"{self.usb}@@{qemu.USB_ESP_OFFSET}", "/EFI/BOOT/BOOTX64.EFI"),
            self.efi_bytes,
        )

    def test_the_volume_knows_its_partition_offset(self):
        # BPB_HiddSec (FAT spec, offset 0x1C): the sectors before the volume.
        info = run("fsck.fat", "-n", "-v", self.partition("hidden.img"))
        self.assertRegex(info, r"\n\s*2048 hidden sectors\n")
        self.assertRegex(run("fsck.fat", "-n", "-v", self.esp), r"\n\s*0 hidden sectors\n")

    def test_the_same_inputs_give_the_same_table(self):
        again = os.path.join(self.dir, "again.img")
        run(os.path.join(IMAGE_DIR, "make_usb.sh"), again, self.efi, self.cfg)
        again_table = json.loads(run("sfdisk", "--json", again))["partitiontable"]
        for table in (self.table, again_table):
            table.pop("device")
            for part in table["partitions"]:
                part.pop("node")
        self.assertEqual(again_table, self.table)

    def test_cfg_lines_are_appended_in_a_copy(self):
        for image, offset in ((self.esp, 0), (self.usb, qemu.USB_ESP_OFFSET)):
            copy = os.path.join(self.dir, "copy.img")
            shutil.copyfile(image, copy)
            qemu._append_cfg(copy, offset, ["frames=5", "debug=fault-pf"], self.dir)
            target = f"{copy}@@{offset}" if offset else copy
            text = mcopy_out(target, "/rota.cfg").decode()
            self.assertTrue(text.endswith("\nframes=5\ndebug=fault-pf\n"), text[-80:])
            self.assertEqual(text[: -len("frames=5\ndebug=fault-pf\n")], read(self.cfg).decode())


class Pictures(unittest.TestCase):
    """picture.py reads what QEMU's screendump writes: PNG (RGB or RGBA) and PPM."""

    W, H = 7, 10

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rota-pictures-")
        self.addCleanup(shutil.rmtree, self.dir)

    def rgb(self, x, y):
        return ((x * 37 + y * 11) & 0xFF, (x * y * 5 + 200) & 0xFF, (255 - x * 13 - y) & 0xFF)

    def source(self, mode="RGB"):
        image = Image.new(mode, (self.W, self.H))
        for y in range(self.H):
            for x in range(self.W):
                image.putpixel((x, y), self.rgb(x, y) + ((x * 30,) if mode == "RGBA" else ()))
        return image

    def check(self, image):
        self.assertEqual((image.width, image.height), (self.W, self.H))
        for y in range(self.H):
            for x in range(self.W):
                self.assertEqual(image.pixel(x, y), self.rgb(x, y), (x, y))

    def saved(self, image, name, **options):
        path = os.path.join(self.dir, name)
        image.save(path, **options)
        return path

    def test_png_rgb(self):
        path = self.saved(self.source(), "a.png")
        self.check(picture.read_image(path))
        self.check(picture.parse_png(read(path)))

    def test_png_rgba_drops_alpha(self):
        self.check(picture.read_image(self.saved(self.source("RGBA"), "a.png")))

    def test_ppm_with_comment(self):
        pixels = bytes(v for y in range(self.H) for x in range(self.W) for v in self.rgb(x, y))
        self.check(picture.parse_ppm(b"P6\n# qemu\n%d %d\n255\n" % (self.W, self.H) + pixels))

    def test_not_a_picture(self):
        path = os.path.join(self.dir, "x.png")
        with open(path, "wb") as f:
            f.write(b"not a picture at all")
        with self.assertRaises(ValueError):
            picture.read_image(path)


class Plot(unittest.TestCase):
    """image/plot.py on a serial log captured from a run with debug=frame-times
    (virtio-gpu, 2 CPUs, fps=0, 300 frames; its p50 is 8.0 ms and its p99 42.6 ms)."""

    P50_MS, P99_MS, BUDGET_MS = 8.0, 42.6, 1000 / 60

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rota-plot-")
        cls.png = os.path.join(cls.dir, "frametimes.png")
        cls.result = subprocess.run(
            [sys.executable, os.path.join(IMAGE_DIR, "plot.py"), FRAMETIMES_LOG, cls.png],
            capture_output=True,
            text=True,
        )
        cls.image = Image.open(cls.png).convert("RGB") if cls.result.returncode == 0 else None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def rows_of(self, colour, tolerance=40):
        """How many pixels near `colour` each row of the plot has."""
        want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        counts = [0] * self.image.height
        for index, pixel in enumerate(self.image.getdata()):
            if all(abs(a - b) <= tolerance for a, b in zip(pixel, want)):
                counts[index // self.image.width] += 1
        return counts

    def line_row(self, colour):
        """The row of the horizontal line drawn in `colour` (the fullest row)."""
        counts = self.rows_of(colour)
        row = max(range(len(counts)), key=counts.__getitem__)
        # A fifth of the width: the dotted budget line is half gaps.
        self.assertGreater(counts[row], self.image.width // 5, f"no {colour} line across")
        return row

    def test_the_tool_succeeds_and_counts_the_frames(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertIn("300 frames", self.result.stdout)

    def test_size(self):
        self.assertEqual(self.image.size, (1000, 520))

    def test_the_series_is_drawn(self):
        import plot

        self.assertGreater(sum(self.rows_of(plot.SERIES)), 1500)

    def test_p50_p99_and_budget_lines_in_order_and_to_scale(self):
        import plot

        p50, p99, budget = (self.line_row(c) for c in (plot.P50, plot.P99, plot.BUDGET))
        self.assertLess(p99, budget)  # higher on the picture: a longer time
        self.assertLess(budget, p50)
        # The y axis is linear: the gaps between the lines follow the milliseconds.
        expected = (self.BUDGET_MS - self.P50_MS) / (self.P99_MS - self.BUDGET_MS)
        self.assertAlmostEqual((p50 - budget) / (budget - p99), expected, delta=0.1 * expected)

    def test_a_log_without_frame_times_fails(self):
        log = os.path.join(self.dir, "plain.log")
        with open(log, "w") as f:
            f.write("[boot] rota 0.1.0\n[summary] frames=1\n")
        result = subprocess.run(
            [sys.executable, os.path.join(IMAGE_DIR, "plot.py"), log, self.png + ".x"],
            capture_output=True,
            text=True,
        )
        self.assertEqual(result.returncode, 1)
        self.assertIn("debug=frame-times", result.stderr)
        self.assertFalse(os.path.exists(self.png + ".x"))


class CommandLines(unittest.TestCase):
    """image/run and image/bench.py answer --help and mistakes without building or booting."""

    RUN_OPTIONS = "--display --smp --machine --usb --no-disk --cfg --headless --serial-file "
    RUN_OPTIONS += "--qmp --accel --timeout"
    BENCH_OPTIONS = "--build --baseline --repeat --frames --quick --modes --displays --only --plot "
    BENCH_OPTIONS += "--debug --cfg --out --timeout --list"

    def run_tool(self, *command):
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    def assert_help(self, result, options, examples):
        self.assertEqual(result.returncode, 0, result.stderr)
        for option in options.split():
            self.assertIn(option, result.stdout)
        self.assertIn(examples, result.stdout)

    def test_run_help_lists_every_option_with_examples(self):
        result = self.run_tool(os.path.join(IMAGE_DIR, "run"), "--help")
        self.assert_help(result, self.RUN_OPTIONS, "Examples:")
        self.assertIn("usage: image/run", result.stdout)
        self.assertNotIn("[1/3]", result.stderr)  # nothing was installed or built

    def test_run_rejects_an_unknown_option_before_building(self):
        result = self.run_tool(os.path.join(IMAGE_DIR, "run"), "--smp", "2", "--bogus")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unrecognized arguments: --bogus", result.stderr)
        self.assertIn("image/run --help lists every option", result.stderr)
        self.assertNotIn("[1/3]", result.stderr)

    def test_bench_help_and_mistakes(self):
        bench = os.path.join(IMAGE_DIR, "bench.py")
        self.assert_help(
            self.run_tool(sys.executable, bench, "--help"), self.BENCH_OPTIONS, "examples:"
        )
        result = self.run_tool(sys.executable, bench, "--bogus")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--help lists every option", result.stderr)
        missing = tempfile.mkdtemp(prefix="rota-nobuild-")
        self.addCleanup(shutil.rmtree, missing)
        result = self.run_tool(sys.executable, bench, "--quick", "--build", missing)
        self.assertEqual(result.returncode, 2)
        self.assertIn("esp.img is missing: build first", result.stderr)

    def test_bench_time_left(self):
        import bench

        self.assertEqual(bench.time_left([], 3, 120), "at most 6 min 00 s left")
        self.assertEqual(bench.time_left([10, 20], 2, 120), "about 30 s left")
        self.assertEqual(bench.time_left([61], 1, 120), "about 1 min 01 s left")


class BenchFigures(unittest.TestCase):
    """What image/bench.py reads from a serial log and how it compares runs."""

    STEADY = "\n".join(
        [
            "[video] backend=virtio-gpu mode=1280x800 virgl=no",
            "[roulette] layout wheel=640,365,280 box=540,654,200,60",
            "[boot] first_frame_ms=212",
            "[frame] n=99 fps=100.0 p50_ms=10.0 p99_ms=12.0 render_ms=8.0 present_ms=1.0",
            "[summary] frames=400 fps=101.5 p50_ms=9.8 p99_ms=12.5 render_ms=7.9 "
            "present_ms=1.1 render_ns_px=24.90 backend=virtio-gpu cpus=2",
        ]
    )

    def test_a_steady_run_is_its_summary(self):
        import bench_measure

        facts = bench_measure.parse_log(self.STEADY)
        self.assertEqual(facts["fps"], "101.5")
        self.assertEqual(facts["render_ns_px"], "24.90")  # the guest's own figure
        self.assertEqual(facts["first_frame_ms"], "212")
        self.assertEqual(facts["mode"], "1280x800")
        self.assertNotIn("window", facts)

    def test_a_build_whose_wheel_lands_is_read_before_the_landing(self):
        import bench_measure

        text = "\n".join(
            [
                "[roulette] layout wheel=640,365,280 box=540,654,200,60",
                "[frame] n=99 fps=100.0 p50_ms=10.0 p99_ms=12.0 render_ms=8.0 present_ms=1.0",
                "[frame] n=199 fps=90.0 p50_ms=11.0 p99_ms=13.0 render_ms=9.0 present_ms=1.5",
                "[roulette] spin=1 fate=7 segment=7 result=win frames=700 fps=97.2",
                "[frame] n=299 fps=400.0 p50_ms=2.0 p99_ms=3.0 render_ms=0.1 present_ms=0.1",
                "[summary] frames=300 fps=150.0 p50_ms=5.0 p99_ms=13.0 render_ms=5.0 "
                "present_ms=1.0 backend=virtio-gpu cpus=1",
            ]
        )
        facts = bench_measure.parse_log(text)
        self.assertEqual(facts["fps"], "90.0")
        self.assertEqual(facts["render_ms"], "9.0")
        # Without the guest's figure: render time over the wheel's square, 563 x 563.
        self.assertEqual(facts["render_ns_px"], f"{9.0e6 / 563**2:.2f}")
        self.assertEqual(facts["window"], "before-landing n=199")

    def test_ratios_are_taken_within_a_round(self):
        import bench_matrix
        import bench_report

        c1 = bench_matrix.Run("virtio-gpu", "1280x800", 1)
        c2 = bench_matrix.Run("virtio-gpu", "1280x800", 2)
        compare = bench_matrix.Comparison("speed-up", c1, c2, "render_ms", (">=", 1.6))

        def row(round_index, ms, status="ok"):
            return {"round": round_index, "render_ms": str(ms), "status": status}

        rows = {
            # The host was twice as busy in round 2: both runs slowed down.
            c1: [row(1, 10.0), row(2, 20.0), row(3, 10.0)],
            c2: [row(1, 5.0), row(2, 10.0), row(3, 0.0, "FAILED: x")],
        }
        self.assertEqual(bench_report.round_ratios(compare, rows), [2.0, 2.0])
        header, body = bench_report.comparison_table([compare], rows)
        self.assertEqual(body[0][3], "2.00")
        self.assertEqual(body[0][5], "2")
        self.assertEqual(body[0][6], ">= 1.6: met")
        self.assertEqual(bench_report.verdict(1.5, (">=", 1.6)), ">= 1.6: NOT met")
        self.assertEqual(bench_report.verdict(0.4, ("<=", 0.5)), "<= 0.5: met")

    def test_median_and_spread(self):
        import bench_report

        self.assertEqual(bench_report.median_spread([1.0, 3.0, 2.0]), (2.0, 1.0))
        self.assertEqual(bench_report.cell([10.0, 12.0, 11.0], 1), "11.0 ±9%")
        self.assertEqual(bench_report.cell([], 1), "-")

    def test_the_matrix_pairs_what_it_compares(self):
        import bench_matrix

        comparisons, extra = bench_matrix.plan(baseline=True)
        runs = bench_matrix.runs_of(comparisons, extra)
        self.assertEqual(len(runs), len(set(runs)))
        for c in comparisons:
            self.assertIn(c.top, runs)
            self.assertIn(c.bottom, runs)
        names = {r.name for r in runs}
        for mode in bench_matrix.MODES:
            self.assertIn(f"virtio-gpu-{mode}-c1-damage@base", names)
            self.assertIn(f"gop-{mode}-c2-ceiling", names)
        cfg = bench_matrix.Run("gop", "1920x1080", 2, "ceiling").cfg(250)
        self.assertIn("spin=steady", cfg)
        self.assertIn("mode=1920x1080", cfg)
        self.assertIn("debug=present-only", cfg)


class LinuxAnchor(unittest.TestCase):
    """The anchor's pure parts: its initramfs, module order, logs and table."""

    def test_cpio_newc_lists_every_entry_in_order(self):
        import bench_linux

        data = bench_linux.cpio_newc([("bin", 0o40755, None), ("init", 0o100755, b"#!/bin/sh\n")])
        names, offset = [], 0
        while True:
            self.assertEqual(data[offset : offset + 6], b"070701")
            fields = [int(data[offset + 6 + 8 * i : offset + 14 + 8 * i], 16) for i in range(13)]
            size, name_size = fields[6], fields[11]
            name = data[offset + 110 : offset + 110 + name_size - 1].decode()
            offset += (110 + name_size + 3) // 4 * 4
            body = data[offset : offset + size]
            offset += (size + 3) // 4 * 4
            if name == "TRAILER!!!":
                break
            names.append((name, fields[1], body))
        self.assertEqual(names, [("bin", 0o40755, b""), ("init", 0o100755, b"#!/bin/sh\n")])
        self.assertEqual(offset, len(data))

    def test_modules_load_after_what_they_need(self):
        import bench_linux

        work = tempfile.mkdtemp(prefix="rota-modules-")
        self.addCleanup(shutil.rmtree, work)
        with open(os.path.join(work, "modules.dep"), "w") as f:
            f.write("kernel/gpu/virtio-gpu.ko: kernel/drm_kms_helper.ko kernel/drm.ko\n")
            f.write("kernel/drm_kms_helper.ko: kernel/drm.ko\n")
            f.write("kernel/drm.ko:\n")
            f.write("kernel/virtio_pci.ko: kernel/virtio.ko\n")
            f.write("kernel/virtio.ko:\n")
        order = bench_linux.module_order(work, ["virtio_pci", "virtio-gpu"])
        self.assertEqual(
            order,
            [
                "kernel/virtio.ko",
                "kernel/virtio_pci.ko",
                "kernel/drm.ko",
                "kernel/drm_kms_helper.ko",
                "kernel/gpu/virtio-gpu.ko",
            ],
        )
        with self.assertRaises(bench_linux.AnchorError):
            bench_linux.module_order(work, ["virtio_blk"])

    def test_side_by_side_says_who_is_ahead(self):
        import bench_linux

        rota = bench_linux.parse_rota(
            "[roulette] layout wheel=640,365,280 box=1,2,3,4\n"
            "[blk] selftest disk=00:02.0 qd16_read requests=128 fences_per_req=1.00\n"
            "[blk] selftest disk=00:02.0 sectors=16384 mismatches=0 write_mbps=300.0 "
            "seq_read_mbps_qd1=200.0 seq_read_mbps_qd16=1000.0 read4k_p50_us=50 "
            "read4k_p99_us=90 result=pass\n"
            "[summary] frames=3000 fps=2000.0 present_ms=0.4 backend=virtio-gpu cpus=2\n"
        )
        self.assertEqual(rota["request_bytes"], 65536)
        self.assertEqual(rota["frame_ms"], "0.500")
        self.assertEqual(bench_linux.wheel_box(rota["layout"]), (359, 84, 563, 563))
        linux = bench_linux.parse_linux(
            "[linux] present mode=1280x800 box=359,84,563,563 frames=3000 fps=1000.0 "
            "frame_ms=1.000 frame_p50_ms=0.020 dirtyfb_ms=0.9 p50_ms=0.02 p99_ms=9.0\n"
            "[linux] blk request_kib=64 seq_read_mbps_qd1=400.0 seq_read_mbps_qd16=500.0 "
            "read4k_p50_us=100 read4k_p99_us=45\n"
        )
        rows = [{"mode": "1280x800", "round": 1, "rota": rota, "linux": linux}]
        _, body, errors = bench_linux.table(rows, ["1280x800"])
        ahead = {line[1]: line[4] for line in body}
        self.assertEqual(ahead["present path ms per frame"], "2.00x")  # 1.0 / 0.5
        self.assertEqual(ahead["sequential read MB/s, 1 in flight"], "0.50x")  # 200 / 400
        self.assertEqual(ahead["sequential read MB/s, 16 in flight"], "2.00x")
        self.assertEqual(ahead["4 KiB read p50 us"], "2.00x")  # 100 / 50
        self.assertEqual(ahead["4 KiB read p99 us"], "0.50x")  # 45 / 90
        self.assertEqual(errors, [])


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
