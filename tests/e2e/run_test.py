#!/usr/bin/env python3
"""run_test.py --build DIR NAME: runs one end-to-end test from cases.py.

One test per invocation, so ctest gives each its own timeout and report. The serial
log and screenshots go to DIR/e2e-artifacts/NAME/; on failure the log's tail and the
reason are printed. Exit status 0 = passed, 1 = failed, 2 = usage or missing build.
"""
import argparse
import os
import shutil
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "image"))
sys.path.insert(0, HERE)

import cases  # noqa: E402
import display_cases  # noqa: E402
import roulette_cases  # noqa: E402
import smp_cases  # noqa: E402
import virgl_cases  # noqa: E402
import blk_cases  # noqa: E402
import paging_cases  # noqa: E402
import irq_cases  # noqa: E402
import qemu  # noqa: E402

TAIL_LINES = 40


class Context:
    """What a test case gets: machines whose logs land in its artifact directory."""

    def __init__(self, build, name):
        self.build = os.path.abspath(build)
        self.artifacts = os.path.join(self.build, "e2e-artifacts", name)
        shutil.rmtree(self.artifacts, ignore_errors=True)
        os.makedirs(self.artifacts)
        self.machines = []

    def machine(self, **options):
        """A started Machine booting build/esp.img (rota-usb.img with usb=True)."""
        options.setdefault(
            "image", os.path.join(self.build, "rota-usb.img" if options.get("usb") else "esp.img")
        )
        suffix = f"-{len(self.machines)}" if self.machines else ""
        options.setdefault("serial", os.path.join(self.artifacts, f"serial{suffix}.log"))
        m = qemu.Machine(qemu.Options(**options))
        self.machines.append(m)
        m.start()
        return m

    def screendump(self, machine, name):
        return machine.screendump(os.path.join(self.artifacts, name))

    def close(self, failed):
        for i, m in enumerate(self.machines):
            if failed and m.alive():
                try:
                    m.screendump(os.path.join(self.artifacts, f"at-failure-{i}.png"))
                except qemu.MachineError:
                    pass
            if failed and m.tmpdir:
                stderr = os.path.join(m.tmpdir, "qemu.stderr")
                if os.path.exists(stderr):
                    shutil.copy(stderr, os.path.join(self.artifacts, f"qemu-stderr-{i}.txt"))
                with open(os.path.join(self.artifacts, f"qemu-args-{i}.txt"), "w") as f:
                    f.write(" ".join(m.args) + "\n")
            m.kill()


ALL_CASES = {
    **cases.CASES,
    **smp_cases.CASES,
    **display_cases.CASES,
    **blk_cases.CASES,
    **roulette_cases.CASES,
    **paging_cases.CASES,
    **irq_cases.CASES,
    **virgl_cases.CASES,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("name", choices=sorted(ALL_CASES))
    a = p.parse_args()
    for image in ("esp.img", "rota-usb.img"):
        if not os.path.exists(os.path.join(a.build, image)):
            print(f"e2e {a.name}: {a.build}/{image} is missing; build first", file=sys.stderr)
            return 2

    ctx = Context(a.build, a.name)
    failed = True
    try:
        ALL_CASES[a.name](ctx)
        failed = False
    except qemu.MachineError as e:
        print(f"e2e {a.name}: FAILED: {e}")
    except Exception as e:  # an assertion or a harness bug: show the guest's side too
        traceback.print_exc(file=sys.stdout)
        print(f"e2e {a.name}: FAILED: {e}")
        for m in ctx.machines:
            if m.serial_path != "stdio" and os.path.exists(m.serial_path):
                lines = m.serial_text().splitlines()[-TAIL_LINES:]
                print(f"--- {m.serial_path} (last {len(lines)} lines) ---", *lines, sep="\n")
    finally:
        ctx.close(failed)
    if failed:
        print(f"e2e {a.name}: artifacts in {ctx.artifacts}")
        return 1
    print(f"e2e {a.name}: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
