"""The lint checks themselves: each must fail on the mistake it exists for.

Run: python3 -m unittest -v test_lint (from this directory), ctest lint_selftest.
"""
import json
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
import check_presets  # noqa: E402
import check_references  # noqa: E402


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


class References(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root)
        write(self.root, "docs/serial.md", "# Serial lines\n")

    def check(self, path, text):
        write(self.root, path, text)
        return list(check_references.problems(self.root, [path]))

    def test_docs_and_specifications_pass(self):
        text = (
            "// The [pci] line (docs/serial.md, docs/serial.md#pci); virtio 1.2, 2.7.13.\n"
            '#include "../lib/format.h"\n'
            'exec bash "$(dirname "$0")/../tests/run"\n'
            "-drive file=/usr/share/OVMF/OVMF_CODE.fd\n"
        )
        self.assertEqual(self.check("core/log/a.cpp", text), [])

    def test_contract_by_name_fails(self):
        found = self.check("core/x.h", "// One event per line (SPEC section 2).\n")
        self.assertEqual(len(found), 1)
        self.assertTrue(found[0].startswith("core/x.h:1: cites SPEC,"))

    def test_style_notes_by_name_fail(self):
        self.assertEqual(len(self.check("a.h", "// Injected (STYLE.md).\n")), 1)

    def test_tracker_issue_fails(self):
        text = '    """Issue 11, defect 2: used to hang."""\n# see the note of issue 5\n'
        found = self.check("a.py", text)
        self.assertEqual(len(found), 2)
        self.assertIn("a.py:1: cites Issue 11, an issue of a tracker", found[0])
        self.assertIn("a.py:2: cites issue 5,", found[1])

    def test_the_word_issue_passes(self):
        self.assertEqual(
            self.check("a.h", "// Each request issues one notify.\n// An issue: 3 CPUs.\n"), []
        )

    def test_path_that_climbs_out_fails(self):
        found = self.check("README.md", "See `../shared/notes.md`.\n")
        self.assertEqual(len(found), 1)
        self.assertIn("../shared/notes.md, a path outside the repository", found[0])

    def test_climbing_inside_the_repository_passes(self):
        self.assertEqual(self.check("a/b/c.md", "See ../../docs/serial.md.\n"), [])

    def test_development_machine_path_fails(self):
        self.assertEqual(len(self.check("a.py", "# from /work/main/notes.txt\n")), 1)

    def test_missing_docs_file_fails_with_line(self):
        found = self.check("gfx/y.h", "// ok\n// Wheel rules: docs/roulete.md.\n")
        self.assertEqual(found, ["gfx/y.h:2: cites docs/roulete.md, which does not exist"])

    def test_the_repository_itself_passes(self):
        self.assertEqual(list(check_references.problems(ROOT)), [])


class Presets(unittest.TestCase):
    """check_presets.py on the repository's presets (their shape only: configuring
    them is ctest presets_configure_build) and on a tiny project of its own."""

    PROJECT = "cmake_minimum_required(VERSION 3.25)\nproject(t C)\nadd_library(small STATIC a.c)\n"

    def presets(self, *configure):
        return {
            "version": 6,
            "configurePresets": [
                {"name": n, "binaryDir": "${sourceDir}/b-" + n, **extra} for n, extra in configure
            ],
            "buildPresets": [{"name": n, "configurePreset": n} for n, _ in configure],
            "testPresets": [{"name": n, "configurePreset": n} for n, _ in configure],
        }

    def test_the_repository_presets_are_complete(self):
        presets = check_presets.load_presets(ROOT)
        names = {p["name"] for p in presets["configurePresets"]}
        self.assertEqual(names, {"default", "release", "debug", "tsan", "asan"})
        self.assertEqual(check_presets.structure_problems(presets), [])

    def test_a_configure_preset_without_build_preset_fails(self):
        presets = self.presets(("a", {}), ("b", {}))
        presets["buildPresets"].pop()
        self.assertEqual(
            check_presets.structure_problems(presets),
            ["configure preset 'b' has no build preset of its name"],
        )

    def test_inherited_cache_variables(self):
        presets = self.presets(("a", {"cacheVariables": {"X": "1", "Y": "2"}}))
        presets["configurePresets"].append(
            {"name": "b", "inherits": "a", "cacheVariables": {"Y": "3"}}
        )
        self.assertEqual(check_presets.resolved_cache(presets, "b"), {"X": "1", "Y": "3"})

    def run_on_project(self, *configure):
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root)
        write(root, "CMakeLists.txt", self.PROJECT)
        write(root, "a.c", "int a(void) { return 1; }\n")
        write(root, "CMakePresets.json", json.dumps(self.presets(*configure)))
        return subprocess.run(
            [sys.executable, os.path.join(HERE, "check_presets.py"), "--root", root]
            + ["--target", "small"],
            capture_output=True,
            text=True,
        )

    def test_a_preset_that_configures_and_builds_passes(self):
        good = {
            "cacheVariables": {"CMAKE_EXPORT_COMPILE_COMMANDS": "ON", "CMAKE_BUILD_TYPE": "Debug"}
        }
        result = self.run_on_project(("good", good))
        self.assertEqual(result.returncode, 0, result.stdout)

    def test_a_preset_that_does_not_configure_fails(self):
        good = {"cacheVariables": {"CMAKE_EXPORT_COMPILE_COMMANDS": "ON"}}
        result = self.run_on_project(("good", good), ("bad", {"generator": "No Such Generator"}))
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad: cmake --preset bad failed", result.stdout)

    def test_a_preset_without_compile_commands_fails(self):
        result = self.run_on_project(("plain", {}))
        self.assertEqual(result.returncode, 1)
        self.assertIn("plain: no compile_commands.json", result.stdout)


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


if __name__ == "__main__":
    unittest.main()
