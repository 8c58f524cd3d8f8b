"""End-to-end tests of virtio-blk and the spin journal (docs/boot.md,
docs/journal.md). Disk images live in the test's artifact directory; the host tool
build/rota-journal reads them between and after boots.

Until the roulette appends real spins, debug=journal-test makes the kernel append
three made-up records at boot (kernel/spin_journal.h)."""
import hashlib
import os
import random
import re
import subprocess
import time

import display_cases
import journal_image
import qemu
import write_log
import screen_checks
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


def boot(ctx, cfg=(), display="none", finish=True, watch=False, **options):
    """One boot to the summary; the machine has powered off when this returns.
    watch=True runs the roulette long enough to check it on the screen, and does."""
    extra = screen_checks.WATCHED_RUN if watch else []
    m = ctx.machine(display=display, cfg=HEADLESS + list(cfg) + extra, **options)
    if watch:
        screen_checks.expect_roulette_on_screen(ctx, m)
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


# --- every virtio device found, initialised, answering ----------------------------


def virtio_devices(ctx, machine, extra_args=(), blk_id="1001", legacy_refused=False):
    """virtio-gpu-pci and virtio-blk-pci together: both found on PCI, both at
    DRIVER_OK, a first request completed on each (GET_DISPLAY_INFO, GET_ID), and
    the virtio-gpu showing the test scene, its bar moving (two screenshots)."""
    disk = blank_disk(ctx)
    m = ctx.machine(
        display="virtio-gpu",
        machine=machine,
        journal=None if extra_args else disk,
        cfg=HEADLESS + ["debug=test-scene", "frames=150", "fps=30"],
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
    m.wait_for_line(r"^\[frame\] ", 60)
    first = display_cases.check_scene(ctx.screendump(m, "scene-1.ppm"), 1280, 800, "first")
    time.sleep(1.0)
    second = display_cases.check_scene(ctx.screendump(m, "scene-2.ppm"), 1280, 800, "second")
    check(first != second, f"the test scene's bar did not move: x={first} in both")
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
    m = boot(ctx, display="std", machine="pc", watch=True, extra_args=drive_args(disk, legacy=True))
    line = lines(m, r"^\[virtio\] \S+ 1af4:1001 legacy-only virtio device refused")
    check(len(line) == 1, f"no refusal line: {line}")
    check(lines(m, r"^\[journal\] off: no usable virtio-blk disk$"), "journal not off")
    check(not lines(m, r"^\[blk\] "), "a [blk] line for a refused device")
    check(sha256(disk) == sha256(blank_disk(ctx, "zeros.img")), "the refused disk was written")


# --- the journal -------------------------------------------------------------------


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
    """No virtio-blk at all: the journal is off and everything else works, the
    roulette on the screen included."""
    m = boot(ctx, ["debug=journal-test"], display="std", watch=True)
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


def journal_widest_header(ctx):
    """A header with a valid CRC and the most slots the format
    allows (area_start=1, record_count=2047, region_sectors=2048) used to end every
    boot in an assertion. It is a journal like any other: replayed (its last slot
    included), appended to (wrapping to slot 0), with the wheel on the screen."""
    disk = blank_disk(ctx)
    widest = journal_image.header(area_start=1, record_count=2047, region_sectors=2048)
    journal_image.write_at(disk, 0, widest)
    journal_image.write_at(disk, 2047 * 512, journal_image.record(2047, 4243, True, 8))
    m = ctx.machine(
        display="virtio-gpu",
        journal=disk,
        cfg=["seed=7", "gate=off", "fps=30", "perframe=off", "frames=300"],
    )
    m.wait_for_line(
        r"^\[journal\] records=1 last_seq=2047 corrupt=0 mode=read-write slots=2047 "
        r"record_bytes=512$",
        BOOT_S,
    )
    m.wait_for_line(r"^\[journal\] record seq=2047 fate=4243 result=win wedge=8 ", STEP_S)
    lay = screen_checks.layout(m)
    shot = screen_checks.expect_wheel_turning(ctx, m, lay, "spinning")
    screen_checks.expect_fate_box(shot, lay, "spinning")
    m.wait_for_line(rf"^\[journal\] append seq=2048 fate=\d+ .* slot=0 write_us=\d+$", 60)
    m.wait_for_line(SUMMARY, 60)
    check(m.wait_exit(STEP_S) == 0, "QEMU exit status")
    expect_no_panic(m)
    output = journal_tool(ctx, disk)
    check(
        output[0].startswith("journal version=1 slots=2047 record_bytes=512 area_start=1"), output
    )
    check(output[-1] == "records=2 last_seq=2048 corrupt=0", output[-1])


def journal_512e_topology(ctx):
    """On a 512e disk (512-byte logical, 4096-byte physical
    blocks) the journal used 512-byte slots, so one torn physical block could hold
    eight records. VIRTIO_BLK_F_TOPOLOGY is now negotiated and every slot is one
    physical block: the three records land in three different 4 KiB blocks."""
    disk = blank_disk(ctx)
    drive = f"if=none,id=disk,file={disk},format=raw"
    device = "virtio-blk-pci,drive=disk,physical_block_size=4096,logical_block_size=512"
    m = boot(
        ctx, ["debug=journal-test", "seed=41"], extra_args=["-drive", drive, "-device", device]
    )
    check(
        lines(
            m,
            r"^\[journal\] formatted a blank disk: slots=255 record_bytes=4096 region_sectors=2048 "
            r"area_start=8 physical_block=4096$",
        ),
        "not formatted with one slot per physical block",
    )
    appended = lines(m, rf"^\[journal\] append ({FIELDS}) slot=\d+ write_us=\d+$")
    check(len(appended) == 3, f"appends: {appended}")
    check(not lines(m, r"^\[journal\] .*torn write can damage"), "a torn-write warning")
    with open(disk, "rb") as f:
        region = f.read(2048 * 512)
    blocks = [k for k in range(1, 256) if region[k * 4096 : k * 4096 + 4] == b"SPIN"]
    check(blocks == [1, 2, 3], f"records start the physical blocks {blocks}, want [1, 2, 3]")
    for k in blocks:
        check(region[k * 4096 + 64 : (k + 1) * 4096] == bytes(4096 - 64), f"block {k} padding")
    output = journal_tool(ctx, disk)
    check(
        output[0].startswith("journal version=1 slots=255 record_bytes=4096 area_start=8"), output
    )
    check(tool_records(output) == appended, f"rota-journal printed {output}")


def logged_disk_args(disk, log, physical=4096):
    """A virtio-blk disk behind QEMU's blklogwrites driver, which records every
    write and flush the guest issues in `log` (write_log.py reads it)."""
    return [
        "-blockdev",
        f"driver=file,node-name=disk-file,filename={disk}",
        "-blockdev",
        f"driver=file,node-name=log-file,filename={log}",
        "-blockdev",
        "driver=blklogwrites,node-name=logged,file=disk-file,log=log-file",
        "-device",
        f"virtio-blk-pci,drive=logged,physical_block_size={physical},logical_block_size=512",
    ]


def tool_output(ctx, image):
    """rota-journal on an image: (exit status, lines); never fails by itself."""
    tool = os.path.join(ctx.build, "rota-journal")
    run = subprocess.run([tool, image], capture_output=True, text=True)
    return run.returncode, run.stdout.splitlines()


POWER_CUT_BOOTS = 5


def journal_power_cut(ctx):
    """Power cuts, replayed: five boots of a 512e disk (4 KiB physical blocks, so a
    record is a multi-sector write that can be torn) behind blklogwrites, each
    formatting or replaying the journal and appending three records. Every prefix
    of each boot's write log, and every sector-by-sector tear of the last write in
    it, is applied to a copy of the disk as it was before that boot, and
    rota-journal reads the copy: the header must stay readable once written, every
    record written and flushed by then must be there (each record the serial log
    acknowledged maps to a write and a later flush in the log), and no record may
    appear that was never written. Figures go to power-cut.txt."""
    disk = blank_disk(ctx, size=4 << 20)
    with open(disk, "rb") as f:
        state = bytearray(f.read())
    copy = os.path.join(ctx.artifacts, "cut.img")
    acknowledged, ever_written, durable_before = [], set(), set()
    cuts = lost = torn_cuts = 0
    for boot_index in range(POWER_CUT_BOOTS):
        log = os.path.join(ctx.artifacts, f"writes-{boot_index}.log")
        open(log, "wb").close()
        m = boot(
            ctx,
            ["debug=journal-test", f"seed={500 + boot_index}"],
            extra_args=logged_disk_args(disk, log),
        )
        acked = lines(m, rf"^\[journal\] append ({FIELDS}) slot=\d+ write_us=\d+$")
        check(len(acked) == 3, f"boot {boot_index}: appends {acked}")
        acknowledged += acked
        entries, sector_size = write_log.read_log(log)
        check(sector_size == 512, f"log sector size {sector_size}")

        # The cuts: after each whole entry, and inside each multi-sector write.
        plan = [(i, None) for i in range(len(entries) + 1)]
        for i, entry in enumerate(entries):
            plan += [(i, k) for k in range(1, entry.nr_sectors) if not entry.flush]
        for count, torn in plan:
            image = bytearray(state)
            written, pending, durable = set(), [], set(durable_before)
            header_written = state[:8] == b"ROTAJRNL"
            for entry in entries[:count]:
                write_log.apply(image, entry, sector_size)
                if entry.flush:
                    durable.update(pending)
                    pending = []
                else:
                    found = write_log.records_written(entry, sector_size)
                    written.update(found)
                    pending += found
                    header_written |= entry.sector == 0
            if torn is not None:
                write_log.apply(image, entries[count], sector_size, torn)
                written.update(write_log.records_written(entries[count], sector_size))
                header_written |= entries[count].sector == 0
                torn_cuts += 1
            with open(copy, "wb") as f:
                f.write(image)
            status, output = tool_output(ctx, copy)
            cuts += 1
            where = f"boot {boot_index}, after {count} of {len(entries)} entries" + (
                f" and {torn} sectors of the next" if torn is not None else ""
            )
            if not header_written:
                check(status == 1 and not any(image[: 2048 * 512]), f"{where}: {output}")
                continue
            check(status == 0 and output[0].startswith("journal version=1 "), f"{where}: {output}")
            present = set(tool_records(output))
            missing = durable - present
            lost += len(missing)
            check(not missing, f"{where}: flushed records lost: {sorted(missing)}")
            unknown = present - ever_written - written
            check(not unknown, f"{where}: records never written: {sorted(unknown)}")
        # The whole log applied is the disk QEMU left: the log missed no write.
        for entry in entries:
            write_log.apply(state, entry, sector_size)
            ever_written.update(write_log.records_written(entry, sector_size))
        with open(disk, "rb") as f:
            check(
                f.read() == bytes(state), f"boot {boot_index}: the log does not replay to the disk"
            )
        # Each acknowledged record was written and then flushed before the disk
        # saw any later write: the journal returns (and the kernel logs the
        # append) only after the flush, and writes nothing in between. A flush
        # QEMU issues when the machine stops does not count.
        flushed, pending = set(), []
        for entry in entries:
            if entry.flush:
                flushed.update(pending)
                pending = []
            else:
                check(
                    not (set(pending) & set(acked)),
                    f"boot {boot_index}: a write followed an acknowledged record before a "
                    f"flush: {pending}",
                )
                pending += write_log.records_written(entry, sector_size)
        check(set(acked) <= flushed, f"boot {boot_index}: acknowledged but never flushed")
        durable_before |= flushed

    status, output = tool_output(ctx, disk)
    check(set(acknowledged) <= set(tool_records(output)), f"final journal: {output}")
    figures = (
        f"cuts_replayed={cuts} torn_cuts={torn_cuts} boots={POWER_CUT_BOOTS} "
        f"records_acknowledged={len(acknowledged)} lost={lost}"
    )
    with open(os.path.join(ctx.artifacts, "power-cut.txt"), "w") as f:
        f.write(figures + "\n")
    print(f"power cut: {figures}")
    check(lost == 0, figures)


LIVE_CUTS = 10


def journal_power_cut_live(ctx):
    """Power cuts in real runs: ten boots of the roulette (gate=off) on one disk,
    each stopped by QMP quit at a random moment around its first spin's landing,
    when the spin is appended (6.5 to 8 s into the spin, from a fixed random
    seed). Each next boot must replay every record the serial log acknowledged so
    far, and any record beyond them must be one of the spins that was under way
    (its fate is known from the seed); rota-journal agrees at the end."""
    rng = random.Random(2026)
    disk = blank_disk(ctx)
    acknowledged, expected_fates = [], set()
    records_line = r"^\[journal\] records=(\d+) last_seq=(\d+) corrupt=(\d+) "
    for run in range(LIVE_CUTS + 1):
        seed = 700 + run
        m = ctx.machine(
            display="virtio-gpu",
            journal=disk,
            cfg=[f"seed={seed}", "gate=off", "fps=30", "perframe=off"],
        )
        replay = m.wait_for_line(records_line, BOOT_S)
        records, last_seq, corrupt = (int(v) for v in replay.groups())
        check(records >= len(acknowledged), f"run {run}: {replay.group(0)}: lost records")
        check(corrupt <= 1, f"run {run}: {replay.group(0)}")
        listed = lines(m, rf"^\[journal\] record ({FIELDS})$")
        newest = acknowledged[-16:]  # the kernel lists the 16 newest
        check(
            set(newest) <= set(listed) or len(listed) == 16,
            f"run {run}: acknowledged records not replayed: {set(newest) - set(listed)}",
        )
        for line in listed:
            if line not in acknowledged:
                fate = int(re.search(r"fate=(\d+)", line).group(1))
                check(fate in expected_fates, f"run {run}: a record nobody wrote: {line}")
        if run == LIVE_CUTS:
            break
        expected_fates.add(next(roulette_fates(seed)))
        m.wait_for_line(r"^\[roulette\] layout ", 60)
        spin_start = time.monotonic()
        time.sleep(max(0.0, spin_start + rng.uniform(6.5, 8.0) - time.monotonic()))
        try:
            m.qmp("quit")
        except qemu.Exited:
            pass
        m.wait_exit(STEP_S)
        acknowledged += lines(m, rf"^\[journal\] append ({FIELDS}) slot=\d+ write_us=\d+$")
        expect_no_panic(m)
    output = journal_tool(ctx, disk)
    check(set(acknowledged) <= set(tool_records(output)), f"final journal: {output}")
    figures = f"live_cuts={LIVE_CUTS} records_acknowledged={len(acknowledged)} lost=0"
    with open(os.path.join(ctx.artifacts, "power-cut.txt"), "w") as f:
        f.write(figures + "\n")
    print(f"power cut (live): {figures}")


def roulette_fates(seed):
    """The roulette's fates for a seed: splitmix64, as roulette_cases.fates."""
    import roulette_cases

    return roulette_cases.fates(seed)


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
        journal_widest_header,
        journal_512e_topology,
        journal_power_cut,
        journal_power_cut_live,
        blk_selftest,
    )
}
