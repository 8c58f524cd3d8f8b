"""What the benchmark boots (image/bench.py): runs, the matrix, and the comparisons.

A run is one configuration of the machine and the kernel; a comparison is two runs
that differ in one thing (CPUs, presenting, the build), whose ratio the table shows.
Every run uses the steady wheel (spin=steady: constant turning, no landing), so every
frame costs the same and runs of different speed measure the same work.
"""
import dataclasses
import fnmatch

DISPLAYS = ("virtio-gpu", "gop")
MODES = ("1280x800", "1920x1080", "3840x2160")
# QEMU's -device for each display, as image/qemu.py names them.
QEMU_DISPLAY = {"virtio-gpu": "virtio-gpu", "gop": "std"}
EXPECTED_BACKEND = {"virtio-gpu": "virtio-gpu", "gop": "gop"}
# Frames per run: two to five seconds of turning at each size on this machine
# class, so that the first frames, which warm QEMU up (translating code, sizing
# its TLBs), weigh little.
FRAMES = {"1280x800": 2500, "1920x1080": 1500, "3840x2160": 300}
PACED_FRAMES = 600  # fps=60: ten seconds

# present: damage (what the kernel does), full (debug=full-present: the whole
# screen every frame) or ceiling (debug=present-only: the last damage presented
# again without drawing, the device's own limit).
PRESENT_DEBUG = {"damage": None, "full": "full-present", "ceiling": "present-only"}


@dataclasses.dataclass(frozen=True)
class Run:
    display: str
    mode: str
    cpus: int
    present: str = "damage"
    fps: int = 0
    build: str = "this"  # or "base": the --baseline build

    @property
    def name(self):
        name = f"{self.display}-{self.mode}-c{self.cpus}-{self.present}"
        if self.fps:
            name += f"-fps{self.fps}"
        return name + ("@base" if self.build == "base" else "")

    def frames(self, override=None):
        if override:
            return override
        return PACED_FRAMES if self.fps else FRAMES.get(self.mode, 300)

    def cfg(self, frames, extra_debug=(), extra_cfg=()):
        debug = [flag for flag in (PRESENT_DEBUG[self.present], *extra_debug) if flag]
        lines = [
            f"fps={self.fps}",
            f"frames={frames}",
            "gate=off",
            "seed=1",
            "perframe=off",
            "journal=off",
            "spin=steady",
            f"cpus={self.cpus}",
            f"mode={self.mode}",
        ]
        return lines + list(extra_cfg) + ([f"debug={','.join(debug)}"] if debug else [])


@dataclasses.dataclass(frozen=True)
class Comparison:
    """`metric` of `top` over `bottom`, per round; `target` is (op, value) or None."""

    what: str
    top: Run
    bottom: Run
    metric: str
    target: tuple | None = None

    @property
    def name(self):
        return f"{self.what}: {self.top.name} / {self.bottom.name}"


def comparisons_for(display, mode, baseline):
    """The ratios that matter for one display at one size (docs/benchmarks.md)."""
    c1, c2 = Run(display, mode, 1), Run(display, mode, 2)
    scaled = mode in ("1280x800", "1920x1080")
    out = [
        Comparison(
            "2 CPUs vs 1 (render speed-up)", c1, c2, "render_ms", (">=", 1.6) if scaled else None
        ),
        Comparison("damage vs full (frame rate)", c2, Run(display, mode, 2, "full"), "fps"),
        Comparison(
            "present vs ceiling (present time)",
            c2,
            Run(display, mode, 2, "ceiling"),
            "present_ms",
            ("<=", 1.25),
        ),
    ]
    if baseline:
        # Both CPU counts on both displays: how the CPUs share a frame differs
        # (gop presents on every CPU, virtio-gpu on the device).
        for cpus in (1, 2):
            this = Run(display, mode, cpus)
            base = dataclasses.replace(this, build="base")
            out.append(
                Comparison(
                    f"this build vs baseline, {cpus} CPU{'s' if cpus > 1 else ''} "
                    "(render ns per changed pixel)",
                    this,
                    base,
                    "render_ns_px",
                    ("<=", 0.5),
                )
            )
    return out


def plan(displays=DISPLAYS, modes=MODES, baseline=False, paced=True):
    """The comparisons of the matrix and the paced rows (fps=60, docs/benchmarks.md)."""
    comparisons = [c for d in displays for m in modes for c in comparisons_for(d, m, baseline)]
    extra = []
    if paced and "virtio-gpu" in displays:
        extra = [Run("virtio-gpu", m, 2, fps=60) for m in modes if m in ("1280x800", "1920x1080")]
    return comparisons, extra


def runs_of(comparisons, extra):
    """Every run the comparisons need, once, members of a comparison next to each other."""
    seen, out = set(), []
    for run in [r for c in comparisons for r in (c.top, c.bottom)] + list(extra):
        if run not in seen:
            seen.add(run)
            out.append(run)
    return out


def select(comparisons, extra, patterns):
    """Keeps the runs whose name matches a shell pattern, and the comparisons whose
    two runs both match."""
    if not patterns:
        return comparisons, extra

    def hit(run):
        return any(fnmatch.fnmatchcase(run.name, p) for p in patterns)

    kept = [c for c in comparisons if hit(c.top) and hit(c.bottom)]
    # A run that matches is kept even when its comparison partner is not.
    alone = [r for c in comparisons for r in (c.top, c.bottom) if hit(r)]
    return kept, [r for r in alone + list(extra) if hit(r)]
