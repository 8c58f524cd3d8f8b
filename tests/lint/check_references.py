#!/usr/bin/env python3
"""Fails when a tracked file cites something a reader of the repository cannot open.

rota's comments and documents cite docs/... in this repository or an external
specification by name and section (virtio 1.2, ACPI 6.5, UEFI 2.10, Intel SDM,
PCI Local Bus 3.0). Three kinds of citation point nowhere for someone who has
cloned the repository, and each is reported with its file and line:

- a relative path that climbs out of the repository (`../shared/notes.md`),
  resolved from the citing file's folder, or an absolute path into a
  developer's home or work tree (/home/..., /work/...);
- SPEC.md and STYLE.md (or "SPEC section N"), the contract and style notes
  rota was written against, which were never part of the repository: what they
  said that the code relies on is in docs/, in the project's own words;
- a docs/ file that does not exist (docs/serial.md is fine, docs/serail.md is not);
- an issue of the tracker rota was planned in ("issue 11", "Issue 5's note"): a
  clone has no tracker, so what the issue said that matters belongs in the
  comment or in docs/.

Usage: check_references.py [--root DIR] [FILE...]  (default: every tracked file)
"""
import argparse
import os
import re
import sys

from check_format import tracked_files

# Words that name the notes kept outside the repository. Upper-case on purpose:
# "spec" in prose ("the virtio spec") is a citation of a real specification.
FORBIDDEN = re.compile(r"\b(SPEC(?:\.md)?|STYLE\.md)\b")
# A path that starts at a token boundary with one or more "../".
CLIMB = re.compile(r"(?<![\w./$})-])((?:\.\./)+[\w.-][\w./-]*)")
ABSOLUTE_HOME = re.compile(r"(?<![\w./-])(/(?:home|work|root)/[\w./-]+)")
TRACKER_ISSUE = re.compile(r"\b([Ii]ssues? #?\d+)")
DOCS_PATH = re.compile(r"(?<![\w/.-])(docs/[\w./-]*\w)")
# The checker names what it forbids, and its self-test writes bad citations into
# temporary trees on purpose: both would otherwise report themselves.
EXEMPT = {"tests/lint/check_references.py", "tests/lint/test_lint.py"}
BINARY_SUFFIXES = (".png", ".rgi", ".bin", ".img", ".fd", ".ppm")


def problems_in(root, rel, text):
    folder = os.path.dirname(os.path.join(root, rel))
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{rel}:{number}"
        for match in FORBIDDEN.finditer(line):
            yield f"{where}: cites {match.group(1)}, which is not in the repository; cite docs/..."
        for match in TRACKER_ISSUE.finditer(line):
            yield f"{where}: cites {match.group(1)}, an issue of a tracker outside the repository"
        for match in CLIMB.finditer(line):
            target = os.path.normpath(os.path.join(folder, match.group(1)))
            if os.path.relpath(target, root).startswith(".."):
                yield f"{where}: cites {match.group(1)}, a path outside the repository"
        for match in ABSOLUTE_HOME.finditer(line):
            yield f"{where}: cites {match.group(1)}, a path on a development machine"
        for match in DOCS_PATH.finditer(line):
            path = match.group(1).split("#", 1)[0]
            if not os.path.exists(os.path.join(root, path)):
                yield f"{where}: cites {path}, which does not exist"


def problems(root, files=None):
    for rel in files if files is not None else tracked_files(root):
        if rel in EXEMPT or rel.endswith(BINARY_SUFFIXES) or rel.startswith("tests/fixtures/"):
            continue
        try:
            with open(os.path.join(root, rel), encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue  # binary or unreadable: nothing a reader would follow
        yield from problems_in(root, rel, text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    found = list(problems(root, args.files or None))
    for p in found:
        print(p)
    if found:
        print(f"check_references: {len(found)} citation(s) a reader cannot follow")
        return 1
    print("check_references: every citation points into the repository or a named specification")
    return 0


if __name__ == "__main__":
    sys.exit(main())
