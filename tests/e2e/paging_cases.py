"""End-to-end tests of rota's own page tables (docs/memory.md): each
protection faults where it should and is reported as what it is, the whole machine
halts after one report (no reboot, no silence), the firmware's memory comes back,
a 6 GiB machine keeps all of its memory, and power-off and reboot still go through
the firmware's ResetSystem on the new tables."""
import re
import time

import screen_checks
from cases import BOOT_S, EBS, MEM, PANIC, ROTA, STEP_S, SUMMARY, check, expect_no_panic

PAGING = (
    r"^\[paging\] on rota's page tables root=0x[0-9a-f]+ .*\brwx_kib=(\d+)\b.*"
    r"\bmemory_attributes=(\w+) nx=on wp=on pat=0x0007050100070406$"
)
RECLAIMED = r"^\[mem\] usable_mib=(\d+) .*\breclaimed_kib=(\d+) boot_services_kib=(\d+)"
HALTED = r"^\[panic\] halted$"
REGISTERS = r"^\[panic\] cpu exception vector=14 \(#PF page-fault\) error=0x([0-9a-f]+) cpu=(\d+)$"
HEX = r"0x[0-9a-f]+"

# What each key's first [panic] line must say; {cpu} is filled in.
FAULTS = {
    "fault-stack-overflow": (
        r"^\[panic\] stack overflow on cpu {cpu}: the kernel stack ({hex})-({hex}) ran into its"
        r" guard page at ({hex}) \(rsp=({hex})\)$"
    ),
    "fault-null": r"^\[panic\] null pointer read on cpu {cpu}: address=0x8 rip={hex} \(rota\+{hex}\)$",
    "fault-write-text": (
        r"^\[panic\] write to read-only kernel text on cpu {cpu}: address={hex} \(rota\+{hex}\)"
        r" rip={hex} \(rota\+{hex}\)$"
    ),
    "fault-exec-data": (
        r"^\[panic\] jump into no-execute kernel data on cpu {cpu}: address={hex} \(rota\+{hex}\)$"
    ),
}
# The page-fault error code each must show (Intel SDM vol. 3A, figure 4-12): P=1 for
# a protection violation, W=2 for a write, I/D=16 for a fetch.
ERROR_CODES = {
    "fault-stack-overflow": {0x2, 0x3},  # a write to a page that is not present
    "fault-null": {0x0},
    "fault-write-text": {0x3},
    "fault-exec-data": {0x11},
}


def expect_paging(m):
    """The boot switched to rota's tables, with no writable and executable page."""
    paging = m.wait_for_line(PAGING, STEP_S)
    check(int(paging.group(1)) == 0, f"rwx_kib must be 0: {paging.group(0)}")
    check(paging.group(2) == "used", f"OVMF's memory attributes table unused: {paging.group(0)}")
    return paging


def expect_fault(ctx, key, smp, on_ap=False):
    """Boots with debug=KEY (and fault-on-ap), waits for its report and checks that
    the machine then stays halted: QEMU alive and running, every CPU halted, one
    boot, one report, no reset, and nothing printed after the report by any CPU."""
    debug = f"{key},fault-on-ap" if on_ap else key
    m = ctx.machine(display="none", smp=smp, no_reboot=True, cfg=[f"debug={debug}"])
    m.wait_for_line(ROTA, BOOT_S)
    expect_paging(m)
    cpu = smp - 1 if on_ap else 0
    if on_ap:
        m.wait_for_line(rf"^\[debug\] fault-on-ap: running the faults on cpu {cpu}$", 60)
    report = m.wait_for_line(FAULTS[key].format(cpu=cpu, hex=HEX), 60)
    registers = m.wait_for_line(REGISTERS, STEP_S)
    check(int(registers.group(2)) == cpu, f"reported by cpu {registers.group(2)}, want {cpu}")
    check(
        int(registers.group(1), 16) in ERROR_CODES[key],
        f"error code {registers.group(1)} for {key}",
    )
    m.wait_for_line(r"^\[panic\] stack:", STEP_S)
    m.wait_for_line(HALTED, STEP_S)
    lines_at_halt = len(m.lines)

    time.sleep(3)
    check(m.alive(), "QEMU exited after the panic (triple fault or reset?)")
    status = m.qmp("query-status")
    check(status["status"] == "running", f"query-status says {status}")
    # Every CPU is halted, not only the one that reported: the others took the
    # reporter's NMI (core/cpu/panic_stop.h) instead of spinning on.
    registers = m.qmp("human-monitor-command", **{"command-line": "info registers -a"})
    halted = re.findall(r"\bHLT=(\d)", registers)
    check(halted == ["1"] * smp, f"CPUs halted: {halted}, want {smp} of them")
    after = m.serial_text().splitlines()
    later = [line for line in m.lines[lines_at_halt:] if line.strip()]
    check(not later, f"lines after the panic: {later[:5]}")
    reports = [line for line in m.lines if re.match(r"^\[panic\] cpu exception", line)]
    check(len(reports) == 1, f"{len(reports)} exception reports: {reports}")
    boots = [line for line in after if line.startswith("[boot] rota ")]
    check(len(boots) == 1, f"{len(boots)} boots: the machine rebooted")
    resets = [e for e in m.events if e["event"] in ("SHUTDOWN", "RESET")]
    check(not resets, f"unexpected events {resets}")
    return report


def stack_overflow(ctx, smp, on_ap=False):
    report = expect_fault(ctx, "fault-stack-overflow", smp, on_ap)
    bottom, top, guard, rsp = (int(report.group(i), 16) for i in (1, 2, 3, 4))
    check(guard == bottom - 4096, f"guard 0x{guard:x} is not the page below 0x{bottom:x}")
    check(top - bottom == 64 * 1024, f"a {top - bottom}-byte kernel stack, want 64 KiB")
    check(guard <= rsp < bottom, f"rsp 0x{rsp:x} is not in the guard page")


def fault_stack_overflow_1cpu(ctx):
    stack_overflow(ctx, 1)


def fault_stack_overflow_4cpu(ctx):
    stack_overflow(ctx, 4)


def fault_stack_overflow_ap(ctx):
    """The overflow on an AP: its own stack's guard, reported by that CPU, while the
    other three are stopped."""
    stack_overflow(ctx, 4, on_ap=True)


def fault_null_1cpu(ctx):
    expect_fault(ctx, "fault-null", 1)


def fault_null_4cpu(ctx):
    expect_fault(ctx, "fault-null", 4)


def fault_write_text_1cpu(ctx):
    expect_fault(ctx, "fault-write-text", 1)


def fault_write_text_4cpu(ctx):
    expect_fault(ctx, "fault-write-text", 4)


def fault_exec_data_1cpu(ctx):
    expect_fault(ctx, "fault-exec-data", 1)


def fault_exec_data_4cpu(ctx):
    expect_fault(ctx, "fault-exec-data", 4)


def expect_memory(m, minimum_mib, maximum_mib):
    m.wait_for_line(ROTA, BOOT_S)
    m.wait_for_line(EBS, STEP_S)
    expect_paging(m)
    mem = m.wait_for_line(RECLAIMED, STEP_S)
    usable, reclaimed, boot_services = (int(mem.group(i)) for i in (1, 2, 3))
    check(minimum_mib <= usable <= maximum_mib, f"usable_mib={usable}: {mem.group(0)}")
    check(boot_services > 0 and reclaimed >= boot_services, f"nothing reclaimed: {mem.group(0)}")
    # docs/serial.md's [mem] line is this one, and only one.
    lines = [line for line in m.lines if re.match(MEM, line)]
    check(len(lines) == 1, f"{len(lines)} [mem] usable_mib= lines")
    return usable


def paging_reclaims_firmware_memory(ctx):
    """512 MiB: at least 490 MiB usable once boot-services memory is back (464 before
    rota had page tables of its own); the roulette then runs to its summary on the
    new tables, drawn and turning in the GOP framebuffer they map write-combining,
    and the machine powers off through ResetSystem."""
    m = ctx.machine(
        display="std", cfg=["frames=240", "fps=30", "perframe=off", "gate=off", "seed=1"]
    )
    expect_memory(m, 490, 512)
    m.wait_for_line(r"^\[paging\] pci bars mapped=(\d+)$", STEP_S)
    screen_checks.expect_roulette_on_screen(ctx, m, "on rota's tables")
    m.wait_for_line(SUMMARY, 90)
    m.wait_for_line(r"^\[power\] off through the firmware's ResetSystem$", STEP_S)
    status = m.wait_exit(STEP_S)
    check(status == 0, f"QEMU exit status {status}")
    event = [e for e in m.events if e["event"] == "SHUTDOWN"]
    check(event and event[0]["data"]["reason"] == "guest-shutdown", f"SHUTDOWN events {event}")
    check(
        not any("ResetSystem returned" in line for line in m.lines),
        "ResetSystem returned instead of powering off",
    )
    expect_no_panic(m)


def paging_6g_keeps_all_memory(ctx):
    """6 GiB (4 GiB of it above 4 GiB on q35): every MiB the firmware does not keep is
    usable and mapped; memory_finish_boot touches both ends of every range, so a
    range the tables missed would fault here."""
    m = ctx.machine(display="none", memory="6G", cfg=["frames=10", "gate=off", "seed=1"])
    # 6144 MiB less the PCI hole's share QEMU leaves out (q35 puts 2 GiB below 4 GiB
    # and the rest above) and what firmware keeps: reserved, ACPI, runtime.
    expect_memory(m, 6050, 6144)
    m.wait_for_line(SUMMARY, 90)
    check(m.wait_exit(STEP_S) == 0, "QEMU exit status")
    expect_no_panic(m)


def paging_reboot_through_reset_system(ctx):
    """A reboot from rota's tables (the gate closing after a loss) goes through the
    firmware's ResetSystem: with -no-reboot QEMU reports a guest reset and exits.
    Before it, the wheel is on the screen, turning."""
    from roulette_cases import seed_where

    seed = seed_where(False)
    m = ctx.machine(display="std", no_reboot=True, cfg=[f"seed={seed}", "fps=30", "perframe=off"])
    expect_paging(m)
    screen_checks.expect_roulette_on_screen(ctx, m, "before the reboot")
    m.wait_for_line(r"^\[roulette\] gate closed: rebooting", 120)
    m.wait_for_line(r"^\[power\] reboot through the firmware's ResetSystem$", STEP_S)
    m.wait_exit(STEP_S)
    event = [e for e in m.events if e["event"] == "SHUTDOWN"]
    check(event and event[0]["data"]["reason"] == "guest-reset", f"SHUTDOWN events {event}")
    check(
        not any("ResetSystem returned" in line for line in m.lines),
        "ResetSystem returned instead of resetting",
    )
    check(not any(re.match(PANIC, line) for line in m.lines), "panic")


CASES = {
    f.__name__: f
    for f in (
        fault_stack_overflow_1cpu,
        fault_stack_overflow_4cpu,
        fault_stack_overflow_ap,
        fault_null_1cpu,
        fault_null_4cpu,
        fault_write_text_1cpu,
        fault_write_text_4cpu,
        fault_exec_data_1cpu,
        fault_exec_data_4cpu,
        paging_reclaims_firmware_memory,
        paging_6g_keeps_all_memory,
        paging_reboot_through_reset_system,
    )
}
