"""What the end-to-end tests look for on the screen (QMP screendumps): the Wheel of
Fate's colours where the layout puts them, text in rota's own font read back cell by
cell, and motion between two screenshots. Shared by every case that draws.

Text is judged against gfx/text/font/rota8x16.txt, the font's source: at scale 1 the
bitmap is drawn as it is, so every cell must be ink or background exactly; from scale 2
the outline is smoothed (gfx/text/text_smooth.h), so only the cells whose eight
neighbours agree with them are judged, which still tells every digit from every other.
"""
import math
import os
import re
import time

import cases  # for cases.check() and BOOT_S, looked up when called (cases imports this module)

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = os.path.join(HERE, "..", "..", "gfx", "text", "font", "rota8x16.txt")

BLACK = (0, 0, 0)
LIGHT = (0xC7, 0xC7, 0xC7)  # title, spokes, rim, hub, the "? ? ?"
COLOURED, BLANK = (0x14, 0x4E, 0x44), (0x1E, 0x1E, 0x1E)
LIT_COLOURED, LIT_BLANK = (0x3D, 0xD6, 0xC6), (0x33, 0x33, 0x33)
POINTER = (0xFF, 0xE0, 0x87)
WIN, LOSE = (0x2D, 0xD4, 0xB3), (0xE3, 0x5D, 0x5B)
HUD_TEXT, HUD_GRAPH = (0xA8, 0xA8, 0xA8), (0x3D, 0xD6, 0xC6)
TOLERANCE = 3

LANDED = r"^\[roulette\] spin=\d+ fate=\d+ "
LAYOUT = (
    r"^\[roulette\] layout wheel=(-?\d+),(-?\d+),(\d+) box=(-?\d+),(-?\d+),(\d+),(\d+) "
    r"banner=(-?\d+),(-?\d+),(\d+),(\d+) hud=(-?\d+),(-?\d+),(\d+),(\d+)"
)


def close(a, b, tolerance=TOLERANCE):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def layout(m):
    """The latest [roulette] layout line (a fail-over lays the table out again):
    wheel centre and radius, fate box, banner, HUD."""
    m.wait_for_line(LAYOUT, cases.BOOT_S, from_start=True)
    latest = [match for match in map(re.compile(LAYOUT).search, m.lines) if match][-1]
    g = [int(v) for v in latest.groups()]
    return {"cx": g[0], "cy": g[1], "r": g[2], "box": g[3:7], "banner": g[7:11], "hud": g[11:15]}


# --- the font ---------------------------------------------------------------------

_glyphs = None


def glyph(ch):
    """The 16 rows of 8 cells (True = ink) of one character, as the font file has it."""
    global _glyphs
    if _glyphs is None:
        _glyphs = {}
        with open(FONT) as f:
            lines = f.read().splitlines()
        for i, line in enumerate(lines):
            match = re.match(r"^glyph 0x([0-9a-fA-F]{2})\b", line)
            if match:
                rows = lines[i + 1 : i + 17]
                _glyphs[int(match.group(1), 16)] = [[c == "#" for c in row] for row in rows]
    code = ord(ch)
    return _glyphs[code if 32 <= code <= 126 else 0x7F]


def text_width(text, scale=1):
    """As gfx/text/text.cpp: the last glyph ends at its ink (7 of its 8 columns)."""
    return len(text) * 8 * scale - scale if text else 0


def text_mismatches(shot, x, y, text, colour, scale=1, background=BLACK, limit=None):
    """Cells of text drawn with its top-left at (x, y) that are not what the font says:
    ink that is not `colour`, paper that is not `background`. Returns (bad, judged)."""
    bad = judged = 0
    for i, ch in enumerate(text):
        rows = glyph(ch)

        def ink(r, c):
            if 0 <= r < 16 and 0 <= c < 8:
                return rows[r][c]
            return False

        for r in range(16):
            for c in range(8):
                want = ink(r, c)
                if scale > 1 and any(
                    ink(r + dr, c + dc) != want for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                ):
                    continue  # on the smoothed outline
                for sy in range(scale):
                    for sx in range(scale):
                        px, py = x + (i * 8 + c) * scale + sx, y + r * scale + sy
                        if not (0 <= px < shot.width and 0 <= py < shot.height):
                            bad += 1
                            continue
                        judged += 1
                        got = shot.pixel(px, py)
                        if not close(got, colour if want else background):
                            bad += 1
                            if limit is not None and bad > limit:
                                return bad, judged
    return bad, judged


def expect_text(shot, x, y, text, colour, name, scale=1, background=BLACK):
    bad, judged = text_mismatches(shot, x, y, text, colour, scale, background)
    cases.check(
        judged > 0 and bad == 0,
        f"{name}: {text!r} at ({x},{y}) scale {scale}: {bad} of {judged} cells differ",
    )


def find_text_row(shot, x, ys, text, colour, scale=1):
    """The y in ys at which text is drawn exactly at column x, else None."""
    for y in ys:
        bad, judged = text_mismatches(shot, x, y, text, colour, scale, limit=0)
        if judged and bad == 0:
            return y
    return None


# --- the wheel --------------------------------------------------------------------


def ring_difference(a, b, lay):
    """How many sampled pixels of the turning ring differ between two screenshots."""
    cx, cy, r = lay["cx"], lay["cy"], lay["r"]
    step = max(1, r // 90)
    differ = 0
    for y in range(cy - r // 2, cy + r // 2, step):
        for x in range(cx - r // 2, cx + r // 2, step):
            if a.pixel(x, y) != b.pixel(x, y):
                differ += 1
    return differ


def around(lay, fraction, count):
    """count points on the circle at fraction × radius around the wheel's centre."""
    cx, cy, r = lay["cx"], lay["cy"], lay["r"]
    for k in range(count):
        a = 2 * math.pi * (k + 0.5) / count
        yield round(cx + fraction * r * math.sin(a)), round(cy - fraction * r * math.cos(a))


def expect_wheel(shot, lay, name, lit_ok=False):
    """The wheel as docs/roulette.md draws it: black outside, a light rim and hub, a
    black hub centre, the yellow pointer above the rim, and between hub and rim
    coloured and blank wedges in about equal parts (each with its spokes)."""
    cx, cy, r = lay["cx"], lay["cy"], lay["r"]
    rim_width = max(3, r // 20)
    for x, y in around(lay, 1 - (rim_width / 2) / r, 24):
        cases.check(
            close(shot.pixel(x, y), LIGHT), f"{name}: rim at ({x},{y}) is {shot.pixel(x, y)}"
        )
    for x, y in around(lay, 0.115, 12):
        cases.check(
            close(shot.pixel(x, y), LIGHT), f"{name}: hub at ({x},{y}) is {shot.pixel(x, y)}"
        )
    cases.check(close(shot.pixel(cx, cy), BLACK), f"{name}: hub centre is {shot.pixel(cx, cy)}")
    pointer_height = max(12, r // 14)
    for x, y in around(lay, 1 + 3 / r, 48):
        off_screen = not (0 <= x < shot.width and 0 <= y < shot.height)
        if off_screen or (y < cy and abs(x - cx) <= pointer_height):
            continue  # the pointer sits on the rim at 12 o'clock
        got = shot.pixel(x, y)
        cases.check(close(got, BLACK), f"{name}: just outside the wheel ({x},{y}) is {got}")
    tip = shot.pixel(cx, cy - r - pointer_height * 2 // 3)
    cases.check(close(tip, POINTER), f"{name}: pointer is {tip}, want {POINTER}")
    kinds = {"coloured": 0, "blank": 0, "other": 0}
    samples = 144
    for x, y in around(lay, 0.5, samples):
        got = shot.pixel(x, y)
        if close(got, COLOURED) or (lit_ok and close(got, LIT_COLOURED)):
            kinds["coloured"] += 1
        elif close(got, BLANK) or (lit_ok and close(got, LIT_BLANK)):
            kinds["blank"] += 1
        else:
            kinds["other"] += 1  # spokes and their anti-aliased edges
    cases.check(
        kinds["coloured"] >= samples // 3
        and kinds["blank"] >= samples // 3
        and kinds["other"] <= samples // 6,
        f"{name}: the ring at half the radius has {kinds} of {samples} samples",
    )


def expect_wheel_turning(ctx, m, lay, name, gap_s=0.5, ext="ppm", attempts=3):
    """Two screenshots gap_s apart: both show the wheel, and its ring has moved.
    Waits for the first [frame] line (a second of frames) before the first. On a
    host so loaded that one frame outlasts the gap, the pair is taken again with
    twice the gap, while the spin has not landed (after that the wheel rests).
    PPM (the default): QEMU writes it without compressing, and it reads back at
    once."""
    m.wait_for_line(r"^\[frame\] ", 60, from_start=True)
    for attempt in range(attempts):
        first = ctx.screendump(m, f"{name}-1.{ext}")
        expect_wheel(first, lay, f"{name} (first)", lit_ok=True)
        time.sleep(gap_s)
        second = ctx.screendump(m, f"{name}-2.{ext}")
        expect_wheel(second, lay, f"{name} (second)", lit_ok=True)
        moved = ring_difference(first, second, lay)
        if moved > 200:
            return second
        landed = any(re.match(LANDED, line) for line in m.lines)
        cases.check(
            not landed and attempt + 1 < attempts,
            f"{name}: the wheel did not turn ({moved} sampled pixels differ"
            + ("; the spin had landed: screenshots too late" if landed else "")
            + ")",
        )
        gap_s *= 2
    return second


def expect_title(shot, lay, name):
    """THE WHEEL OF FATE centred above the wheel, in light grey, at scale 1 or 2."""
    for scale in (2, 1):
        text = "THE WHEEL OF FATE"
        x = shot.width // 2 - text_width(text, scale) // 2
        y = find_text_row(shot, x, range(0, 24), text, LIGHT, scale)
        if y is not None:
            return y
    cases.check(False, f"{name}: no 'THE WHEEL OF FATE' title at the top")


# --- fate box, banner, heads-up display ---------------------------------------------


def box_text_origin(box, text, scale):
    """Where roulette_scene.cpp's draw_box puts text centred in the box."""
    bx, by, bw, bh = box
    return bx + bw // 2 - text_width(text, scale) // 2, by + (bh - 16 * scale) // 2


def expect_fate_box(shot, lay, name, fate=None, win=None):
    """With fate None: "? ? ?" in light grey (spinning). Else the fate number in
    the result's colour; "? ? ?" or another number fails."""
    text, colour = ("? ? ?", LIGHT) if fate is None else (str(fate), WIN if win else LOSE)
    scale = 2 if text_width(text, 2) <= lay["box"][2] - 12 else 1
    x, y = box_text_origin(lay["box"], text, scale)
    expect_text(shot, x, y, text, colour, f"{name}: fate box", scale)


def expect_banner(shot, lay, name, win):
    bx, by, bw, bh = lay["banner"]
    colour = WIN if win else LOSE
    inside = [shot.pixel(bx + 14, by + bh // 2), shot.pixel(bx + bw - 15, by + bh // 2)]
    cases.check(all(close(p, colour) for p in inside), f"{name}: banner is {inside}, want {colour}")
    big = "W I N !" if win else "L O S E"
    x = bx + bw // 2 - text_width(big, 2) // 2
    expect_text(shot, x, by + 8, big, (0x0B, 0x0B, 0x0B), f"{name}: banner", 2, colour)


def hud_result_line(sequence, fate, wedge, win):
    """One "last results" line as roulette_scene.cpp's draw_hud formats it."""
    return f"#{sequence} {fate:10d}  {wedge:2d}  {'win' if win else 'lose'}"


HUD_HOST_LINES = 5  # kernel/roulette_host.cpp hud_lines: backend, mode, cpus, fps, spins


def expect_hud(shot, lay, name, backend, mode, results=()):
    """The heads-up display as draw_hud lays it out: the host's lines, the frame-time
    graph with bars, "last results" and then `results` (sequence, fate, wedge, win)
    newest first, each in its result's colour."""
    hx, hy, hw, hh = lay["hud"]
    cases.check(hw > 0, f"{name}: the layout has no heads-up display")
    x = hx + 10
    expect_text(shot, x, hy + 8, f"backend  {backend}", HUD_TEXT, f"{name}: HUD")
    expect_text(shot, x, hy + 8 + 18, f"mode     {mode}", HUD_TEXT, f"{name}: HUD")
    graph_top = hy + 8 + HUD_HOST_LINES * 18 + 4
    bars = sum(
        1
        for gx in range(x + 2, hx + hw - 12)
        for gy in range(graph_top + 2, graph_top + 68)
        if close(shot.pixel(gx, gy), HUD_GRAPH)
    )
    cases.check(bars > 100, f"{name}: the frame-time graph has {bars} bar pixels")
    y = graph_top + 70 + 10
    expect_text(shot, x, y, "last results", HUD_TEXT, f"{name}: HUD")
    for i, (sequence, fate, wedge, win) in enumerate(results):
        y += 18
        line = hud_result_line(sequence, fate, wedge, win)
        expect_text(shot, x, y, line, WIN if win else LOSE, f"{name}: HUD result {i}")


def expect_tiny_wheel(shot, lay, name):
    """A wheel too small for expect_wheel's samples (a radius of a few pixels): the
    pointer's yellow at the top, black corners, and the ring's two wedge colours."""
    cx, cy, r = lay["cx"], lay["cy"], lay["r"]
    pointer_top = cy - r - max(3, r // 4)
    tip = shot.pixel(cx, pointer_top + 1)
    cases.check(close(tip, POINTER, 40), f"{name}: pointer at ({cx},{pointer_top + 1}) is {tip}")
    for x, y in ((0, shot.height - 1), (shot.width - 1, shot.height - 1)):
        cases.check(
            close(shot.pixel(x, y), BLACK), f"{name}: corner ({x},{y}) is {shot.pixel(x, y)}"
        )
    ring = [
        shot.pixel(x, y)
        for y in range(cy - r, cy + r + 1)
        for x in range(cx - r, cx + r + 1)
        if (x - cx) ** 2 + (y - cy) ** 2 <= (r - 1) ** 2
    ]
    wedges = sum(1 for p in ring if close(p, COLOURED, 24) or close(p, BLANK, 24))
    cases.check(wedges >= len(ring) // 4, f"{name}: {wedges} of {len(ring)} ring pixels are wedges")


# A run long enough to see the wheel turn (five seconds at 30 fps), that ends by
# itself; append it after a case's own cfg lines (the last frames= wins).
WATCHED_RUN = ["frames=150", "fps=30", "gate=off"]


def expect_roulette_on_screen(ctx, m, name="roulette"):
    """The table as a whole: the title, the wheel in its colours and turning, and
    "? ? ?" in the fate box while it spins. For cases whose subject is elsewhere
    but whose boot draws the roulette."""
    lay = layout(m)
    shot = expect_wheel_turning(ctx, m, lay, name)
    expect_title(shot, lay, name)
    expect_fate_box(shot, lay, name)
    return lay
