"""Image pipeline: check by content, orient, strip metadata, re-encode, store resized variants.

Originals are never kept: what a phone camera sends (with its GPS position in EXIF) is decoded,
turned upright, and re-encoded from pixels only, so no metadata survives. Variants are named by
the content hash of the upright pixels: `<key>-<width>.webp` and `<key>-<width>.jpg`.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from storefront.errors import DomainError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# Pillow refuses images above this many pixels: a 20000 x 20000 "bomb" is 400 M pixels.
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
WIDTHS = (320, 800, 1600)
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
JPEG_QUALITY = 82
WEBP_QUALITY = 78


class ImageRejected(DomainError):
    """The upload is not an image we accept; the message says why."""

    status_code = 422


@dataclass(frozen=True)
class StoredImage:
    """What a ProductImage records about a stored picture."""

    key: str
    width: int
    height: int
    widths: str


# ISO media "ftyp" brands of HEIC/HEIF photos (iPhones' default format) and of AVIF.
HEIF_BRANDS = (
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"mif1",
    b"msf1",
    b"heim",
    b"heis",
    b"avif",
    b"avis",
)


def _open_checked(data: bytes) -> Image.Image:
    if not data:
        raise ImageRejected(_l("The file is empty."))
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        raise ImageRejected(
            _l(
                "HEIC photos are not accepted yet. On an iPhone, choose Settings › Camera › "
                "Formats › Most Compatible, or send the photo as JPEG."
            )
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(_l("The photo is larger than 15 MB."), status_code=413)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            width, height = image.size
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise ImageRejected(_l("The picture has too many pixels."))
            if fmt not in ACCEPTED_FORMATS:
                raise ImageRejected(_l("Only JPEG, PNG and WebP photos are accepted."))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(_l("The picture has too many pixels.")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(_l("This file is not a photo we can read.")) from exc
    return image


def _upright_rgb(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def variant_widths(width: int) -> list[int]:
    """The widths stored for an original of `width` pixels: the standard ones below it, or it."""
    smaller = [w for w in WIDTHS if w < width]
    if len(smaller) < len(WIDTHS):
        smaller.append(min(width, WIDTHS[-1]))
    return sorted(set(smaller))


def _write_atomic(path: Path, payload: bytes) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)


def store_image(data: bytes, media_root: str | Path) -> StoredImage:
    """Check, clean and store an uploaded photo; raises ImageRejected with a clear message."""
    image = _upright_rgb(_open_checked(data))
    return store_pixels(image, media_root)


def store_pixels(image: Image.Image, media_root: str | Path) -> StoredImage:
    """Store an RGB image's variants under media_root/products; files are written only once."""
    key = hashlib.sha256(image.tobytes()).hexdigest()[:32]
    folder = Path(media_root) / "products"
    folder.mkdir(parents=True, exist_ok=True)
    widths = variant_widths(image.width)
    for width in widths:
        targets = [folder / f"{key}-{width}.{ext}" for ext in ("webp", "jpg")]
        if all(path.exists() for path in targets):
            continue
        if image.width == width:
            resized = image
        else:
            height = max(1, round(image.height * width / image.width))
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for ext, fmt, options in (
            ("webp", "WEBP", {"quality": WEBP_QUALITY, "method": 4}),
            ("jpg", "JPEG", {"quality": JPEG_QUALITY, "optimize": True, "progressive": True}),
        ):
            path = folder / f"{key}-{width}.{ext}"
            if path.exists():
                continue
            buffer = io.BytesIO()
            resized.save(buffer, fmt, **options)
            _write_atomic(path, buffer.getvalue())
    return StoredImage(key, image.width, image.height, ",".join(map(str, widths)))


def image_path(key: str, width: int, ext: str) -> str:
    """The media path of one variant, relative to MEDIA_ROOT."""
    return f"products/{key}-{width}.{ext}"
