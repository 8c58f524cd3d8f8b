"""The lint checks themselves: each must fail on the mistake it exists for.

Run: python3 -m unittest -v test_lint (from this directory), ctest lint_selftest.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import check_layers  # noqa: E402
import check_x2apic_fence  # noqa: E402


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


class Layers(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root)

    def test_downward_includes_pass(self):
        write(self.root, "core/lib/a.h", '#pragma once\n#include "core/lib/b.h"\n')
        write(self.root, "virtio/q.cpp", '#include "core/lib/a.h"\n#include "smp/x.h"\n')
        write(self.root, "kernel/main.cpp", '#include "gfx/g.h"\n#include "journal/j.h"\n')
        write(self.root, "efi/main.cpp", '#include <efi.h>\n#include "core/boot_info.h"\n')
        self.assertEqual(list(check_layers.violations(self.root)), [])

    def test_upward_include_fails_with_file_and_line(self):
        write(self.root, "core/kernel_main.cpp", '// boot\n#include "gfx/video.h"\n')
        found = list(check_layers.violations(self.root))
        self.assertEqual(len(found), 1)
        self.assertTrue(found[0].startswith("core/kernel_main.cpp:2: core/ may not include"))

    def test_virtio_may_not_include_gfx(self):
        write(self.root, "virtio/gpu/d.h", '#include "gfx/canvas/rect.h"\n')
        self.assertEqual(len(list(check_layers.violations(self.root))), 1)

    def test_efi_knows_only_core(self):
        write(self.root, "efi/gop.cpp", '#include "gfx/edid.h"\n')
        self.assertEqual(len(list(check_layers.violations(self.root))), 1)

    def test_gnu_efi_headers_only_in_efi(self):
        write(self.root, "core/x.cpp", "#include <efi.h>\n")
        found = list(check_layers.violations(self.root))
        self.assertEqual(len(found), 1)
        self.assertIn("gnu-efi", found[0])

    def test_the_repository_itself_passes(self):
        self.assertEqual(list(check_layers.violations(ROOT)), [])


class Format(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root)
        shutil.copy(os.path.join(ROOT, ".clang-format"), self.root)
        shutil.copy(os.path.join(ROOT, "pyproject.toml"), self.root)

    def run_check(self, *files):
        return subprocess.run(
            [sys.executable, os.path.join(HERE, "check_format.py"), "--root", self.root, *files],
            capture_output=True,
            text=True,
        )

    def test_formatted_files_pass(self):
        write(self.root, "a.cpp", "int f()\n{\n    return 1;\n}\n")
        write(self.root, "b.py", 'x = {"a": 1}\n')
        result = self.run_check("a.cpp", "b.py")
        self.assertEqual(result.returncode, 0, result.stdout)

    def test_cpp_drift_fails_and_names_the_fix(self):
        write(self.root, "a.cpp", "int f() {return 1;}\n")
        result = self.run_check("a.cpp")
        self.assertEqual(result.returncode, 1)
        self.assertIn("a.cpp: not clang-formatted; run: clang-format-14 -i a.cpp", result.stdout)

    def test_python_drift_fails(self):
        write(self.root, "b.py", "x = {'a':1}\n")
        result = self.run_check("b.py")
        self.assertEqual(result.returncode, 1)
        self.assertIn("b.py: not black-formatted", result.stdout)


if __name__ == "__main__":
    unittest.main()


class X2apicFence(unittest.TestCase):
    """check_x2apic_fence.problems on hand-written disassembly."""

    def code(self, *lines):
        return [(0x1000 + 4 * i, text) for i, text in enumerate(lines)]

    def test_fenced_icr_write_passes(self):
        code = self.code("mfence", "lfence", "mov    (%rdi),%eax", "mov    $0x830,%ecx", "wrmsr")
        self.assertEqual(check_x2apic_fence.problems(code), [])

    def test_unfenced_icr_write_fails(self):
        found = check_x2apic_fence.problems(self.code("mov    $0x830,%ecx", "wrmsr", "ret"))
        self.assertEqual(len(found), 1)
        self.assertIn("no mfence; lfence", found[0])

    def test_store_between_fence_and_write_fails(self):
        code = self.code("mfence", "lfence", "mov    %eax,0x8(%rdi)", "mov    $0x830,%ecx", "wrmsr")
        self.assertIn("a store or call", check_x2apic_fence.problems(code)[0])

    def test_other_msrs_need_no_fence(self):
        code = self.code(
            "mov    $0x80b,%ecx", "wrmsr", "mfence", "lfence", "mov    $0x830,%ecx", "wrmsr"
        )
        self.assertEqual(check_x2apic_fence.problems(code), [])
        self.assertIn("no wrmsr", check_x2apic_fence.problems(self.code("nop"))[0])
