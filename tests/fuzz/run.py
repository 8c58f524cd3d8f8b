#!/usr/bin/env python3
"""Runs every libFuzzer target for a bounded time and fails on any finding.

Each target (build-fuzz/tests/fuzz/fuzz_<name>, tests/fuzz/README.md) starts
from its checked-in seeds and regression inputs (tests/fuzz/corpus/<name>/,
tests/fuzz/regressions/<name>/) and fuzzes for --seconds, two at a time. New
inputs go to a scratch corpus under the build tree, never into the checked-in
one. A crash, leak, timeout, out-of-memory or sanitizer report makes the
target fail: its input is kept under build-fuzz/fuzz-work/<name>/ and the log
tail printed. At the end a table gives, per target, the executions, coverage
(libFuzzer's cov: edges and ft: features) and corpus size.

    python3 tests/fuzz/run.py --build build-fuzz                 # 15 s per target
    ROTA_FUZZ_SECONDS=600 python3 tests/fuzz/run.py --build build-fuzz   # deeper
    python3 tests/fuzz/run.py --build build-fuzz --only journal_replay --seconds 60

Python 3 standard library only.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# "#123456	DONE   cov: 261 ft: 428 corp: 13/24b lim: 4 exec/s: 18 rss: 375Mb", and
# the same with NEW, REDUCE, pulse... while it runs: the last one is where it got.
STATUS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)")
# Printed at the end, also after a crash (-print_final_stats=1).
FINAL_STAT = re.compile(r"^stat::(number_of_executed_units|average_exec_per_sec):\s+(\d+)")
ARTIFACT_PREFIXES = ("crash-", "leak-", "timeout-", "oom-", "slow-unit-")

# Any report aborts the run (the binaries are built with -fno-sanitize-recover).
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:halt_on_error=1:abort_on_error=1:symbolize=1",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
}


def run_target(binary, name, seconds, work):
    """Fuzzes one target; returns a dict for the report."""
    target_work = os.path.join(work, name)
    shutil.rmtree(target_work, ignore_errors=True)
    scratch = os.path.join(target_work, "corpus")
    os.makedirs(scratch)
    corpora = [scratch]
    for kind in ("corpus", "regressions"):
        folder = os.path.join(HERE, kind, name)
        if os.path.isdir(folder):
            corpora.append(folder)
    command = [
        binary,
        f"-max_total_time={seconds}",
        "-timeout=10",  # one input taking this long is a hang
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        f"-artifact_prefix={target_work}/",
    ] + corpora
    env = dict(os.environ, **SANITIZER_ENV)
    symbolizer = shutil.which("llvm-symbolizer-14") or shutil.which("llvm-symbolizer")
    if symbolizer:
        env["ASAN_SYMBOLIZER_PATH"] = symbolizer
    log_path = os.path.join(target_work, "fuzz.log")
    start = time.monotonic()
    with open(log_path, "w") as log:
        # Generous: libFuzzer stops itself at max_total_time, after loading the corpus.
        try:
            result = subprocess.run(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=seconds * 2 + 120
            )
            code = result.returncode
        except subprocess.TimeoutExpired:
            code = "killed"
    elapsed = time.monotonic() - start
    with open(log_path, errors="replace") as f:
        text = f.read()
    report = {"name": name, "code": code, "seconds": elapsed, "log": log_path, "text": text}
    for line in text.splitlines():
        status = STATUS.match(line)
        if status:
            report["cov"] = int(status.group(2))
            report["ft"] = int(status.group(3))
            report["corpus"] = f"{status.group(4)}/{status.group(5)}"
        stat = FINAL_STAT.match(line)
        if stat:
            key = "execs" if stat.group(1) == "number_of_executed_units" else "exec_s"
            report[key] = int(stat.group(2))
    report["artifacts"] = sorted(
        os.path.join(target_work, f)
        for f in os.listdir(target_work)
        if f.startswith(ARTIFACT_PREFIXES)
    )
    report["regressions"] = (
        len(os.listdir(os.path.join(HERE, "regressions", name)))
        if os.path.isdir(os.path.join(HERE, "regressions", name))
        else 0
    )
    report["ok"] = code == 0 and not report["artifacts"] and "execs" in report
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build-fuzz", help="the ROTA_FUZZ=ON build tree")
    parser.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("ROTA_FUZZ_SECONDS", "15")),
        help="per target (default: $ROTA_FUZZ_SECONDS or 15)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="targets fuzzed at once")
    parser.add_argument("--only", action="append", help="fuzz only this target (repeatable)")
    args = parser.parse_args()

    binaries_dir = os.path.join(args.build, "tests", "fuzz")
    names = sorted(
        f[len("fuzz_") :]
        for f in os.listdir(binaries_dir)
        if f.startswith("fuzz_") and os.access(os.path.join(binaries_dir, f), os.X_OK)
    )
    if args.only:
        unknown = set(args.only) - set(names)
        if unknown:
            print(f"run.py: no such target: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        names = [n for n in names if n in args.only]
    if not names:
        print(f"run.py: no fuzz_* binaries in {binaries_dir}", file=sys.stderr)
        return 2
    work = os.path.join(args.build, "fuzz-work")
    os.makedirs(work, exist_ok=True)

    print(f"run.py: {len(names)} targets, {args.seconds} s each, {args.jobs} at a time", flush=True)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(run_target, os.path.join(binaries_dir, "fuzz_" + n), n, args.seconds, work)
            for n in names
        ]
        reports = []
        for future in futures:
            report = future.result()
            reports.append(report)
            status = "ok" if report["ok"] else "FAILED"
            print(f"  {report['name']:<18} {status}", flush=True)

    header = f"{'target':<18} {'execs':>10} {'exec/s':>8} {'cov':>5} {'ft':>6} {'corpus':>12} {'regr':>4}  result"
    lines = [header, "-" * len(header)]
    for r in reports:
        lines.append(
            f"{r['name']:<18} {r.get('execs', 0):>10} {r.get('exec_s', 0):>8} {r.get('cov', 0):>5} "
            f"{r.get('ft', 0):>6} {r.get('corpus', '-'):>12} {r['regressions']:>4}  "
            + ("ok" if r["ok"] else f"FAILED (exit {r['code']})")
        )
    lines.append(f"total {time.monotonic() - start:.0f} s wall")
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(work, "report.txt"), "w") as f:
        f.write(table + "\n")

    failed = [r for r in reports if not r["ok"]]
    for r in failed:
        print(f"\n=== {r['name']}: exit {r['code']}, log {r['log']}", file=sys.stderr)
        print("\n".join(r["text"].splitlines()[-40:]), file=sys.stderr)
        for artifact in r["artifacts"]:
            print(f"input: {artifact}", file=sys.stderr)
        print(
            f"reproduce: {os.path.join(binaries_dir, 'fuzz_' + r['name'])} <input>; once fixed, "
            f"keep the (minimised: -minimize_crash=1) input in tests/fuzz/regressions/{r['name']}/",
            file=sys.stderr,
        )
    # The closing line ctest-style readers look for.
    print(f"fuzz: {len(reports) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
