"""Static files: content-hashed URLs served by WhiteNoise with far-future caching."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


def build_manifest(static_root: Path) -> dict[str, str]:
    """Map each file under static/ to a content-hashed name, e.g. css/app.1a2b3c4d5e6f.css."""
    manifest: dict[str, str] = {}
    for path in sorted(static_root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(static_root).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        stem, dot, ext = rel.rpartition(".")
        manifest[rel] = f"{stem}.{digest}.{ext}" if dot else f"{rel}.{digest}"
    return manifest


def init_assets(app: Flask) -> None:
    """Serve static/ through WhiteNoise; hashed names are immutable, plain ones cache briefly."""
    static_root = Path(app.static_folder or "static")
    manifest = build_manifest(static_root)
    wn = WhiteNoise(
        app.wsgi_app,
        root=str(static_root),
        prefix="static/",
        max_age=3600,
        immutable_file_test=lambda path, url: bool(HASHED.search(url)),
    )
    for rel, hashed in manifest.items():
        wn.add_file_to_dictionary(f"/static/{hashed}", str(static_root / rel))
    app.wsgi_app = wn  # type: ignore[method-assign]

    def asset_url(name: str) -> str:
        return f"/static/{manifest.get(name, name)}"

    app.jinja_env.globals["asset_url"] = asset_url
