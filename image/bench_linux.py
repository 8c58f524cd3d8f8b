"""The benchmark's Linux anchor (image/bench.py --linux): Debian's kernel on the same
emulated machine, driving the same virtio-gpu and virtio-blk, next to rota.

For each size, a round boots rota once (spin=steady on virtio-gpu with 2 CPUs, a disk
attached and debug=blk-selftest) and then Linux once on the same machine and the same
disk: linux-image-amd64's kernel through OVMF (-kernel), an initramfs made here of
busybox-static, the virtio modules and two static programs built here from
image/linux/*.c with gcc -static (never committed binaries):

    kms_present   a KMS dumb buffer at the same size; each frame sends DIRTYFB with
                  the wheel's square (rota's damage) as its one clip, drawing
                  nothing, as rota's debug=present-only presents its last damage
    blk_read      O_DIRECT reads over the sectors rota's self-test reads, in requests of
                  rota's size: 1 and 16 in flight, and 4 KiB reads one at a time

The table puts the two side by side: the present path's time per frame (rota with
debug=present-only, Linux's DIRTYFB loop: both push the same box through the device
as fast as it takes them, drawing nothing), sequential MB/s at 1 and 16 in flight,
and 4 KiB p50/p99 latency, with how far rota is ahead (>1: ahead).
Needs `image/deps.sh --linux` (linux-image-amd64, busybox-static, linux-libc-dev and
libdrm-dev for the UAPI drm/ headers).
"""
import glob
import os
import re
import shutil
import statistics
import struct
import subprocess

import qemu
from bench_measure import KEY_VALUE

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = ["virtio_pci", "virtio_blk", "virtio-gpu"]
# journal/disk_layout.h: the self-test's scratch area, after the journal's 1 MiB.
SELFTEST_FIRST_SECTOR = 2048
SELFTEST_SECTORS = 16384
DISK_BYTES = 64 << 20
PRESENT_FRAMES = 3000


class AnchorError(Exception):
    pass


def kernel():
    """(vmlinuz path, its modules directory) of the newest installed Debian kernel."""
    for path in sorted(glob.glob("/boot/vmlinuz-*"), reverse=True):
        release = path.split("vmlinuz-", 1)[1]
        modules = f"/lib/modules/{release}"
        if os.path.exists(os.path.join(modules, "modules.dep")):
            return path, modules
    raise AnchorError("no Debian kernel with modules: run image/deps.sh --linux")


def build_programs(out):
    """gcc -static of image/linux/*.c into `out`; returns {name: path}."""
    if shutil.which("gcc") is None:
        raise AnchorError("gcc is missing")
    built = {}
    for name in ("kms_present", "blk_read"):
        target = os.path.join(out, name)
        cmd = ["gcc", "-static", "-O2", "-Wall", "-Wextra", "-I/usr/include/libdrm"]
        cmd += ["-o", target, os.path.join(HERE, "linux", f"{name}.c")]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise AnchorError(f"building {name} failed:\n{result.stderr.strip()}")
        built[name] = target
    return built


def module_order(modules_dir, names):
    """The .ko files that `names` need, each after the modules it depends on."""
    deps = {}
    with open(os.path.join(modules_dir, "modules.dep")) as f:
        for line in f:
            path, _, rest = line.strip().partition(":")
            deps[path] = rest.split()
    by_name = {os.path.basename(p).split(".ko")[0].replace("-", "_"): p for p in deps}
    order = []

    def visit(path):
        if path in order:
            return
        for dep in deps.get(path, []):
            visit(dep)
        order.append(path)

    for name in names:
        path = by_name.get(name.replace("-", "_"))
        if path is None:
            raise AnchorError(f"module {name} not found in {modules_dir}")
        visit(path)
    return order


def cpio_newc(entries):
    """An uncompressed cpio archive (the "newc" format the kernel unpacks as its
    initramfs); entries are (name, mode, bytes or None for a directory)."""
    out = bytearray()

    def record(ino, name, mode, data):
        name_bytes = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_bytes), 0]
        out.extend(b"070701" + b"".join(b"%08x" % v for v in fields) + name_bytes)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for ino, (name, mode, data) in enumerate(entries, 1):
        record(ino, name, mode, data if data is not None else b"")
    record(0, "TRAILER!!!", 0, b"")
    return bytes(out)


INIT = """#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
. /bench.conf
for m in $MODULES; do /bin/busybox insmod /lib/modules/$m || echo "[linux] insmod $m failed"; done
i=0
while [ ! -e /dev/dri/card0 ] || [ ! -e /dev/vda ]; do
    i=$((i + 1)); [ $i -gt 200 ] && break; /bin/busybox sleep 0.05
done
echo "[linux] ready $(/bin/busybox cat /proc/uptime)"
/bin/kms_present $PRESENT
/bin/blk_read /dev/vda $BLK
echo "[linux] done"
/bin/busybox poweroff -f
"""


def initramfs(path, programs, modules_dir, present_args, blk_args):
    busybox = shutil.which("busybox") or "/bin/busybox"
    if not os.path.exists(busybox):
        raise AnchorError("busybox is missing: run image/deps.sh --linux")

    def read(p):
        with open(p, "rb") as f:
            return f.read()

    modules = module_order(modules_dir, MODULES)
    conf = (
        f"MODULES='{' '.join(os.path.basename(m) for m in modules)}'\n"
        f"PRESENT='{present_args}'\nBLK='{blk_args}'\n"
    )
    entries = [
        ("bin", 0o40755, None),
        ("lib", 0o40755, None),
        ("lib/modules", 0o40755, None),
        ("init", 0o100755, INIT.encode()),
        ("bench.conf", 0o100644, conf.encode()),
        ("bin/busybox", 0o100755, read(busybox)),
        ("bin/kms_present", 0o100755, read(programs["kms_present"])),
        ("bin/blk_read", 0o100755, read(programs["blk_read"])),
    ]
    for m in modules:
        entries.append((f"lib/modules/{os.path.basename(m)}", 0o100644, read(f"{modules_dir}/{m}")))
    with open(path, "wb") as f:
        f.write(cpio_newc(entries))


def wheel_box(layout):
    """The wheel's square (the damage of a turning frame) from rota's layout line."""
    cx, cy, r = layout
    return cx - r - 1, cy - r - 1, 2 * r + 3, 2 * r + 3


def parse_rota(text):
    """rota's side: present ms, the wheel's layout, the self-test's figures."""
    facts = {}
    summary = re.search(r"^\[summary\] (.*)$", text, re.M)
    if summary:
        facts.update(KEY_VALUE.findall(summary.group(1)))
    layout = re.search(r"^\[roulette\] layout wheel=(\d+),(\d+),(\d+)", text, re.M)
    if layout:
        facts["layout"] = tuple(int(v) for v in layout.groups())
    selftest = re.search(r"^\[blk\] selftest .*seq_read_mbps_qd1=.*$", text, re.M)
    if selftest:
        facts.update(KEY_VALUE.findall(selftest.group(0)))
    requests = re.search(r"^\[blk\] selftest .*qd16_read requests=(\d+)", text, re.M)
    if requests and int(requests.group(1)) > 0:
        facts["request_bytes"] = SELFTEST_SECTORS * 512 // int(requests.group(1))
    if float(facts.get("fps", 0)) > 0:
        # The mean frame over the run, as Linux's frame_ms: a pipelined present
        # has cheap frames and ones that wait for the queue, and only the mean
        # counts both. The first (full) frame is a small part of PRESENT_FRAMES.
        facts["frame_ms"] = f"{1000 / float(facts['fps']):.3f}"
    return facts


def parse_linux(text):
    facts = {}
    for kind in ("present", "blk"):
        line = re.search(rf"^\[linux\] {kind} (.*)$", text, re.M)
        if line:
            facts.update(KEY_VALUE.findall(line.group(1)))
        failed = re.search(rf"^\[linux\] {kind} failed: (.*)$", text, re.M)
        if failed:
            facts[f"{kind}_error"] = failed.group(1)
    return facts


def anchor_machine(disk, log, timeout, **options):
    """The machine both rota and Linux boot on, so that the two cannot drift apart:
    q35, 2 CPUs, 1 GiB, virtio-gpu-pci, the disk on virtio-blk-pci, OVMF."""
    return qemu.Options(
        display="virtio-gpu",
        smp=2,
        memory="1G",
        journal=disk,
        serial=log,
        timeout=timeout,
        **options,
    )


def boot_rota(image, mode, disk, log, timeout):
    cfg = [
        "fps=0",
        f"frames={PRESENT_FRAMES}",
        "gate=off",
        "seed=1",
        "perframe=off",
        "spin=steady",
        "cpus=2",
        f"mode={mode}",
        "debug=blk-selftest,present-only",
    ]
    options = anchor_machine(disk, log, timeout, image=image, cfg=cfg)
    with qemu.Machine(options) as m:
        m.start(connect_qmp=False)
        m.wait_for_line(r"^\[summary\] |^\[panic\]", timeout)
        return m.serial_text()


def boot_linux(vmlinuz, initrd, disk, log, timeout):
    # No ESP: -kernel's loader takes boot index 0.
    options = anchor_machine(
        disk,
        log,
        timeout,
        image=None,
        extra_args=[
            "-kernel",
            vmlinuz,
            "-initrd",
            initrd,
            "-append",
            "console=ttyS0 quiet loglevel=3 panic=-1",
        ],
    )
    with qemu.Machine(options) as m:
        m.start(connect_qmp=False)
        m.wait_for_line(r"^\[linux\] done|Kernel panic", timeout)
        return m.serial_text()


def run(image, modes, repeat, out, timeout=600, progress=print):
    """Every round, for every mode: rota, then Linux. Returns rows of figures."""
    vmlinuz, modules_dir = kernel()
    work = os.path.join(out, "linux")
    logs = os.path.join(out, "logs")
    os.makedirs(work, exist_ok=True)
    os.makedirs(logs, exist_ok=True)
    programs = build_programs(work)
    rows = []
    for round_index in range(repeat):
        for mode in modes:
            disk = os.path.join(work, "disk.img")
            with open(disk, "wb") as f:  # blank: rota formats it and writes the pattern
                f.truncate(DISK_BYTES)
            name = f"anchor-{mode}.r{round_index + 1}"
            progress(f"bench: {name} rota ...")
            rota_log = os.path.join(logs, f"{name}.rota.serial.log")
            row = {"mode": mode, "round": round_index + 1}
            try:
                rota = parse_rota(boot_rota(image, mode, disk, rota_log, timeout))
            except qemu.MachineError as e:
                row["error"] = f"rota: {str(e).splitlines()[0]}"
                rows.append(row)
                continue
            row["rota"] = rota
            if "layout" not in rota or "request_bytes" not in rota:
                row["error"] = f"rota: no layout or self-test figures (see {rota_log})"
                rows.append(row)
                continue
            width, height = (int(v) for v in mode.split("x"))
            box = wheel_box(rota["layout"])
            present_args = f"{width} {height} {' '.join(str(v) for v in box)} {PRESENT_FRAMES}"
            blk_args = f"{SELFTEST_FIRST_SECTOR} {SELFTEST_SECTORS} {rota['request_bytes']}"
            initrd = os.path.join(work, "initramfs.cpio")
            initramfs(initrd, programs, modules_dir, present_args, blk_args)
            progress(f"bench: {name} linux ...")
            linux_log = os.path.join(logs, f"{name}.linux.serial.log")
            try:
                row["linux"] = parse_linux(boot_linux(vmlinuz, initrd, disk, linux_log, timeout))
            except qemu.MachineError as e:
                row["error"] = f"linux: {str(e).splitlines()[0]}"
            rows.append(row)
    return rows


# (what, rota's key, Linux's key, True when more is better)
ROWS = [
    ("present path ms per frame", "frame_ms", "frame_ms", False),
    ("sequential read MB/s, 1 in flight", "seq_read_mbps_qd1", "seq_read_mbps_qd1", True),
    ("sequential read MB/s, 16 in flight", "seq_read_mbps_qd16", "seq_read_mbps_qd16", True),
    ("4 KiB read p50 us", "read4k_p50_us", "read4k_p50_us", False),
    ("4 KiB read p99 us", "read4k_p99_us", "read4k_p99_us", False),
]


def table(rows, modes):
    """(header, body): per mode and figure, rota's and Linux's medians and how far
    rota is ahead (Linux's time over rota's, or rota's rate over Linux's)."""
    header = ["size", "figure", "rota", "linux", "rota ahead by", "rounds"]
    body = []
    for mode in modes:
        ok = [r for r in rows if r["mode"] == mode and "error" not in r and "linux" in r]
        for what, rota_key, linux_key, more_is_better in ROWS:
            pairs = []
            for r in ok:
                try:
                    a, b = float(r["rota"][rota_key]), float(r["linux"][linux_key])
                except (KeyError, ValueError):
                    continue
                pairs.append((a, b))
            if not pairs:
                body.append([mode, what, "-", "-", "-", "0"])
                continue
            ahead = [(a / b if more_is_better else b / a) if min(a, b) > 0 else 0 for a, b in pairs]
            body.append(
                [
                    mode,
                    what,
                    f"{statistics.median(a for a, _ in pairs):.2f}",
                    f"{statistics.median(b for _, b in pairs):.2f}",
                    f"{statistics.median(ahead):.2f}x",
                    str(len(pairs)),
                ]
            )
    errors = [f"{r['mode']} round {r['round']}: {r['error']}" for r in rows if "error" in r]
    return header, body, errors
