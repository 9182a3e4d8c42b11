"""Cover art for the demo courses, drawn with Pillow in the site's palette so the demo needs no downloads.

Each course names its drawing (`[cover] drawing = ...` in its TOML file): a calm, flat picture of the
course's subject. Shapes are drawn at twice the size and scaled down, which smooths their edges.
"""

import io

from PIL import Image, ImageDraw

# static/css/site.css's palette, and two lighter tints of it for the shapes behind the subject.
INK = "#1d2a2e"
PAPER = "#fbfaf7"
BRAND = "#1f5f5b"
BRAND_DARK = "#164542"
BRAND_TINT = "#e7f0ee"
BRAND_SOFT = "#c9ddd9"
BRAND_MID = "#6f9d97"
ACCENT = "#8a4b12"
ACCENT_SOFT = "#e9c9a6"
WARM_TINT = "#fdf1e4"
BONE = "#f4efe4"

WIDTH, HEIGHT = 1280, 720
SCALE = 2


class _Canvas:
    """A drawing surface in cover coordinates (1280 x 720), drawn SCALE times larger."""

    def __init__(self, background):
        self.image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), background)
        self.draw = ImageDraw.Draw(self.image)

    def _pt(self, point):
        return point[0] * SCALE, point[1] * SCALE

    def circle(self, center, radius, fill, outline=None, width=0):
        x, y = center
        box = [self._pt((x - radius, y - radius)), self._pt((x + radius, y + radius))]
        self.draw.ellipse(box, fill=fill, outline=outline, width=width * SCALE)

    def ellipse(self, center, rx, ry, fill, outline=None, width=0):
        x, y = center
        box = [self._pt((x - rx, y - ry)), self._pt((x + rx, y + ry))]
        self.draw.ellipse(box, fill=fill, outline=outline, width=width * SCALE)

    def polygon(self, points, fill, outline=None, width=0):
        self.draw.polygon([self._pt(p) for p in points], fill=fill, outline=outline, width=width * SCALE)

    def line(self, points, fill, width, *, round_ends=True):
        """A polyline of the given width, with rounded joints and (by default) rounded ends."""
        scaled = [self._pt(p) for p in points]
        self.draw.line(scaled, fill=fill, width=width * SCALE, joint="curve")
        if round_ends:
            for point in (points[0], points[-1]):
                self.circle(point, width / 2, fill)

    def rounded(self, box, radius, fill, outline=None, width=0):
        (x0, y0), (x1, y1) = box
        self.draw.rounded_rectangle(
            [self._pt((x0, y0)), self._pt((x1, y1))], radius * SCALE, fill=fill, outline=outline, width=width * SCALE
        )

    def webp(self) -> bytes:
        image = self.image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # WebP, whose renditions stay WebP: a catalog card's cover is about 5 KB, against 15 to 40 KB as PNG.
        image.save(buffer, format="WEBP", quality=82, method=6)
        return buffer.getvalue()


def bezier(p0, p1, p2, p3, steps=40):
    """Points along a cubic Bézier curve."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return points


def _backdrop(canvas, tint):
    """Two large soft discs behind the subject, the same on every cover, so the catalog reads as one set."""
    canvas.circle((1040, 140), 360, tint)
    canvas.circle((180, 700), 260, tint)


def _shoulder_girdle():
    """The right shoulder girdle from the front: sternum, clavicle, scapula, humerus, and its three joints."""
    c = _Canvas(BRAND_TINT)
    _backdrop(c, BRAND_SOFT)
    # Ribs behind, faint.
    for i in range(6):
        y = 250 + i * 62
        c.line(bezier((470, y), (600, y - 40), (760, y - 10), (840, y + 70)), BRAND_SOFT, 16)
    # Scapula behind the ribs.
    c.polygon([(700, 210), (860, 200), (900, 250), (770, 560)], BRAND_MID)
    # Sternum.
    c.rounded(((420, 200), (480, 560)), 26, BONE, outline=BRAND_DARK, width=4)
    # Clavicle: a gentle S from the sternum to the acromion.
    clavicle = bezier((470, 215), (580, 250), (690, 150), (840, 185))
    c.line(clavicle, BONE, 36)
    c.line(clavicle, BRAND_DARK, 4)
    # Acromion and coracoid.
    c.line([(830, 180), (915, 190)], BONE, 34)
    c.line(bezier((760, 230), (790, 250), (810, 255), (825, 245), 12), BONE, 22)
    # Humerus: head and shaft.
    c.line([(905, 300), (930, 640)], BONE, 62)
    c.circle((895, 265), 62, BONE, outline=BRAND_DARK, width=4)
    # The joints: sternoclavicular, acromioclavicular, glenohumeral.
    for center in ((470, 215), (838, 184), (848, 262)):
        c.circle(center, 14, ACCENT)
    return c.webp()


def _lumbar_spine():
    """The lumbar spine from the side: five vertebrae over the sacrum in a gentle lordosis, discs between."""
    c = _Canvas(WARM_TINT)
    _backdrop(c, "#f6e2cc")
    center_x = [610, 640, 655, 650, 625]
    for i, x in enumerate(center_x):
        y = 110 + i * 100
        # Spinous process, pointing back (to the right), then the vertebral body.
        c.polygon([(x + 40, y + 20), (x + 170, y + 35), (x + 175, y + 60), (x + 40, y + 60)], BRAND_MID)
        c.rounded(((x - 80, y), (x + 60, y + 78)), 18, BONE, outline=BRAND_DARK, width=4)
        if i < len(center_x) - 1:
            # The disc below this body; L4-L5 in the accent color, the level most often involved.
            nx = center_x[i + 1]
            disc_color = ACCENT if i == 3 else BRAND
            c.rounded(((min(x, nx) - 74, y + 80), (max(x, nx) + 54, y + 98)), 9, disc_color)
    # Sacrum, tilted back.
    c.polygon([(540, 610), (690, 600), (720, 640), (640, 720), (560, 720)], BONE, outline=BRAND_DARK, width=4)
    c.rounded(((548, 592), (688, 606)), 7, BRAND)
    # A soft line of the low back's surface behind the spine.
    c.line(bezier((930, 60), (860, 300), (880, 480), (960, 720)), BRAND_SOFT, 10)
    return c.webp()


def _lymph_vessels():
    """Lymph vessels converging on a trunk through a chain of nodes."""
    c = _Canvas(BRAND_TINT)
    _backdrop(c, BRAND_SOFT)
    trunk = bezier((250, 640), (450, 560), (700, 420), (1010, 170))
    branches = [
        bezier((140, 430), (260, 470), (330, 560), (420, 585)),
        bezier((300, 700), (380, 650), (480, 560), (560, 520)),
        bezier((520, 250), (600, 330), (650, 420), (700, 420)),
        bezier((930, 620), (860, 560), (820, 430), (800, 350)),
        bezier((1200, 420), (1080, 380), (1000, 300), (960, 225)),
    ]
    for branch in branches:
        c.line(branch, BRAND_MID, 14)
    c.line(trunk, BRAND, 22)
    # Nodes: bean-shaped filters along the trunk.
    for center, rx, ry in (((560, 525), 46, 32), ((760, 385), 52, 36), ((1010, 170), 60, 42)):
        c.ellipse(center, rx, ry, ACCENT_SOFT, outline=ACCENT, width=6)
        c.ellipse((center[0] - rx * 0.25, center[1] - ry * 0.2), rx * 0.35, ry * 0.3, PAPER)
    return c.webp()


def _tender_points():
    """A figure seen from behind with the paired tender points of the 1990 ACR criteria."""
    c = _Canvas("#f3eee6")
    _backdrop(c, "#e8dfd2")
    figure = BRAND_MID
    # Head and neck, torso, arms, legs: calm, rounded shapes.
    c.circle((640, 105), 52, figure)
    c.rounded(((615, 140), (665, 190)), 16, figure)
    c.rounded(((545, 180), (735, 430)), 60, figure)
    c.rounded(((555, 380), (725, 470)), 40, figure)
    for side in (-1, 1):
        c.line([(640 + side * 88, 205), (640 + side * 130, 330), (640 + side * 150, 450)], figure, 44)
        c.line([(640 + side * 45, 440), (640 + side * 55, 580), (640 + side * 58, 700)], figure, 58)
    points = [(25, 128), (22, 172), (55, 200), (62, 230), (130, 328), (52, 430), (80, 468), (52, 590)]
    for dx, y in points:
        for side in (-1, 1):
            c.circle((640 + side * dx, y), 13, ACCENT, outline=PAPER, width=4)
    return c.webp()


def _runner():
    """A runner mid-stride on a track."""
    c = _Canvas(BRAND_TINT)
    _backdrop(c, BRAND_SOFT)
    # Track lanes.
    for y in (600, 660):
        c.line([(0, y), (1280, y)], PAPER, 6, round_ends=False)
    body = BRAND_DARK
    far = BRAND_MID
    # Far arm and leg first, lighter, so the figure has depth.
    c.line([(640, 230), (590, 300), (620, 365)], far, 34)
    c.line([(620, 400), (540, 480), (450, 470)], far, 42)
    # Torso leaning into the run, head.
    c.line([(620, 400), (660, 230)], body, 64)
    c.circle((690, 155), 46, body)
    # Near arm and leg.
    c.line([(655, 235), (730, 300), (790, 250)], body, 36)
    c.line([(620, 400), (720, 480), (700, 590)], body, 46)
    c.line([(700, 590), (745, 592)], body, 22)
    # Motion: three short lines behind the runner.
    for i, y in enumerate((250, 320, 390)):
        c.line([(380 - i * 30, y), (500 - i * 30, y)], PAPER, 12)
    return c.webp()


def _handshake():
    """Two hands meeting in a handshake: colleagues working together within their scopes."""
    c = _Canvas(WARM_TINT)
    _backdrop(c, "#f6e2cc")
    # Sleeves and cuffs from either side.
    c.polygon([(0, 470), (380, 330), (440, 470), (0, 640)], BRAND)
    c.polygon([(1280, 250), (900, 310), (860, 450), (1280, 430)], BRAND_DARK)
    c.rounded(((360, 320), (450, 480)), 16, PAPER)
    c.rounded(((830, 300), (915, 460)), 16, PAPER)
    skin_near, skin_far = "#d9a77e", "#b47e57"
    # The right-hand person's palm and fingers, beneath.
    c.rounded(((560, 330), (860, 450)), 60, skin_far)
    # The left-hand person's hand: palm, then four fingers wrapped over, then the thumb on top.
    c.rounded(((440, 350), (700, 470)), 56, skin_near)
    for i in range(4):
        y = 372 + i * 26
        c.line([(640, y), (760, y + 8), (790, y + 34)], skin_near, 30)
        c.line([(705, y + 5), (760, y + 8)], "#c28f67", 3, round_ends=False)
    c.line([(560, 350), (640, 318), (720, 322)], skin_near, 34)
    return c.webp()


DRAWINGS = {
    "shoulder-girdle": _shoulder_girdle,
    "lumbar-spine": _lumbar_spine,
    "lymph-vessels": _lymph_vessels,
    "tender-points": _tender_points,
    "runner": _runner,
    "handshake": _handshake,
}


def cover_webp(drawing: str) -> bytes:
    """The named cover drawing as a 1280 x 720 WebP image; the same name always draws the same picture."""
    return DRAWINGS[drawing]()
