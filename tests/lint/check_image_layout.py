#!/usr/bin/env python3
"""Fails when the built kernel image would need a page to be two things at once.

rota's page tables give the image's parts different protections (docs/memory.md):
text read-execute, read-only data read-only, data read-write, all else read-only.
A page holding parts of two of them cannot be mapped right, so cmake/rota.lds puts
each on pages of its own. This checks the result, in both files the build makes:

- BOOTX64.EFI (PE32+, what the firmware loads): every section starts on a page, no
  page holds two sections, and only .text is executable, and it is not writable.
- rota.so (the ELF it is made from, with the symbols): the __rota_* boundaries the
  kernel reads are page-aligned and in order, .text lies inside the text range and
  nothing else does, .rodata inside the read-only range, .data inside the data range;
  the hot code (core/lib/hot_code.h) fills part of the text range's first page.

Usage: check_image_layout.py --efi BOOTX64.EFI --elf rota.so; prints every problem
and exits 1 if there is one. Python 3 standard library only.
"""
import argparse
import struct
import sys

PAGE = 4096
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_WRITE = 0x80000000
SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
SHT_SYMTAB = 2
BOUNDARIES = [
    "__rota_text_start",
    "__rota_text_end",
    "__rota_rodata_start",
    "__rota_rodata_end",
    "__rota_data_start",
    "__rota_data_end",
]


def pe_sections(data):
    """[(name, virtual_address, virtual_size, characteristics)] from a PE file."""
    if data[:2] != b"MZ":
        raise ValueError("not a PE file (no MZ header)")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        raise ValueError("not a PE file (no PE signature)")
    count, optional_size = (
        struct.unpack_from("<H", data, pe + 6)[0],
        struct.unpack_from("<H", data, pe + 20)[0],
    )
    table = pe + 24 + optional_size
    sections = []
    for i in range(count):
        raw = data[table + 40 * i : table + 40 * (i + 1)]
        name = raw[:8].rstrip(b"\0").decode("ascii", "replace")
        virtual_size, virtual_address = struct.unpack_from("<II", raw, 8)
        characteristics = struct.unpack_from("<I", raw, 36)[0]
        sections.append((name, virtual_address, virtual_size, characteristics))
    return sections


def check_pe(sections):
    problems = []
    for name, address, _, _ in sections:
        if address % PAGE:
            problems.append(f"PE section {name} starts at 0x{address:x}, not on a page")
    ordered = sorted(sections, key=lambda s: s[1])
    for (name, address, size, _), (next_name, next_address, _, _) in zip(ordered, ordered[1:]):
        last_page = (address + max(size, 1) - 1) // PAGE
        if last_page >= next_address // PAGE:
            problems.append(f"PE sections {name} and {next_name} share the page 0x{last_page:x}000")
    executable = [s for s in sections if s[3] & SCN_MEM_EXECUTE]
    if [s[0] for s in executable] != [".text"]:
        problems.append(f"executable PE sections {[s[0] for s in executable]}, want ['.text']")
    for name, _, _, characteristics in executable:
        if characteristics & SCN_MEM_WRITE:
            problems.append(f"PE section {name} is writable and executable")
    if not any(s[0] == ".rodata" for s in sections):
        problems.append("no .rodata PE section: read-only data is not on pages of its own")
    return problems


def elf_sections_and_symbols(data):
    """({name: (address, size, flags)}, {symbol: value}) from an ELF64 file."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError("not an ELF64 file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    entsize, count, strndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * entsize) for i in range(count)]

    def string(table, offset):
        start = headers[table][4] + offset
        return data[start : data.index(b"\0", start)].decode("ascii", "replace")

    sections, symbols = {}, {}
    for h in headers:
        name, kind, flags, address, offset, size, link, _, _, item = h
        sections[string(strndx, name)] = (address, size, flags)
        if kind == SHT_SYMTAB:
            for i in range(size // item):
                sym_name, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", data, offset + i * item)
                symbols[string(link, sym_name)] = value
    return sections, symbols


def check_elf(sections, symbols):
    problems = []
    missing = [b for b in BOUNDARIES if b not in symbols]
    if missing:
        return [f"rota.so has no symbols {missing}"]
    values = [symbols[b] for b in BOUNDARIES]
    for name, value in zip(BOUNDARIES, values):
        if value % PAGE:
            problems.append(f"{name}=0x{value:x} is not on a page")
    if values != sorted(values) or values[0] == values[1] or values[4] == values[5]:
        problems.append(f"boundaries out of order: {[hex(v) for v in values]}")
    text, rodata, data = (values[0], values[1]), (values[2], values[3]), (values[4], values[5])

    def inside(name, span):
        address, size, _ = sections[name]
        return span[0] <= address and address + size <= span[1]

    for name, span in ((".text", text), (".rodata", rodata), (".data", data)):
        if name not in sections:
            problems.append(f"rota.so has no {name} section")
        elif not inside(name, span):
            address, size, _ = sections[name]
            problems.append(
                f"{name} 0x{address:x}+0x{size:x} is outside 0x{span[0]:x}-0x{span[1]:x}"
            )
    problems += check_hot_page(symbols, text)
    for name, (address, size, flags) in sections.items():
        if not flags & SHF_ALLOC or size == 0:
            continue
        executable = bool(flags & SHF_EXECINSTR)
        in_text = address < text[1] and address + size > text[0]
        if executable and not inside(name, text):
            problems.append(f"{name} is executable but outside the text range")
        if in_text and not executable:
            problems.append(f"{name} is data inside the text range")
        if executable and flags & SHF_WRITE:
            problems.append(f"{name} is writable and executable")
    return problems


def check_hot_page(symbols, text):
    """ROTA_HOT_CODE (core/lib/hot_code.h): present, on one page of its own at the
    start of the text range."""
    start, end = symbols.get("__rota_hot_start"), symbols.get("__rota_hot_end")
    if start is None or end is None:
        return ["rota.so has no __rota_hot_start/__rota_hot_end: the hot code has no page"]
    if start != text[0]:
        return [f"__rota_hot_start=0x{start:x} is not the start of the text range"]
    if end <= start:
        return ["the hot code page is empty: no ROTA_HOT_CODE function was linked"]
    if end - start > PAGE:
        return [f"the hot code is 0x{end - start:x} bytes, more than one page"]
    return []


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--efi", required=True)
    p.add_argument("--elf", required=True)
    a = p.parse_args()
    with open(a.efi, "rb") as f:
        problems = check_pe(pe_sections(f.read()))
    with open(a.elf, "rb") as f:
        problems += check_elf(*elf_sections_and_symbols(f.read()))
    for problem in problems:
        print(problem)
    if not problems:
        print("image layout: every protected part is on pages of its own")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
