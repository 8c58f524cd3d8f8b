"""End-to-end tests of virtio-blk and the spin journal (docs/boot.md,
docs/journal.md). Disk images live in the test's artifact directory; the host tool
build/rota-journal reads them between and after boots.

Until the roulette appends real spins, debug=journal-test makes the kernel append
three made-up records at boot (kernel/spin_journal.h)."""
import hashlib
import os
import re
import subprocess

from cases import BOOT_S, STEP_S, SUMMARY, check, expect_no_panic

HEADLESS = ["frames=30", "gate=off", "seed=1", "perframe=off"]
DISK_BYTES = 64 << 20
CAPACITY = DISK_BYTES // 512
FIELDS = (
    r"seq=\d+ fate=\d+ result=(?:win|lose) wedge=\d+ frames=\d+ fps=\d+\.\d"
    r" p50_us=\d+ p99_us=\d+"
)
BLK_LINE = (
    rf"^\[blk\] (\S+) capacity_sectors={CAPACITY} ro=(yes|no) flush=(yes|no)" r"(?: \S+=\S+)*$"
)


def blank_disk(ctx, name="disk.img", size=DISK_BYTES):
    path = os.path.join(ctx.artifacts, name)
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def drive_args(path, readonly=False, legacy=False, modern_only=False, drive_id="disk"):
    drive = f"if=none,id={drive_id},file={path},format=raw" + (",readonly=on" if readonly else "")
    device = f"virtio-blk-pci,drive={drive_id},serial=rota-{drive_id}"
    device += ",disable-modern=on" if legacy else ",disable-legacy=on" if modern_only else ""
    return ["-drive", drive, "-device", device]


def boot(ctx, cfg=(), display="none", finish=True, **options):
    """One boot to the summary; the machine has powered off when this returns."""
    m = ctx.machine(display=display, cfg=HEADLESS + list(cfg), **options)
    if finish:
        m.wait_for_line(SUMMARY, 90)
        status = m.wait_exit(STEP_S)
        check(status == 0, f"QEMU exit status {status}")
        expect_no_panic(m)
    return m


def lines(m, pattern):
    """The groups (or whole matches) of every serial line matching pattern."""
    regex = re.compile(pattern)
    found = []
    for line in m.lines:
        match = regex.search(line)
        if match:
            found.append(match.group(1) if regex.groups else match.group(0))
    return found


def journal_tool(ctx, image, expect_status=0):
    tool = os.path.join(ctx.build, "rota-journal")
    check(os.path.exists(tool), f"{tool} is missing: build the rota-journal target")
    run = subprocess.run([tool, image], capture_output=True, text=True)
    with open(os.path.join(ctx.artifacts, "rota-journal.txt"), "a") as f:
        f.write(f"$ rota-journal {image}  (status {run.returncode})\n{run.stdout}{run.stderr}\n")
    check(
        run.returncode == expect_status,
        f"rota-journal exit status {run.returncode}, want {expect_status}: {run.stderr.strip()}",
    )
    return run.stdout.splitlines()


def tool_records(output):
    return [line for line in output if re.fullmatch(FIELDS, line)]


def corrupt_byte(path, offset):
    """Flips one byte of the image in place with dd, as a user would."""
    with open(path, "rb") as f:
        f.seek(offset)
        value = f.read(1)[0]
    subprocess.run(
        ["dd", f"of={path}", "bs=1", f"seek={offset}", "conv=notrunc", "status=none"],
        input=bytes([value ^ 0x5A]),
        check=True,
    )


# --- issue 4: every virtio device found, initialised, answering -------------------


def virtio_devices(ctx, machine, extra_args=(), blk_id="1001", legacy_refused=False):
    """virtio-gpu-pci and virtio-blk-pci together: both found on PCI, both at
    DRIVER_OK, a first request completed on each (GET_DISPLAY_INFO, GET_ID)."""
    disk = blank_disk(ctx)
    m = ctx.machine(
        display="virtio-gpu",
        machine=machine,
        journal=None if extra_args else disk,
        cfg=HEADLESS + ["debug=test-scene"],
        extra_args=[a.replace("DISK", disk) for a in extra_args],
    )
    gpu = m.wait_for_line(r"^\[pci\] (\S+) 1af4:1050 virtio-gpu", BOOT_S, from_start=True).group(1)
    m.wait_for_line(r"^\[pci\] functions=", STEP_S, from_start=True)  # every [pci] line is out
    blk = lines(m, rf"^\[pci\] (\S+) 1af4:{blk_id} virtio-blk")
    check(len(blk) == 1, f"virtio-blk 1af4:{blk_id} on PCI: {blk}")
    blk = blk[0]
    m.wait_for_line(rf"^\[virtio-blk\] {re.escape(blk)} driver_ok features=0x[0-9a-f]+ ", STEP_S)
    line = m.wait_for_line(BLK_LINE, STEP_S)
    check(line.group(1) == blk and line.group(2) == "no" and line.group(3) == "yes", line.group(0))
    m.wait_for_line(r"^\[journal\] records=0 last_seq=0 corrupt=0 ", STEP_S)
    m.wait_for_line(rf"^\[virtio-gpu\] {re.escape(gpu)} driver_ok ", STEP_S, from_start=True)
    m.wait_for_line(r"^PCI: virtio-gpu driver probe succeeded$", STEP_S, from_start=True)
    m.wait_for_line(r"^\[video\] backend=virtio-gpu ", STEP_S, from_start=True)
    m.wait_for_line(SUMMARY + r".*backend=virtio-gpu", 90)
    check(m.wait_exit(STEP_S) == 0, "QEMU exit status")
    expect_no_panic(m)
    refusals = lines(m, r"^\[virtio\] .*refused")
    check(len(refusals) == int(legacy_refused), f"refusals: {refusals}")
    return m


def virtio_devices_q35(ctx):
    """On q35 with a modern-only disk (1af4:1042) behind a legacy-only one, which
    is refused while the modern one is used; its GET_ID answer is in the line."""
    old = blank_disk(ctx, "legacy.img")
    m = virtio_devices(
        ctx,
        "q35",
        drive_args(old, legacy=True, drive_id="old") + drive_args("DISK", modern_only=True),
        blk_id="1042",
        legacy_refused=True,
    )
    check(lines(m, r"^\[virtio\] \S+ 1af4:1001 legacy-only virtio device refused"), "refusal")
    check(lines(m, r"^\[blk\] .* id=rota-disk$"), "GET_ID's serial not in the [blk] line")
    check(sha256(old) == sha256(blank_disk(ctx, "zeros.img")), "the refused disk was written")


def virtio_devices_pc(ctx):
    virtio_devices(ctx, "pc")


def virtio_legacy_refused(ctx):
    """A legacy-only virtio-blk (disable-modern=on) is refused with a reason; the
    boot goes on without a journal."""
    disk = blank_disk(ctx)
    m = boot(ctx, display="std", machine="pc", extra_args=drive_args(disk, legacy=True))
    line = lines(m, r"^\[virtio\] \S+ 1af4:1001 legacy-only virtio device refused")
    check(len(line) == 1, f"no refusal line: {line}")
    check(lines(m, r"^\[journal\] off: no usable virtio-blk disk$"), "journal not off")
    check(not lines(m, r"^\[blk\] "), "a [blk] line for a refused device")
    check(sha256(disk) == sha256(blank_disk(ctx, "zeros.img")), "the refused disk was written")


# --- issue 7: the journal -----------------------------------------------------------


def journal_two_boots(ctx):
    """Records appended in one boot are replayed by the next; serial and the host
    tool agree on every field."""
    disk = blank_disk(ctx)
    first = boot(ctx, ["debug=journal-test", "seed=11"], journal=disk)
    check(
        lines(first, r"^\[journal\] formatted a blank disk: slots=2040 record_bytes=512"),
        "blank disk not formatted",
    )
    check(
        lines(first, r"^\[journal\] records=0 last_seq=0 corrupt=0 mode=read-write"),
        "no replay line",
    )
    appended = lines(first, rf"^\[journal\] append ({FIELDS}) slot=\d+ write_us=\d+$")
    check(len(appended) == 3 and appended[0].startswith("seq=1 "), f"appends: {appended}")

    second = boot(ctx, ["debug=journal-test", "seed=12"], journal=disk)
    check(
        lines(second, r"^\[journal\] records=3 last_seq=3 corrupt=0 mode=read-write"),
        "second boot did not replay three records",
    )
    replayed = lines(second, rf"^\[journal\] record ({FIELDS})$")
    check(replayed == appended, f"replayed {replayed}, first boot appended {appended}")
    appended += lines(second, rf"^\[journal\] append ({FIELDS}) slot=\d+ write_us=\d+$")
    check([a.split()[0] for a in appended] == [f"seq={i}" for i in range(1, 7)], f"{appended}")

    output = journal_tool(ctx, disk)
    check(tool_records(output) == appended, f"rota-journal printed {output}")
    check(output[-1] == "records=6 last_seq=6 corrupt=0", output[-1])


def journal_corrupt_record(ctx):
    """A record damaged with dd between boots is reported and skipped; the
    records before and after it are kept."""
    disk = blank_disk(ctx)
    first = boot(ctx, ["debug=journal-test", "seed=21"], journal=disk)
    appended = lines(first, rf"^\[journal\] append ({FIELDS}) ")
    check(len(appended) == 3, f"appends: {appended}")
    corrupt_byte(disk, 9 * 512 + 16)  # slot 1 (seq 2) sits at sector 9; byte 16 is its fate

    second = boot(ctx, [], journal=disk)
    check(
        lines(second, r"^\[journal\] corrupt record slot=1 sector=9 reason=crc: skipped$"),
        "corrupt record not reported",
    )
    check(lines(second, r"^\[journal\] records=2 last_seq=3 corrupt=1 "), "replay line")
    replayed = lines(second, rf"^\[journal\] record ({FIELDS})$")
    check(replayed == [appended[0], appended[2]], f"replayed {replayed}")

    output = journal_tool(ctx, disk)
    check(tool_records(output) == [appended[0], appended[2]], f"rota-journal printed {output}")
    check("corrupt slot=1 sector=9 reason=crc" in output, f"{output}")
    check(output[-1] == "records=2 last_seq=3 corrupt=1", output[-1])


def journal_fat_untouched(ctx):
    """A disk holding a FAT file system is byte-for-byte unchanged after a boot that
    would append records and run the block self-test."""
    disk = blank_disk(ctx)
    subprocess.run(["mkfs.vfat", "-n", "USERDATA", disk], check=True, capture_output=True)
    note = os.path.join(ctx.artifacts, "note.txt")
    with open(note, "w") as f:
        f.write("someone's data\n" * 100)
    subprocess.run(
        ["mcopy", "-i", disk, note, "::/note.txt"],
        check=True,
        env=dict(os.environ, MTOOLS_SKIP_CHECK="1"),
    )
    before = sha256(disk)
    m = boot(ctx, ["debug=journal-test,blk-selftest"], journal=disk)
    check(
        lines(
            m,
            r"^\[journal\] off: disk holds a FAT file system \(non-zero byte in sector 0\): "
            r"left untouched$",
        ),
        "no refusal naming the FAT file system",
    )
    check(
        lines(m, r"^\[blk\] selftest disk=\S+ no rota journal header.* result=skip$"),
        "self-test did not refuse",
    )
    check(not lines(m, r"^\[journal\] append "), "records appended")
    check(sha256(disk) == before, "the FAT disk changed")
    journal_tool(ctx, disk, expect_status=1)


def journal_readonly(ctx):
    """readonly=on: the journal is read, nothing is written (not even the self-test)."""
    disk = blank_disk(ctx)
    first = boot(ctx, ["debug=journal-test", "seed=31"], journal=disk)
    appended = lines(first, rf"^\[journal\] append ({FIELDS}) ")
    before = sha256(disk)
    m = boot(ctx, ["debug=journal-test,blk-selftest"], extra_args=drive_args(disk, readonly=True))
    line = lines(m, BLK_LINE)
    check(lines(m, rf"^\[blk\] \S+ capacity_sectors={CAPACITY} ro=yes "), "[blk] ro=yes missing")
    check(lines(m, r"^\[journal\] records=3 last_seq=3 corrupt=0 mode=read-only "), f"{line}")
    check(lines(m, rf"^\[journal\] record ({FIELDS})$") == appended, "records not replayed")
    check(len(lines(m, r"^\[journal\] append refused: read-only$")) == 3, "appends not refused")
    check(
        lines(m, r"^\[blk\] selftest disk=\S+ the device is read-only result=skip$"),
        "self-test not skipped",
    )
    check(sha256(disk) == before, "the read-only disk changed")


def journal_no_disk(ctx):
    """No virtio-blk at all: the journal is off and everything else works."""
    m = boot(ctx, ["debug=journal-test"], display="std")
    check(lines(m, r"^\[journal\] off: no virtio-blk disk$"), "no '[journal] off' line")
    check(not lines(m, r"^\[(blk|virtio-blk)\] "), "blk lines without a disk")
    check(lines(m, r"^\[video\] backend=gop "), "display not up")


def journal_off_config(ctx):
    """journal=off: the disk is initialised (and answers) but never written."""
    disk = blank_disk(ctx)
    m = boot(ctx, ["journal=off", "debug=journal-test"], journal=disk)
    check(lines(m, BLK_LINE), "no [blk] line")
    check(lines(m, r"^\[journal\] off: journal=off in the configuration$"), "journal not off")
    check(sha256(disk) == sha256(blank_disk(ctx, "zeros.img")), "the disk was written")


def blk_selftest(ctx):
    """debug=blk-selftest: write, read back and verify 8 MiB with many requests in
    flight, twice (the second run finds the first run's pattern and may reuse it)."""
    disk = blank_disk(ctx)
    for run in range(2):
        m = boot(ctx, ["debug=blk-selftest"], journal=disk)
        result = lines(m, r"^\[blk\] selftest disk=\S+ sectors=16384 mismatches=0 .* result=pass$")
        check(len(result) == 1, f"run {run}: no passing self-test line")
        check(
            lines(m, r"^\[blk\] selftest disk=\S+ one_request rtt_us=[\d.]+ fences="), "no rtt line"
        )
        with open(os.path.join(ctx.artifacts, "figures.txt"), "a") as f:
            f.write("\n".join(lines(m, r"^\[blk\] selftest .*")) + "\n")
    output = journal_tool(ctx, disk)
    check(output[-1] == "records=0 last_seq=0 corrupt=0", "the self-test touched the journal")


CASES = {
    f.__name__: f
    for f in (
        virtio_devices_q35,
        virtio_devices_pc,
        virtio_legacy_refused,
        journal_two_boots,
        journal_corrupt_record,
        journal_fat_untouched,
        journal_readonly,
        journal_no_disk,
        journal_off_config,
        blk_selftest,
    )
}
