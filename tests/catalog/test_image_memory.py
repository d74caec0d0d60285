"""The memory of the largest upload a request accepts, measured in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from storefront.catalog.images import MAX_PIXELS, PEAK_BYTES_PER_PIXEL, WORKER_BYTES_PER_PIXEL
from storefront.config import Config
from tests.catalog.icc import P3_PRIMARIES, colorants_from_primaries, rgb_profile

ROOT = Path(__file__).resolve().parents[2]
# Runs the request's or the worker's part in a fresh interpreter and prints how far its peak
# resident memory grew, from after the imports and the files are read. The peak is Linux's
# VmHWM: getrusage's ru_maxrss would not do, as a child starts with its parent's high mark.
MEASURE = """
import json, re, sys
from pathlib import Path
from storefront.catalog.images import make_variants, store_uploads

def peak():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) * 1024

media, part, budget, *paths = sys.argv[1:]
if part == "request":
    uploads = [Path(p).read_bytes() for p in paths]
    before = peak()
    stored = store_uploads(uploads, media, pixel_budget=int(budget))
    print(json.dumps({"grown": peak() - before, "keys": [s.key for s in stored]}))
else:
    before = peak()
    widths = [make_variants(key, media) for key in paths]
    print(json.dumps({"grown": peak() - before, "widths": widths}))
"""


def _measure(part: str, media: Path, budget: int, args: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(media), part, str(budget), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def worst_upload(tmp_path_factory) -> list[Path]:
    """The default budget filled by its worst case: the largest picture accepted, sideways in
    EXIF and in Display P3, beside a see-through PNG with a profile for the rest."""
    folder = tmp_path_factory.mktemp("worst-upload")
    p3 = rgb_profile("P3", *colorants_from_primaries(P3_PRIMARIES), gamma=2.2)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: turning it upright takes a second copy
    largest = Image.new("RGB", (8000, 5000), (200, 80, 60))
    assert largest.width * largest.height == MAX_PIXELS
    largest.save(folder / "largest.jpg", "JPEG", exif=exif, icc_profile=p3, quality=90)
    del largest
    rest = Config(folder).UPLOAD_PIXEL_BUDGET - MAX_PIXELS
    side = Image.new("RGBA", (5000, rest // 5000), (10, 200, 30, 128))
    side.save(folder / "rest.png", "PNG", icc_profile=p3)
    return [folder / "largest.jpg", folder / "rest.png"]


def test_the_largest_upload_stays_within_the_documented_memory(worst_upload, tmp_path):
    budget = Config(tmp_path).UPLOAD_PIXEL_BUDGET
    sizes = []
    for path in worst_upload:
        with Image.open(path) as image:
            sizes.append(image.width * image.height)
    assert sum(sizes) == budget  # exactly the most one request accepts

    request = _measure("request", tmp_path, budget, [str(p) for p in worst_upload])
    assert request["grown"] <= PEAK_BYTES_PER_PIXEL * MAX_PIXELS  # 400 MB
    assert request["grown"] >= 4 * MAX_PIXELS  # it did decode the largest picture
    assert not (tmp_path / "products").exists()

    worker = _measure("worker", tmp_path, budget, request["keys"])
    assert worker["widths"] == ["320,800,1600", "320,800,1600"]
    assert worker["grown"] <= WORKER_BYTES_PER_PIXEL * MAX_PIXELS  # 120 MB
