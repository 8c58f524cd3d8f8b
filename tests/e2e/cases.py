"""The end-to-end tests: each boots rota under QEMU + OVMF and checks what docs/serial.md
says must appear on serial, plus what QMP shows of the machine.

Each case takes a run_test.Context; the Machine it gets is killed by the runner on
every path. Budgets: OVMF takes about 4 s to hand over under TCG.
"""
import re
import time

import qemu
import screen_checks

BOOT_S = 60  # to the first kernel line: OVMF alone takes ~4 s, more on a loaded host
STEP_S = 30  # between two kernel lines
# A short, reproducible run that ends by itself: a loss must not reboot (gate=off).
SHORT_RUN = ["frames=30", "gate=off", "seed=1"]

# Required fields in docs/serial.md's order; further " key=value" facts may follow.
MORE = r"(?: \S+=\S+)*$"
ROTA = r'^\[boot\] rota 0\.1\.0 firmware="([^"]*)" uefi=(\d+)\.(\d\d) cpus=(\d+)' + MORE
GOP_MODE = (
    r"^\[boot\] gop mode=(\d+)x(\d+) format=(bgrx|rgbx|bitmask) pitch=(\d+)"
    r" fb=0x([0-9a-fA-F]+)" + MORE
)
EBS = r"^\[boot\] exit-boot-services ok attempts=(\d+)" + MORE
MEM = r"^\[mem\] usable_mib=(\d+) regions=(\d+)" + MORE
SUMMARY = r"^\[summary\] "
PANIC = r"^\[panic\]"


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_boot(m, gop=GOP_MODE):
    """Waits for the boot lines in order; returns the gop line's match."""
    rota = m.wait_for_line(ROTA, BOOT_S)
    check(int(rota.group(4)) >= 1, f"cpus must be >= 1: {rota.group(0)}")
    mode = m.wait_for_line(gop, STEP_S)
    attempts = m.wait_for_line(EBS, STEP_S)
    check(int(attempts.group(1)) >= 1, f"attempts must be >= 1: {attempts.group(0)}")
    mem = m.wait_for_line(MEM, STEP_S)
    usable, regions = int(mem.group(1)), int(mem.group(2))
    check(300 <= usable <= 512, f"usable_mib={usable} is implausible for -m 512M")
    check(regions > 0, f"regions={regions}")
    return mode


def expect_no_panic(m):
    panics = [line for line in m.lines if re.match(PANIC, line)]
    check(not panics, f"unexpected panic: {panics}")


def expect_guest_shutdown(m):
    event = m.wait_event("SHUTDOWN", STEP_S)
    reason = event["data"]["reason"]
    check(reason == "guest-shutdown", f"SHUTDOWN reason {reason!r}, want 'guest-shutdown'")


def boot_std(ctx):
    """q35 with -vga std: the GOP framebuffer path, watched through QMP."""
    m = ctx.machine(display="std", no_shutdown=True, cfg=SHORT_RUN + screen_checks.WATCHED_RUN)
    mode = expect_boot(m)
    width, height, pitch = int(mode.group(1)), int(mode.group(2)), int(mode.group(4))
    check(pitch >= width, f"pitch {pitch} < width {width}")
    check(int(mode.group(5), 16) != 0, "fb address is zero")
    lay = screen_checks.expect_roulette_on_screen(ctx, m)
    m.wait_for_line(SUMMARY, 60)
    expect_guest_shutdown(m)
    shot = ctx.screendump(m, "after-shutdown.png")
    check(
        (shot.width, shot.height) == (width, height),
        f"screen is {shot.width}x{shot.height}, gop said {width}x{height}",
    )
    screen_checks.expect_wheel(shot, lay, "after the shutdown")  # the last frame stays
    expect_no_panic(m)
    try:
        m.qmp("quit")
    except qemu.Exited:  # QEMU may close the socket before it answers
        pass
    m.wait_exit(STEP_S)


def boot_usb(ctx):
    """The USB image on xHCI as the only disk, powering off by itself."""
    m = ctx.machine(usb=True, cfg=SHORT_RUN + screen_checks.WATCHED_RUN)
    expect_boot(m)
    screen_checks.expect_roulette_on_screen(ctx, m)
    m.wait_for_line(SUMMARY, 60)
    status = m.wait_exit(STEP_S)
    check(status == 0, f"QEMU exit status {status}")
    expect_guest_shutdown(m)
    expect_no_panic(m)


def config_errors(ctx):
    """Bad configuration lines are reported and ignored. The valid frames= comes last
    so that the run ends whichever way the kernel treats the rejected value."""
    m = ctx.machine(cfg=["bogus_key=1", "frames=abc"] + SHORT_RUN + screen_checks.WATCHED_RUN)
    m.wait_for_line(ROTA, BOOT_S)
    m.wait_for_line(r'^\[config\] unknown key "bogus_key"', STEP_S, from_start=True)
    m.wait_for_line(r'^\[config\] bad value "abc" for key "frames"', STEP_S, from_start=True)
    screen_checks.expect_roulette_on_screen(ctx, m)
    m.wait_for_line(SUMMARY, 90)
    status = m.wait_exit(STEP_S)
    check(status == 0, f"QEMU exit status {status}")
    expect_no_panic(m)


REGISTERS = [
    "rip",
    "rsp",
    "rflags",
    "rax",
    "rbx",
    "rcx",
    "rdx",
    "rsi",
    "rdi",
    "rbp",
    "r8",
    "r9",
    "r10",
    "r11",
    "r12",
    "r13",
    "r14",
    "r15",
]


def exception_dump(ctx):
    """A deliberate page fault is reported on serial and the CPU halts: no triple
    fault (QEMU would exit under -no-reboot) and no reboot loop."""
    m = ctx.machine(cfg=["debug=fault-pf"], no_reboot=True)
    m.wait_for_line(ROTA, BOOT_S)
    m.wait_for_line(r"^\[panic\] cpu exception vector=14\b", 60)
    m.wait_for_line(r"^\[panic\] halted", STEP_S)
    panic = "\n".join(line for line in m.lines if re.match(PANIC, line))
    check(re.search(r"\bcr2=0xffff8000deadb000\b", panic), "no cr2=0xffff8000deadb000")
    for reg in REGISTERS:
        check(re.search(rf"\b{reg}=0x[0-9a-fA-F]+\b", panic), f"register {reg} not dumped")
    check(re.search(r"^\[panic\] stack:", panic, re.M), "no [panic] stack: line")

    time.sleep(3)
    check(m.alive(), "QEMU exited after the panic (triple fault or reset?)")
    status = m.qmp("query-status")
    check(status["status"] == "running", f"query-status says {status}")
    boots = [line for line in m.lines if re.match(r"^\[boot\] rota ", line)]
    check(len(boots) == 1, f"{len(boots)} boots: the machine rebooted")
    resets = [e for e in m.events if e["event"] in ("SHUTDOWN", "RESET")]
    check(not resets, f"unexpected events {resets}")


def gop_blt_only(ctx):
    """virtio-gpu-pci alone: OVMF's GOP has no framebuffer, and the kernel says so."""
    # video=gop: with auto, the kernel would use the virtio-gpu itself and never
    # need to look at the GOP.
    m = ctx.machine(display="virtio-gpu", cfg=SHORT_RUN + ["video=gop"])
    expect_boot(m, gop=r"^\[boot\] gop format=blt-only" + MORE)
    m.wait_for_line(r"^\[video\] gop unusable: blt-only", STEP_S, from_start=True)
    m.wait_for_line(SUMMARY, 60)
    status = m.wait_exit(STEP_S)
    check(status == 0, f"QEMU exit status {status}")
    expect_no_panic(m)


CASES = {f.__name__: f for f in (boot_std, boot_usb, config_errors, exception_dump, gop_blt_only)}
