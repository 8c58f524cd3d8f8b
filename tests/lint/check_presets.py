#!/usr/bin/env python3
"""Configures every preset in CMakePresets.json and builds one small target with it.

A preset that no longer configures (a renamed option, a missing package) fails
here, not on a newcomer's first `cmake --preset`. For each configure preset:

- `cmake --preset NAME -B SCRATCH/NAME` must succeed (-B keeps the check out of
  the preset's own build directory);
- compile_commands.json must be written there, for editors and clangd;
- the preset's CMAKE_BUILD_TYPE and ROTA_* cache variables must be in effect,
  and a sanitizer preset's flags must reach the host tests' compile commands;
- `cmake --build SCRATCH/NAME --target TARGET` must succeed (default: rota-journal,
  the smallest target every preset has).

It also checks that each configure preset has a build preset and a test preset
of the same name, so `cmake --build --preset NAME` and `ctest --preset NAME` work.

Usage: check_presets.py [--root DIR] [--cmake PATH] [--target NAME] [--only PRESET...]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

SANITIZER_FLAGS = {"ROTA_TSAN": "-fsanitize=thread", "ROTA_ASAN": "-fsanitize=address"}


def load_presets(root):
    with open(os.path.join(root, "CMakePresets.json")) as f:
        return json.load(f)


def resolved_cache(presets, name):
    """The cache variables a configure preset sets, its parents' first."""
    by_name = {p["name"]: p for p in presets.get("configurePresets", [])}
    preset = by_name[name]
    variables = {}
    parents = preset.get("inherits", [])
    for parent in [parents] if isinstance(parents, str) else parents:
        variables.update(resolved_cache(presets, parent))
    variables.update(preset.get("cacheVariables", {}))
    return variables


def structure_problems(presets):
    configure = [p["name"] for p in presets.get("configurePresets", [])]
    problems = []
    for kind in ("buildPresets", "testPresets"):
        for name in configure:
            if not _inherited_configure(presets, kind, name):
                problems.append(f"configure preset {name!r} has no {kind[:-7]} preset of its name")
    return problems


def _inherited_configure(presets, kind, name):
    """Whether the `kind` preset `name` reaches configurePreset `name` by inheritance."""
    by_name = {p["name"]: p for p in presets.get(kind, [])}
    seen, current = set(), by_name.get(name)
    while current is not None and current["name"] not in seen:
        if "configurePreset" in current:
            return current["configurePreset"] == name
        seen.add(current["name"])
        parent = current.get("inherits")
        current = by_name.get(parent[0] if isinstance(parent, list) else parent)
    return False


def cache_value(build, key):
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split("=", 1)[1].strip()
    return None


def run(command, cwd):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return result.returncode, (result.stdout + result.stderr).strip()


def check_preset(root, presets, name, scratch, target, cmake="cmake"):
    build = os.path.join(scratch, name)
    code, out = run([cmake, "--preset", name, "-B", build], root)
    if code != 0:
        return [f"{name}: cmake --preset {name} failed:\n{out[-2000:]}"]
    problems = []
    commands_path = os.path.join(build, "compile_commands.json")
    if not os.path.exists(commands_path):
        problems.append(f"{name}: no compile_commands.json in the build directory")
        commands = []
    else:
        with open(commands_path) as f:
            commands = json.load(f)
        if not commands:
            problems.append(f"{name}: compile_commands.json lists nothing")
    for key, wanted in resolved_cache(presets, name).items():
        have = cache_value(build, key)
        if (key == "CMAKE_BUILD_TYPE" or key.startswith("ROTA_")) and have != wanted:
            problems.append(f"{name}: {key} is {have!r} in the cache, the preset says {wanted!r}")
        flag = SANITIZER_FLAGS.get(key)
        if flag and wanted == "ON":
            host = [c for c in commands if "/rota_host_tests.dir/" in c.get("command", "")]
            if not host or not all(flag in c.get("command", "") for c in host):
                problems.append(f"{name}: the host tests are not compiled with {flag}")
    code, out = run([cmake, "--build", build, "--target", target, "-j2"], root)
    if code != 0:
        problems.append(f"{name}: building {target} failed:\n{out[-2000:]}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("--cmake", default="cmake", help="the cmake to run (ctest passes its own)")
    parser.add_argument("--target", default="rota-journal")
    parser.add_argument("--only", nargs="*", help="check only these configure presets")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    try:
        presets = load_presets(root)
    except (OSError, ValueError) as e:
        print(f"check_presets: cannot read CMakePresets.json: {e}")
        return 1
    problems = structure_problems(presets)
    names = args.only or [p["name"] for p in presets.get("configurePresets", [])]
    scratch = tempfile.mkdtemp(prefix="rota-presets-")
    try:
        for i, name in enumerate(names, 1):
            print(f"check_presets: [{i}/{len(names)}] {name}", flush=True)
            problems += check_preset(root, presets, name, scratch, args.target, args.cmake)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for p in problems:
        print(p)
    if problems:
        print(f"check_presets: {len(problems)} problem(s)")
        return 1
    print(f"check_presets: {len(names)} presets configure and build {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
