#!/usr/bin/env python3
"""The benchmark: boots rota over a matrix of machines on the steady wheel, every
configuration interleaved with the ones it is compared with, several rounds, and
prints one table of medians and spreads and one of ratios (docs/benchmarks.md
says how to read it).

    python3 image/bench.py [--build build] [--baseline DIR] [--repeat 3] [--quick]
                           [--modes 1280x800,...] [--displays virtio-gpu,gop]
                           [--only PATTERN] [--list] [--out BUILD/bench]

It builds nothing: build first (`cmake -S . -B build && cmake --build build -j2`).
Every run boots BUILD/esp.img headless with `spin=steady fps=0 frames=N gate=off
seed=1 perframe=off journal=off cpus=C mode=WxH` (the wheel turns at a constant speed
and never lands, so every frame costs the same), one QEMU at a time, under a hard
timeout. The matrix, per display (virtio-gpu: -device virtio-gpu-pci; gop: -vga std)
and size (1280x800, 1920x1080, 3840x2160):

    c1-damage, c2-damage   1 and 2 CPUs, presenting the damage: the render speed-up
    c2-full                debug=full-present, the whole screen every frame
    c2-ceiling             debug=present-only, the device's own limit
    @base                  c1 and c2 of the --baseline build: render ns per pixel

plus virtio-gpu with 2 CPUs at fps=60 (the paced targets). --linux adds the anchor:
Debian's kernel on the same machine beside rota (image/bench_linux.py). A round runs every
configuration once, members of a comparison next to each other, and the next round
runs them in reverse order; each ratio is taken within a round, then the median and
range over rounds are shown. Per run the table also shows the QEMU process's host CPU
use over the frame loop (cores) and the CPU the rest of the host used meanwhile: only
ratios from one sitting on a quiet host mean much.

Out dir: bench.txt (the tables), bench.md, bench.csv (every run of every round), and
logs/NAME.rN.serial.log for every run, logs/NAME.rN.failure.txt for a failed one.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_linux  # noqa: E402
import bench_matrix  # noqa: E402
import bench_measure  # noqa: E402
import bench_report  # noqa: E402
import plot  # noqa: E402
import qemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def provenance(build):
    """Where an image came from, taken before the runs (the tree may move meanwhile)."""
    source = source_dir(build)

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
    built = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(build, "esp.img")))
    return f"rota {commit} (image built {built:%Y-%m-%d %H:%M})"


def qemu_version():
    try:
        out = subprocess.run([qemu.QEMU, "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "QEMU ?"
    return re.sub(r"^QEMU emulator version (\S+).*", r"QEMU \1", (out.splitlines() or ["?"])[0])


def build_dir(path):
    """A build directory holding esp.img: `path` itself or `path`/build."""
    for candidate in (path, os.path.join(path, "build")):
        if os.path.exists(os.path.join(candidate, "esp.img")):
            return candidate
    return None


# --- main -----------------------------------------------------------------------


EXAMPLES = """\
examples:
  python3 image/bench.py                      the whole matrix, 3 rounds
  python3 image/bench.py --baseline /tmp/base this build against another, in one sitting
  python3 image/bench.py --quick              virtio-gpu at 1280x800 only
  python3 image/bench.py --list               the runs and comparisons, without running them
  python3 image/bench.py --modes 1920x1080 --displays gop   a part of the matrix
  python3 image/bench.py --only 'virtio-gpu-1280x800-c[12]-damage'   two runs and their ratio
  python3 image/bench.py --repeat 5 --out /tmp/bench        more rounds, results elsewhere
  python3 image/bench.py --quick --plot virtio-gpu-1280x800-c2-damage   plot its frame times
  python3 image/bench.py --quick --linux      and Linux on the same machine beside rota
  python3 image/bench.py --linux --only none  only rota and Linux side by side

Build first (bench.py builds nothing): cmake --preset default && cmake --build --preset default
A baseline: git worktree add /tmp/base COMMIT && cmake -S /tmp/base -B /tmp/base/build &&
  cmake --build /tmp/base/build -j2 --target rota_images
Results: BUILD/bench/bench.txt, .csv, .md and logs/ (docs/benchmarks.md).
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


def parse_args(argv):
    p = Parser(
        prog="image/bench.py",
        description="Boot rota over a matrix of machines on the steady wheel, interleaved "
        "and repeated, and print medians, spreads and ratios (builds nothing: build first).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory")
    p.add_argument(
        "--baseline",
        metavar="DIR",
        help="another build (its build directory or source tree) to compare this one with",
    )
    p.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    p.add_argument(
        "--quick", action="store_true", help="virtio-gpu at 1280x800 only, no paced rows"
    )
    p.add_argument("--modes", help="comma-separated sizes (default 1280x800,1920x1080,3840x2160)")
    p.add_argument("--displays", help="comma-separated: virtio-gpu, gop (default both)")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="keep runs (and comparisons of two runs) whose name matches (repeatable)",
    )
    p.add_argument(
        "--linux",
        action="store_true",
        help="also boot Debian's kernel on the same machine and put it beside rota "
        "(present path, block reads; needs image/deps.sh --linux)",
    )
    p.add_argument("--frames", type=int, help="frames per run (default: by size, see --list)")
    p.add_argument(
        "--plot",
        default="none",
        metavar="RUN",
        help="one more run of this name with debug=frame-times, plotted to frametimes.png",
    )
    p.add_argument("--debug", default="", metavar="FLAGS", help="more debug= flags for every run")
    p.add_argument(
        "--cfg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="another rota.cfg line for every run (repeatable; not debug=)",
    )
    p.add_argument("--out", help="output directory (default: BUILD/bench)")
    p.add_argument("--timeout", type=float, help="hard limit per QEMU run, seconds")
    p.add_argument("--list", action="store_true", help="print the runs and comparisons and exit")
    args = p.parse_args(argv)
    args.out = args.out or os.path.join(args.build, "bench")
    args.debug = [flag for flag in args.debug.split(",") if flag]
    if any(not re.fullmatch(r"\w+=\S+", line) or line.startswith("debug=") for line in args.cfg):
        p.error("--cfg takes KEY=VALUE lines other than debug= (use --debug)")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    args.displays = args.displays.split(",") if args.displays else list(bench_matrix.DISPLAYS)
    args.modes = args.modes.split(",") if args.modes else list(bench_matrix.MODES)
    if args.quick:
        args.displays, args.modes = ["virtio-gpu"], ["1280x800"]
    for d in args.displays:
        if d not in bench_matrix.DISPLAYS:
            p.error(f"unknown display {d!r} (virtio-gpu, gop)")
    for m in args.modes:
        if not re.fullmatch(r"\d+x\d+", m):
            p.error(f"a mode is WxH, not {m!r}")
    return p, args


def main(argv=None):
    p, args = parse_args(argv)
    image = os.path.join(args.build, "esp.img")
    if not os.path.exists(image):
        p.error(
            f"{image} is missing: build first (cmake -S . -B {args.build} && "
            f"cmake --build {args.build} -j2)"
        )
    images = {"this": image}
    if args.baseline:
        base = build_dir(args.baseline)
        if base is None:
            p.error(f"no esp.img in {args.baseline} or {args.baseline}/build")
        images["base"] = os.path.join(base, "esp.img")

    comparisons, extra = bench_matrix.plan(
        args.displays, args.modes, bool(args.baseline), paced=not args.quick
    )
    comparisons, extra = bench_matrix.select(comparisons, extra, args.only)
    runs = bench_matrix.runs_of(comparisons, extra)
    plot_run = None
    if args.plot != "none":
        plot_run = next((r for r in runs if r.name == args.plot), None)
        if plot_run is None:
            p.error(f"--plot {args.plot}: not a run of this matrix (see --list)")
    if args.list:
        for run in runs:
            print(f"{run.name}  frames={run.frames(args.frames)}")
        for c in comparisons:
            print(f"compare {c.name} on {c.metric}")
        return 0
    if not runs and not args.linux:
        p.error("no run left after --only")

    logs = os.path.join(args.out, "logs")
    os.makedirs(logs, exist_ok=True)
    origin = f"{provenance(args.build)}"
    if args.baseline:
        origin += f" against baseline {provenance(build_dir(args.baseline))}"
    origin += f", {qemu_version()} TCG, host {os.cpu_count()} cores"
    load_before = os.getloadavg()[0]
    total = len(runs) * args.repeat
    print(
        f"bench: {len(runs)} runs x {args.repeat} rounds = {total} boots; host load "
        f"{load_before:.1f}",
        file=sys.stderr,
    )

    rows, rows_by_run, walls, done = [], {}, [], 0
    for round_index in range(args.repeat):
        order = runs if round_index % 2 == 0 else list(reversed(runs))
        for run in order:
            done += 1
            left = time_left(walls, total - done + 1, args.timeout or 160)
            print(
                f"bench: [{done}/{total}] round {round_index + 1} {run.name} ({left}) ...",
                end=" ",
                file=sys.stderr,
                flush=True,
            )
            started = time.monotonic()
            row = bench_measure.execute(run, images[run.build], args, logs, round_index)
            walls.append(time.monotonic() - started)
            rows.append(row)
            rows_by_run.setdefault(run, []).append(row)
            figures = (
                f"{row.get('fps')} fps render {row.get('render_ms')} ms "
                f"QEMU {row.get('host_cpu', '?')} other {row.get('host_other', '?')}"
            )
            print(
                f"{figures if row['status'] == 'ok' else row['status']} ({row['wall_s']}s)",
                file=sys.stderr,
            )

    anchor = None
    if args.linux:
        try:
            anchor = bench_linux.run(
                image,
                args.modes,
                args.repeat,
                args.out,
                progress=lambda line: print(line, file=sys.stderr, flush=True),
            )
        except bench_linux.AnchorError as e:
            print(f"bench: the Linux anchor cannot run: {e}", file=sys.stderr)
            anchor = []

    others = bench_report.values(rows, "host_other")
    note = (
        f"{origin}. {args.repeat} rounds; other work on the host during the frame loops: "
        f"{min(others, default=0):.1f}-{max(others, default=0):.1f} CPUs (load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end). Figures are "
        "medians over the rounds, +-half their range; ratios are taken within each round."
    )
    run_header, run_body = bench_report.run_table(runs, rows_by_run)
    cmp_header, cmp_body = bench_report.comparison_table(comparisons, rows_by_run)
    text = (
        f"{note}\n\n{bench_report.text_table(run_header, run_body)}\n\n"
        f"{bench_report.text_table(cmp_header, cmp_body)}\n"
    )
    markdown = (
        f"{note}\n\n{bench_report.markdown_table(run_header, run_body)}\n\n"
        f"{bench_report.markdown_table(cmp_header, cmp_body)}\n"
    )
    failed = sum(row["status"] != "ok" for row in rows)
    if anchor is not None:
        header, body, errors = bench_linux.table(anchor, args.modes)
        title = "rota and Linux on the same machine (virtio-gpu, 2 CPUs, the same disk):"
        text += f"\n{title}\n{bench_report.text_table(header, body)}\n"
        markdown += f"\n{title}\n\n{bench_report.markdown_table(header, body)}\n"
        for error in errors:
            text += f"FAILED: {error}\n"
            markdown += f"\nFAILED: {error}\n"
        failed += len(errors) + (0 if anchor else 1)
    print(text)
    with open(os.path.join(args.out, "bench.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "bench.md"), "w") as f:
        f.write(markdown)
    bench_report.write_csv(os.path.join(args.out, "bench.csv"), rows)

    if plot_run:
        print(f"bench: plot run {plot_run.name} ...", end=" ", file=sys.stderr, flush=True)
        args.debug = args.debug + ["frame-times"]
        row = bench_measure.execute(plot_run, images[plot_run.build], args, logs, args.repeat)
        png = os.path.join(args.out, "frametimes.png")
        if row["status"] == "ok":
            log = os.path.join(logs, f"{plot_run.name}.r{args.repeat + 1}.serial.log")
            with open(log, errors="replace") as f:
                serial = f.read()
            try:
                count = plot.write_plot(serial, png, f"{plot_run.name}  {row.get('fps')} fps")
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
