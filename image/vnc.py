#!/usr/bin/env python3
"""A minimal RFB (VNC) client that captures one frame of QEMU's display.

QMP `screendump` answers "no surface" once a virgl scanout shows a GL texture, but
QEMU's VNC server (`-vnc unix:PATH`) still serves the rendered frame, so tests of
the virgl path read the screen this way:

    image = capture("/tmp/vnc.sock", "shot.png")
    r, g, b = image.pixel(10, 20)

The protocol is RFC 6143: version handshake (3.8), security type None, ClientInit,
ServerInit, SetPixelFormat (32 bits, little-endian, red at bit 16), SetEncodings
(Raw only), one non-incremental FramebufferUpdateRequest and its Raw rectangles.
Pillow writes the PNG.
"""
import socket
import struct
import sys
import time

import picture

SECURITY_NONE = 1
ENCODING_RAW = 0
# Server-to-client message types (RFC 6143, 7.6).
FRAMEBUFFER_UPDATE, COLOUR_MAP, BELL, CUT_TEXT = 0, 1, 2, 3


class VncError(Exception):
    pass


class _Reader:
    """Exact reads from a socket, under one deadline."""

    def __init__(self, sock, deadline):
        self.sock, self.deadline = sock, deadline

    def read(self, count):
        chunks, left = [], count
        while left > 0:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise VncError(f"timed out waiting for {left} of {count} bytes")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(min(left, 1 << 20))
            except socket.timeout:
                continue
            if not chunk:
                raise VncError("the VNC server closed the connection")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def unpack(self, fmt):
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))


def _handshake(sock, reader):
    version = reader.read(12)
    if not version.startswith(b"RFB 003."):
        raise VncError(f"not an RFB server: {version!r}")
    sock.sendall(b"RFB 003.008\n")
    (count,) = reader.unpack("B")
    if count == 0:
        (length,) = reader.unpack(">I")
        raise VncError(f"server refused: {reader.read(length).decode(errors='replace')}")
    types = reader.read(count)
    if SECURITY_NONE not in types:
        raise VncError(f"security type None not offered (offered {list(types)})")
    sock.sendall(bytes([SECURITY_NONE]))
    (result,) = reader.unpack(">I")
    if result != 0:
        raise VncError(f"security handshake failed ({result})")
    sock.sendall(b"\x01")  # ClientInit: shared, so QEMU keeps other clients
    width, height = reader.unpack(">HH")
    reader.read(16)  # the server's pixel format: replaced below
    (name_length,) = reader.unpack(">I")
    reader.read(name_length)
    return width, height


def _request_frame(sock, width, height):
    # SetPixelFormat: 32 bpp, depth 24, little-endian, true colour, 8 bits per
    # channel with red at bit 16, green at 8, blue at 0 (B, G, R, X in memory).
    pixel_format = struct.pack(">BBBBHHHBBB3x", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
    sock.sendall(struct.pack(">B3x", 0) + pixel_format)
    sock.sendall(struct.pack(">BxHi", 2, 1, ENCODING_RAW))
    sock.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, width, height))


def _read_update(reader, width, height):
    """Reads messages until one FramebufferUpdate; returns RGB bytes of the screen."""
    rgb = bytearray(width * height * 3)
    while True:
        (kind,) = reader.unpack("B")
        if kind == FRAMEBUFFER_UPDATE:
            break
        if kind == BELL:
            continue
        if kind == CUT_TEXT:
            reader.read(3)
            (length,) = reader.unpack(">I")
            reader.read(length)
            continue
        if kind == COLOUR_MAP:
            _, _, count = reader.unpack(">xHH")
            reader.read(6 * count)
            continue
        raise VncError(f"unexpected server message {kind}")
    reader.read(1)
    (rects,) = reader.unpack(">H")
    for _ in range(rects):
        x, y, w, h, encoding = reader.unpack(">HHHHi")
        if encoding != ENCODING_RAW:
            raise VncError(f"rectangle in encoding {encoding}, asked for Raw only")
        if x + w > width or y + h > height:
            raise VncError(f"rectangle {w}x{h}+{x}+{y} outside {width}x{height}")
        data = reader.read(w * h * 4)
        for row in range(h):
            source = data[row * w * 4 : (row + 1) * w * 4]
            start = ((y + row) * width + x) * 3
            line = bytearray(w * 3)
            line[0::3] = source[2::4]
            line[1::3] = source[1::4]
            line[2::3] = source[0::4]
            rgb[start : start + w * 3] = line
    return bytes(rgb)


def capture(socket_path, png_path=None, timeout=20.0):
    """Connects to QEMU's VNC server on a unix socket and returns the screen as a
    picture.Image; with png_path, also saves it there."""
    deadline = time.monotonic() + timeout
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        while True:
            try:
                sock.connect(socket_path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() >= deadline:
                    raise VncError(f"no VNC server at {socket_path}") from None
                time.sleep(0.1)
        reader = _Reader(sock, deadline)
        width, height = _handshake(sock, reader)
        _request_frame(sock, width, height)
        rgb = _read_update(reader, width, height)
    finally:
        sock.close()
    if png_path:
        save_png(png_path, width, height, rgb)
    return picture.Image(width, height, rgb)


def save_png(path, width, height, rgb):
    """Writes RGB bytes as a PNG with Pillow (python3-pil, from image/deps.sh). An
    interpreter without Pillow still gets the pixels; only the file is skipped."""
    try:
        from PIL import Image as PilImage
    except ImportError:
        print(f"vnc.py: Pillow is not importable here; {path} not written", file=sys.stderr)
        return
    PilImage.frombytes("RGB", (width, height), bytes(rgb)).save(path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: vnc.py SOCKET OUT.png")
    shot = capture(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[2]}: {shot.width}x{shot.height}")
