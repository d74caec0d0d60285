"""The image pipeline: checked by content, upright, metadata gone, variants stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from storefront.catalog.images import ImageRejected, store_image


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


def test_orientation_applied_and_metadata_stripped(tmp_path):
    stored = store_image(_jpeg_with_exif(), tmp_path)
    assert (stored.width, stored.height) == (800, 1200)  # rotated upright
    assert stored.widths == "320,800"
    for ext in ("webp", "jpg"):
        with Image.open(tmp_path / "products" / f"{stored.key}-800.{ext}") as variant:
            assert variant.size == (800, 1200)
            assert not variant.getexif()
            assert "exif" not in variant.info
            assert variant.getpixel((400, 50))[2] > 150  # the blue half is now on top


def test_png_with_transparency_becomes_white_backed(tmp_path):
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    stored = store_image(out.getvalue(), tmp_path)
    assert stored.widths == "320,400"
    with Image.open(tmp_path / "products" / f"{stored.key}-400.jpg") as variant:
        assert variant.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)


def _png_bomb(side: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side // 8 + 1) * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty"),
        (b"#!/bin/sh\nrm -rf /\n", "not a photo"),
        (_png_bomb(20_000), "too many pixels"),
        (b"GIF89a" + b"\x00" * 100, "not a photo"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 64, "HEIC photos"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, app, payload, message):
    with app.test_request_context("/?lang=en"), pytest.raises(ImageRejected) as caught:
        store_image(payload, tmp_path)
    assert message in str(caught.value.message)
    assert not (tmp_path / "products").exists() or not any((tmp_path / "products").iterdir())


def test_same_picture_is_stored_once(tmp_path):
    data = _jpeg_with_exif(400, 400, 1)
    assert store_image(data, tmp_path).key == store_image(data, tmp_path).key
    assert len(list((tmp_path / "products").iterdir())) == 4
