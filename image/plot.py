#!/usr/bin/env python3
"""Plots rota's frame times from a serial log as a PNG, with no plotting library.

    python3 image/plot.py serial.log frametimes.png [--title "..."]

The log must come from a run with `debug=frame-times`, which prints one
`[frametime] n=<frame> ms=<milliseconds>` line per frame (docs/serial.md). The plot
has frame number across, milliseconds up, tick labels, the p50 and p99 of the
samples as horizontal lines, and a title. Text is drawn with the 5x7 bitmap font
below; the PNG is written with zlib and struct. Python 3 standard library only.
"""
import argparse
import math
import re
import struct
import sys
import zlib

# --- a 5x7 bitmap font ----------------------------------------------------------
# Seven rows of five columns per glyph, "#" = ink. Lower case is drawn as upper case.

_GLYPHS = {
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "###.. #..#. #...# #...# #...# #..#. ###..",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    " ": "..... ..... ..... ..... ..... ..... .....",
    ".": "..... ..... ..... ..... ..... .##.. .##..",
    ",": "..... ..... ..... ..... .##.. ..#.. .#...",
    ":": "..... .##.. .##.. ..... .##.. .##.. .....",
    "-": "..... ..... ..... .###. ..... ..... .....",
    "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
    "=": "..... ..... ##### ..... ##### ..... .....",
    "/": "..... ....# ...#. ..#.. .#... #.... .....",
    "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
    ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
    "[": ".###. .#... .#... .#... .#... .#... .###.",
    "]": ".###. ...#. ...#. ...#. ...#. ...#. .###.",
    "_": "..... ..... ..... ..... ..... ..... #####",
    "%": "##... ##..# ...#. ..#.. .#... #..## ...##",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
}
FONT_W, FONT_H = 5, 7
_FONT = {ch: [row for row in rows.split()] for ch, rows in _GLYPHS.items()}


def text_width(text, scale=1):
    return len(text) * (FONT_W + 1) * scale - scale if text else 0


# --- a canvas -------------------------------------------------------------------


class Canvas:
    """An RGB picture to draw on: pixels, filled rectangles, lines, text."""

    def __init__(self, width, height, background=(255, 255, 255)):
        self.width, self.height = width, height
        self.rgb = bytearray(bytes(background) * (width * height))

    def set(self, x, y, color):
        if 0 <= x < self.width and 0 <= y < self.height:
            i = (y * self.width + x) * 3
            self.rgb[i : i + 3] = bytes(color)

    def fill(self, x, y, w, h, color):
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.width, x + w), min(self.height, y + h)
        if x1 <= x0:
            return
        row = bytes(color) * (x1 - x0)
        for yy in range(y0, y1):
            i = (yy * self.width + x0) * 3
            self.rgb[i : i + len(row)] = row

    def line(self, x0, y0, x1, y1, color):
        """Bresenham: every pixel of the line from (x0, y0) to (x1, y1), ends included."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            self.set(x0, y0, color)
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def dashed_hline(self, x0, x1, y, color, dash=6, gap=4):
        for x in range(x0, x1 + 1):
            if (x - x0) % (dash + gap) < dash:
                self.set(x, y, color)

    def text(self, x, y, text, color, scale=1):
        """Draws text with its top-left corner at (x, y)."""
        for ch in text:
            glyph = _FONT.get(ch.upper(), _FONT["?"])
            for row, bits in enumerate(glyph):
                for col, bit in enumerate(bits):
                    if bit == "#":
                        self.fill(x + col * scale, y + row * scale, scale, scale, color)
            x += (FONT_W + 1) * scale

    def png(self):
        """The picture as an 8-bit RGB PNG (filter 0 on every row)."""
        stride = self.width * 3
        raw = b"".join(
            b"\x00" + bytes(self.rgb[y * stride : (y + 1) * stride]) for y in range(self.height)
        )

        def chunk(kind, body):
            return (
                struct.pack(">I", len(body))
                + kind
                + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
            )

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


# --- frame times ----------------------------------------------------------------

_FRAMETIME = re.compile(r"\[frametime\] n=(\d+) ms=([0-9.]+)")


def parse_frame_times(text):
    """[(frame, ms)] from the `[frametime]` lines of a serial log, in log order."""
    return [(int(m.group(1)), float(m.group(2))) for m in _FRAMETIME.finditer(text)]


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def nice_step(span, ticks):
    """A 1, 2 or 5 times a power of ten that cuts span into about `ticks` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _label(value, step):
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:.{decimals}f}"


INK = (40, 40, 40)
GRID = (225, 225, 225)
SERIES = (40, 90, 200)
P50 = (0, 150, 60)
P99 = (210, 50, 40)


def plot_frame_times(samples, title, width=1000, height=520):
    """A Canvas with samples [(frame, ms)] plotted as a line, p50/p99 as dashes."""
    if not samples:
        raise ValueError("no [frametime] lines to plot (was debug=frame-times set?)")
    c = Canvas(width, height)
    scale = 2
    left, right, top, bottom = 78, 24, 64, 60
    pw, ph = width - left - right, height - top - bottom

    frames = [f for f, _ in samples]
    values = [ms for _, ms in samples]
    p50, p99 = percentile(values, 50), percentile(values, 99)
    x_lo, x_hi = min(frames), max(frames)
    if x_hi == x_lo:
        x_hi = x_lo + 1
    y_step = nice_step(max(values), 6)
    y_hi = y_step * math.ceil(max(values) / y_step) or y_step
    x_step = nice_step(x_hi - x_lo, 8)

    def px(frame):
        return left + round((frame - x_lo) * (pw - 1) / (x_hi - x_lo))

    def py(ms):
        return top + ph - 1 - round(min(ms, y_hi) * (ph - 1) / y_hi)

    # Grid, then the series, then the percentile lines and the axes on top.
    y = 0.0
    while y <= y_hi + y_step / 2:
        c.line(left, py(y), left + pw - 1, py(y), GRID)
        label = _label(y, y_step)
        c.text(left - 10 - text_width(label, scale), py(y) - FONT_H * scale // 2, label, INK, scale)
        y += y_step
    x = math.ceil(x_lo / x_step) * x_step
    while x <= x_hi:
        c.line(px(x), top, px(x), top + ph - 1, GRID)
        c.line(px(x), top + ph, px(x), top + ph + 5, INK)
        label = _label(x, x_step)
        c.text(px(x) - text_width(label, scale) // 2, top + ph + 10, label, INK, scale)
        x += x_step

    previous = None
    for frame, ms in samples:
        point = (px(frame), py(ms))
        if previous is not None and frame > previous_frame:
            c.line(*previous, *point, SERIES)
        else:
            c.set(*point, SERIES)
        previous, previous_frame = point, frame

    # p99 is labelled above its line, p50 below its own (above it when that would
    # leave the plot); a p99 label that would then overlap goes higher.
    label_h = FONT_H * scale + 6
    p50_y = py(p50) + 7 if py(p50) + 7 + label_h <= top + ph else py(p50) - 5 - FONT_H * scale
    p99_y = min(py(p99) - 5 - FONT_H * scale, p50_y - label_h - 2)
    for value, color, name, ly in ((p50, P50, "P50", p50_y), (p99, P99, "P99", p99_y)):
        c.dashed_hline(left, left + pw - 1, py(value), color)
        c.dashed_hline(left, left + pw - 1, py(value) + 1, color)
        label = f"{name} {value:.1f} MS"
        lx = left + pw - 8 - text_width(label, scale)
        c.fill(lx - 3, ly - 3, text_width(label, scale) + 6, label_h, (255, 255, 255))
        c.text(lx, ly, label, color, scale)

    c.line(left - 1, top, left - 1, top + ph, INK)
    c.line(left - 1, top + ph, left + pw - 1, top + ph, INK)

    # A title too long for the big font is drawn at half size rather than cut off.
    c.text(left, 14, title, INK, scale if text_width(title, scale) <= width - left else 1)
    c.text(left, 38, f"{len(samples)} FRAMES  MAX {max(values):.1f} MS", INK, scale)
    axis = "FRAME"
    c.text(left + (pw - text_width(axis, scale)) // 2, height - 22, axis, INK, scale)
    c.text(8, top - 22, "MS", INK, scale)
    return c


def write_plot(log_text, path, title):
    """Plots the `[frametime]` lines of log_text to path; returns the sample count."""
    samples = parse_frame_times(log_text)
    canvas = plot_frame_times(samples, title)
    with open(path, "wb") as f:
        f.write(canvas.png())
    return len(samples)


def main(argv=None):
    p = argparse.ArgumentParser(description="Plot [frametime] lines of a rota serial log as a PNG.")
    p.add_argument("log", help="serial log of a run with debug=frame-times")
    p.add_argument("png", help="output PNG path")
    p.add_argument("--title", default="FRAME TIMES", help="title line")
    a = p.parse_args(argv)
    with open(a.log, errors="replace") as f:
        text = f.read()
    try:
        count = write_plot(text, a.png, a.title)
    except ValueError as e:
        print(f"plot.py: {a.log}: {e}", file=sys.stderr)
        return 1
    print(f"plot.py: {count} frames -> {a.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
