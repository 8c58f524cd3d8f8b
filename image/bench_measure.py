"""One benchmark run (image/bench.py): boot, read the figures, measure the host.

Per run: what the guest says (the [summary] line, or for a build without the steady
wheel the last [frame] line before the wheel lands), the QEMU process's host CPU use
over the frame loop, and the CPU the rest of the host used meanwhile. QEMU is killed
on every path (image/qemu.py).
"""
import os
import re
import resource
import time

import qemu
from bench_matrix import EXPECTED_BACKEND, QEMU_DISPLAY

KEY_VALUE = re.compile(r"(\w+)=(\S+)")  # the key=value pairs of rota's serial lines
FIGURES = ("fps", "p50_ms", "p99_ms", "render_ms", "present_ms")


def parse_log(text):
    """The run's figures. A build without spin=steady lands after 7.2 s: then the
    figures come from the last [frame] line before the landing, whose means cover
    the turning frames only (they are over the last 1024 frames)."""
    facts = {}
    summary = re.search(r"^\[summary\] (.*)$", text, re.M)
    if summary:
        facts.update(KEY_VALUE.findall(summary.group(1)))
    video = re.search(r"^\[video\] backend=(\S+) mode=(\S+)", text, re.M)
    if video:
        facts["mode"] = video.group(2)
    first = re.search(r"^\[boot\] first_frame_ms=(\d+)", text, re.M)
    if first:
        facts["first_frame_ms"] = first.group(1)
    landing = re.search(r"^\[roulette\] spin=\d+ fate=", text, re.M)
    if summary and landing and landing.start() < summary.start():
        frames = re.findall(r"^\[frame\] (.*)$", text[: landing.start()], re.M)
        if frames:
            window = dict(KEY_VALUE.findall(frames[-1]))
            facts.update({k: window[k] for k in FIGURES if k in window})
            facts["window"] = f"before-landing n={window.get('n')}"
        else:
            facts["window"] = "landed before a [frame] line"
    layout = re.search(r"^\[roulette\] layout wheel=(\d+),(\d+),(\d+)", text, re.M)
    if "render_ns_px" not in facts and layout and "render_ms" in facts:
        # A turning frame's damage is the wheel's square (gfx/roulette/wheel.h).
        side = 2 * int(layout.group(3)) + 3
        facts["render_ns_px"] = f"{float(facts['render_ms']) * 1e6 / (side * side):.2f}"
    panic = re.search(r"^\[panic\].*$", text, re.M)
    if panic:
        facts["panic"] = panic.group(0)
    return facts


def host_busy_seconds():
    """CPU seconds every process on the host has used since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid):
    """User + system CPU seconds of process `pid` (/proc/PID/stat fields 14, 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


class LoopMeter:
    """QEMU's CPU use and everyone else's, from the first frame ([boot]
    first_frame_ms: set-up done) to the [summary] line. Not from the first [frame]
    line: that comes a second into the loop, and a fast run at 1280x800 is over by
    then. QEMU powers off right after the summary, so its total comes from the
    rusage of the reaped child."""

    def __init__(self):
        self.start = self.end = None
        self.children = 0.0

    def frame_loop_started(self, pid):
        # QEMU is not reaped yet: what the children used so far is not QEMU's.
        self.children = children_cpu_seconds()
        try:
            self.start = (process_cpu_seconds(pid), host_busy_seconds(), time.monotonic())
        except OSError:  # QEMU exited just now
            self.start = None

    def frame_loop_ended(self):
        self.end = (host_busy_seconds(), time.monotonic())

    def result(self):
        """(QEMU cores, other CPUs) over the loop, once QEMU has been reaped; None
        when the loop was not seen."""
        if self.start is None or self.end is None:
            return None
        qemu_cpu = children_cpu_seconds() - self.children - self.start[0]
        wall = max(self.end[1] - self.start[2], 1e-3)
        others = (self.end[0] - self.start[1]) - qemu_cpu
        return qemu_cpu / wall, max(0.0, others / wall)


def boot(image, run, cfg, log_path, timeout, memory):
    """Boots `image` with rota.cfg lines `cfg`; returns (serial text, error, meter)."""
    extra = []
    width, height = (int(v) for v in run.mode.split("x"))
    if run.display == "gop" and width * height * 4 > 16 << 20:
        # -vga std has 16 MiB of video memory: OVMF offers no mode that needs more.
        extra = ["-global", f"VGA.vgamem_mb={64 if width * height * 4 <= 64 << 20 else 256}"]
    options = qemu.Options(
        image=image,
        display=QEMU_DISPLAY[run.display],
        extra_args=extra,
        smp=run.cpus,
        machine="q35",
        memory=memory,
        cfg=cfg,
        serial=log_path,
        timeout=timeout,
    )
    meter = LoopMeter()
    error = None
    with qemu.Machine(options) as m:
        try:
            m.start(connect_qmp=False)
            first = m.wait_for_line(r"^\[boot\] first_frame_ms=|^\[summary\] |^\[panic\]", timeout)
            if first.group(0).startswith("[boot]"):
                meter.frame_loop_started(m.proc.pid)
                m.wait_for_line(r"^\[summary\] |^\[panic\]", timeout)
                meter.frame_loop_ended()
            if not any(line.startswith("[summary] ") for line in m.lines):
                time.sleep(1)  # let the rest of the panic report arrive
                error = "kernel panicked"
            else:
                try:
                    m.wait_exit(20)
                except qemu.Timeout:
                    error = None  # the figures are in; only the power-off is missing
        except qemu.Timeout:
            error = f"no [summary] line within {timeout:g}s"
        except qemu.Exited:
            error = f"QEMU exited (status {m.proc.returncode}) without a [summary] line"
        except qemu.MachineError as e:
            error = str(e).splitlines()[0]
        text = m.serial_text() if os.path.exists(log_path) else ""
        args = getattr(m, "args", [])
    return text, error, meter.result(), args


def execute(run, image, args, logs, round_index):
    """One run; a dict of its figures with "status" ok or the failure."""
    name = f"{run.name}.r{round_index + 1}"
    log_path = os.path.join(logs, f"{name}.serial.log")
    frames = run.frames(args.frames)
    cfg = run.cfg(frames, args.debug, args.cfg)
    memory = "1G" if run.mode == "3840x2160" else "512M"
    timeout = args.timeout or 120 + 0.5 * frames
    started = time.monotonic()
    text, error, loop, qemu_args = boot(image, run, cfg, log_path, timeout, memory)
    row = {"run": run.name, "round": round_index + 1, "wall_s": f"{time.monotonic() - started:.0f}"}
    if loop:
        row["host_cpu"] = f"{loop[0]:.2f}"
        row["host_other"] = f"{loop[1]:.2f}"
    facts = parse_log(text)
    row.update(facts)
    if "frames" not in facts:
        error = error or "no [summary] line"
    notes = []
    if not error:
        if facts.get("backend") != EXPECTED_BACKEND[run.display]:
            error = f"backend={facts.get('backend')}, not {EXPECTED_BACKEND[run.display]}"
        elif facts.get("mode") != run.mode:
            error = f"mode={facts.get('mode')}, not {run.mode}"
        elif facts.get("cpus") != str(run.cpus):
            error = f"cpus={facts.get('cpus')}, not {run.cpus}"
    if error:
        if "panic" in facts:
            error += f" ({facts['panic']})"
        fail_path = os.path.join(logs, f"{name}.failure.txt")
        tail = "\n".join(text.splitlines()[-60:])
        with open(fail_path, "w") as f:
            f.write(
                f"{name}: {error}\ncfg: {' '.join(cfg)}\nqemu: {' '.join(qemu_args)}\n"
                f"--- serial (last 60 lines) ---\n{tail}\n"
            )
        row["status"] = f"FAILED: {error} (see {fail_path})"
        return row
    if facts.get("log_dropped", "0") != "0":
        notes.append(f"dropped={facts['log_dropped']}")
    if "window" in facts:
        notes.append(facts["window"])
    row["status"] = "ok"
    row["note"] = " ".join(notes)
    return row
