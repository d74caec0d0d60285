"""Image pipeline: check by content, orient, make sRGB 8-bit, strip metadata, store, resize.

Uploads are never kept as sent: what a phone camera sends (with its GPS position in EXIF) is
decoded, turned upright, converted from its embedded colour profile to sRGB, brought to 8 bits
per channel, and re-encoded from pixels only, so no metadata survives. A request does that and
stores the result, the *normalised original* (`originals/<key>.jpg`, not served); the worker
then makes the resized variants from it (`products/<key>-<width>.webp` and `.jpg`), and until
it has, the ProductImage has no widths and pages show a placeholder of the picture's size.
`<key>` is the content hash of the normalised pixels, so one picture is stored once.

How much one request may decode is bounded twice: each picture by MAX_PIXELS (and Pillow's own
decompression-bomb guard, Image.MAX_IMAGE_PIXELS), and all the pictures of one request together
by a pixel budget (the UPLOAD_PIXEL_BUDGET setting) read from their headers before any is
decoded. Pictures are decoded one at a time, so a request's memory follows its largest picture:
at most PEAK_BYTES_PER_PIXEL bytes per pixel of it (tests/catalog/test_image_memory.py).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from storefront.errors import DomainError

log = logging.getLogger("storefront.images")

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# Pillow refuses images above this many pixels: a 20000 x 20000 "bomb" is 400 M pixels.
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
WIDTHS = (320, 800, 1600)
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
JPEG_QUALITY = 82
WEBP_QUALITY = 78
# The normalised original is kept as a JPEG this good, without chroma subsampling: the
# variants are made from it, so it should lose nothing visible.
ORIGINAL_QUALITY = 95
# The most memory normalising one picture may take, over what the process held before, in
# bytes per pixel of the picture. Pillow holds RGB in 4 bytes a pixel; decoding holds one copy,
# and turning it upright or converting its colour profile a second for a moment (8 bytes); the
# encoders' buffers and the rows being hashed are small beside them. Measured about 8.4 on a
# 40 M pixel phone photo with a rotation and a profile; tests/catalog/test_image_memory.py
# fails above this bound: 400 MB at MAX_PIXELS. The worker's variants take about 2.2 (it
# decodes the original at reduced scale), checked there too against WORKER_BYTES_PER_PIXEL.
PEAK_BYTES_PER_PIXEL = 10
WORKER_BYTES_PER_PIXEL = 3
# Rows hashed at a time, so the key never needs a second whole copy of the pixels as bytes.
HASH_ROWS = 256

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# The ICC colour spaces (header field, 4 characters) an image of each 8-bit mode can carry.
PROFILE_SPACES = {"RGB": "RGB ", "L": "GRAY", "CMYK": "CMYK"}
# Nominal largest sample of the modes Pillow holds in 32 bits: 16-bit data comes as "I"
# (0..65535), floating point as "F" (0.0..1.0). Wider ranges are scaled from their own extremes.
NOMINAL_MAX = {"I": 65535, "F": 1.0}


class ImageRejected(DomainError):
    """The upload is not an image we accept; the message says why."""

    status_code = 422


@dataclass(frozen=True)
class StoredImage:
    """What a ProductImage records about a stored picture; `widths` is "" until variants exist."""

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


def _open_lazily(data: bytes) -> Image.Image:
    """Open an upload reading its header only; ImageRejected for anything we do not accept."""
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
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(_l("The picture has too many pixels.")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(_l("This file is not a photo we can read.")) from exc
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageRejected(_l("The picture has too many pixels."))
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(_l("Only JPEG, PNG and WebP photos are accepted."))
    return image


def check_uploads(uploads: list[bytes], *, pixel_budget: int) -> list[tuple[int, int]]:
    """Check every upload from its header, before any is decoded; returns their (width, height).

    Raises ImageRejected naming the first bad file's problem, or, with status 413, when the
    pictures together have more than `pixel_budget` pixels (the UPLOAD_PIXEL_BUDGET setting).
    """
    sizes = []
    for data in uploads:
        with _open_lazily(data) as image:
            sizes.append(image.size)
    total = sum(width * height for width, height in sizes)
    if total > pixel_budget:
        raise ImageRejected(
            _l(
                "These photos have %(total)s million pixels together; one upload may have at "
                "most %(budget)s million. Send fewer photos at a time, or smaller ones.",
                total=_millions(total),
                budget=_millions(pixel_budget),
            ),
            status_code=413,
        )
    return sizes


def _millions(pixels: int) -> str:
    """Millions of pixels to one decimal, written the reader's way ("12.5", "12,5")."""
    return format_decimal(round(pixels / 1_000_000, 1))


def _decode(data: bytes) -> Image.Image:
    image = _open_lazily(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(_l("The picture has too many pixels.")) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(_l("This file is not a photo we can read.")) from exc
    return image


def _on_white(image: Image.Image) -> Image.Image:
    """Flatten transparency onto white: LA and La become L, the other alpha modes RGB."""
    grey = image.mode in ("LA", "La")
    rgba = image.convert("LA" if grey else "RGBA")
    del image
    background = Image.new("L", rgba.size, 255) if grey else Image.new("RGB", rgba.size, "white")
    background.paste(rgba.convert("L" if grey else "RGB"), mask=rgba.getchannel("A"))
    return background


def _scaled_to_8_bits(image: Image.Image) -> Image.Image:
    """An "I" or "F" image scaled linearly to "L": 0..NOMINAL_MAX maps to 0..255, rounded.

    A wider range (negative samples, or above the nominal largest) is widened just enough to
    hold every sample, so nothing is clipped: scaled, never cut off at 255.
    """
    low, high = image.getextrema()
    low = min(low, 0)
    high = max(high, NOMINAL_MAX[image.mode])
    scale = 255 / (high - low)
    # point() truncates towards zero; the half makes it round to the nearest level.
    return image.point(lambda v: v * scale - low * scale + 0.5).convert("L")


def to_8_bits(image: Image.Image) -> Image.Image:
    """The image as L, RGB or CMYK with 8 bits per channel, transparency flattened on white.

    16-bit grey (I;16, I;16B, ...) and 32-bit (I, F) samples are scaled, not clipped: a 16-bit
    grey of 32768 becomes 128. 16-bit PNG colour arrives from Pillow already scaled (its high
    byte). Palette images keep their transparency until it is flattened. Raises ValueError for
    a mode Pillow cannot convert.
    """
    mode = image.mode
    if mode in ("L", "RGB", "CMYK"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I;16"):
        return _scaled_to_8_bits(image.convert("I"))
    if mode in NOMINAL_MAX:
        return _scaled_to_8_bits(image)
    if mode == "P" and "transparency" not in image.info:
        return image.convert("RGB")
    if mode in ("LA", "La", "PA", "P", "RGBA", "RGBa"):
        return _on_white(image)
    if mode == "LAB":
        lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
        return ImageCms.profileToProfile(image, lab, SRGB, outputMode="RGB")
    return image.convert("RGB")  # RGBX, YCbCr, HSV


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """An 8-bit L, RGB or CMYK image converted from its ICC profile to sRGB, as RGB.

    ImageCms (LittleCMS) maps the colours with the perceptual intent (matrix profiles such as
    Adobe RGB or Display P3 fall back to relative colorimetric); colours outside sRGB are
    clipped. Without a profile the pixels are taken as sRGB already (the web's default). A
    profile that cannot be read, or that does not match the pixels (an RGB profile on a grey
    picture), is ignored the same way, with a warning in the log.
    """
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            space = source.profile.xcolor_space
            if PROFILE_SPACES.get(image.mode) != space:
                raise ImageCms.PyCMSError(f"a {space!r} profile on a {image.mode} picture")
            converted = ImageCms.profileToProfile(
                image,
                source,
                SRGB,
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            log.warning("colour profile ignored: %s", exc)
        else:
            return converted
    return image if image.mode == "RGB" else image.convert("RGB")


def normalise(image: Image.Image) -> Image.Image:
    """A decoded picture turned upright, in sRGB with 8 bits a channel, with no metadata.

    Takes ownership of `image` (it may be changed in place). Raises ImageRejected when its
    pixels cannot be converted.
    """
    icc_profile = image.info.get("icc_profile")
    ImageOps.exif_transpose(image, in_place=True)
    try:
        image = to_srgb(to_8_bits(image), icc_profile)
    except ValueError as exc:
        raise ImageRejected(_l("This file is not a photo we can read.")) from exc
    image.info = {}  # encoders would otherwise copy EXIF or the old profile from here
    return image


def pixel_key(image: Image.Image) -> str:
    """The content hash of an image's pixels (32 hex digits), read a band of rows at a time."""
    digest = hashlib.sha256()
    for top in range(0, image.height, HASH_ROWS):
        band = image.crop((0, top, image.width, min(image.height, top + HASH_ROWS)))
        digest.update(band.tobytes())
    return digest.hexdigest()[:32]


def variant_widths(width: int) -> list[int]:
    """The widths stored for an original of `width` pixels: the standard ones below it, or it."""
    smaller = [w for w in WIDTHS if w < width]
    if len(smaller) < len(WIDTHS):
        smaller.append(min(width, WIDTHS[-1]))
    return sorted(set(smaller))


def _save_atomic(image: Image.Image, path: Path, fmt: str, **options) -> None:
    """Write `path` once: encode to a private temporary name beside it, then rename."""
    if path.exists():
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        image.save(tmp, fmt, **options)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def original_path(media_root: str | Path, key: str) -> Path:
    """Where the normalised original of `key` is kept (outside the served products/ folder)."""
    return Path(media_root) / "originals" / f"{key}.jpg"


def store_original(image: Image.Image, media_root: str | Path) -> StoredImage:
    """Keep a normalised RGB image as the original its variants are made from; no variants yet."""
    key = pixel_key(image)
    path = original_path(media_root, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_atomic(image, path, "JPEG", quality=ORIGINAL_QUALITY, subsampling=0)
    return StoredImage(key, image.width, image.height, "")


def store_image(data: bytes, media_root: str | Path) -> StoredImage:
    """Check, clean and keep one uploaded photo; raises ImageRejected with a clear message.

    The variants are not made here: call make_variants(key) (the worker's job) for them.
    """
    return store_original(normalise(_decode(data)), media_root)


def store_uploads(
    uploads: list[bytes], media_root: str | Path, *, pixel_budget: int
) -> list[StoredImage]:
    """One request's photos: all checked from their headers first, then stored one at a time.

    Raises ImageRejected (see check_uploads) before anything is decoded or written.
    """
    check_uploads(uploads, pixel_budget=pixel_budget)
    return [store_image(data, media_root) for data in uploads]


def make_variants(key: str, media_root: str | Path) -> str:
    """Make the resized variants of a stored original; returns their widths ("320,800,1600").

    Files already there are kept. The JPEG is decoded at the smallest scale libjpeg offers
    that still holds the largest variant. Raises FileNotFoundError when the original is gone.
    """
    with Image.open(original_path(media_root, key)) as original:
        width, height = original.size
        largest = variant_widths(width)[-1]
        original.draft("RGB", (largest, max(1, round(height * largest / width))))
        original.load()
        image = original if original.mode == "RGB" else original.convert("RGB")
        return _write_variants_for(image, key, media_root, width, height)


def _write_variants_for(
    image: Image.Image, key: str, media_root: str | Path, width: int, height: int
) -> str:
    """Write the variants of an original of `width` x `height` from `image` (maybe smaller)."""
    folder = Path(media_root) / "products"
    folder.mkdir(parents=True, exist_ok=True)
    widths = variant_widths(width)
    for target in reversed(widths):
        paths = {ext: folder / f"{key}-{target}.{ext}" for ext in ("webp", "jpg")}
        if all(path.exists() for path in paths.values()):
            continue
        size = (target, max(1, round(height * target / width)))
        if image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        _save_atomic(image, paths["webp"], "WEBP", quality=WEBP_QUALITY, method=4)
        _save_atomic(
            image, paths["jpg"], "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
    return ",".join(map(str, widths))


def store_pixels(image: Image.Image, media_root: str | Path) -> StoredImage:
    """Store an RGB image's original and variants at once (demo data and scripts, not requests)."""
    stored = store_original(normalise(image), media_root)
    widths = make_variants(stored.key, media_root)
    return StoredImage(stored.key, stored.width, stored.height, widths)


def image_path(key: str, width: int, ext: str) -> str:
    """The media path of one variant, relative to MEDIA_ROOT."""
    return f"products/{key}-{width}.{ext}"
