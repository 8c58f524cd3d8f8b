#!/usr/bin/env python3
"""The frame-rate benchmark: boots rota over a matrix of machines and tabulates its
`[summary]` lines (docs/serial.md, docs/benchmarks.md).

    python3 image/bench.py [--build build] [--frames 600] [--quick] [--only PATTERN]
                           [--out BUILD/bench] [--present-path] [--list]
    python3 image/bench.py --help      every option, with examples

It builds nothing: build first (`cmake -S . -B build && cmake --build build -j2`, or
`image/run` once). Every run boots BUILD/esp.img headless with `fps=0 frames=N
gate=off seed=1` and no journal disk, one QEMU at a time, under a hard timeout; QEMU
is killed on every path (image/qemu.py). The matrix is

    display  virtio-gpu (-device virtio-gpu-pci) and gop (-vga std)
    cpus     1, 2, 4     (the cfg key cpus=N and QEMU's -smp N)
    perframe on, off     (the per-frame [VIRTIO PERF] line)
    present  damage, full (full = debug=full-present: the whole screen every frame)

named like `virtio-gpu-c2-pfoff-damage`; `--only` keeps the runs whose name matches a
shell pattern (repeatable), `--list` prints the names. Then one more run with
`debug=frame-times` (default virtio-gpu-c2-pfoff-damage, `--plot NAME`, `--plot none`)
is plotted to frametimes.png. `--present-path` runs the display issue's comparison
instead: virtio-gpu, 2 CPUs, perframe on, damage vs full, for the roulette and for
the display test scene (debug=test-scene), with completions per frame from the
`[VIRTIO PERF]` lines. `--debug FLAGS` and `--cfg KEY=VALUE` add to every run's
configuration (e.g. `--present-path --debug gpu-copy`).

Out dir: bench.txt/.csv/.md (or present-path.*), frametimes.png, logs/NAME.serial.log
for every run and logs/NAME.failure.txt (reason and serial tail) for a failed one.
docs/benchmarks.md describes the matrix and what the figures mean. The plot needs
Debian's python3-matplotlib (image/plot.py).
"""
import argparse
import csv
import dataclasses
import datetime
import fnmatch
import os
import re
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402
import qemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_DISPLAY = {"virtio-gpu": "virtio-gpu", "gop": "std"}
EXPECTED_BACKEND = {"virtio-gpu": "virtio-gpu", "gop": "gop"}


@dataclasses.dataclass(frozen=True)
class Run:
    display: str  # "virtio-gpu" or "gop"
    cpus: int
    perframe: bool
    present: str  # "damage" or "full"
    scene: str = "roulette"  # or "test": the display test scene (debug=test-scene)
    frame_times: bool = False

    @property
    def name(self):
        name = f"{self.display}-c{self.cpus}-pf{'on' if self.perframe else 'off'}-{self.present}"
        if self.scene != "roulette":
            name += f"-{self.scene}"
        return name + ("-frametimes" if self.frame_times else "")

    def cfg(self, frames, extra_debug=(), extra_cfg=()):
        debug = list(extra_debug)
        if self.present == "full":
            debug.append("full-present")
        if self.scene == "test":
            debug.append("test-scene")
        if self.frame_times:
            debug.append("frame-times")
        lines = [
            "fps=0",
            f"frames={frames}",
            "gate=off",
            "seed=1",
            f"perframe={'on' if self.perframe else 'off'}",
            f"cpus={self.cpus}",
        ]
        return lines + list(extra_cfg) + ([f"debug={','.join(debug)}"] if debug else [])


def parse_run_name(name):
    m = re.fullmatch(r"(virtio-gpu|gop)-c(\d+)-pf(on|off)-(damage|full)(?:-(test))?", name)
    if not m:
        raise ValueError(f"not a run name: {name!r} (like virtio-gpu-c2-pfoff-damage)")
    return Run(
        m.group(1), int(m.group(2)), m.group(3) == "on", m.group(4), m.group(5) or "roulette"
    )


def full_matrix():
    return [
        Run(d, c, pf, pr)
        for d in ("virtio-gpu", "gop")
        for c in (1, 2, 4)
        for pf in (True, False)
        for pr in ("damage", "full")
    ]


def quick_matrix():
    return [Run(d, 2, True, pr) for d in ("virtio-gpu", "gop") for pr in ("damage", "full")]


def present_path_matrix():
    return [
        Run("virtio-gpu", 2, True, pr, scene)
        for scene in ("roulette", "test")
        for pr in ("damage", "full")
    ]


# --- one run --------------------------------------------------------------------

_KV = re.compile(r"(\w+)=(\S+)")


def parse_log(text):
    """What a run's serial log says: the [summary] fields and a few facts around them."""
    facts = {}
    summary = re.search(r"^\[summary\] (.*)$", text, re.M)
    if summary:
        facts.update(_KV.findall(summary.group(1)))
    video = re.search(r"^\[video\] backend=(\S+) mode=(\S+)(.*)$", text, re.M)
    if video:
        facts["mode"] = video.group(2)
        buffering = re.search(r"buffering=(\S+)", video.group(3))
        if buffering:
            facts["buffering"] = buffering.group(1)
    smp = re.search(r"^\[smp\] online=(\S+)", text, re.M)
    if smp:
        facts["online"] = smp.group(1)
    if summary:
        facts["scene"] = "roulette" if re.search(r"^\[roulette\]", text, re.M) else "test scene"
    perf = re.findall(
        r"^\[VIRTIO PERF\] fences=(\d+) spins=(\d+) completions=(\d+) notifies=(\d+)", text, re.M
    )
    if perf:
        facts["perf_lines"] = len(perf)
        facts["completions_per_frame"] = f"{sum(int(p[2]) for p in perf) / len(perf):.2f}"
        facts["fences_max"] = max(int(p[0]) for p in perf)
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


def own_cpu_seconds():
    """CPU seconds used by this process and its waited-for children (QEMU, mcopy)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def execute(run, args, logs):
    """Boots one run; returns a dict of its figures with "status" ok or a failure text."""
    log_path = os.path.join(logs, f"{run.name}.serial.log")
    cfg = run.cfg(args.frames, args.debug, args.cfg)
    options = qemu.Options(
        image=os.path.join(args.build, "esp.img"),
        display=QEMU_DISPLAY[run.display],
        smp=run.cpus,
        machine="q35",
        cfg=cfg,
        serial=log_path,
        timeout=args.timeout,
    )
    busy, own = host_busy_seconds(), own_cpu_seconds()
    started = time.monotonic()
    error, summary = None, False
    notes = []
    with qemu.Machine(options) as m:
        try:
            m.start(connect_qmp=False)
            m.wait_for_line(r"^\[summary\] |^\[panic\]", timeout=args.timeout)
            summary = any(line.startswith("[summary] ") for line in m.lines)
            if not summary:
                time.sleep(1)  # let the rest of the panic report arrive
                error = "kernel panicked"
            else:
                m.wait_exit(20)
        except qemu.Timeout:
            if summary:  # the figures are in; only the power-off did not come
                notes.append("no-power-off!")
            else:
                error = f"no [summary] line within {args.timeout:g}s"
        except qemu.Exited:
            error = f"QEMU exited (status {m.proc.returncode}) without a [summary] line"
        except qemu.MachineError as e:
            error = str(e).splitlines()[0]
        text = m.serial_text() if os.path.exists(log_path) else ""
    wall = time.monotonic() - started
    # What the rest of the host ran meanwhile, in CPUs: it competes with QEMU's threads.
    others = max(0.0, (host_busy_seconds() - busy) - (own_cpu_seconds() - own)) / wall

    row = {
        "run": run.name,
        "display": run.display,
        "cpus": run.cpus,
        "perframe": "on" if run.perframe else "off",
        "present": run.present,
        "scene": "test scene" if run.scene == "test" else run.scene,
        "wall_s": f"{wall:.0f}",
        "host_other_cpus": f"{others:.2f}",
    }
    facts = parse_log(text)
    row.update(facts)
    if "frames" not in facts:
        error = error or "no [summary] line"
    if error:
        if "panic" in facts:
            error += f" ({facts['panic']})"
        fail_path = os.path.join(logs, f"{run.name}.failure.txt")
        tail = "\n".join(text.splitlines()[-60:])
        with open(fail_path, "w") as f:
            f.write(
                f"{run.name}: {error}\ncfg: {' '.join(cfg)}\n"
                f"qemu: {' '.join(getattr(m, 'args', []))}\n--- serial (last 60 lines) ---\n"
                f"{tail}\n"
            )
        shown = os.path.relpath(fail_path)
        row["status"] = f"FAILED: {error} (see {fail_path if shown.startswith('..') else shown})"
        return row, text
    if facts.get("backend") != EXPECTED_BACKEND[run.display]:
        notes.append(f"backend={facts.get('backend')}!")
    if facts.get("cpus") != str(run.cpus):
        notes.append(f"cpus={facts.get('cpus')}!")
    if facts.get("frames") != str(args.frames):
        notes.append(f"frames={facts.get('frames')}!")
    if others > 0.3:
        notes.append(f"host-busy={others:.1f}")
    if facts.get("log_dropped", "0") != "0":
        notes.append(f"dropped={facts['log_dropped']}")
    row["status"] = "ok"
    row["note"] = " ".join(notes)
    return row, text


# --- the table ------------------------------------------------------------------

MAIN_COLUMNS = [
    ("display", "display"),
    ("cpus", "cpus"),
    ("perframe", "perframe"),
    ("present", "present"),
    ("fps", "fps"),
    ("p50 ms", "p50_ms"),
    ("p99 ms", "p99_ms"),
    ("render ms", "render_ms"),
    ("present ms", "present_ms"),
    ("fences/frame", "fences_per_frame"),
    ("spins/frame", "spins_per_frame"),
    ("notifies/frame", "notifies_per_frame"),
    ("note", "note"),
]
PRESENT_PATH_COLUMNS = [
    ("scene", "scene"),
    ("buffering", "buffering"),
    ("present", "present"),
    ("fps", "fps"),
    ("p50 ms", "p50_ms"),
    ("p99 ms", "p99_ms"),
    ("render ms", "render_ms"),
    ("present ms", "present_ms"),
    ("fences/frame", "fences_per_frame"),
    ("spins/frame", "spins_per_frame"),
    ("completions/frame", "completions_per_frame"),
    ("notifies/frame", "notifies_per_frame"),
    ("note", "note"),
]
_TEXT_KEYS = {"display", "perframe", "present", "scene", "buffering", "note"}


def leading(columns):
    """How many columns name the run (display, cpus, ...) before the first figure."""
    return next(i for i, (_, key) in enumerate(columns) if key not in _TEXT_KEYS | {"cpus"})


def cells(rows, columns):
    """The table's cells; a failed row has its failure where the figures would be."""
    lead = leading(columns)
    out = []
    for row in rows:
        if row["status"] != "ok":
            names = [str(row.get(key, "")) for _, key in columns[:lead]]
            out.append(names + [row["status"]] + [""] * (len(columns) - lead - 1))
        else:
            out.append([str(row.get(key, "-")) for _, key in columns])
    return out


def text_table(rows, columns):
    header = [h for h, _ in columns]
    body = cells(rows, columns)
    lead = leading(columns)
    # A failure message spans the figure columns: it does not set their widths.
    widths = [
        max(
            [len(header[i])]
            + [len(r[i]) for r, row in zip(body, rows) if row["status"] == "ok" or i < lead]
        )
        for i in range(len(columns))
    ]

    def line(values, ok=True):
        parts = []
        for i, (v, (_, key)) in enumerate(zip(values, columns)):
            if not ok and i == lead:
                parts.append(v)
                break
            parts.append(v.ljust(widths[i]) if key in _TEXT_KEYS else v.rjust(widths[i]))
        return "  ".join(parts).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(values, row["status"] == "ok") for values, row in zip(body, rows)]
    return "\n".join(lines)


def markdown_table(rows, columns):
    header = [h for h, _ in columns]
    align = [":--" if key in _TEXT_KEYS else "--:" for _, key in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += [
        "| " + " | ".join(c.replace("|", "\\|") for c in values) + " |"
        for values in cells(rows, columns)
    ]
    return "\n".join(lines)


def write_csv(path, rows):
    keys = [
        "run",
        "status",
        "display",
        "cpus",
        "perframe",
        "present",
        "scene",
        "backend",
        "mode",
        "buffering",
        "online",
        "frames",
        "fps",
        "p50_ms",
        "p99_ms",
        "render_ms",
        "present_ms",
        "fences_per_frame",
        "spins_per_frame",
        "notifies_per_frame",
        "completions_per_frame",
        "fences_max",
        "log_dropped",
        "note",
        "wall_s",
        "host_other_cpus",
    ]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow(row)


def source_dir(build):
    """The source tree the build directory was configured from (CMakeCache.txt)."""
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ROOT


def provenance(args):
    """Where the image came from, taken before the runs (the tree may move meanwhile)."""
    source = source_dir(args.build)

    def run(cmd):
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, cwd=source, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = run(["git", "rev-parse", "--short", "HEAD"]) or "?"
    if run(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += "+changes"
    built = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(args.build, "esp.img")))
    qemu_version = (run([qemu.QEMU, "--version"]).splitlines() or ["?"])[0]
    qemu_version = re.sub(r"^QEMU emulator version (\S+).*", r"QEMU \1", qemu_version)
    return (
        f"rota {commit} (image built {built:%Y-%m-%d %H:%M}), {qemu_version} TCG, "
        f"host {os.cpu_count()} cores"
    )


def context(args, rows, origin):
    """One paragraph saying what was measured where."""
    scenes = sorted({row.get("scene") for row in rows if row.get("scene")})
    modes = sorted({row.get("mode") for row in rows if row.get("mode")})
    others = [float(row["host_other_cpus"]) for row in rows]
    extra = " ".join(args.cfg + ([f"debug+={','.join(args.debug)}"] if args.debug else []))
    return (
        f"{origin} (other work on it during the runs: {min(others):.1f}-{max(others):.1f} "
        f"CPUs); fps=0 frames={args.frames} seed=1 gate=off{' ' + extra if extra else ''}, "
        f"mode {'/'.join(modes) or '?'}, scene: {'/'.join(scenes) or '?'}."
    )


# --- main -----------------------------------------------------------------------


EXAMPLES = """\
examples:
  python3 image/bench.py                      the whole matrix: 24 runs of 600 frames
  python3 image/bench.py --quick              4 runs of 300 frames (2 CPUs, perframe on)
  python3 image/bench.py --list               the run names, without running them
  python3 image/bench.py --only 'gop-*' --only 'virtio-gpu-c4-*'   a part of the matrix
  python3 image/bench.py --present-path       damage vs full screen on virtio-gpu
  python3 image/bench.py --present-path --debug gpu-copy   the same with copy buffering
  python3 image/bench.py --cfg mode=1024x768 --frames 300  another mode, shorter runs
  python3 image/bench.py --plot gop-c1-pfoff-damage        plot that run's frame times
  python3 image/bench.py --plot none --out /tmp/bench      no plot, results elsewhere

Build first (bench.py builds nothing): cmake --preset default && cmake --build --preset default
Results: BUILD/bench/bench.txt, .csv, .md, frametimes.png and logs/ (docs/benchmarks.md).
"""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors end with where to look next."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n{self.prog}: --help lists every option\n")


def duration(seconds):
    """'1 min 05 s', '42 s': a time left, to the second."""
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def time_left(walls, remaining, timeout):
    """'about 1 min 05 s left' for the `remaining` runs, from the mean wall time of
    the runs so far; before the first has finished, the bound their timeouts set."""
    if not walls:
        return f"at most {duration(timeout * remaining)} left"
    return f"about {duration(sum(walls) / len(walls) * remaining)} left"


def main(argv=None):
    p = Parser(
        prog="image/bench.py",
        description="Boot rota over a matrix of machines and tabulate "
        "its [summary] lines (builds nothing: build first).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--build",
        default=os.path.join(ROOT, "build"),
        help="build directory holding esp.img (default: build)",
    )
    p.add_argument("--frames", type=int, help="frames per run (default 600; 300 with --quick)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smaller matrix: virtio-gpu and gop, 2 CPUs, perframe on, " "damage and full",
    )
    p.add_argument(
        "--present-path",
        action="store_true",
        help="virtio-gpu, 2 CPUs, perframe on: damage vs full, roulette and test scene",
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="keep runs whose name matches this shell pattern (repeatable)",
    )
    p.add_argument(
        "--plot",
        default="virtio-gpu-c2-pfoff-damage",
        metavar="NAME",
        help="the run plotted with debug=frame-times, or 'none'",
    )
    p.add_argument(
        "--debug",
        default="",
        metavar="FLAGS",
        help="more debug= flags for every run, comma-separated (e.g. gpu-copy)",
    )
    p.add_argument(
        "--cfg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="another rota.cfg line for every run (repeatable; not debug=)",
    )
    p.add_argument("--out", help="output directory (default: BUILD/bench)")
    p.add_argument(
        "--timeout",
        type=float,
        help="hard limit per QEMU run, seconds (default 90 + 0.5 per frame)",
    )
    p.add_argument("--list", action="store_true", help="print the selected run names and exit")
    args = p.parse_args(argv)
    args.frames = args.frames or (300 if args.quick else 600)
    args.timeout = args.timeout or 90 + 0.5 * args.frames
    args.out = args.out or os.path.join(args.build, "bench")
    args.debug = [flag for flag in args.debug.split(",") if flag]
    if any(not re.fullmatch(r"\w+=\S+", line) or line.startswith("debug=") for line in args.cfg):
        p.error("--cfg takes KEY=VALUE lines other than debug= (use --debug)")

    runs = (
        present_path_matrix()
        if args.present_path
        else quick_matrix()
        if args.quick
        else full_matrix()
    )
    if args.only:
        runs = [r for r in runs if any(fnmatch.fnmatchcase(r.name, pat) for pat in args.only)]
    plot_run = None
    if args.plot != "none" and not args.present_path:
        try:
            plot_run = dataclasses.replace(parse_run_name(args.plot), frame_times=True)
        except ValueError as e:
            p.error(str(e))
    if args.list:
        print("\n".join(r.name for r in runs + ([plot_run] if plot_run else [])))
        return 0
    if not runs and not plot_run:
        p.error("no run left after --only")
    image = os.path.join(args.build, "esp.img")
    if not os.path.exists(image):
        p.error(
            f"{image} is missing: build first (cmake -S . -B {args.build} && "
            f"cmake --build {args.build} -j2, or image/run once)"
        )

    logs = os.path.join(args.out, "logs")
    os.makedirs(logs, exist_ok=True)
    load = os.getloadavg()[0]
    if load > 1.0:
        print(
            f"bench: host load is {load:.1f}: other work on this host skews the figures",
            file=sys.stderr,
        )
    print(
        f"bench: {len(runs)} runs of {args.frames} frames from {image}, "
        f"timeout {args.timeout:.0f}s each",
        file=sys.stderr,
    )

    origin = provenance(args)
    rows, walls = [], []
    total = len(runs) + (1 if plot_run else 0)
    for i, run in enumerate(runs, 1):
        left = time_left(walls, total - i + 1, args.timeout)
        print(
            f"bench: [{i}/{total}] {run.name} ({left}) ...",
            end=" ",
            file=sys.stderr,
            flush=True,
        )
        started = time.monotonic()
        row, _ = execute(run, args, logs)
        walls.append(time.monotonic() - started)
        rows.append(row)
        print(
            f"{row['status'] if row['status'] != 'ok' else row.get('fps') + ' fps'} "
            f"({row['wall_s']}s)",
            file=sys.stderr,
        )

    stem = "present-path" if args.present_path else "bench"
    columns = PRESENT_PATH_COLUMNS if args.present_path else MAIN_COLUMNS
    failed = sum(row["status"] != "ok" for row in rows)
    if rows:
        note = context(args, rows, origin)
        table = text_table(rows, columns)
        print(note)
        print(table)
        with open(os.path.join(args.out, f"{stem}.txt"), "w") as f:
            f.write(f"{note}\n\n{table}\n")
        with open(os.path.join(args.out, f"{stem}.md"), "w") as f:
            f.write(f"{note}\n\n{markdown_table(rows, columns)}\n")
        write_csv(os.path.join(args.out, f"{stem}.csv"), rows)

    if plot_run:
        left = time_left(walls, 1, args.timeout)
        print(
            f"bench: [{total}/{total}] plot run {plot_run.name} ({left}) ...",
            end=" ",
            file=sys.stderr,
            flush=True,
        )
        row, text = execute(plot_run, args, logs)
        png = os.path.join(args.out, "frametimes.png")
        if row["status"] == "ok":
            title = (
                f"{plot_run.display} {plot_run.cpus} cpu{'s' if plot_run.cpus > 1 else ''}"
                f" perframe {'on' if plot_run.perframe else 'off'} {plot_run.present}"
                f"  {row.get('scene', '')}  {row.get('fps')} fps"
            )
            try:
                count = plot.write_plot(text, png, title)
                print(f"{count} frames -> {png}", file=sys.stderr)
            except ValueError as e:
                print(f"FAILED: {e}", file=sys.stderr)
                failed += 1
        else:
            print(row["status"], file=sys.stderr)
            failed += 1
    print(
        f"bench: results in {args.out}" + (f"; {failed} FAILED" if failed else ""), file=sys.stderr
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
