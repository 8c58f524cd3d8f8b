#!/usr/bin/env python3
"""bench_irq.py: devices completing by interrupt against polled devices, in one
sitting (docs/interrupts.md).

Boots build/esp.img headless on q35 with virtio-gpu, 2 CPUs and the preferred
mode (1280x800), once per run, with gate=off seed=1 and otherwise the default
configuration. Each kind of run is booted with irq=on and then irq=off, one
QEMU at a time, so the pairs share the host's state:

    fps60   fps=60 frames=400: the default pacing, all of it during the first
            spin (the wheel turns for 7.2 s)
    fps30   fps=30 frames=200: pacing with room to sleep
    fps0    fps=0 frames=900: as fast as it goes (at 130-200 fps, the first
            spin)
    blk     debug=blk-selftest on a blank 64 MiB virtio-blk disk, frames=30:
            4 KiB reads at one request in flight (p50, p99) and sequential
            reads at 1 and 16 in flight

A run's figures are its [summary] line's (the whole run, the first frame
included), the steady state's (the per-second [frame] lines after the first:
their mean fps and worst p99), the blk self-test's, and host_cpu:
the CPU time (utime + stime, /proc/PID/stat) the QEMU process used from the
first [frame] line to the [summary] line, per second of wall time, in host
cores. `others` is what the rest of the host ran meanwhile, in cores (from
/proc/stat): other work competes with QEMU's threads and skews every figure.
With --rounds N the pairs run N times, interleaved, and the table gives each
figure's median. After the table, one line per target of the issue says what
was measured against it.

    python3 image/bench_irq.py [--build build] [--rounds 1] [--only fps60 ...]

Results: the table on stdout and in BUILD/bench/irq.md; serial logs under
BUILD/bench/irq-logs/. It builds nothing: build first.
"""
import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
KINDS = {
    "fps60": ["fps=60", "frames=400"],
    "fps30": ["fps=30", "frames=200"],
    "fps0": ["fps=0", "frames=900"],
    "blk": ["frames=30", "debug=blk-selftest"],
}
DISK_BYTES = 64 << 20
SUMMARY_KEYS = [
    "fps",
    "p50_ms",
    "p99_ms",
    "render_ms",
    "fences_per_frame",
    "spins_per_frame",
    "notifies_per_frame",
    "irqs_per_frame",
]
BLK_KEYS = ["read4k_p50_us", "read4k_p99_us", "seq_read_mbps_qd1", "seq_read_mbps_qd16"]
COLUMNS = (
    [("run", "run"), ("irq", "irq")]
    + [(k.replace("_per_frame", "/frame").replace("_", " "), k) for k in SUMMARY_KEYS]
    + [("steady fps", "steady_fps"), ("steady p99 ms", "steady_p99_ms"), ("s", "steady_seconds")]
    + [("host_cpu", "host_cpu"), ("others", "others")]
    + [(k.replace("_", " "), k) for k in BLK_KEYS]
)


def qemu_cpu_seconds(pid):
    """utime + stime of process `pid`: fields 14 and 15 of /proc/PID/stat, after
    the parenthesised command name."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def host_busy_seconds():
    """CPU seconds every process on the host has used since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS  # less idle, iowait


def facts_of(text):
    """The [summary] fields and the blk self-test's figures in a serial log, and
    the steady state: the mean fps of the per-second [frame] lines after the
    first (which holds the first frame, the whole scene drawn) and the worst
    p99 among them."""
    facts = {}
    for prefix in (r"\[summary\] ", r"\[blk\] selftest disk=\S+ sectors="):
        line = re.search(rf"^{prefix}(.*)$", text, re.M)
        if line:
            facts.update(re.findall(r"(\w+)=(\S+)", line.group(1)))
    seconds = re.findall(r"^\[frame\] n=\d+ fps=([\d.]+) p50_ms=[\d.]+ p99_ms=([\d.]+)", text, re.M)
    steady = [(float(fps), float(p99)) for fps, p99 in seconds[1:]]
    if steady:
        facts["steady_fps"] = f"{statistics.mean(fps for fps, _ in steady):.1f}"
        facts["steady_p99_ms"] = f"{max(p99 for _, p99 in steady):.1f}"
        facts["steady_seconds"] = str(len(steady))
    return facts


def run_one(build, kind, irq, logs):
    """One boot; a dict of its figures, or {"error": why}."""
    name = f"{kind}-irq{irq}"
    disk = None
    if kind == "blk":
        disk = os.path.join(logs, f"{name}.disk.img")
        with open(disk, "wb") as f:  # blank: formatted as a journal, scratch for the test
            f.truncate(DISK_BYTES)
    options = qemu.Options(
        image=os.path.join(build, "esp.img"),
        display="virtio-gpu",
        smp=2,
        machine="q35",
        journal=disk,
        cfg=["gate=off", "seed=1", f"irq={irq}", *KINDS[kind]],
        serial=os.path.join(logs, f"{name}.serial.log"),
        no_shutdown=True,  # QEMU stays until killed, so its CPU time can still be read
        timeout=300,
    )
    with qemu.Machine(options) as m:
        m.start(connect_qmp=False)
        # Boot, and the first second of frames. The blk run's figures come
        # before its 30 frames, which print no [frame] line: its host_cpu
        # is the whole boot's.
        if kind != "blk":
            m.wait_for_line(r"^\[frame\] ", 180)
        cpu0, wall0, busy0 = qemu_cpu_seconds(m.proc.pid), time.monotonic(), host_busy_seconds()
        m.wait_for_line(r"^\[summary\] ", 180)
        cpu1, wall1, busy1 = qemu_cpu_seconds(m.proc.pid), time.monotonic(), host_busy_seconds()
        text = m.serial_text()
    facts = facts_of(text)
    wall = max(wall1 - wall0, 1e-3)
    facts["host_cpu"] = f"{(cpu1 - cpu0) / wall:.2f}"
    facts["others"] = f"{max(0.0, (busy1 - busy0) - (cpu1 - cpu0)) / wall:.2f}"
    return facts


def median_row(results):
    """Each figure's median over the rounds (the figures are text, as printed)."""
    row = {}
    for key in {k for r in results for k in r}:
        values = [float(r[key]) for r in results if key in r and re.fullmatch(r"[\d.]+", r[key])]
        if values:
            row[key] = f"{statistics.median(values):.2f}".rstrip("0").rstrip(".")
    return row


def verdicts(table):
    """One line per target of docs/interrupts.md, from the rows keyed (kind, irq)."""

    def get(kind, irq, key):
        value = table.get((kind, irq), {}).get(key)
        return float(value) if value is not None else None

    lines = []
    fps, p99, cpu = (get("fps60", "on", k) for k in ("steady_fps", "steady_p99_ms", "host_cpu"))
    if None not in (fps, p99, cpu):
        met = fps >= 59.5 and p99 <= 17.5 and cpu <= 0.5
        lines.append(
            f"fps=60 irq=on, steady state: fps={fps:g} (>= 59.5) worst p99_ms={p99:g} (<= 17.5) "
            f"host_cpu={cpu:g} (<= 0.5): {'met' if met else 'missed'}"
        )
    for kind in ("fps60", "fps30"):
        on, off = get(kind, "on", "host_cpu"), get(kind, "off", "host_cpu")
        if on is not None and off is not None:
            lines.append(f"{kind}: host_cpu irq=on {on:g} against irq=off {off:g}")
    on, off = get("fps0", "on", "fps"), get("fps0", "off", "fps")
    if on and off:
        ratio = on / off
        lines.append(
            f"fps=0: irq=on {on:g} fps against irq=off {off:g} ({ratio:.3f}; at least 0.95): "
            f"{'met' if ratio >= 0.95 else 'missed'}"
        )
    for key in ("read4k_p50_us", "read4k_p99_us"):
        on, off = get("blk", "on", key), get("blk", "off", key)
        if on is not None and off is not None:
            lines.append(f"blk {key}: irq=on {on:g} against irq=off {off:g}")
    on, off = get("blk", "on", "seq_read_mbps_qd16"), get("blk", "off", "seq_read_mbps_qd16")
    if on and off:
        lines.append(
            f"blk seq_read_mbps_qd16: irq=on {on:g} against irq=off {off:g} " f"({on / off:.2f})"
        )
    return lines


def markdown(rows):
    lines = ["| " + " | ".join(h for h, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(k, "-")) for _, k in COLUMNS) + " |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="image/bench_irq.py",
        description="irq=on against irq=off, in one sitting (builds nothing: build first).",
    )
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="default: build")
    p.add_argument("--rounds", type=int, default=1, help="times each pair runs (default 1)")
    p.add_argument("--only", action="append", default=[], choices=list(KINDS), help="kinds to run")
    a = p.parse_args(argv)
    if not os.path.exists(os.path.join(a.build, "esp.img")):
        p.error(f"{a.build}/esp.img is missing: build first")
    kinds = a.only or list(KINDS)
    out = os.path.join(a.build, "bench")
    logs = os.path.join(out, "irq-logs")
    os.makedirs(logs, exist_ok=True)
    load = os.getloadavg()
    print(f"bench_irq: host load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", file=sys.stderr)

    results = {(kind, irq): [] for kind in kinds for irq in ("on", "off")}
    failed = 0
    for round_ in range(1, a.rounds + 1):
        for kind in kinds:
            for irq in ("on", "off"):
                print(f"bench_irq: round {round_} {kind} irq={irq} ...", end=" ", file=sys.stderr)
                try:
                    facts = run_one(a.build, kind, irq, logs)
                except qemu.MachineError as e:
                    facts = {"error": str(e).splitlines()[0]}
                if "error" in facts or "fps" not in facts:
                    failed += 1
                    print(f"FAILED: {facts.get('error', 'no [summary] line')}", file=sys.stderr)
                    continue
                results[(kind, irq)].append(facts)
                print(
                    f"fps={facts['fps']} p99_ms={facts['p99_ms']} host_cpu={facts['host_cpu']} "
                    f"others={facts['others']}",
                    file=sys.stderr,
                )

    table = {key: median_row(r) for key, r in results.items() if r}
    rows = [dict(row, run=kind, irq=irq) for (kind, irq), row in table.items()]
    load = os.getloadavg()
    note = (
        f"q35, virtio-gpu, 2 CPUs, {a.rounds} round(s), medians; host load at the end "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )
    text = "\n".join([note, "", markdown(rows), "", *verdicts(table)])
    print(text)
    with open(os.path.join(out, "irq.md"), "w") as f:
        f.write(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
