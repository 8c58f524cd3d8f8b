#!/usr/bin/env python3
"""Fails when the kernel image names a source file by the build machine's path.

Assertion and panic messages print __FILE__, which -fmacro-prefix-map (CMakeLists.txt)
makes relative to the repository. BOOTX64.EFI carries no debug information, so every
path in it is such a string: none may start with the source directory, and the one
from core/lib/cxx_runtime.cpp must be there in its relative form (otherwise the check
would also pass on an image with no file names at all).
Usage: check_relative_paths.py IMAGE SOURCE_DIR
"""
import sys

WITNESS = b"core/lib/cxx_runtime.cpp"


def main():
    image, source_dir = sys.argv[1], sys.argv[2].rstrip("/") + "/"
    with open(image, "rb") as f:
        strings = f.read().split(b"\0")
    absolute = [s for s in strings if source_dir.encode() in s]
    for s in absolute:
        print(f"{image}: absolute source path {s.decode(errors='replace')!r}")
    if WITNESS not in strings:
        print(f"{image}: no string {WITNESS.decode()!r}: where did __FILE__ go?")
        return 1
    if absolute:
        return 1
    print(f"{image}: every source is named relative to the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
