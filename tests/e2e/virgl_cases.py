"""End-to-end tests of the virgl display (docs/virgl.md): virtio-gpu-gl-pci with
egl-headless, where the host's renderer (Mesa's llvmpipe) composes the screen and
turns the wheel. QMP screendump cannot read a GL scanout, so the screen is read
through QEMU's VNC server (image/vnc.py, behind Machine.screendump)."""
import math
import time

from cases import BOOT_S, check, expect_no_panic
from display_cases import close, run_scene
from roulette_cases import (
    BLANK,
    COLOURED,
    LANDED,
    fates,
    layout,
    ring_difference,
    seed_where,
    target_wedge,
    watch_one_spin,
)

LIGHT = (0xC7, 0xC7, 0xC7)
VIRGL_LINE = r"^\[video\] backend=virgl mode=(\d+)x(\d+) capset=(virgl2?) version=(\d+)"


def check_wheel_shown(shot, lay, name):
    """The static wheel (hub ring and rim) is where the layout says."""
    cx, cy, r = lay["cx"], lay["cy"], lay["r"]
    hub = shot.pixel(cx, cy - r * 12 // 100)
    check(close(hub, LIGHT), f"{name}: hub is {hub}, want {LIGHT}")
    rim = shot.pixel(cx, cy + r - 3)
    check(close(rim, LIGHT), f"{name}: rim is {rim}, want {LIGHT}")


def check_ring_wedges(shot, lay, name):
    """Most of a circle at 45% of the radius is wedge colour (coloured or blank):
    the turning ring is the wheel's own picture, not something else the host
    happened to sample."""
    cx, cy, r = lay["cx"], lay["cy"], lay["r"]
    samples, wedge = 360, 0
    for i in range(samples):
        angle = 2 * math.pi * i / samples
        x = cx + round(r * 0.45 * math.sin(angle))
        y = cy - round(r * 0.45 * math.cos(angle))
        if close(shot.pixel(x, y), COLOURED) or close(shot.pixel(x, y), BLANK):
            wedge += 1
    check(wedge > samples * 3 // 4, f"{name}: only {wedge}/{samples} ring samples are wedge colour")


def virgl_roulette(ctx):
    """A winning spin drawn by the host: the wheel turns between two captures, lands
    on the wedge the seed predicts, shows the number and the banner, then the HUD."""
    m = watch_one_spin(ctx, "virgl", seed_where(True))
    line = m.wait_for_line(VIRGL_LINE, 5, from_start=True)
    check(line.group(3) == "virgl2" and line.group(4) == "2", line.group(0))
    check((int(line.group(1)), int(line.group(2))) == (1280, 800), line.group(0))
    m.wait_for_line(r"^\[roulette\] gate passed", 10)
    time.sleep(1.0)
    shot = ctx.screendump(m, "hud.png")
    check_ring_wedges(shot, layout(m), "during the second spin")
    hx, hy, hw, hh = layout(m)["hud"]
    ink = sum(
        1
        for x in range(hx + 5, hx + hw - 5, 2)
        for y in range(hy + 5, hy + 100, 2)
        if shot.pixel(x, y) != (0, 0, 0)
    )
    check(ink > 50, f"no heads-up display after the win ({ink} lit pixels)")
    backend = [line for line in m.lines if line.startswith("[video] backend=")]
    check(len(backend) == 1, f"the display changed during the run: {backend}")
    expect_no_panic(m)


def virgl_matches_2d(ctx):
    """The landed wheel drawn by the host looks like the one the 2D path draws: the
    same seed on virtio-gpu 2D and on virgl, captured while the wedge is lit, differ
    in few pixels and by little (the host samples the ring bilinearly)."""
    seed = 3
    fate = next(fates(seed))
    shots = []
    for display, name in (("virtio-gpu", "2d"), ("virgl", "virgl")):
        m = ctx.machine(
            display=display,
            no_shutdown=True,
            cfg=[f"seed={seed}", "fps=30", "gate=off", "perframe=off"],
        )
        landed = m.wait_for_line(LANDED, BOOT_S + 30)
        check(int(landed.group(2)) == fate, landed.group(0))
        check(int(landed.group(3)) == target_wedge(fate), landed.group(0))
        time.sleep(0.2)
        shots.append(ctx.screendump(m, f"landed-{name}.png"))
        expect_no_panic(m)
        m.kill()
    flat, virgl = shots
    check((flat.width, flat.height) == (virgl.width, virgl.height), "screen sizes differ")
    differing, worst = 0, 0
    for y in range(0, flat.height, 2):
        for x in range(0, flat.width, 2):
            delta = max(abs(a - b) for a, b in zip(flat.pixel(x, y), virgl.pixel(x, y)))
            worst = max(worst, delta)
            if delta > 48:
                differing += 1
    total = (flat.width // 2) * (flat.height // 2)
    check(differing * 200 < total, f"{differing} of {total} sampled pixels differ by more than 48")
    check_ring_wedges(virgl, layout(m), "landed (virgl)")


def virgl_test_scene(ctx):
    """The display test pattern (debug=test-scene) on virgl, at 1024x768: known
    colours at known places, pixel by pixel, and a moving bar. Nothing turns on
    the host here: every pixel went guest -> canvas texture -> render target."""
    m = run_scene(ctx, "virgl", "virgl", 1024, 768, extra=["mode=1024x768"])
    m.wait_for_line(VIRGL_LINE, 5, from_start=True)


def virgl_requested_without_virgl(ctx):
    """video=virgl on a plain virtio-gpu (no VIRTIO_GPU_F_VIRGL) falls back to the 2D
    path on the same device with its reason, and the wheel is on the screen."""
    m = ctx.machine(
        display="virtio-gpu",
        no_shutdown=True,
        cfg=["video=virgl", "fps=30", "gate=off", "seed=3", "perframe=off"],
    )
    m.wait_for_line(
        r"^\[video\] virgl unavailable on \S+: the device does not offer VIRTIO_GPU_F_VIRGL",
        BOOT_S,
    )
    m.wait_for_line(r"^\[video\] video=virgl: virgl unavailable, using the next display", 5)
    m.wait_for_line(r"^\[video\] falling back to virtio-gpu 2D$", 5)
    m.wait_for_line(r"^\[video\] backend=virtio-gpu mode=1280x800 virgl=no", 10)
    m.wait_for_line(r"^\[frame\] ", 60)
    check_wheel_shown(ctx.screendump(m, "fallback.png"), layout(m), "after the fallback")
    expect_no_panic(m)


def virgl_fault_falls_back(ctx):
    """debug=virgl-fault sends a shader the host rejects at frame 30: the context goes
    silently into error, the probe catches it, and the 2D path on the same device
    takes over; the screen keeps moving."""
    m = ctx.machine(
        display="virgl",
        no_shutdown=True,
        cfg=["debug=virgl-fault", "fps=30", "gate=off", "seed=3", "perframe=off"],
    )
    m.wait_for_line(VIRGL_LINE, BOOT_S)
    m.wait_for_line(r"^\[virgl\] debug=virgl-fault: sending a shader the host rejects", 60)
    m.wait_for_line(r"^\[virgl\] \S+ probe \d+ read 0x[0-9a-f]+, expected 0x[0-9a-f]+", 10)
    m.wait_for_line(r"^\[video\] virgl stopped working", 5)
    m.wait_for_line(r"^\[virtio-gpu\] \S+ reset$", 5)
    m.wait_for_line(r"^\[video\] falling back to virtio-gpu 2D$", 5)
    m.wait_for_line(r"^\[video\] backend=virtio-gpu mode=1280x800 virgl=yes", 10)
    m.wait_for_line(r"^\[frame\] ", 30)
    lay = layout(m)
    first = ctx.screendump(m, "after-fallback-1.png")
    check_wheel_shown(first, lay, "after the fallback")
    time.sleep(0.5)
    second = ctx.screendump(m, "after-fallback-2.png")
    moved = ring_difference(first, second, lay)
    check(moved > 200, f"the wheel stopped after the fallback ({moved} pixels differ)")
    expect_no_panic(m)


CASES = {
    f.__name__: f
    for f in (
        virgl_roulette,
        virgl_matches_2d,
        virgl_test_scene,
        virgl_requested_without_virgl,
        virgl_fault_falls_back,
    )
}
