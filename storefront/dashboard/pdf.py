"""HTML to PDF with WeasyPrint: the statement's own print stylesheet, fonts that write Arabic."""

from __future__ import annotations

# Noto Naskh Arabic (Debian's fonts-noto-core) shapes Arabic; DejaVu Sans covers the rest.
PDF_CSS = """
@page { size: A4; margin: 15mm 12mm; }
body { font-family: "Noto Naskh Arabic", "DejaVu Sans", sans-serif; font-size: 10pt; }
h1 { font-size: 14pt; margin: 0 0 4pt; }
table { width: 100%; border-collapse: collapse; margin-block: 6pt; }
th, td { border-bottom: 0.5pt solid #999; padding: 2pt 4pt; text-align: start; }
.num { text-align: end; white-space: nowrap; }
.muted { color: #555; }
"""


def statement_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (no network, no external files).

    WeasyPrint is imported here, not at start-up: it is large, and only this download needs it.
    """
    from PIL import ImageFile
    from weasyprint import CSS, HTML

    # Importing WeasyPrint switches Pillow, for the whole process, to decoding truncated images
    # (weasyprint/images.py). Photo uploads must refuse those (catalog.images), so Pillow's
    # default is put back; statements embed no images.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)])
