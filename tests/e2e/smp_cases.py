"""End-to-end SMP tests: every CPU in the MADT comes online with its own
per-CPU data, the self-test's per-CPU and lock-protected sums are exact, and
`cpus=N` starts exactly N. Each boots with debug=smp-selftest."""
import re

import screen_checks
from cases import BOOT_S, STEP_S, SUMMARY, check, expect_no_panic

SELFTEST_S = 120  # -smp 8 on a 2-core host: eight vCPU threads share two cores
ONLINE = r"^\[smp\] online=(\d+)/(\d+) bsp_apic=(\d+)"
SHARES = r"^\[smp\] selftest shares (\d+(?:,\d+)*)$"
COUNTERS = (
    r"^\[smp\] selftest counters cpus=(\d+) participants=(\d+) cpus_counted=(\d+) "
    r"per_cpu_sum=(\d+)/(\d+) locked_sum=(\d+)/(\d+) .* (exact|WRONG)$"
)


def run_selftest(ctx, machine_type, smp, expected_online, extra_cfg=()):
    m = ctx.machine(
        machine=machine_type,
        smp=smp,
        display="none",
        timeout=SELFTEST_S + 60,
        cfg=["debug=smp-selftest", *extra_cfg],
    )
    online = m.wait_for_line(ONLINE, BOOT_S)
    got, possible = int(online.group(1)), int(online.group(2))
    check(
        got == expected_online and possible == expected_online,
        f"online={got}/{possible}, want {expected_online}/{expected_online}",
    )
    started = [line for line in m.lines if re.match(r"^\[smp\] cpu=\d+ apic=\d+ online", line)]
    check(len(started) == expected_online - 1, f"{len(started)} APs reported online: {started}")

    shares = [int(v) for v in m.wait_for_line(SHARES, SELFTEST_S).group(1).split(",")]
    counters = m.wait_for_line(COUNTERS, SELFTEST_S)
    cpus, participants, counted = (int(counters.group(i)) for i in (1, 2, 3))
    per_cpu, per_cpu_want, locked, locked_want = (int(counters.group(i)) for i in (4, 5, 6, 7))
    check(cpus == expected_online, f"selftest saw cpus={cpus}")
    check(participants <= cpus and counted <= cpus, counters.group(0))
    check(
        per_cpu == per_cpu_want and locked == locked_want and counters.group(8) == "exact",
        f"sums not exact: {counters.group(0)}",
    )
    check(per_cpu_want == 200000 * cpus, f"expected total {per_cpu_want} for {cpus} CPUs")
    # The sums would be exact if the boot CPU did everything: every CPU must
    # have done a share of the work (a job of 1600 chunks per 8 CPUs).
    check(len(shares) == cpus, f"{len(shares)} shares for {cpus} CPUs: {shares}")
    check(sum(shares) == per_cpu_want, f"shares {shares} do not add up to {per_cpu_want}")
    check(all(share > 0 for share in shares), f"a CPU did no work: shares {shares}")
    check(participants == cpus and counted == cpus, f"not every CPU took part: {counters.group(0)}")
    m.wait_for_line(r"^\[smp\] selftest result=pass$", SELFTEST_S)
    summary = m.wait_for_line(SUMMARY + r".*\bcpus=(\d+)\b", SELFTEST_S)
    check(int(summary.group(1)) == expected_online, f"summary says {summary.group(0)}")
    status = m.wait_exit(30)
    check(status == 0, f"QEMU exit status {status}")
    expect_no_panic(m)


def smp_q35_1(ctx):
    run_selftest(ctx, "q35", 1, 1)


def smp_q35_2(ctx):
    run_selftest(ctx, "q35", 2, 2)


def smp_q35_4(ctx):
    run_selftest(ctx, "q35", 4, 4)


def smp_q35_8(ctx):
    run_selftest(ctx, "q35", 8, 8)


def smp_pc_4(ctx):
    run_selftest(ctx, "pc", 4, 4)


def smp_cpus_limit(ctx):
    """cpus=2 on a 4-CPU machine starts exactly two."""
    run_selftest(ctx, "q35", 4, 2, extra_cfg=["cpus=2"])


def irq_stray_vector(ctx):
    """An interrupt on a vector with no handler used to be
    logged and never acknowledged, so its ISR bit stayed set and masked every
    interrupt of its priority class and below, the nap timer (0xef) among them:
    the next device wait never ended. debug=stray-irq sends a self-IPI on 0xe4
    and naps twice; it is acknowledged and counted, and the boot goes on to the
    roulette, which is on the screen and turning."""
    m = ctx.machine(
        display="std",
        no_shutdown=True,
        cfg=["debug=stray-irq", "frames=240", "gate=off", "seed=1", "fps=30", "perframe=off"],
    )
    m.wait_for_line(r"^\[debug\] sending a self-IPI on vector 0xe4, which has no handler$", BOOT_S)
    m.wait_for_line(
        r"^\[cpu\] unexpected interrupt vector=0xe4 rip=0x[0-9a-f]+ eoi=yes "
        r"unexpected_interrupts=1$",
        STEP_S,
    )
    m.wait_for_line(r"^\[debug\] the nap timer still works: unexpected_interrupts=1$", STEP_S)
    lay = screen_checks.layout(m)
    screen_checks.expect_wheel_turning(ctx, m, lay, "spinning")
    summary = m.wait_for_line(SUMMARY + r"frames=(\d+) ", 60)
    check(int(summary.group(1)) == 240, summary.group(0))
    expect_no_panic(m)


CASES = {
    f.__name__: f
    for f in (
        smp_q35_1,
        smp_q35_2,
        smp_q35_4,
        smp_q35_8,
        smp_pc_4,
        smp_cpus_limit,
        irq_stray_vector,
    )
}
