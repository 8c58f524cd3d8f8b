#!/usr/bin/env python3
"""Fails when an include crosses rota's layers the wrong way.

The layers, bottom up (docs/ARCHITECTURE.md):

    core  <-  smp  <-  virtio  <-  gfx  <-  kernel
    core  <-  journal  <-  kernel
    efi knows core (the BootInfo hand-over and the pure helpers it fills it with)

A file may include its own top-level folder and the folders listed for it in
ALLOWED. gnu-efi's headers (<efi.h>, <efilib.h>) may appear only under efi/.
Usage: check_layers.py [--root DIR]; prints every violation and exits 1 if any.
"""
import argparse
import os
import re
import sys

ALLOWED = {
    "core": set(),
    "smp": {"core"},
    "virtio": {"core", "smp"},
    "journal": {"core"},
    "gfx": {"core", "smp", "virtio"},
    "kernel": {"core", "smp", "virtio", "journal", "gfx"},
    "efi": {"core"},
    "image": {"core", "journal"},  # host tools built from the pure sources
}
SOURCE_SUFFIXES = (".h", ".cpp", ".S", ".c")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)
EFI_HEADERS = {"efi.h", "efilib.h"}


def violations(root):
    for layer, allowed in sorted(ALLOWED.items()):
        top = os.path.join(root, layer)
        for folder, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for match in INCLUDE.finditer(text):
                    kind, target = match.groups()
                    line = text.count("\n", 0, match.start()) + 1
                    if kind == "<" and os.path.basename(target) in EFI_HEADERS and layer != "efi":
                        yield f"{rel}:{line}: includes gnu-efi's <{target}> outside efi/"
                        continue
                    if kind != '"' or "/" not in target:
                        continue
                    dest = target.split("/", 1)[0]
                    if dest == layer or dest not in ALLOWED:
                        continue
                    if dest not in allowed:
                        yield (
                            f"{rel}:{line}: {layer}/ may not include {target} "
                            f"({layer}/ sees {', '.join(sorted(allowed | {layer}))})"
                        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    args = parser.parse_args()
    found = list(violations(os.path.abspath(args.root)))
    for v in found:
        print(v)
    if found:
        print(f"check_layers: {len(found)} include(s) cross a layer the wrong way")
        return 1
    print("check_layers: every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
