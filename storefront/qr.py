"""QR codes drawn as inline SVG by segno: labels, receipts and the order page."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(data: str, *, title: str = "") -> Markup:
    """An inline SVG QR code (medium error correction) that scales with its box via viewBox.

    segno draws it with attributes and classes only, which the Content Security Policy allows.
    """
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass="qr-line")
    if title:
        svg = svg.replace(">", f' role="img" aria-label="{Markup.escape(title)}">', 1)
    return Markup(svg)
