"""End-to-end tests of interrupts and sleeping (docs/interrupts.md). Each
boots virtio-gpu with a virtio-blk journal disk, lets the wheel turn (judged from two
screenshots) and checks the serial facts: how each device interrupts ("[irq] ..."),
that its completions came by interrupt (its count in the end-of-run "[irq] ...
interrupts=N" line above zero, no poll that found nothing), that
the journal still writes and reads back (debug=journal-test appends three records,
which the host tool then reads), and with fps=30 that the frame rate holds while the
boot CPU sleeps between frames instead of spinning."""
import re
import time

from blk_cases import blank_disk, journal_tool, lines, tool_records
from cases import BOOT_S, STEP_S, SUMMARY, check, expect_no_panic
from roulette_cases import layout, ring_difference

RUN = ["fps=30", "gate=off", "seed=1", "perframe=off", "debug=journal-test"]
FRAMES = 150  # five seconds at fps=30: time for two screenshots after the first [frame]
MSIX = r"^\[irq\] (\S+) {device} msix vectors=(\d+) cpu=0$"
INTX = (
    r"^\[irq\] (\S+) {device} intx pin=([A-D]) gsi=(\d+) trigger=(level|edge) polarity=\S+ cpu=0$"
)
POLLED = r"^\[irq\] (\S+) {device} polled: irq=off$"
COUNT = r"^\[irq\] {bdf} {device} {kind} interrupts=(\d+)$"
LOOP = r"^\[irq\] frame_loop device=(\d+) timer=(\d+) halts=(\d+) unexpected=(\d+)$"
APPEND = r"^\[journal\] append (seq=\d+ .*) slot=\d+ write_us=\d+$"


def summary_facts(m):
    line = m.wait_for_line(SUMMARY + r".*", 120)
    return dict(re.findall(r"(\w+)=(\S+)", line.group(0)))


def boot_with_disk(ctx, machine="q35", cfg=(), blk_vectors=None, gpu_vectors=None):
    """virtio-gpu (as -device, so its vectors can be set) and one virtio-blk disk."""
    disk = blank_disk(ctx)
    gpu = "virtio-gpu-pci" + (f",vectors={gpu_vectors}" if gpu_vectors is not None else "")
    blk = "virtio-blk-pci,drive=disk" + (
        f",vectors={blk_vectors}" if blk_vectors is not None else ""
    )
    m = ctx.machine(
        display="none",
        machine=machine,
        no_shutdown=True,
        cfg=RUN + [f"frames={FRAMES}"] + list(cfg),
        extra_args=[
            "-device",
            gpu,
            "-drive",
            f"if=none,id=disk,file={disk},format=raw",
            "-device",
            blk,
        ],
    )
    return m, disk


def expect_wheel_turns(ctx, m):
    lay = layout(m)
    m.wait_for_line(r"^\[frame\] ", 60)
    first = ctx.screendump(m, "spinning-1.png")
    time.sleep(0.5)
    second = ctx.screendump(m, "spinning-2.png")
    moved = ring_difference(first, second, lay)
    check(moved > 200, f"the wheel did not turn between two screenshots ({moved} pixels differ)")


def expect_journal(ctx, m, disk):
    """The three debug=journal-test records were written, flushed and read back."""
    appended = lines(m, APPEND)
    check(len(appended) == 3, f"appends: {appended}")
    m.wait_for_line(r"^\[irq\] frame_loop ", 10, from_start=True)  # the run has ended
    check(tool_records(journal_tool(ctx, disk)) == appended, "the disk does not hold the appends")


def hundredths(count, frames):
    """count / frames as the summary prints a rate: two decimals, rounded down."""
    x100 = count * 100 // frames
    return f"{x100 // 100}.{x100 % 100:02d}"


def device_line(m, pattern, device):
    line = m.wait_for_line(pattern.format(device=device), STEP_S, from_start=True)
    return line


def interrupts_of(m, bdf, device, kind):
    line = m.wait_for_line(
        COUNT.format(bdf=re.escape(bdf), device=device, kind=kind), STEP_S, from_start=True
    )
    return int(line.group(1))


def check_interrupt_driven(ctx, machine, blk_vectors=None, gpu_vectors=None):
    """Both devices complete by interrupt: their [irq] lines, counts above zero,
    irqs_per_frame above zero, and no polls that found nothing to speak of."""
    m, disk = boot_with_disk(ctx, machine, blk_vectors=blk_vectors, gpu_vectors=gpu_vectors)
    kinds = {}
    for device, vectors in (("virtio-gpu", gpu_vectors), ("virtio-blk", blk_vectors)):
        if vectors == 0:
            line = device_line(m, INTX, device)
            check(line.group(2) == "A" and line.group(4) == "level", line.group(0))
            kinds[device] = (line.group(1), "intx")
        else:
            line = device_line(m, MSIX, device)
            queues = 1  # virtio-gpu: the control queue; virtio-blk: the request queue
            check(int(line.group(2)) == queues + 1, f"{line.group(0)}: want {queues + 1} vectors")
            kinds[device] = (line.group(1), "msix")
    expect_wheel_turns(ctx, m)
    facts = summary_facts(m)
    check(facts.get("frames") == str(FRAMES), f"summary: {facts}")
    # Completions that are there when the driver looks need no interrupt (the
    # frame's present is reaped a frame later, usually long done), so the rate
    # per frame may be near zero; but no look may find nothing, and each device
    # must have woken a waiter: the initialisation and journal requests wait.
    check(float(facts["spins_per_frame"]) < 0.1, f"spins_per_frame={facts['spins_per_frame']}")
    for device, (bdf, kind) in kinds.items():
        count = interrupts_of(m, bdf, device, kind)
        check(count > 0, f"{device} at {bdf} ({kind}) raised no interrupt")
    loop = m.wait_for_line(LOOP, STEP_S, from_start=True)
    check(int(loop.group(4)) == 0, f"unexpected interrupts: {loop.group(0)}")
    # The summary's rate is the frame loop's device interrupts over its frames
    # (in hundredths, rounded down), the count the [irq] frame_loop line gives.
    want = hundredths(int(loop.group(1)), FRAMES)
    check(facts["irqs_per_frame"] == want, f"irqs_per_frame={facts['irqs_per_frame']}, want {want}")
    expect_journal(ctx, m, disk)
    expect_no_panic(m)
    return m


def irq_msix_q35(ctx):
    """q35: virtio-gpu and virtio-blk each get MSI-X vectors and complete by them."""
    check_interrupt_driven(ctx, "q35")


def irq_msix_pc(ctx):
    check_interrupt_driven(ctx, "pc")


def irq_intx_q35(ctx):
    """A disk without MSI-X (vectors=0) completes through INTx and the I/O APIC,
    beside a virtio-gpu on MSI-X."""
    check_interrupt_driven(ctx, "q35", blk_vectors=0)


def irq_intx_pc(ctx):
    """pc with both devices on INTx: two level-triggered lines (or one shared),
    each interrupt acknowledged through the device's ISR status."""
    check_interrupt_driven(ctx, "pc", blk_vectors=0, gpu_vectors=0)


def irq_off_polls(ctx):
    """irq=off: both devices are polled, nothing interrupts, and the wheel, the
    display and the journal work as before."""
    m, disk = boot_with_disk(ctx, "q35", cfg=["irq=off"])
    for device in ("virtio-gpu", "virtio-blk"):
        device_line(m, POLLED, device)
    expect_wheel_turns(ctx, m)
    facts = summary_facts(m)
    check(facts.get("frames") == str(FRAMES), f"summary: {facts}")
    check(facts["irqs_per_frame"] == "0.00", f"irqs_per_frame={facts['irqs_per_frame']}")
    loop = m.wait_for_line(LOOP, STEP_S, from_start=True)
    check(int(loop.group(1)) == 0, f"device interrupts with irq=off: {loop.group(0)}")
    expect_journal(ctx, m, disk)
    expect_no_panic(m)


def irq_fps30_sleeps(ctx):
    """fps=30 holds its rate, and the boot CPU sleeps between frames: at least one
    halt per frame, woken by the frame timer, instead of spinning to the deadline."""
    m, _ = boot_with_disk(ctx, "q35")
    facts = summary_facts(m)
    fps = float(facts["fps"])
    check(fps <= 30.5, f"fps={fps}: faster than fps=30 asks")
    # On a host too busy to draw a frame in its 33 ms no pacing can hold the rate.
    # Where the work leaves half the period free, the typical frame must last its
    # 33.3 ms: a sleep that woke late would make it longer, every frame. (The
    # summary's fps also counts the first frame, which builds the whole scene.)
    work_ms = float(facts["render_ms"]) + float(facts["present_ms"])
    p50 = float(facts["p50_ms"])
    if work_ms < 16.0:
        check(33.0 <= p50 <= 34.0, f"p50_ms={p50} at fps=30 with {work_ms:.1f} ms of work a frame")
    else:
        print(f"irq_fps30_sleeps: {work_ms:.1f} ms of work a frame, the rate is not judged")
    check(float(facts["spins_per_frame"]) < 0.5, f"spins_per_frame={facts['spins_per_frame']}")
    loop = m.wait_for_line(LOOP, STEP_S, from_start=True)
    _, timer, halts, _ = (int(v) for v in loop.groups())
    frames = int(facts["frames"])
    check(halts >= frames, f"{halts} halts in {frames} frames: the CPU did not sleep each frame")
    check(timer >= frames // 2, f"{timer} timer interrupts in {frames} frames")
    expect_no_panic(m)


CASES = {
    f.__name__: f
    for f in (irq_msix_q35, irq_msix_pc, irq_intx_q35, irq_intx_pc, irq_off_polls, irq_fps30_sleeps)
}
