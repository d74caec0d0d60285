"""Product pictures drawn locally with Pillow, one small family of motifs per craft."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

SIZE = 1000
# Drawn on a 1000 px canvas, delivered at 800 px (variants 320 and 800).
OUTPUT = 800

PALETTES = (
    ((244, 236, 222), (176, 84, 46), (62, 45, 36)),
    ((236, 226, 206), (38, 92, 122), (201, 151, 60)),
    ((250, 242, 230), (122, 46, 60), (214, 170, 92)),
    ((228, 222, 210), (60, 106, 74), (150, 72, 40)),
    ((242, 232, 216), (32, 44, 88), (196, 110, 52)),
    ((238, 230, 220), (140, 96, 40), (70, 70, 70)),
)


def _jewellery(d: ImageDraw.ImageDraw, rnd: random.Random, fg, accent) -> None:
    cx, cy = SIZE // 2, SIZE // 2
    for r in range(360, 120, -60):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=fg, width=18)
    for k in range(12):
        a = k * math.pi / 6 + rnd.random() * 0.1
        x, y = cx + 300 * math.cos(a), cy + 300 * math.sin(a)
        d.regular_polygon((x, y, 34), 4, rotation=45, fill=accent)


def _leather(d, rnd, fg, accent) -> None:
    d.rounded_rectangle((180, 260, 820, 820), radius=120, fill=fg)
    d.arc((330, 80, 670, 440), 180, 360, fill=accent, width=30)
    for x in range(220, 790, 36):
        d.line((x, 300, x + 14, 300), fill=accent, width=6)
    d.regular_polygon((500, 560, 90), 4, rotation=45, outline=accent, width=14)


def _pottery(d, rnd, fg, accent) -> None:
    d.ellipse((250, 330, 750, 880), fill=fg)
    d.rectangle((400, 160, 600, 420), fill=fg)
    d.ellipse((370, 130, 630, 200), fill=accent)
    for y in range(480, 820, 70):
        d.line((290, y, 710, y), fill=accent, width=14)


def _carpet(d, rnd, fg, accent) -> None:
    step = rnd.choice((100, 125, 200))
    for y in range(0, SIZE, step):
        for x in range(0, SIZE, step):
            d.regular_polygon((x + step / 2, y + step / 2, step / 2 - 6), 4, fill=fg)
            d.regular_polygon((x + step / 2, y + step / 2, step / 5), 4, fill=accent)
    d.rectangle((0, 0, SIZE - 1, SIZE - 1), outline=accent, width=40)


def _melhfa(d, rnd, fg, accent) -> None:
    width = rnd.choice((50, 70, 90))
    for i, x in enumerate(range(-SIZE, SIZE, width)):
        colour = fg if i % 2 else accent
        d.polygon([(x, 0), (x + width, 0), (x + width + SIZE, SIZE), (x + SIZE, SIZE)], fill=colour)


def _wood(d, rnd, fg, accent) -> None:
    d.rectangle((160, 260, 840, 780), fill=fg)
    for y in range(290, 760, 28):
        d.arc((140, y - 40, 860, y + 40), 0, 180, fill=accent, width=4)
    d.rectangle((160, 240, 840, 300), fill=accent)


def _palm(d, rnd, fg, accent) -> None:
    for y in range(0, SIZE, 50):
        for x in range(0, SIZE, 50):
            colour = fg if (x // 50 + y // 50) % 2 else accent
            d.rectangle((x, y, x + 48, y + 48), fill=colour)
    d.ellipse((200, 200, 800, 800), outline=fg, width=50)


def _argan(d, rnd, fg, accent) -> None:
    d.rounded_rectangle((360, 300, 640, 880), radius=50, fill=fg)
    d.rectangle((440, 170, 560, 310), fill=fg)
    d.rectangle((430, 120, 570, 180), fill=accent)
    d.rectangle((380, 520, 620, 700), fill=accent)


def _brass(d, rnd, fg, accent) -> None:
    cx = cy = SIZE // 2
    d.ellipse((120, 120, 880, 880), fill=fg)
    for k in range(24):
        a = k * math.pi / 12
        d.line((cx, cy, cx + 360 * math.cos(a), cy + 360 * math.sin(a)), fill=accent, width=6)
    d.ellipse((380, 380, 620, 620), fill=accent)


MOTIFS = {
    "silver-jewellery": _jewellery,
    "leather": _leather,
    "pottery": _pottery,
    "carpets-weaving": _carpet,
    "melhfa-textiles": _melhfa,
    "woodwork": _wood,
    "palm-basketry": _palm,
    "argan-cosmetics": _argan,
    "brass-copper": _brass,
}


def draw(craft_slug: str, variant: int) -> Image.Image:
    """Draw picture `variant` of a craft; the same arguments always give the same pixels."""
    rnd = random.Random(f"{craft_slug}-{variant}")
    background, fg, accent = PALETTES[variant % len(PALETTES)]
    image = Image.new("RGB", (SIZE, SIZE), background)
    MOTIFS[craft_slug](ImageDraw.Draw(image), rnd, fg, accent)
    return image.resize((OUTPUT, OUTPUT), Image.Resampling.LANCZOS)
