"""The image pipeline: checked by content, upright, sRGB 8-bit, metadata gone, variants stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from storefront.catalog.images import (
    MAX_PIXELS,
    ImageRejected,
    check_uploads,
    make_variants,
    normalise,
    original_path,
    store_image,
    store_uploads,
)
from tests.catalog.icc import P3_PRIMARIES, colorants_from_primaries, rgb_profile, srgb_colorants


def _jpeg_with_exif(width=1200, height=800, orientation=6) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, width // 2, height))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (28.0, 59.0, 0.0), "W", (10.0, 3.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _encoded(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _stored_pixel(media_root, key: str, xy, width: int | None = None, ext: str = "jpg"):
    path = (
        original_path(media_root, key)
        if width is None
        else media_root / "products" / f"{key}-{width}.{ext}"
    )
    with Image.open(path) as stored:
        assert stored.mode == "RGB"
        assert "icc_profile" not in stored.info and "exif" not in stored.info
        return stored.getpixel(xy)


def test_a_request_stores_the_original_and_the_worker_the_variants(tmp_path):
    stored = store_image(_jpeg_with_exif(), tmp_path)
    assert (stored.width, stored.height, stored.widths) == (800, 1200, "")  # rotated upright
    assert original_path(tmp_path, stored.key).is_file()
    assert not (tmp_path / "products").exists()  # no variant made in the request

    assert make_variants(stored.key, tmp_path) == "320,800"
    for ext in ("webp", "jpg"):
        with Image.open(tmp_path / "products" / f"{stored.key}-800.{ext}") as variant:
            assert variant.size == (800, 1200)
            assert not variant.getexif()
            assert "exif" not in variant.info
            assert variant.getpixel((400, 50))[2] > 150  # the blue half is now on top
    with Image.open(tmp_path / "products" / f"{stored.key}-320.jpg") as small:
        assert small.size == (320, 480)


def test_png_with_transparency_becomes_white_backed(tmp_path):
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    stored = store_image(_encoded(image), tmp_path)
    assert make_variants(stored.key, tmp_path) == "320,400"
    with Image.open(tmp_path / "products" / f"{stored.key}-400.jpg") as variant:
        assert variant.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)


def _png_header_only(width: int, height: int, bit_depth: int = 1, colour_type: int = 0) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width // 8 + 1) * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty"),
        (b"#!/bin/sh\nrm -rf /\n", "not a photo"),
        # Over twice Image.MAX_IMAGE_PIXELS: Pillow's own guard refuses it as it opens.
        (_png_header_only(20_000, 20_000), "too many pixels"),
        # Over Image.MAX_IMAGE_PIXELS once: Pillow warns, and the warning refuses it.
        (_png_header_only(10_000, 9_000), "too many pixels"),
        # Under Pillow's guard, over ours (MAX_PIXELS), and over MAX_SIDE.
        (_png_header_only(8_000, 6_000), "too many pixels"),
        (_png_header_only(12_001, 10), "too many pixels"),
        (b"GIF89a" + b"\x00" * 100, "not a photo"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 64, "HEIC photos"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, app, payload, message):
    with app.test_request_context("/?lang=en"), pytest.raises(ImageRejected) as caught:
        store_image(payload, tmp_path / "store")
    assert caught.value.status_code == 422
    assert message in str(caught.value.message)
    assert not (tmp_path / "store").exists()


def test_same_picture_is_stored_once(tmp_path):
    data = _jpeg_with_exif(400, 400, 1)
    first, second = store_image(data, tmp_path), store_image(data, tmp_path)
    assert first.key == second.key
    assert make_variants(first.key, tmp_path) == make_variants(second.key, tmp_path) == "320,400"
    assert len(list((tmp_path / "originals").iterdir())) == 1
    assert len(list((tmp_path / "products").iterdir())) == 4


# Colour profiles --------------------------------------------------------------------------


def _three_colours(size=64) -> Image.Image:
    """Pure red, a mid grey and pure blue side by side, `size` pixels square each."""
    image = Image.new("RGB", (3 * size, size))
    for n, colour in enumerate(((255, 0, 0), (128, 128, 128), (0, 0, 255))):
        image.paste(colour, (n * size, 0, (n + 1) * size, size))
    return image


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_an_embedded_profile_is_converted_to_srgb(tmp_path, fmt):
    # A display whose red is sRGB's blue (and blue sRGB's red) and whose tone curve is
    # linear: without the conversion the red stays red and the grey stays 128.
    red, green, blue = srgb_colorants()
    swapped = rgb_profile("Swapped primaries, linear", blue, green, red, gamma=1.0)
    options = {"quality": 100, "subsampling": 0} if fmt == "JPEG" else {}
    if fmt == "WEBP":
        options = {"lossless": True}
    data = _encoded(_three_colours(), fmt, icc_profile=swapped, **options)

    stored = store_image(data, tmp_path)
    make_variants(stored.key, tmp_path)
    for width in (None, 192):
        assert _stored_pixel(tmp_path, stored.key, (32, 32), width) == pytest.approx(
            (0, 0, 255), abs=3
        )
        # Linear 128/255 is sRGB 188: 1.055 * 0.502 ** (1 / 2.4) - 0.055 = 0.7354.
        assert _stored_pixel(tmp_path, stored.key, (96, 32), width) == pytest.approx(
            (188, 188, 188), abs=3
        )
        assert _stored_pixel(tmp_path, stored.key, (160, 32), width) == pytest.approx(
            (255, 0, 0), abs=3
        )


def _srgb_encode(linear: float) -> int:
    linear = min(1.0, max(0.0, linear))
    value = 12.92 * linear if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055
    return round(value * 255)


def test_a_display_p3_photo_gets_its_srgb_colour(tmp_path):
    # Display P3 primaries (an iPhone's photos) with a 2.2 tone curve. The expected colour
    # comes from the published linear Display P3 to sRGB matrix (both D65, no adaptation).
    p3 = rgb_profile("P3 primaries, gamma 2.2", *colorants_from_primaries(P3_PRIMARIES), gamma=2.2)
    colour = (200, 80, 60)
    image = Image.new("RGB", (64, 64), colour)
    stored = store_image(_encoded(image, icc_profile=p3), tmp_path)

    r, g, b = ((c / 255) ** (563 / 256) for c in colour)  # the curve stores 2.2 as u8.8
    expected = (
        _srgb_encode(1.2249401 * r - 0.2249404 * g),
        _srgb_encode(-0.0420569 * r + 1.0420571 * g),
        _srgb_encode(-0.0196376 * r - 0.0786361 * g + 1.0982735 * b),
    )
    assert expected == pytest.approx((218, 67, 46), abs=1)  # visibly not (200, 80, 60)
    assert _stored_pixel(tmp_path, stored.key, (32, 32)) == pytest.approx(expected, abs=2)


def test_a_broken_or_mismatched_profile_is_ignored(tmp_path, caplog):
    red, green, blue = srgb_colorants()
    rgb_only = rgb_profile("RGB", red, green, blue, gamma=1.0)
    grey = Image.new("L", (32, 32), 100)
    garbage = _encoded(Image.new("RGB", (32, 32), (10, 200, 30)), icc_profile=b"not a profile")
    for data, expected in (
        (_encoded(grey, icc_profile=rgb_only), (100, 100, 100)),
        (garbage, (10, 200, 30)),
    ):
        stored = store_image(data, tmp_path)
        assert _stored_pixel(tmp_path, stored.key, (16, 16)) == pytest.approx(expected, abs=2)
    assert caplog.text.count("colour profile ignored") == 2


# Modes and bit depths ---------------------------------------------------------------------


def _filled(mode: str, values: list) -> Image.Image:
    image = Image.new(mode, (len(values), 1))
    for x, value in enumerate(values):
        image.putpixel((x, 0), value)
    return image


def _greys(image: Image.Image) -> list[int]:
    assert image.mode == "RGB"
    pixels = [image.getpixel((x, 0)) for x in range(image.width)]
    assert all(r == g == b for r, g, b in pixels)
    return [r for r, _g, _b in pixels]


@pytest.mark.parametrize("mode", ["I;16", "I;16B", "I;16L", "I"])
def test_16_bit_grey_is_scaled_not_clipped(mode):
    image = _filled(mode, [0, 257, 32768, 65535, 128])
    assert _greys(normalise(image)) == [0, 1, 128, 255, 0]


def test_32_bit_integers_beyond_16_bits_are_scaled_from_their_own_range():
    image = _filled("I", [-65535, 0, 65535, 196605])  # the range is -65535 .. 196605
    assert _greys(normalise(image)) == [0, 64, 128, 255]


def test_floating_point_grey_is_read_as_0_to_1():
    assert _greys(normalise(_filled("F", [0.0, 0.25, 0.5, 1.0]))) == [0, 64, 128, 255]
    # Samples above 1 widen the range rather than being cut off.
    assert _greys(normalise(_filled("F", [0.0, 1.0, 2.0]))) == [0, 128, 255]


def test_grey_with_alpha_and_binary_images():
    grey = _filled("LA", [(100, 255), (100, 0), (0, 128)])
    assert _greys(normalise(grey)) == pytest.approx([100, 255, 127], abs=1)
    assert _greys(normalise(_filled("1", [0, 1]))) == [0, 255]


def test_a_palette_with_a_transparent_entry_becomes_white_there():
    image = Image.new("P", (3, 1))
    image.putpalette([255, 0, 0, 0, 0, 255, 0, 160, 0])
    image.putdata([0, 1, 2])
    image.info["transparency"] = 0  # palette entry 0 (red) is transparent
    data = _encoded(image)
    with Image.open(io.BytesIO(data)) as reread:
        assert reread.mode == "P" and reread.info["transparency"] == 0
        out = normalise(reread)
    assert [out.getpixel((x, 0)) for x in range(3)] == [(255, 255, 255), (0, 0, 255), (0, 160, 0)]
    opaque = Image.new("P", (1, 1))
    opaque.putpalette([12, 34, 56])
    assert normalise(opaque).getpixel((0, 0)) == (12, 34, 56)


def test_cmyk_becomes_rgb():
    image = _filled("CMYK", [(255, 0, 0, 0), (0, 255, 0, 0), (0, 0, 0, 255), (0, 0, 0, 0)])
    out = normalise(image)
    assert [out.getpixel((x, 0)) for x in range(4)] == [
        (0, 255, 255),
        (255, 0, 255),
        (0, 0, 0),
        (255, 255, 255),
    ]


def _png_16_bit(colour_type: int, samples: list[tuple[int, ...]], block: int = 16) -> bytes:
    """A 16-bit PNG of `samples` side by side, each a `block`-pixel square."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", len(samples) * block, block, 16, colour_type, 0, 0, 0)
    row = b"\x00" + b"".join(struct.pack(f">{len(s)}H", *s) * block for s in samples)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * block))
        + chunk(b"IEND", b"")
    )


def _read_back(tmp_path, data: bytes, count: int, block: int = 16) -> list[int]:
    """The middle of each of the stored original's `count` squares, channel after channel."""
    stored = store_image(data, tmp_path)
    middle = block // 2
    with Image.open(original_path(tmp_path, stored.key)) as original:
        return [c for n in range(count) for c in original.getpixel((n * block + middle, middle))]


def test_16_bit_png_files_are_scaled_to_8_bits(tmp_path):
    squares = Image.new("I;16", (48, 16))
    for n, value in enumerate((0, 32768, 65535)):
        squares.paste(Image.new("I;16", (16, 16), value), (n * 16, 0))
    grey = _encoded(squares)
    with Image.open(io.BytesIO(grey)) as opened:
        assert opened.mode == "I;16"
    assert _read_back(tmp_path, grey, 3) == pytest.approx([0] * 3 + [128] * 3 + [255] * 3, abs=1)

    rgb = _png_16_bit(2, [(65535, 32768, 0), (257, 65535, 32768)])
    assert _read_back(tmp_path, rgb, 2) == pytest.approx([255, 128, 0, 1, 255, 128], abs=1)

    grey_alpha = _png_16_bit(4, [(32768, 65535), (0, 0)])  # half grey opaque, black clear
    assert _read_back(tmp_path, grey_alpha, 2) == pytest.approx([128] * 3 + [255] * 3, abs=1)


def test_a_cmyk_jpeg_is_stored_as_rgb(tmp_path):
    image = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # red ink: magenta and yellow
    data = _encoded(image, "JPEG", quality=100)
    stored = store_image(data, tmp_path)
    assert _stored_pixel(tmp_path, stored.key, (32, 32)) == pytest.approx((255, 0, 0), abs=3)


# The pixel budget of one request ----------------------------------------------------------


def test_the_pixel_budget_is_read_from_the_headers_before_anything_is_decoded(tmp_path, app):
    # A header claiming 4000 x 3000 over pixel data that cannot be decoded: under the budget
    # it is decoded and refused as unreadable; over it, it is refused before decoding.
    claim = _png_header_only(4000, 3000, bit_depth=8, colour_type=2)
    photo = _jpeg_with_exif(1000, 1000, 1)
    with app.test_request_context("/?lang=en"), pytest.raises(ImageRejected) as over:
        store_uploads([photo, claim], tmp_path / "over", pixel_budget=12_500_000)
    assert over.value.status_code == 413
    with app.test_request_context("/?lang=en"):
        assert str(over.value.message) == (
            "These photos have 13 million pixels together; one upload may have at most 12.5 "
            "million. Send fewer photos at a time, or smaller ones."
        )
    assert not (tmp_path / "over").exists()  # nothing decoded, nothing written

    with app.test_request_context("/?lang=en"), pytest.raises(ImageRejected) as unreadable:
        store_uploads([photo, claim], tmp_path / "under", pixel_budget=13_000_000)
    assert "not a photo we can read" in str(unreadable.value.message)


def test_a_truncated_photo_is_refused_after_a_statement_pdf_was_made(tmp_path, app):
    """Importing WeasyPrint (the statement PDF) set Pillow to decode truncated files."""
    from storefront.dashboard.pdf import statement_pdf

    assert statement_pdf("<p>1</p>").startswith(b"%PDF")
    claim = _png_header_only(400, 300, bit_depth=8, colour_type=2)
    with app.test_request_context("/?lang=en"), pytest.raises(ImageRejected) as unreadable:
        store_uploads([claim], tmp_path, pixel_budget=13_000_000)
    assert "not a photo we can read" in str(unreadable.value.message)


def test_uploads_at_the_budget_are_accepted(tmp_path):
    photos = [_jpeg_with_exif(1000, 1000, 1), _jpeg_with_exif(1000, 500, 1)]
    assert check_uploads(photos, pixel_budget=1_500_000) == [(1000, 1000), (1000, 500)]
    assert [s.width for s in store_uploads(photos, tmp_path, pixel_budget=1_500_000)] == [
        1000,
        1000,
    ]


def test_one_picture_of_the_largest_size_fits_the_default_budget(app):
    assert app.config["UPLOAD_PIXEL_BUDGET"] == 60_000_000 >= MAX_PIXELS
