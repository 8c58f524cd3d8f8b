#!/usr/bin/env python3
"""check_x2apic_fence.py --kernel build/rota.so: the built kernel fences before the
x2APIC ICR write.

Intel SDM vol. 3, 11.12.3: a WRMSR to an x2APIC register is not serialising, so an
IPI can be sent before the sender's earlier stores are globally visible; MFENCE then
LFENCE before the WRMSR prevents it. core/cpu/local_apic.cpp's local_apic_send does
that; this check reads the machine code the compiler produced (objdump) and fails if
the WRMSR to MSR 0x830 (the ICR) is not preceded by both fences with no store or
call in between. What it cannot show: that the fence is needed or sufficient on a
given CPU (QEMU's TCG does not emulate x2APIC at all), only that it is there.
"""
import argparse
import re
import subprocess
import sys

FUNCTION = "rota::local_apic_send(rota::Ipi const&)"
ICR = 0x830


def instructions(kernel):
    out = subprocess.run(
        ["objdump", "-d", "-C", "--no-show-raw-insn", kernel],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    inside, found = False, []
    for line in out.splitlines():
        header = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if header:
            inside = header.group(1) == FUNCTION
            continue
        match = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
        if inside and match:
            found.append((int(match.group(1), 16), match.group(2).split("#")[0].strip()))
    return found


def problems(code):
    """Why the code does not fence before the ICR write (empty: it does)."""
    if not code:
        return [f"{FUNCTION} not found in the kernel"]
    writes = []
    for i, (_, text) in enumerate(code):
        if text.startswith("wrmsr"):
            # The MSR number is the last value moved into ecx before the wrmsr.
            for _, before in reversed(code[:i]):
                ecx = re.match(r"mov\s+\$0x([0-9a-f]+),%ecx$", before)
                if ecx:
                    if int(ecx.group(1), 16) == ICR:
                        writes.append(i)
                    break
    if not writes:
        return [f"no wrmsr to MSR {ICR:#x} in {FUNCTION}"]
    found = []
    for i in writes:
        seen = []
        for address, text in reversed(code[:i]):
            op = text.split()[0] if text else ""
            if op in ("mfence", "lfence"):
                seen.append(op)
                if seen[-2:] == ["lfence", "mfence"]:
                    break
            elif op.startswith("call") or (op.startswith("mov") and re.search(r",.*\)", text)):
                found.append(f"a store or call at {address:#x} between the fences and the wrmsr")
                break
        else:
            found.append(f"wrmsr at {code[i][0]:#x}: no mfence; lfence before it")
            continue
        if seen[-2:] != ["lfence", "mfence"]:
            found.append(f"wrmsr at {code[i][0]:#x}: fences {seen[::-1]}, want mfence; lfence")
    return found


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", required=True)
    a = p.parse_args()
    found = problems(instructions(a.kernel))
    for problem in found:
        print(f"check_x2apic_fence: {problem}", file=sys.stderr)
    if not found:
        print("check_x2apic_fence: mfence; lfence before the x2APIC ICR wrmsr")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
