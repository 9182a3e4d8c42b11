"""The demo provider's logo and its administrator's signature, drawn with Pillow so the demo needs no downloads."""

import io
import math

from PIL import Image, ImageDraw, ImageFont

TEAL = (47, 93, 98, 255)
INK = (24, 38, 92, 255)  # the blue-black of a fountain pen, so the signature reads as signed, not printed


def _font(name: str, size: int):
    try:
        return ImageFont.truetype(name, size)
    except OSError:  # DejaVu is a system package (make system-libs); without it the shapes still draw
        return ImageFont.load_default(size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def logo_png(size: int = 480) -> bytes:
    """A teal ring holding two cupped hands drawn as arcs over "MM CE"; transparent around it."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    stroke = size // 24
    draw.ellipse([stroke, stroke, size - stroke, size - stroke], outline=TEAL, width=stroke)
    for left in (size * 0.2, size * 0.34):
        draw.arc([left, size * 0.18, left + size * 0.46, size * 0.58], start=20, end=160, fill=TEAL, width=stroke)
    draw.text((size / 2, size * 0.7), "MM CE", fill=TEAL, font=_font("DejaVuSerif-Bold.ttf", size // 7), anchor="mm")
    return _png(image)


def signature_png(name: str, *, width: int = 900, height: int = 260) -> bytes:
    """The name written in a slanted hand, with a flourish under it, in ink on a transparent background."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    written = name.split(",")[0]  # the name as signed, without the credential after it
    draw.text((30, height * 0.42), written, fill=INK, font=_font("DejaVuSerif-Italic.ttf", height // 3), anchor="lm")
    flourish = [(40 + x, height * 0.78 + 10 * math.sin(x / 55)) for x in range(0, width - 120, 6)]
    draw.line(flourish, fill=INK, width=4, joint="curve")
    return _png(image)
