"""End-to-end display tests. Each boots the test scene (debug=test-scene,
gfx/test_scene.h) and judges the screen from QMP screendumps: known colours at known
places, compared pixel by pixel, and a white bar that must have moved between two
screenshots. A test that only read log lines could not tell a working display from
"Display output is not active"."""
import time

import screen_checks
from cases import BOOT_S, SUMMARY, check, expect_no_panic

SCENE = ["debug=test-scene", "fps=30", "frames=100000", "perframe=off"]
BLOCKS = [(0xC7, 0xC7, 0xC7), (0x14, 0x4E, 0x44), (0xFF, 0xE0, 0x87), (0xE3, 0x5D, 0x5B)]
BAR = (255, 255, 255)
BAR_WIDTH = 48
TOLERANCE = 2
TEAR = 16  # two frames of bar movement


def close(a, b):
    return all(abs(x - y) <= TOLERANCE for x, y in zip(a, b))


def bar_columns(shot, y):
    return [x for x in range(shot.width) if shot.pixel(x, y) == BAR]


def check_scene(shot, width, height, name):
    """Every sampled pixel off the bar has the scene's colour."""
    check(
        (shot.width, shot.height) == (width, height), f"{name}: screen {shot.width}x{shot.height}"
    )
    bar = bar_columns(shot, 10)
    check(
        len(bar) == BAR_WIDTH and bar[-1] - bar[0] == BAR_WIDTH - 1,
        f"{name}: no {BAR_WIDTH}-pixel white bar in row 10 (white columns {bar[:3]}..{bar[-3:]})",
    )
    # A framebuffer display is copied top to bottom while the screen may be
    # captured: rows below a tear can show the bar one or two frames (8 pixels
    # each) apart from row 10, so the bar's neighbourhood is not judged.
    on_bar = set(range(bar[0] - TEAR, bar[-1] + 1 + TEAR))
    checked = 0
    for x in range(0, width, 37):
        if x in on_bar:
            continue
        for y in (5, height // 4, height // 2 - 1):
            want = (x * 255 // (width - 1), 0x40, 0x80)
            got = shot.pixel(x, y)
            check(close(got, want), f"{name}: gradient at ({x},{y}) is {got}, want {want}")
            checked += 1
        for y in (height // 2, 3 * height // 4, height - 1):
            want = BLOCKS[min(3, x * 4 // width)]
            got = shot.pixel(x, y)
            check(close(got, want), f"{name}: block at ({x},{y}) is {got}, want {want}")
            checked += 1
    check(checked > 100, f"{name}: only {checked} pixels checked")
    return bar[0]


def run_scene(ctx, display, backend, width=1280, height=800, extra=()):
    m = ctx.machine(display=display, cfg=SCENE + list(extra), no_shutdown=True)
    line = m.wait_for_line(rf"^\[video\] backend={backend} mode=(\d+)x(\d+)", BOOT_S)
    check((int(line.group(1)), int(line.group(2))) == (width, height), line.group(0))
    m.wait_for_line(r"^\[frame\] ", 60)
    first = check_scene(ctx.screendump(m, "first.png"), width, height, "first screenshot")
    time.sleep(1.0)
    second = check_scene(ctx.screendump(m, "second.png"), width, height, "second screenshot")
    check(first != second, f"the bar did not move: x={first} in both screenshots")
    expect_no_panic(m)
    return m


def display_virtio_gpu(ctx):
    """(a) -vga none -device virtio-gpu-pci: the kernel's own virtio-gpu driver."""
    m = run_scene(ctx, "virtio-gpu", "virtio-gpu")
    m.wait_for_line(r"^PCI: virtio-gpu driver probe succeeded$", 5, from_start=True)


def display_gop_std(ctx):
    """(b) -vga std: the GOP framebuffer."""
    m = run_scene(ctx, "std", "gop")
    m.wait_for_line(
        r"^Video: virgl backend unavailable; falling back to framebuffer$", 5, from_start=True
    )


def display_virtio_vga(ctx):
    """(c) virtio-vga: a virtio-gpu (chosen) that also has a VGA framebuffer."""
    run_scene(ctx, "virtio-vga", "virtio-gpu")


def display_virtio_vga_gop(ctx):
    """(c) virtio-vga with video=gop: the GOP framebuffer is used instead."""
    m = run_scene(ctx, "virtio-vga", "gop", extra=["video=gop"])
    m.wait_for_line(r"^\[video\] video=gop: virtio-gpu not used", 5, from_start=True)


def display_headless(ctx):
    """(d) no display device at all: headless, and the boot still completes."""
    m = ctx.machine(display="none", cfg=SCENE)
    m.wait_for_line(r"^\[video\] backend=none", BOOT_S)
    m.wait_for_line(SUMMARY + r"frames=0 .*backend=none", 30)
    check(m.wait_exit(30) == 0, "QEMU exit status")
    expect_no_panic(m)


def display_mode_1024(ctx):
    """(e) mode=1024x768 on virtio-gpu: the screen has that size."""
    run_scene(ctx, "virtio-gpu", "virtio-gpu", 1024, 768, extra=["mode=1024x768"])


def display_gpu_fault_fails_over(ctx):
    """An error response from virtio-gpu (debug=gpu-fault sends a transfer for a
    resource that does not exist at frame 30) is logged with the command and the
    code, the device is reset, and the display fails over to the GOP framebuffer of
    the same virtio-vga, where the roulette goes on: judged from two screenshots
    after the fail-over (the wheel's colours, and its motion between them)."""
    m = ctx.machine(
        display="virtio-vga",
        no_shutdown=True,
        cfg=["debug=gpu-fault", "fps=30", "gate=off", "seed=3", "perframe=off"],
    )
    m.wait_for_line(r"^\[video\] backend=virtio-gpu ", BOOT_S)
    m.wait_for_line(
        r"^\[virtio-gpu\] \S+ TRANSFER_TO_HOST_2D failed: device answered "
        r"ERR_INVALID_RESOURCE_ID \(0x1203\)",
        60,
    )
    m.wait_for_line(r"^\[virtio-gpu\] \S+ reset$", 10)
    m.wait_for_line(r"^Video: virgl backend unavailable; falling back to framebuffer$", 10)
    m.wait_for_line(r"^\[video\] backend=gop mode=1280x800", 10)
    m.wait_for_line(r"^\[frame\] ", 10)
    # On the GOP framebuffer now: the wheel with its colours, and turning.
    lay = screen_checks.layout(m)
    screen_checks.expect_wheel_turning(ctx, m, lay, "after-fail-over")
    expect_no_panic(m)


def display_gpu_fault_counts_frames(ctx):
    """A present that fails is not a frame: with debug=gpu-fault the virtio-gpu
    fails at its 31st present, the GOP framebuffer of the same virtio-vga takes
    over, and frames=120 still means 120 frames on the screen. The last frame
    stays visible (no_shutdown) and must be the whole test scene."""
    cfg = ["debug=test-scene,gpu-fault", "fps=0", "frames=120", "perframe=off"]
    m = ctx.machine(display="virtio-vga", no_shutdown=True, cfg=cfg)
    m.wait_for_line(r"^\[video\] backend=virtio-gpu ", BOOT_S)
    m.wait_for_line(r"^\[video\] virtio-gpu stopped working$", 60)
    m.wait_for_line(r"^\[video\] backend=gop mode=1280x800", 10)
    m.wait_for_line(SUMMARY + r"frames=120 .*backend=gop ", 60)
    check_scene(ctx.screendump(m, "last-frame.png"), 1280, 800, "after 120 frames")
    expect_no_panic(m)


def display_gpu_fault_in_setup_resets(ctx):
    """A virtio-gpu display whose setup fails after SET_SCANOUT (debug=
    gpu-fault-setup) resets the device: a virtio-vga then shows its VGA
    framebuffer again, which the GOP display draws into. Without the reset the
    screen would stay on the virtio scanout, black, while the scene is drawn
    where nobody sees it."""
    cfg = ["debug=test-scene,gpu-fault-setup", "fps=30", "frames=100000", "perframe=off"]
    m = ctx.machine(display="virtio-vga", no_shutdown=True, cfg=cfg)
    m.wait_for_line(
        r"^\[virtio-gpu\] \S+ TRANSFER_TO_HOST_2D failed: device answered "
        r"ERR_INVALID_RESOURCE_ID \(0x1203\)",
        BOOT_S,
    )
    m.wait_for_line(r"^\[video\] virtio-gpu \S+ display setup failed: ", 10)
    m.wait_for_line(r"^\[virtio-gpu\] \S+ reset$", 10)
    m.wait_for_line(r"^Video: virgl backend unavailable; falling back to framebuffer$", 10)
    m.wait_for_line(r"^\[video\] backend=gop mode=1280x800", 10)
    m.wait_for_line(r"^\[frame\] ", 60)
    first = check_scene(ctx.screendump(m, "first.png"), 1280, 800, "first screenshot")
    time.sleep(1.0)
    second = check_scene(ctx.screendump(m, "second.png"), 1280, 800, "second screenshot")
    check(first != second, f"the bar did not move: x={first} in both screenshots")
    expect_no_panic(m)


CASES = {
    f.__name__: f
    for f in (
        display_gpu_fault_counts_frames,
        display_gpu_fault_in_setup_resets,
        display_gpu_fault_fails_over,
        display_virtio_gpu,
        display_gop_std,
        display_virtio_vga,
        display_virtio_vga_gop,
        display_headless,
        display_mode_1024,
    )
}
