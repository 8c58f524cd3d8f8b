#!/usr/bin/env python3
"""Plots rota's frame times from a serial log as a PNG, with matplotlib.

    python3 image/plot.py serial.log frametimes.png [--title "..."]

The log must come from a run with `debug=frame-times`, which prints one
`[frametime] n=<frame> ms=<milliseconds>` line per frame (docs/serial.md). The
plot shows frame time against frame number, the p50 and p99 of the samples as
lines, the 16.7 ms budget of a frame at 60 fps, and a legend with the figures.
Needs Debian's python3-matplotlib (image/deps.sh).
"""
import argparse
import math
import re
import sys

try:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    from matplotlib import pyplot
except ImportError:
    sys.exit(
        "plot.py needs matplotlib: run image/deps.sh as root (Debian's python3-matplotlib), "
        "and run the tools with Debian's /usr/bin/python3"
    )

# The figure's size in pixels (at DPI); tests check it.
WIDTH, HEIGHT, DPI = 1000, 520, 100
# Colours as #RRGGBB, so that a test can find each element on the picture.
SERIES = "#2858c8"
P50 = "#009640"
P99 = "#d23228"
BUDGET = "#e08a00"
BUDGET_MS = 1000 / 60  # a frame at the default fps=60

_FRAMETIME = re.compile(r"\[frametime\] n=(\d+) ms=([0-9.]+)")


def parse_frame_times(text):
    """[(frame, ms)] from the `[frametime]` lines of a serial log, in log order."""
    return [(int(m.group(1)), float(m.group(2))) for m in _FRAMETIME.finditer(text)]


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def plot_frame_times(samples, title):
    """A matplotlib figure of samples [(frame, ms)] with p50, p99 and the budget."""
    if not samples:
        raise ValueError("no [frametime] lines to plot (was debug=frame-times set?)")
    frames = [f for f, _ in samples]
    values = [ms for _, ms in samples]
    p50, p99 = percentile(values, 50), percentile(values, 99)

    figure, axes = pyplot.subplots(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    axes.plot(frames, values, color=SERIES, linewidth=1, label="frame time")
    axes.axhline(p50, color=P50, linewidth=2, linestyle="--", label=f"p50 {p50:.1f} ms")
    axes.axhline(p99, color=P99, linewidth=2, linestyle="--", label=f"p99 {p99:.1f} ms")
    axes.axhline(
        BUDGET_MS,
        color=BUDGET,
        linewidth=2,
        linestyle=":",
        label=f"60 fps budget {BUDGET_MS:.1f} ms",
    )
    axes.set_xlabel("frame")
    axes.set_ylabel("frame time (ms)")
    axes.set_xlim(min(frames), max(max(frames), min(frames) + 1))
    axes.set_ylim(0, max(max(values), BUDGET_MS) * 1.1)
    axes.grid(True, color="#e0e0e0")
    axes.set_title(f"{title}\n{len(samples)} frames, max {max(values):.1f} ms", fontsize=10)
    axes.legend(loc="upper right", framealpha=0.9)
    figure.tight_layout()
    return figure


def write_plot(log_text, path, title):
    """Plots the `[frametime]` lines of log_text to path (PNG); returns the sample count."""
    samples = parse_frame_times(log_text)
    figure = plot_frame_times(samples, title)
    try:
        figure.savefig(path, format="png", dpi=DPI)
    finally:
        pyplot.close(figure)
    return len(samples)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Plot the [frametime] lines of a rota serial log as a PNG.",
        epilog="example: python3 image/plot.py build/bench/logs/"
        "virtio-gpu-c2-pfoff-damage-frametimes.serial.log frametimes.png",
    )
    p.add_argument("log", help="serial log of a run with debug=frame-times")
    p.add_argument("png", help="output PNG path")
    p.add_argument("--title", default="frame times", help="title line")
    a = p.parse_args(argv)
    try:
        with open(a.log, errors="replace") as f:
            text = f.read()
        count = write_plot(text, a.png, a.title)
    except (OSError, ValueError) as e:
        print(f"plot.py: {e}", file=sys.stderr)
        return 1
    print(f"plot.py: {count} frames -> {a.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
