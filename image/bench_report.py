"""The benchmark's tables (image/bench.py): medians and spreads over the rounds, and
the comparisons' ratios, each taken round by round (the two runs of a round ran
minutes apart at most, so they saw the same host) and then summarised.
"""
import csv
import statistics

# (header, key, decimals) of the runs table; every figure is a median over rounds.
RUN_COLUMNS = [
    ("fps", "fps", 1),
    ("p50 ms", "p50_ms", 1),
    ("p99 ms", "p99_ms", 1),
    ("render ms", "render_ms", 2),
    ("ns/px", "render_ns_px", 2),
    ("present ms", "present_ms", 2),
    ("QEMU cores", "host_cpu", 2),
    ("other CPUs", "host_other", 2),
    ("first frame ms", "first_frame_ms", 0),
]


def values(rows, key):
    out = []
    for row in rows:
        try:
            out.append(float(row[key]))
        except (KeyError, ValueError):
            pass
    return out


def median_spread(samples):
    """(median, spread) where spread is (max - min) / median; None without samples."""
    if not samples:
        return None
    mid = statistics.median(samples)
    spread = (max(samples) - min(samples)) / mid if mid else 0.0
    return mid, spread


def cell(samples, decimals):
    ms = median_spread(samples)
    if ms is None:
        return "-"
    mid, spread = ms
    text = f"{mid:.{decimals}f}"
    return text if len(samples) < 2 else f"{text} ±{spread * 50:.0f}%"


def run_table(runs, rows_by_run):
    """One line per run: median over its rounds, ± half the range in percent."""
    header = ["run", "ok"] + [h for h, _, _ in RUN_COLUMNS] + ["notes"]
    body = []
    for run in runs:
        rows = rows_by_run.get(run, [])
        ok = [r for r in rows if r["status"] == "ok"]
        failed = [r["status"] for r in rows if r["status"] != "ok"]
        notes = sorted({r.get("note", "") for r in ok if r.get("note")})
        line = [run.name, f"{len(ok)}/{len(rows)}"]
        line += [cell(values(ok, key), d) for _, key, d in RUN_COLUMNS]
        line.append("; ".join(notes + failed[:1]))
        body.append(line)
    return header, body


def round_ratios(comparison, rows_by_run):
    """The comparison's metric, top over bottom, for each round where both ran."""
    top = {r["round"]: r for r in rows_by_run.get(comparison.top, []) if r["status"] == "ok"}
    bottom = {r["round"]: r for r in rows_by_run.get(comparison.bottom, []) if r["status"] == "ok"}
    out = []
    for n in sorted(set(top) & set(bottom)):
        try:
            a, b = float(top[n][comparison.metric]), float(bottom[n][comparison.metric])
        except (KeyError, ValueError):
            continue
        if b > 0:
            out.append(a / b)
    return out


def verdict(ratio, target):
    if target is None or ratio is None:
        return ""
    op, value = target
    met = ratio >= value if op == ">=" else ratio <= value
    return f"{op} {value:g}: {'met' if met else 'NOT met'}"


def comparison_table(comparisons, rows_by_run):
    header = ["comparison", "top / bottom", "metric", "ratio", "range", "rounds", "target"]
    body = []
    for c in comparisons:
        ratios = round_ratios(c, rows_by_run)
        mid = statistics.median(ratios) if ratios else None
        body.append(
            [
                c.what,
                f"{c.top.name} / {c.bottom.name}",
                c.metric,
                f"{mid:.2f}" if mid is not None else "-",
                f"{min(ratios):.2f}-{max(ratios):.2f}" if ratios else "-",
                str(len(ratios)),
                verdict(mid, c.target),
            ]
        )
    return header, body


def text_table(header, body):
    widths = [max(len(str(r[i])) for r in [header] + body) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in body:
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
    return "\n".join(lines)


def markdown_table(header, body):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in r) + " |" for r in body]
    return "\n".join(lines)


CSV_KEYS = [
    "run",
    "round",
    "status",
    "backend",
    "mode",
    "cpus",
    "frames",
    "fps",
    "p50_ms",
    "p99_ms",
    "render_ms",
    "render_ns_px",
    "present_ms",
    "fences_per_frame",
    "spins_per_frame",
    "notifies_per_frame",
    "irqs_per_frame",
    "host_cpu",
    "host_other",
    "first_frame_ms",
    "log_dropped",
    "note",
    "wall_s",
]


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_KEYS, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow(row)
