#!/usr/bin/env python3
"""Runs rota under QEMU + OVMF: a module for the end-to-end tests and a CLI for people.

    with Machine(Options(image="build/esp.img", cfg=["frames=60"])) as m:
        m.start()
        m.wait_for_line(r"\\[summary\\]", timeout=60)
        assert m.wait_exit(10) == 0

Every run gets one temporary directory (private OVMF variable store, private copy of
the boot image, QMP socket, serial log by default) that is removed when the machine
is killed. QEMU is killed on every path: context-manager exit, the hard per-machine
timeout, and the death of this process (PR_SET_PDEATHSIG), so a test killed by ctest
leaves no QEMU behind. Python 3 standard library only, but for screendump(), which
reads the picture with Pillow (picture.py).
"""
import argparse
import ctypes
import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import picture
import qmp
import vnc

QEMU = "qemu-system-x86_64"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
# image/usb.sfdisk puts the ESP at LBA 2048; mtools reaches it with the "@@offset" suffix.
USB_ESP_OFFSET = 2048 * 512

DISPLAYS = {
    "std": ["-vga", "std"],
    "virtio-gpu": ["-vga", "none", "-device", "virtio-gpu-pci"],
    "virtio-vga": ["-vga", "none", "-device", "virtio-vga"],
    "none": ["-vga", "none"],
    # virtio-gpu with VIRTIO_GPU_F_VIRGL: the host renders with OpenGL (llvmpipe
    # when there is no GPU). Its scanout is a GL texture, which QMP screendump
    # cannot read ("no surface"): screendump() captures it through VNC instead.
    "virgl": ["-vga", "none", "-device", "virtio-gpu-gl-pci"],
}
# Displays whose screen is read through QEMU's VNC server (image/vnc.py).
VNC_DISPLAYS = {"virgl"}

# OVMF draws its boot screen with terminal escapes on the serial console too; they are
# dropped so that tests see plain "[subsystem] message" lines.
_ANSI = re.compile(rb"\x1b\[[0-9;=?]*[A-Za-z]")


class MachineError(Exception):
    """A run did not go as expected; the message ends with the serial log's tail."""


class Timeout(MachineError):
    pass


class Exited(MachineError):
    """QEMU exited while the caller was still waiting for something from the guest."""


class QmpError(MachineError):
    """QEMU answered a QMP command with an error."""


@dataclasses.dataclass
class Options:
    image: str | None  # build/esp.img, or build/rota-usb.img with usb=True; None: no boot
    # disk (a -kernel boot through extra_args, image/bench_linux.py)
    usb: bool = False  # attach image as a USB stick on qemu-xhci instead of a disk
    display: str = "std"  # a key of DISPLAYS
    smp: int = 2
    machine: str = "q35"  # q35 or pc
    memory: str = "512M"
    journal: str | None = None  # raw image attached as virtio-blk
    cfg: list = dataclasses.field(default_factory=list)  # lines appended to rota.cfg
    window: bool = False  # a gtk/sdl window instead of -display none
    serial: str | None = None  # log file path; None: in the temp dir; "stdio": terminal
    qmp: str | None = None  # QMP socket path; None: in the temp dir
    no_reboot: bool = False
    no_shutdown: bool = False
    accel: str = "tcg"  # /dev/kvm opens here, but OVMF dies in it (emulation failure)
    timeout: float | None = 90.0  # hard limit on the machine's life, seconds
    keep_temp: bool = False
    extra_args: list = dataclasses.field(default_factory=list)


class Machine:
    def __init__(self, options):
        self.options = options
        self.events = []  # QMP events seen, oldest first, as dicts
        self.tmpdir = None
        self.proc = None
        self._qmp = None
        self._serial_pos = 0
        self._lines = []  # complete serial lines, normalised
        self._partial = b""
        self._cursor = 0  # wait_for_line searches from here, so calls keep order
        self._watchdog = None
        self.deadline = None
        self.expired = False  # the hard timeout killed QEMU

    # --- life cycle -------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()

    def start(self, connect_qmp=True):
        """Launches QEMU. connect_qmp=False leaves the QMP socket free for another
        client (QEMU serves one at a time) at the price of events before that."""
        o = self.options
        if o.display not in DISPLAYS:
            raise ValueError(f"display must be one of {sorted(DISPLAYS)}")
        self.tmpdir = tempfile.mkdtemp(prefix="rota-qemu-")
        self.serial_path = o.serial or os.path.join(self.tmpdir, "serial.log")
        self.qmp_path = o.qmp or os.path.join(self.tmpdir, "qmp.sock")
        self.vnc_path = os.path.join(self.tmpdir, "vnc.sock")
        if self.serial_path != "stdio":
            open(self.serial_path, "wb").close()
        vars_copy = os.path.join(self.tmpdir, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)
        # A private copy: the build's image stays untouched, and parallel runs do not
        # fight over QEMU's write lock on one file.
        image = None
        if o.image is not None:
            image = os.path.join(self.tmpdir, os.path.basename(o.image))
            shutil.copyfile(o.image, image)
            if o.cfg:
                _append_cfg(image, USB_ESP_OFFSET if o.usb else 0, o.cfg, self.tmpdir)

        self.args = self._qemu_args(image, vars_copy)
        stdio = None if self.serial_path == "stdio" else subprocess.DEVNULL
        self._stderr_path = os.path.join(self.tmpdir, "qemu.stderr")
        with open(self._stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(
                self.args, stdin=stdio, stdout=stdio, stderr=stderr, preexec_fn=_die_with_parent
            )
        if o.timeout is not None:
            self.deadline = time.monotonic() + o.timeout
            self._watchdog = threading.Timer(o.timeout, self._expire)
            self._watchdog.daemon = True
            self._watchdog.start()
        if connect_qmp:  # at once: events that happen before a client connects are lost
            self._qmp = self._translate(
                lambda: qmp.QmpClient(self.qmp_path, self._bounded(10), self.alive), "connect"
            )
            self.events = self._qmp.events
        return self

    def _qemu_args(self, image, vars_copy):
        o = self.options
        # -nodefaults: no empty CD-ROM or floppy drive, no parallel port; only the
        # devices listed here exist, so the guest sees the same machine every run.
        args = [
            QEMU,
            "-nodefaults",
            "-machine",
            o.machine,
            "-accel",
            o.accel,
            "-m",
            o.memory,
            "-smp",
            str(o.smp),
            "-nic",
            "none",
            "-drive",
            f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive",
            f"if=pflash,format=raw,unit=1,file={vars_copy}",
        ]
        if image is None:
            pass
        elif o.usb:
            args += [
                "-device",
                "qemu-xhci,id=xhci",
                "-drive",
                f"if=none,id=stick,format=raw,file={image}",
                "-device",
                "usb-storage,bus=xhci.0,drive=stick,bootindex=0",
            ]
        else:
            # ide-hd lands on q35's AHCI and on pc's PIIX IDE alike; no bus= needed.
            args += [
                "-drive",
                f"if=none,id=esp,format=raw,file={image}",
                "-device",
                "ide-hd,drive=esp,bootindex=0",
            ]
        if o.journal:
            args += [
                "-drive",
                f"if=none,id=journal,format=raw,file={o.journal}",
                "-device",
                "virtio-blk-pci,drive=journal",
            ]
        args += DISPLAYS[o.display]
        if o.display == "virgl":
            # GL needs a display with a context: a window where there is one,
            # else egl-headless on Mesa's software renderer (there is no DRM
            # render node to open, hence /dev/null).
            backend = window_backend() if o.window else "none"
            gl = f"{backend},gl=on" if backend != "none" else "egl-headless,rendernode=/dev/null"
            args += ["-display", gl]
        else:
            args += ["-display", window_backend() if o.window else "none"]
        if o.display in VNC_DISPLAYS:
            args += ["-vnc", f"unix:{self.vnc_path}"]
        args += [
            "-serial",
            "mon:stdio" if self.serial_path == "stdio" else f"file:{self.serial_path}",
        ]
        args += ["-qmp", f"unix:{self.qmp_path},server=on,wait=off"]
        if o.no_reboot:
            args.append("-no-reboot")
        if o.no_shutdown:
            args.append("-no-shutdown")
        args += o.extra_args
        return args

    def kill(self):
        """Stops QEMU (if running) and removes the temp dir; safe to call twice."""
        if self._watchdog:
            self._watchdog.cancel()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._qmp:
            self._qmp.close()
            self._qmp = None
        if self.tmpdir and not self.options.keep_temp:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def _expire(self):
        self.expired = True
        if self.proc.poll() is None:
            self.proc.kill()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout):
        """Waits for QEMU to exit by itself; returns its exit status."""
        try:
            code = self.proc.wait(timeout=self._bounded(timeout))
        except subprocess.TimeoutExpired:
            raise Timeout(self._report(f"QEMU still running after {timeout}s")) from None
        if self.expired:
            raise self._gone("before exiting by itself")
        self._pump_qmp(0)  # events sent just before exit are still in the socket
        return code

    def _bounded(self, timeout):
        if self.deadline is None:
            return timeout
        return max(0.0, min(timeout, self.deadline - time.monotonic()))

    # --- serial -----------------------------------------------------------------

    def _read_serial(self):
        with open(self.serial_path, "rb") as f:
            f.seek(self._serial_pos)
            data = f.read()
        self._serial_pos += len(data)
        data = self._partial + data
        *complete, self._partial = data.split(b"\n")
        for raw in complete:
            self._lines.append(_clean(raw))

    @property
    def lines(self):
        """Every complete serial line so far, escapes and carriage returns removed."""
        self._read_serial()
        return list(self._lines)

    def serial_text(self):
        self._read_serial()
        return "\n".join(self._lines + [_clean(self._partial)])

    def wait_for_line(self, pattern, timeout=30, from_start=False):
        """Returns the re.Match of the first line at or after the cursor that matches;
        the cursor then moves past it, so successive calls check the order of lines.
        from_start searches all lines and leaves the cursor alone."""
        regex = re.compile(pattern)
        end = time.monotonic() + self._bounded(timeout)
        index = 0 if from_start else self._cursor
        while True:
            self._read_serial()
            exited = not self.alive()
            if exited:  # QEMU is gone: its last line may lack a newline
                self._read_serial()
                if self._partial:
                    self._lines.append(_clean(self._partial))
                    self._partial = b""
            while index < len(self._lines):
                match = regex.search(self._lines[index])
                index += 1
                if match:
                    if not from_start:
                        self._cursor = index
                    return match
            if exited:
                raise self._gone(f"before a line matched {pattern!r}")
            if time.monotonic() >= end:
                raise Timeout(self._report(f"no line matched {pattern!r} within {timeout}s"))
            time.sleep(0.05)

    def _gone(self, what):
        """The error for QEMU having exited while we waited for what."""
        if self.expired:
            return Timeout(self._report(f"hard timeout of {self.options.timeout}s reached {what}"))
        return Exited(self._report(f"QEMU exited (status {self.proc.returncode}) {what}"))

    def _report(self, message, tail=40):
        text = self.serial_text() if self.serial_path != "stdio" else ""
        lines = text.splitlines()[-tail:]
        stderr = ""
        if self.tmpdir and os.path.exists(self._stderr_path):
            with open(self._stderr_path, errors="replace") as f:
                stderr = f.read().strip()
        out = [message, f"--- serial (last {len(lines)} lines) ---", *lines]
        if stderr:
            out += ["--- qemu stderr ---", stderr]
        return "\n".join(out)

    # --- QMP --------------------------------------------------------------------

    def qmp(self, command, **args):
        """Runs one QMP command and returns its "return" value; raises QmpError on an
        error reply, Exited when QEMU closes the connection first (as `quit` may)."""
        if self._qmp is None:
            raise MachineError(
                "QMP is not connected: the machine was started with connect_qmp=False"
            )
        return self._translate(lambda: self._qmp.command(command, args, self._bounded(30)), command)

    def _translate(self, call, what):
        """Runs a QMP call, turning its errors into MachineErrors with the serial tail."""
        try:
            return call()
        except qmp.QmpClosed as e:
            raise self._gone(f"during QMP {what} ({e})") from None
        except qmp.QmpTimeout as e:
            raise Timeout(self._report(str(e))) from None
        except qmp.QmpError as e:
            raise QmpError(str(e)) from None

    def _pump_qmp(self, timeout):
        if self._qmp is not None:
            self._qmp.pump(timeout)

    def wait_event(self, name, timeout):
        """Returns the first QMP event called name (also one seen before the call)."""
        end = time.monotonic() + self._bounded(timeout)
        while True:
            for event in self.events:
                if event["event"] == name:
                    return event
            if not self.alive():
                self._pump_qmp(0)
                if not any(e["event"] == name for e in self.events):
                    raise self._gone(f"before event {name}")
                continue
            if time.monotonic() >= end:
                raise Timeout(self._report(f"no QMP event {name} within {timeout}s"))
            self._pump_qmp(0.1)

    def screendump(self, path):
        """Saves the display as PNG (path ending .png) or PPM; returns a picture.Image."""
        if self.options.display in VNC_DISPLAYS:
            if not self.alive():
                raise self._gone("before a VNC screen capture")
            try:
                return vnc.capture(self.vnc_path, path if path.endswith(".png") else None)
            except vnc.VncError as e:
                raise MachineError(self._report(f"VNC capture failed: {e}")) from None
        args = {"filename": os.path.abspath(path)}
        if path.endswith(".png"):
            args["format"] = "png"
        self.qmp("screendump", **args)
        return picture.read_image(path)


# --- helpers --------------------------------------------------------------------


def _clean(raw):
    return _ANSI.sub(b"", raw).replace(b"\r", b"").decode("utf-8", "replace")


def _die_with_parent():
    """Runs in the child before exec: SIGKILL it when the parent dies (PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)


def _append_cfg(image, offset, lines, tmpdir):
    """Appends lines to rota.cfg inside the FAT volume at byte offset of image."""
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    target = f"{image}@@{offset}" if offset else image
    cfg = os.path.join(tmpdir, "rota.cfg")
    subprocess.run(
        ["mcopy", "-n", "-i", target, "::/rota.cfg", cfg],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with open(cfg, "rb") as f:
        text = f.read()
    if text and not text.endswith(b"\n"):
        text += b"\n"
    text += "".join(line + "\n" for line in lines).encode()
    with open(cfg, "wb") as f:
        f.write(text)
    subprocess.run(["mcopy", "-o", "-i", target, cfg, "::/rota.cfg"], env=env, check=True)


def window_backend():
    """gtk, else sdl, if QEMU has the module and a display server is reachable."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "none"
    listed = subprocess.run([QEMU, "-display", "help"], capture_output=True, text=True).stdout
    for backend in ("gtk", "sdl"):
        if re.search(rf"^{backend}$", listed, re.M):
            return backend
    return "none"


# --- CLI ------------------------------------------------------------------------


EXAMPLES = """\
Arguments after -- go to QEMU unchanged. Examples:
  image/run                                 build, then boot on virtio-gpu (image/run's default)
  image/run --smp 4 --machine pc            4 CPUs on the i440FX machine
  image/run --display std                   the GOP framebuffer of -vga std
  image/run --cfg fps=0 --cfg frames=600    extra rota.cfg lines for this run
  image/run --usb                           boot build/rota-usb.img as a USB stick
  image/run --no-disk                       no journal disk
  image/run --headless --serial-file s.log --qmp /tmp/qmp.sock --timeout 60
  image/run --accel kvm                     KVM (OVMF fails under it here: docs/platform.md)
  image/run -- -d int -D qemu.log           QEMU's own options after --
"""


def main(argv=None, check_only=False, prog=None):
    """The CLI. check_only=True only parses argv, exiting on a bad option, and
    returns 0; prog names the command in usage lines (image/run passes its own)."""
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(
        prog=prog,
        description="Boot rota under QEMU + OVMF.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--build",
        default=os.path.join(here, "..", "build"),
        help="build directory holding esp.img and rota-usb.img",
    )
    p.add_argument(
        "--display",
        choices=sorted(DISPLAYS),
        default="std",
        help="the display device (default std)",
    )
    p.add_argument("--smp", type=int, default=2, help="number of CPUs (default 2)")
    p.add_argument(
        "--machine", choices=["q35", "pc"], default="q35", help="the chipset (default q35)"
    )
    p.add_argument("--memory", default="512M", help="guest RAM (default 512M)")
    p.add_argument("--usb", action="store_true", help="boot rota-usb.img as a USB stick")
    disk = p.add_mutually_exclusive_group()
    disk.add_argument("--disk", help="journal disk image (default: BUILD/journal.img)")
    disk.add_argument("--no-disk", action="store_true", help="attach no journal disk")
    p.add_argument(
        "--cfg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="append a line to rota.cfg (repeatable)",
    )
    view = p.add_mutually_exclusive_group()
    view.add_argument(
        "--headless", action="store_true", help="no window; serial on the terminal or file"
    )
    view.add_argument(
        "--window", action="store_true", help="a gtk/sdl window (default when a display is found)"
    )
    p.add_argument("--serial-file", help="write serial to this file, not the terminal")
    p.add_argument("--qmp", help="QMP unix socket path")
    p.add_argument("--no-reboot", action="store_true", help="exit QEMU instead of rebooting")
    p.add_argument(
        "--no-shutdown", action="store_true", help="keep QEMU open after the guest powers off"
    )
    p.add_argument(
        "--accel", choices=["tcg", "kvm"], default="tcg", help="the accelerator (default tcg)"
    )
    p.add_argument("--timeout", type=float, help="kill QEMU after this many seconds")
    p.add_argument("--keep-temp", action="store_true", help="keep the run's temporary directory")
    argv = sys.argv[1:] if argv is None else argv
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    a = p.parse_args(argv)
    if check_only:
        return 0

    image = os.path.join(a.build, "rota-usb.img" if a.usb else "esp.img")
    if not os.path.exists(image):
        p.error(
            f"{image} is missing: build it with image/run, or with "
            f"cmake -S . -B {a.build} && cmake --build {a.build} --target rota_images"
        )
    journal = None
    if not a.no_disk:
        journal = a.disk or os.path.join(a.build, "journal.img")
        if not os.path.exists(journal):
            with open(journal, "wb") as f:
                f.truncate(64 << 20)
    window = not a.headless and (a.window or window_backend() != "none")
    if a.window and window_backend() == "none":
        print("qemu.py: no display server or no gtk/sdl in QEMU; running headless", file=sys.stderr)
    options = Options(
        image=image,
        usb=a.usb,
        display=a.display,
        smp=a.smp,
        machine=a.machine,
        memory=a.memory,
        journal=journal,
        cfg=a.cfg,
        window=window,
        serial=a.serial_file or "stdio",
        qmp=a.qmp,
        no_reboot=a.no_reboot,
        no_shutdown=a.no_shutdown,
        accel=a.accel,
        timeout=a.timeout,
        keep_temp=a.keep_temp,
        extra_args=extra,
    )
    # QEMU owns the terminal; Ctrl-C reaches the guest, Ctrl-A X quits QEMU.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with Machine(options) as m:
        m.start(connect_qmp=False)
        code = m.proc.wait()
        with open(m._stderr_path, errors="replace") as f:
            sys.stderr.write(f.read())
        if m.expired:
            print(f"qemu.py: killed after {a.timeout}s", file=sys.stderr)
            return 124
        return code


if __name__ == "__main__":
    sys.exit(main())
