"""Reads QEMU screendumps so tests can sample pixels, with Pillow (python3-pil).

    image = read_image("shot.png")
    r, g, b = image.pixel(10, 20)

QEMU's screendump writes binary PPM, or PNG with format=png; Pillow reads both,
and anything else it knows. Pixels are kept as plain RGB bytes, so sampling a
screenshot in a loop costs an index, not a call into Pillow.
"""
import io


class Image:
    """An RGB picture: width, height and pixel(x, y) -> (r, g, b)."""

    def __init__(self, width, height, rgb):
        self.width, self.height, self.rgb = width, height, rgb

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.rgb[i : i + 3])


def _pillow():
    # Imported on first use: the QEMU runner imports this module for every boot,
    # and only the runs that take screenshots need Pillow.
    try:
        from PIL import Image as PilImage
    except ImportError as e:
        raise ImportError(
            "picture.py needs Pillow: run image/deps.sh as root (Debian's python3-pil), "
            "and run the tools with Debian's /usr/bin/python3"
        ) from e
    return PilImage


def _decode(source, name):
    pil = _pillow()
    try:
        with pil.open(source) as opened:
            rgb = opened.convert("RGB")  # drops alpha; expands palettes and grey
    except (OSError, SyntaxError) as e:  # Pillow's "cannot identify" is an OSError
        raise ValueError(f"{name}: not a picture Pillow can read ({e})") from e
    return Image(rgb.width, rgb.height, rgb.tobytes())


def read_image(path):
    """The picture in the file at `path` (PNG, PPM, ...) as an Image."""
    return _decode(path, path)


def parse_png(data):
    """The PNG in `data` (bytes) as an Image."""
    return _decode(io.BytesIO(data), "PNG data")


def parse_ppm(data):
    """The binary PPM (P6) in `data` (bytes) as an Image."""
    return _decode(io.BytesIO(data), "PPM data")
