#!/usr/bin/env python3
"""bench_virgl.py: the virgl display against the 2D path (docs/virgl.md).

Boots build/esp.img once per run, headless, with fps=0 gate=off seed=1 and no
journal disk, over a matrix of
    backend      virgl    virtio-gpu-gl-pci, host renders (egl-headless, llvmpipe)
                 gl-2d    the same device with video=virtio: rota's 2D path on it
                 2d       plain virtio-gpu-pci, rota's 2D path
                 virgl-noflush  virgl without RESOURCE_FLUSH: rendering only
    mode         1280x800, 1920x1080, 3840x2160
    cpus         1, 2
and reports, for seconds 1 to 6 of the first spin (the wheel turns for 7.2 s),
the means of the per-second [frame] lines (fps, guest render and present ms)
and the host CPU the QEMU process used over the same seconds (/proc/PID/stat,
utime + stime), in cores and in ms per frame, with the host's load average (other work on the
machine skews every figure). One QEMU at a time. Results: a table on stdout and
BUILD/bench/virgl.md; serial logs under BUILD/bench/virgl-logs/.

    python3 image/bench_virgl.py [--build build] [--only virgl-1280x800-c2 ...]
"""
import argparse
import os
import re
import sys
import time

import qemu

FRAME = re.compile(
    r"^\[frame\] n=(\d+) fps=([\d.]+) p50_ms=([\d.]+) p99_ms=([\d.]+) "
    r"render_ms=([\d.]+) present_ms=([\d.]+)"
)
LANDED = r"^\[roulette\] spin=1 "
BACKENDS = {
    "virgl": ("virgl", [], "virgl"),
    "gl-2d": ("virgl", ["video=virtio"], "virtio-gpu"),
    "2d": ("virtio-gpu", [], "virtio-gpu"),
    # virgl without RESOURCE_FLUSH (debug=virgl-no-flush): the display never
    # copies the frame out, so this is the host's rendering alone.
    "virgl-noflush": ("virgl", ["debug=virgl-no-flush"], "virgl"),
}
MODES = ["1280x800", "1920x1080", "3840x2160"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def qemu_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def run_one(build, backend, mode, cpus, logs):
    display, cfg, expected = BACKENDS[backend]
    name = f"{backend}-{mode}-c{cpus}"
    options = qemu.Options(
        image=os.path.join(build, "esp.img"),
        display=display,
        smp=cpus,
        memory="1G",
        cfg=["fps=0", "gate=off", "seed=1", "perframe=off", f"mode={mode}", *cfg],
        serial=os.path.join(logs, f"{name}.log"),
        timeout=240,
    )
    with qemu.Machine(options) as m:
        m.start(connect_qmp=False)
        line = m.wait_for_line(r"^\[video\] backend=(\S+) mode=(\S+)", 180)
        if line.group(1) != expected or line.group(2) != mode:
            return name, {"error": line.group(0)}
        m.wait_for_line(FRAME.pattern, 60)  # the first second: setup and warm-up
        cpu0, wall0 = qemu_cpu_seconds(m.proc.pid), time.monotonic()
        load0 = os.getloadavg()[0]
        # Up to 5 more seconds, while the wheel turns: a [frame] line after the
        # landing would measure a still wheel.
        frames = []
        while len(frames) < 5:
            line = m.wait_for_line(rf"{FRAME.pattern}|{LANDED}", 60).group(0)
            if not line.startswith("[frame]"):
                break
            frames.append(FRAME.match(line))
        cpu1, wall1 = qemu_cpu_seconds(m.proc.pid), time.monotonic()
        if not frames:
            return name, {"error": "the wheel landed before a second [frame] line"}
    mean = lambda i: sum(float(f.group(i)) for f in frames) / len(frames)  # noqa: E731
    return name, {
        "fps": mean(2),
        "p50_ms": mean(3),
        "render_ms": mean(5),
        "present_ms": mean(6),
        "qemu_cores": (cpu1 - cpu0) / (wall1 - wall0),
        # CPU time per frame does not grow when other work on the host delays
        # QEMU, as wall time does: the frames in the window are about the sum
        # of the per-second rates.
        "qemu_ms_per_frame": (cpu1 - cpu0)
        * 1000
        / max(1.0, sum(float(f.group(2)) for f in frames)),
        "seconds": len(frames),
        "load": (load0 + os.getloadavg()[0]) / 2,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    p.add_argument("--only", action="append", default=[], help="run names to run")
    a = p.parse_args()
    out = os.path.join(a.build, "bench")
    logs = os.path.join(out, "virgl-logs")
    os.makedirs(logs, exist_ok=True)
    header = (
        "| run | fps | p50 ms | render ms | present ms | QEMU cores | QEMU ms/frame "
        "| seconds | host load |"
    )
    rows = [header, "|---|---|---|---|---|---|---|---|---|"]
    print(header, flush=True)
    for mode in MODES:
        for cpus in (1, 2):
            for backend in BACKENDS:
                name = f"{backend}-{mode}-c{cpus}"
                if a.only and name not in a.only:
                    continue
                try:
                    name, r = run_one(a.build, backend, mode, cpus, logs)
                except qemu.MachineError as e:
                    r = {"error": str(e).splitlines()[0]}
                if "error" in r:
                    row = f"| {name} | failed: {r['error']} ||||||||"
                else:
                    row = (
                        f"| {name} | {r['fps']:.1f} | {r['p50_ms']:.1f} | {r['render_ms']:.2f} "
                        f"| {r['present_ms']:.2f} | {r['qemu_cores']:.2f} "
                        f"| {r['qemu_ms_per_frame']:.1f} | {r['seconds']} "
                        f"| {r['load']:.1f} |"
                    )
                rows.append(row)
                print(row, flush=True)
    with open(os.path.join(out, "virgl.md"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    sys.exit(main())
