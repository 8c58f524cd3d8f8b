#!/usr/bin/env python3
"""Fails when a C++ or Python file has drifted from rota's formatting.

C++ follows .clang-format with Debian's clang-format 14 (image/deps.sh pins
it); Python follows black with the settings in pyproject.toml. To fix a
failure, run the command this prints, e.g.

    clang-format-14 -i core/lib/format.cpp
    black image/qemu.py

Usage: check_format.py [--root DIR] [FILE...]  (default: every tracked file)
"""
import argparse
import os
import shutil
import subprocess
import sys

CPP_SUFFIXES = (".cpp", ".h")
CLANG_FORMAT = "clang-format-14"


def tracked_files(root):
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files"], check=True, capture_output=True, text=True
        ).stdout
        return [line for line in out.splitlines() if line]
    except (OSError, subprocess.CalledProcessError):
        # Not a git checkout (an unpacked tarball): every file below root.
        found = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
            found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
        return found


def is_python(root, path):
    if path.endswith(".py"):
        return True
    if "." in os.path.basename(path):
        return False
    try:
        with open(os.path.join(root, path), "rb") as f:
            first = f.readline()
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def cpp_drift(root, files):
    if not files:
        return []
    drifted = []
    for path in files:
        result = subprocess.run(
            [CLANG_FORMAT, "--dry-run", "--Werror", path], cwd=root, capture_output=True, text=True
        )
        if result.returncode != 0:
            drifted.append(path)
    return drifted


def python_drift(root, files):
    if not files:
        return []
    result = subprocess.run(["black", "--check", *files], cwd=root, capture_output=True, text=True)
    if result.returncode == 0:
        return []
    # black names each file it would reformat on stderr (--quiet would hide the names).
    return [
        line.split("would reformat ", 1)[1].strip()
        for line in result.stderr.splitlines()
        if "would reformat " in line
    ] or files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    for tool in (CLANG_FORMAT, "black"):
        if shutil.which(tool) is None:
            print(f"check_format: {tool} is not installed; run image/deps.sh as root")
            return 1
    files = args.files or tracked_files(root)
    cpp = [f for f in files if f.endswith(CPP_SUFFIXES)]
    py = [f for f in files if is_python(root, f)]
    drifted_cpp = cpp_drift(root, cpp)
    drifted_py = python_drift(root, py)
    for path in drifted_cpp:
        print(f"{path}: not clang-formatted; run: {CLANG_FORMAT} -i {path}")
    for path in drifted_py:
        print(f"{path}: not black-formatted; run: black {path}")
    if drifted_cpp or drifted_py:
        print(f"check_format: {len(drifted_cpp) + len(drifted_py)} file(s) drifted")
        return 1
    print(f"check_format: {len(cpp)} C++ and {len(py)} Python files as formatted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
