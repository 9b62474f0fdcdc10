"""Draw the Teams app icons with nothing but the standard library.

    python deploy/teams/make_icons.py        # writes color.png (192×192) and outline.png (32×32)

The symbol is the method's spider-web chart: an 11-sided web (one spoke per element) with a
team's scores drawn on it. color.png: white and gold on the app's green, full bleed, symbol
inside the 96 px safe zone Teams asks for; outline.png: white on transparent only, as Teams
requires for the outline icon.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
GREEN = (27, 110, 90)
GOLD = (242, 193, 78)
WHITE = (255, 255, 255)
SCORES = (0.92, 0.7, 0.85, 0.55, 0.8, 0.95, 0.62, 0.75, 0.88, 0.6, 0.78)  # any pleasant shape

Point = tuple[float, float]
RGBA = tuple[float, float, float, float]


def polygon(cx: float, cy: float, radius: float, scales: tuple[float, ...]) -> list[Point]:
    n = len(scales)
    return [
        (
            cx + radius * s * math.sin(2 * math.pi * i / n),
            cy - radius * s * math.cos(2 * math.pi * i / n),
        )
        for i, s in enumerate(scales)
    ]


def inside(x: float, y: float, poly: list[Point]) -> bool:
    hit = False
    j = len(poly) - 1
    for i, (xi, yi) in enumerate(poly):
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def near_outline(x: float, y: float, poly: list[Point], width: float, closed: bool = True) -> bool:
    pairs = list(zip(poly, poly[1:] + poly[:1], strict=True)) if closed else []
    return any(_distance(x, y, a, b) <= width / 2 for a, b in pairs)


def _distance(x: float, y: float, a: Point, b: Point) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length)) if length else 0.0
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))


Layer = tuple[Callable[[float, float], bool], tuple[int, int, int], float]


def render(size: int, background: RGBA, layers: list[Layer], samples: int = 4) -> bytes:
    """RGBA pixels; each layer is (covers(x, y), colour, opacity), painted in order."""
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter type 0
        for px in range(size):
            r, g, b, a = background
            for colour, opacity, cover in _coverage(px, py, layers, samples):
                alpha = opacity * cover
                out_a = alpha + a * (1 - alpha)
                if out_a > 0:
                    r = (colour[0] * alpha + r * a * (1 - alpha)) / out_a
                    g = (colour[1] * alpha + g * a * (1 - alpha)) / out_a
                    b = (colour[2] * alpha + b * a * (1 - alpha)) / out_a
                a = out_a
            row += bytes((round(r), round(g), round(b), round(a * 255)))
        rows.append(bytes(row))
    return b"".join(rows)


def _coverage(
    px: int, py: int, layers: list[Layer], samples: int
) -> list[tuple[tuple[int, int, int], float, float]]:
    out = []
    for covers, colour, opacity in layers:
        hits = sum(
            covers(px + (i + 0.5) / samples, py + (j + 0.5) / samples)
            for i in range(samples)
            for j in range(samples)
        )
        if hits:
            out.append((colour, opacity, hits / samples**2))
    return out


def png(size: int, pixels: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels, 9))
        + chunk(b"IEND", b"")
    )


def web_layers(size: float, radius: float, line: float, fill: tuple[int, int, int]) -> list[Layer]:
    c = size / 2
    n = len(SCORES)
    rings = [polygon(c, c, radius * k, (1.0,) * n) for k in (1.0, 0.5)]
    outer = rings[0]
    scores = polygon(c, c, radius, SCORES)

    def spokes(x: float, y: float) -> bool:
        return any(_distance(x, y, (c, c), p) <= line * 0.35 for p in outer)

    return [
        (lambda x, y: near_outline(x, y, rings[0], line), WHITE, 0.55),
        (lambda x, y: near_outline(x, y, rings[1], line * 0.7), WHITE, 0.4),
        (spokes, WHITE, 0.4),
        (lambda x, y: inside(x, y, scores), fill, 0.85),
        (lambda x, y: near_outline(x, y, scores, line), WHITE, 1.0),
    ]


def main() -> None:
    color = render(192, (*GREEN, 1.0), web_layers(192, 46, 3.2, GOLD))
    (HERE / "color.png").write_bytes(png(192, color))
    # outline icon: white only – the score shape as a solid mark inside a thin web ring
    ring = polygon(16, 16, 14.5, (1.0,) * len(SCORES))
    outline = render(
        32,
        (0, 0, 0, 0.0),
        [
            (lambda x, y: near_outline(x, y, ring, 1.2), WHITE, 1.0),
            (lambda x, y: inside(x, y, polygon(16, 16, 11, SCORES)), WHITE, 1.0),
        ],
    )
    (HERE / "outline.png").write_bytes(png(32, outline))
    print(f"wrote {HERE / 'color.png'} and {HERE / 'outline.png'}")


if __name__ == "__main__":
    main()
