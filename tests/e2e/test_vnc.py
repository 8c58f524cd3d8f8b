"""Self-test of image/vnc.py against a fake RFB server on a unix socket: the
handshake in the order RFC 6143 gives, the client's pixel format and encoding
requests, and the conversion of Raw rectangles to RGB. No QEMU."""
import os
import shutil
import socket
import struct
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "image"))

import vnc  # noqa: E402

WIDTH, HEIGHT = 4, 3


def recv_exact(conn, count):
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


class FakeServer(threading.Thread):
    """Serves one client: version, security None, ServerInit, then a Bell, a
    FramebufferUpdate of two Raw rectangles (top rows, then the last row)."""

    def __init__(self, path, security=(1,)):
        super().__init__(daemon=True)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(1)
        self.security = security
        self.seen = {}

    def pixel(self, x, y):
        return (x * 60, y * 100, 7)  # r, g, b

    def raw(self, x, y, w, h):
        out = struct.pack(">HHHHi", x, y, w, h, 0)
        for row in range(y, y + h):
            for col in range(x, x + w):
                r, g, b = self.pixel(col, row)
                out += bytes([b, g, r, 0])  # red at bit 16, little-endian
        return out

    def run(self):
        try:
            self.serve()
        except (EOFError, OSError):
            pass  # the client gave up, as it should on a refusal
        finally:
            self.listener.close()

    def serve(self):
        conn, _ = self.listener.accept()
        with conn:
            conn.sendall(b"RFB 003.008\n")
            self.seen["version"] = recv_exact(conn, 12)
            conn.sendall(bytes([len(self.security), *self.security]))
            if not self.security:
                return
            self.seen["security"] = recv_exact(conn, 1)
            conn.sendall(struct.pack(">I", 0))
            self.seen["shared"] = recv_exact(conn, 1)
            conn.sendall(struct.pack(">HH", WIDTH, HEIGHT) + bytes(16) + struct.pack(">I", 4))
            conn.sendall(b"rota")
            self.seen["set_pixel_format"] = recv_exact(conn, 20)
            self.seen["set_encodings"] = recv_exact(conn, 8)
            self.seen["update_request"] = recv_exact(conn, 10)
            conn.sendall(bytes([2]))  # Bell: to be skipped
            conn.sendall(struct.pack(">BxH", 0, 2))
            conn.sendall(self.raw(0, 0, WIDTH, HEIGHT - 1) + self.raw(0, HEIGHT - 1, WIDTH, 1))


class VncCaptureTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rota-vnc-test-")
        self.path = os.path.join(self.dir, "vnc.sock")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_capture_converts_raw_rectangles_to_rgb(self):
        server = FakeServer(self.path)
        server.start()
        image = vnc.capture(self.path, timeout=10)
        server.join(5)
        self.assertEqual((image.width, image.height), (WIDTH, HEIGHT))
        for y in range(HEIGHT):
            for x in range(WIDTH):
                self.assertEqual(image.pixel(x, y), server.pixel(x, y), (x, y))
        self.assertEqual(server.seen["version"], b"RFB 003.008\n")
        self.assertEqual(server.seen["security"], b"\x01")
        self.assertEqual(server.seen["shared"], b"\x01")
        fmt = server.seen["set_pixel_format"]
        self.assertEqual(fmt[0], 0)  # SetPixelFormat
        bpp, depth, big_endian, true_colour = fmt[4:8]
        self.assertEqual((bpp, depth, big_endian, true_colour), (32, 24, 0, 1))
        self.assertEqual(fmt[14:17], bytes([16, 8, 0]))  # shifts: red, green, blue
        self.assertEqual(server.seen["set_encodings"], struct.pack(">BxHi", 2, 1, 0))
        self.assertEqual(
            server.seen["update_request"], struct.pack(">BBHHHH", 3, 0, 0, 0, WIDTH, HEIGHT)
        )

    def test_refuses_a_server_without_security_none(self):
        server = FakeServer(self.path, security=(2,))  # VNC authentication only
        server.start()
        with self.assertRaises(vnc.VncError):
            vnc.capture(self.path, timeout=5)
        server.join(5)

    def test_no_server_is_an_error_not_a_hang(self):
        with self.assertRaises(vnc.VncError):
            vnc.capture(os.path.join(self.dir, "absent.sock"), timeout=0.5)


if __name__ == "__main__":
    unittest.main()
