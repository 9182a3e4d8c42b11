"""Calm abstract cover art for demo courses, drawn with Pillow so the demo needs no downloads."""

import colorsys
import hashlib
import io
import random

from PIL import Image, ImageDraw, ImageFilter


def cover_png(seed: str, *, width: int = 1280, height: int = 720) -> bytes:
    """A soft gradient with overlapping translucent circles; the same seed always draws the same picture."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())  # noqa: S311 (decoration, not security)
    hue = rng.random()

    def colour(lightness, saturation=0.35, shift=0.0):
        r, g, b = colorsys.hls_to_rgb((hue + shift) % 1, lightness, saturation)
        return int(r * 255), int(g * 255), int(b * 255)

    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = colour(0.82), colour(0.55)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))

    # Transparent pixels carry the base colour so the blur does not darken the shapes' edges.
    overlay = Image.new("RGBA", (width, height), (*bottom, 0))
    shapes = ImageDraw.Draw(overlay)
    for _ in range(7):
        radius = rng.randint(height // 6, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        fill = (*colour(rng.uniform(0.45, 0.9), 0.4, rng.uniform(-0.08, 0.08)), rng.randint(60, 130))
        shapes.ellipse([x - radius, y - radius, x + radius, y + radius], fill=fill)
    image = Image.alpha_composite(image.convert("RGBA"), overlay.filter(ImageFilter.GaussianBlur(18)))

    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
