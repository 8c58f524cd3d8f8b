"""A minimal QMP client: line-delimited JSON over QEMU's unix socket.

QEMU serves one QMP client at a time and sends events only to a connected client, so
connect early and keep the connection: `events` collects every event seen.
Python 3 standard library only.
"""
import json
import socket
import time


class QmpClosed(Exception):
    """QEMU closed the connection (it exited, or is exiting after `quit`)."""


class QmpTimeout(Exception):
    pass


class QmpError(Exception):
    """QEMU answered a command with an error."""


class QmpClient:
    def __init__(self, path, timeout, alive):
        """Connects to path, retrying for timeout seconds while alive() says QEMU runs:
        QEMU creates the socket a moment after it starts."""
        self.events = []
        self._buffer = b""
        self._next_id = 0
        end = time.monotonic() + timeout
        while True:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self._sock.connect(path)
                break
            except OSError:
                self._sock.close()
                if not alive():
                    raise QmpClosed("QEMU exited before its QMP socket was up") from None
                if time.monotonic() >= end:
                    raise QmpTimeout(f"QMP socket {path} not up after {timeout}s") from None
                time.sleep(0.05)
        self.read(timeout)  # the greeting
        self.command("qmp_capabilities", {}, timeout)

    def close(self):
        self._sock.close()

    def read(self, timeout):
        """Returns the next message, or None when none arrives within timeout."""
        while b"\n" not in self._buffer:
            self._sock.settimeout(max(timeout, 0.001))
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                return None
            except OSError:
                chunk = b""
            if not chunk:
                raise QmpClosed("QMP connection closed")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def pump(self, timeout):
        """Collects the events that have arrived, waiting at most timeout for the first;
        a closed connection just ends the collection."""
        try:
            while (message := self.read(timeout)) is not None:
                if "event" in message:
                    self.events.append(message)
                timeout = 0
        except QmpClosed:
            pass

    def command(self, name, args, timeout):
        """Runs one command; returns its "return" value."""
        self._next_id += 1
        request = {"execute": name, "id": self._next_id}
        if args:
            request["arguments"] = args
        self._sock.sendall(json.dumps(request).encode() + b"\n")
        end = time.monotonic() + timeout
        while True:
            message = self.read(max(0.0, end - time.monotonic()))
            if message is None:
                raise QmpTimeout(f"QMP {name}: no reply within {timeout}s")
            if "event" in message:
                self.events.append(message)
            elif message.get("id") == self._next_id:
                if "error" in message:
                    raise QmpError(f"QMP {name}: {message['error']}")
                return message["return"]
