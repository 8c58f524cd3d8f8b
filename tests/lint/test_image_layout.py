"""check_image_layout.py catches the layouts it exists for (python3 -m unittest)."""
import unittest

import check_image_layout as layout

X = layout.SCN_MEM_EXECUTE
W = layout.SCN_MEM_WRITE
R = 0x40000000
ALLOC, EXEC, WRITE = layout.SHF_ALLOC, layout.SHF_EXECINSTR, layout.SHF_WRITE

GOOD_PE = [
    (".text", 0x2000, 0x2B270, R | X),
    (".reloc", 0x2E000, 0xC, R),
    (".rodata", 0x2F000, 0xB070, R | W),
    (".data", 0x3B000, 0x1C810, R | W),
]
SYMBOLS = {
    "__rota_text_start": 0x2000,
    "__rota_text_end": 0x2E000,
    "__rota_rodata_start": 0x2E000,
    "__rota_rodata_end": 0x3B000,
    "__rota_data_start": 0x3B000,
    "__rota_data_end": 0x58000,
    "__rota_hot_start": 0x2000,
    "__rota_hot_end": 0x29AA,
}
GOOD_ELF = {
    ".text": (0x2000, 0x2B270, ALLOC | EXEC),
    ".reloc": (0x2E000, 0xC, ALLOC),
    ".rodata": (0x2F000, 0xB070, ALLOC | WRITE),
    ".data": (0x3B000, 0x1C810, ALLOC | WRITE),
    ".debug_info": (0, 0x1000, 0),
}


class ImageLayout(unittest.TestCase):
    def test_rotas_layout_passes(self):
        self.assertEqual(layout.check_pe(GOOD_PE), [])
        self.assertEqual(layout.check_elf(GOOD_ELF, SYMBOLS), [])

    def test_gnu_efis_layout_fails(self):
        # gnu-efi's script: .rodata inside .data, no section of its own.
        pe = [(".text", 0x2000, 0x2B270, R | X), (".data", 0x2F000, 0x27890, R | W)]
        self.assertIn("no .rodata", " ".join(layout.check_pe(pe)))
        self.assertIn("no symbols", " ".join(layout.check_elf(GOOD_ELF, {})))

    def test_a_shared_page_fails(self):
        pe = list(GOOD_PE)
        pe[1] = (".reloc", 0x2D000, 0xC, R)  # in .text's last page
        self.assertIn("share the page", " ".join(layout.check_pe(pe)))
        pe[1] = (".reloc", 0x2E800, 0xC, R)
        self.assertIn("not on a page", " ".join(layout.check_pe(pe)))

    def test_executable_data_or_writable_text_fails(self):
        pe = list(GOOD_PE)
        pe[3] = (".data", 0x3B000, 0x1C810, R | W | X)
        self.assertIn("executable PE sections", " ".join(layout.check_pe(pe)))
        pe = list(GOOD_PE)
        pe[0] = (".text", 0x2000, 0x2B270, R | W | X)
        self.assertIn("writable and executable", " ".join(layout.check_pe(pe)))

    def test_sections_outside_their_range_fail(self):
        elf = dict(GOOD_ELF)
        elf[".rodata"] = (0x2F000, 0xD000, ALLOC)  # runs into .data's pages
        self.assertIn(".rodata 0x2f000+0xd000 is outside", " ".join(layout.check_elf(elf, SYMBOLS)))
        elf = dict(GOOD_ELF)
        elf[".init"] = (0x40000, 0x10, ALLOC | EXEC)
        self.assertIn(".init is executable", " ".join(layout.check_elf(elf, SYMBOLS)))
        elf = dict(GOOD_ELF)
        elf[".tdata"] = (0x3000, 0x10, ALLOC | WRITE)
        self.assertIn(".tdata is data inside the text", " ".join(layout.check_elf(elf, SYMBOLS)))

    def test_unaligned_or_disordered_boundaries_fail(self):
        symbols = dict(SYMBOLS, __rota_rodata_start=0x2E800)
        self.assertIn("not on a page", " ".join(layout.check_elf(GOOD_ELF, symbols)))
        symbols = dict(SYMBOLS, __rota_data_start=0x2F000)
        self.assertIn("out of order", " ".join(layout.check_elf(GOOD_ELF, symbols)))

    def test_hot_code_off_its_page_fails(self):
        def problems(**changes):
            return " ".join(layout.check_elf(GOOD_ELF, dict(SYMBOLS, **changes)))

        self.assertIn("more than one page", problems(__rota_hot_end=0x3010))
        self.assertIn("is empty", problems(__rota_hot_end=0x2000))
        self.assertIn("not the start", problems(__rota_hot_start=0x2010))
        symbols = {k: v for k, v in SYMBOLS.items() if not k.startswith("__rota_hot")}
        self.assertIn("no __rota_hot_start", " ".join(layout.check_elf(GOOD_ELF, symbols)))


if __name__ == "__main__":
    unittest.main()
