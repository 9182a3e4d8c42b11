"""Labeled anatomy diagrams for the demo lessons, written as SVG by code so their labels are real text.

A diagram is 520 units wide and shown no wider than that, so on a 360 px phone (about 320 px of
column) a 22-unit label still reads at 13-14 px. Labels carry a halo of the page color so they stay
legible where they cross a drawn shape.
"""

from django.utils.html import escape

from .images import ACCENT, BONE, BRAND, BRAND_DARK, BRAND_MID, BRAND_SOFT, BRAND_TINT, INK, PAPER

WIDTH = 520
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _label(x, y, lines, *, anchor="start", to=None, start=None):
    """A label of one or more lines at (x, y); with `to`, a leader line from `start` (or the label) to that point."""
    parts = []
    if to is not None:
        sx, sy = start if start is not None else (x, y)
        parts.append(
            f'<path d="M{sx} {sy} L{to[0]} {to[1]}" stroke="{INK}" stroke-width="1.5" fill="none"/>'
            f'<circle cx="{to[0]}" cy="{to[1]}" r="4" fill="{INK}"/>'
        )
    tspans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else 25}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    parts.append(
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="22" fill="{INK}" '
        f'stroke="{PAPER}" stroke-width="6" stroke-linejoin="round" paint-order="stroke">{tspans}</text>'
    )
    return "".join(parts)


def _svg(height, title, body):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="{FONT}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{WIDTH}" height="{height}" fill="{PAPER}"/>{body}</svg>'
    )


def shoulder_girdle_svg() -> str:
    """The right shoulder girdle from the front: its bones, landmarks and the joints that join them."""
    ribs = "".join(
        f'<path d="M95 {200 + i * 52} C190 {165 + i * 52} 290 {180 + i * 52} 330 {250 + i * 52}" '
        f'stroke="{BRAND_SOFT}" stroke-width="12" fill="none" stroke-linecap="round"/>'
        for i in range(6)
    )
    bones = (
        # Scapula behind the ribs, its coracoid hooking forward under the clavicle.
        f'<path d="M270 150 L395 140 L410 190 L320 470 Z" fill="{BRAND_MID}" opacity="0.55"/>'
        f'<path d="M300 185 C320 205 340 212 352 200" stroke="{BRAND_DARK}" stroke-width="22" fill="none" '
        f'stroke-linecap="round"/>'
        f'<path d="M300 185 C320 205 340 212 352 200" stroke="{BONE}" stroke-width="17" fill="none" '
        f'stroke-linecap="round"/>'
        # Sternum: manubrium and body.
        f'<rect x="55" y="150" width="44" height="330" rx="20" fill="{BONE}" stroke="{BRAND_DARK}" stroke-width="2.5"/>'
        # Clavicle, then acromion.
        f'<path d="M92 160 C180 190 250 110 360 140" stroke="{BRAND_DARK}" stroke-width="27" fill="none" '
        f'stroke-linecap="round"/>'
        f'<path d="M92 160 C180 190 250 110 360 140" stroke="{BONE}" stroke-width="22" fill="none" '
        f'stroke-linecap="round"/>'
        f'<path d="M352 136 L425 146" stroke="{BRAND_DARK}" stroke-width="25" stroke-linecap="round"/>'
        f'<path d="M352 136 L425 146" stroke="{BONE}" stroke-width="20" stroke-linecap="round"/>'
        # Humerus: shaft, then head sitting in the glenoid.
        f'<path d="M420 230 L440 560" stroke="{BRAND_DARK}" stroke-width="45" stroke-linecap="round"/>'
        f'<path d="M420 230 L440 560" stroke="{BONE}" stroke-width="40" stroke-linecap="round"/>'
        f'<circle cx="418" cy="208" r="44" fill="{BONE}" stroke="{BRAND_DARK}" stroke-width="2.5"/>'
        # Joints.
        f'<circle cx="94" cy="160" r="9" fill="{ACCENT}"/>'
        f'<circle cx="358" cy="138" r="9" fill="{ACCENT}"/>'
        f'<circle cx="380" cy="212" r="9" fill="{ACCENT}"/>'
    )
    labels = (
        _label(20, 40, ["Sternoclavicular", "joint"], to=(94, 160), start=(60, 70))
        + _label(200, 100, ["Clavicle"], anchor="middle", to=(210, 148), start=(205, 106))
        + _label(335, 60, ["AC joint"], anchor="middle", to=(358, 138), start=(345, 66))
        + _label(505, 95, ["Acromion"], anchor="end", to=(422, 146), start=(470, 101))
        + _label(130, 285, ["Coracoid", "process"], to=(345, 204), start=(225, 270))
        + _label(130, 375, ["Glenohumeral", "joint"], to=(380, 212), start=(265, 360))
        + _label(180, 520, ["Scapula"], to=(330, 430), start=(262, 512))
        + _label(20, 575, ["Sternum"], to=(77, 470), start=(60, 555))
        + _label(500, 600, ["Humerus"], anchor="end", to=(440, 520), start=(460, 580))
    )
    return _svg(620, "The right shoulder girdle from the front, labeled", ribs + bones + labels)


def lymph_route_svg() -> str:
    """The route of lymph from the initial lymphatics in the tissue to the venous angle."""
    capillaries = "".join(
        f'<path d="M{x} 600 C{x - 20} 560 {x + 25} 540 {x + 5} 500 L150 470" stroke="{BRAND_MID}" '
        f'stroke-width="9" fill="none" stroke-linecap="round"/>'
        for x in (60, 110, 160, 210, 250)
    )
    tissue = f'<rect x="20" y="480" width="290" height="130" rx="14" fill="{BRAND_TINT}"/>'
    collector = (
        f'<path d="M150 470 C150 420 170 380 200 350" stroke="{BRAND}" stroke-width="14" fill="none" '
        f'stroke-linecap="round"/>'
        f'<path d="M200 350 C235 315 250 290 255 260" stroke="{BRAND}" stroke-width="14" fill="none" '
        f'stroke-linecap="round"/>'
    )
    # Valves: the lymphangion is the segment between two of them.
    valves = "".join(
        f'<path d="M{x - 11} {y + 8} L{x} {y - 4} L{x + 11} {y + 8}" stroke="{PAPER}" stroke-width="4" fill="none"/>'
        for x, y in ((152, 430), (176, 375), (230, 320))
    )
    node = (
        f'<ellipse cx="262" cy="225" rx="44" ry="30" fill="#e9c9a6" stroke="{ACCENT}" stroke-width="4"/>'
        f'<path d="M290 200 C320 170 330 140 335 110" stroke="{BRAND_DARK}" stroke-width="14" fill="none" '
        f'stroke-linecap="round"/>'
    )
    veins = (
        f'<path d="M360 20 L360 95 Q360 110 345 110 L250 110" stroke="#6b7f86" stroke-width="22" fill="none" '
        f'stroke-linecap="round"/>'
        f'<path d="M360 95 Q360 110 375 110 L500 110" stroke="#6b7f86" stroke-width="22" fill="none" '
        f'stroke-linecap="round"/>'
        f'<circle cx="345" cy="112" r="9" fill="{ACCENT}"/>'
    )
    labels = (
        _label(330, 560, ["Initial", "lymphatics"], to=(215, 545), start=(325, 553))
        + _label(330, 440, ["Collector"], to=(165, 410), start=(325, 434))
        + _label(330, 340, ["Valve"], to=(230, 322), start=(325, 334))
        + _label(330, 250, ["Lymph node"], to=(300, 230), start=(325, 244))
        + _label(20, 150, ["Venous", "angle"], to=(345, 112), start=(100, 140))
        + _label(500, 160, ["Subclavian", "vein"], anchor="end", to=(470, 112), start=(470, 140))
        + _label(335, 40, ["Internal jugular vein"], anchor="end", to=(360, 45), start=(340, 40))
    )
    return _svg(
        640,
        "The route of lymph from the tissue to the venous angle, labeled",
        tissue + capillaries + collector + valves + node + veins + labels,
    )


DIAGRAMS = {"shoulder-girdle": shoulder_girdle_svg, "lymph-route": lymph_route_svg}


def diagram_svg(name: str) -> bytes:
    return DIAGRAMS[name]().encode()
