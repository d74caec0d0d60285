"""Small RGB display profiles (ICC v2, matrix and gamma curves) built for the tests.

A profile is three colorants (the XYZ of pure red, green and blue, adapted to the D50 white
of the ICC connection space) and one tone curve. Layout per ICC.1:2001-04: a 128-byte header,
a tag table, then the tags, each aligned to 4 bytes.
"""

from __future__ import annotations

import struct

from PIL import ImageCms

D50 = (0.9642, 1.0, 0.8249)
# Bradford, XYZ to cone response (ICC.1 Annex E) and its inverse.
BRADFORD = ((0.8951, 0.2664, -0.1614), (-0.7502, 1.7135, 0.0367), (0.0389, -0.0685, 1.0296))
D65 = (0.95047, 1.0, 1.08883)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(xyz) -> bytes:
    return b"XYZ " + b"\x00" * 4 + b"".join(_s15(v) for v in xyz)


def _curve_tag(gamma: float) -> bytes:
    return b"curv" + b"\x00" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\x00\x00"


def _text_tag(text: str) -> bytes:
    return b"text" + b"\x00" * 4 + text.encode("ascii") + b"\x00"


def _desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\x00"
    body = b"desc" + b"\x00" * 4 + struct.pack(">I", len(ascii_text)) + ascii_text
    return body + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\x00" * 67


def rgb_profile(name: str, red, green, blue, *, gamma: float) -> bytes:
    """An RGB display profile: D50 colorants (X, Y, Z) of the primaries, one gamma for all."""
    tags = [
        (b"desc", _desc_tag(name)),
        (b"cprt", _text_tag("No copyright, test data")),
        (b"wtpt", _xyz_tag(D50)),
        (b"rXYZ", _xyz_tag(red)),
        (b"gXYZ", _xyz_tag(green)),
        (b"bXYZ", _xyz_tag(blue)),
    ]
    curve = _curve_tag(gamma)
    tags += [(b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        padded = body + b"\x00" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += padded
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\x00" * 4  # platform
        + b"\x00" * 4  # flags
        + b"\x00" * 8  # manufacturer, model
        + b"\x00" * 8  # attributes
        + struct.pack(">I", 0)  # perceptual
        + b"".join(_s15(v) for v in D50)
        + b"lcms"
        + b"\x00" * 44
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def srgb_colorants() -> tuple[tuple[float, ...], ...]:
    """The D50 colorants of Pillow's own sRGB profile: red, green, blue."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).profile
    return tuple(
        c[0] for c in (profile.red_colorant, profile.green_colorant, profile.blue_colorant)
    )


def _mat_vec(m, v):
    return tuple(sum(m[i][j] * v[j] for j in range(3)) for i in range(3))


def _inverse(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return (
        ((e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det),
        ((f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det),
        ((d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det),
    )


def _to_d50(xyz):
    """Bradford adaptation of a D65 XYZ to D50."""
    src, dst = _mat_vec(BRADFORD, D65), _mat_vec(BRADFORD, D50)
    cone = _mat_vec(BRADFORD, xyz)
    scaled = tuple(cone[k] * dst[k] / src[k] for k in range(3))
    return _mat_vec(_inverse(BRADFORD), scaled)


def colorants_from_primaries(primaries) -> tuple[tuple[float, ...], ...]:
    """D50 colorants of an RGB space from its (x, y) primaries and a D65 white."""
    xyz = [(x / y, 1.0, (1 - x - y) / y) for x, y in primaries]
    m = tuple(tuple(xyz[j][i] for j in range(3)) for i in range(3))  # columns are primaries
    scale = _mat_vec(_inverse(m), D65)
    return tuple(_to_d50(tuple(xyz[j][i] * scale[j] for i in range(3))) for j in range(3))


# Display P3 (Apple's displays, iPhone photos): DCI-P3 primaries, D65 white.
P3_PRIMARIES = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
