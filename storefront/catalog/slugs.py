"""URL slugs."""

import re
import unicodedata


def slugify(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug of a Latin-script text ('Théière ciselée' → 'theiere-ciselee')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower())[:max_length].strip("-")
