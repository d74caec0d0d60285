"""HEIC (the iPhone's own format) is refused with a message saying what to do."""

from __future__ import annotations

import struct

import pytest

from storefront.catalog.images import ImageRejected, store_image


def _heic_header(brand: bytes) -> bytes:
    box = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x00\x00" + b"mif1" + brand
    return box + b"\x00" * 200


@pytest.mark.parametrize("brand", [b"heic", b"mif1", b"avif"])
def test_heic_and_avif_are_refused_clearly(app, tmp_path, brand):
    with app.test_request_context("/?lang=fr"), pytest.raises(ImageRejected) as caught:
        store_image(_heic_header(brand), tmp_path)
    message = str(caught.value.message)
    assert "HEIC" in message and "JPEG" in message
    assert not (tmp_path / "products").exists()


def test_other_iso_media_is_just_not_a_photo(app, tmp_path):
    with app.test_request_context("/?lang=en"), pytest.raises(ImageRejected) as caught:
        store_image(_heic_header(b"isom"), tmp_path)
    assert "not a photo we can read" in str(caught.value.message)
