"""`storefront i18n`: find untranslated strings, add them to a catalog, compile catalogs.

Catalogs live in translations/<area>/<lang>/LC_MESSAGES/messages.po, one area per part of
the shop; Flask-Babel merges them all at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .config import ROOT

TRANSLATED = ("ar", "fr")
KEYWORDS = {
    "_": None,
    "_l": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}
METHODS = [
    ("**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("templates/**.txt", "jinja2.ext:babel_extract"),
]
OPTIONS = {"templates/**.html": {"trimmed": "true"}, "templates/**.txt": {"trimmed": "true"}}


def extracted() -> dict[str, tuple[str, ...] | str]:
    """Every translatable message id in the code and templates (plural ids as tuples)."""
    found: dict[str, tuple[str, ...] | str] = {}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map=OPTIONS
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found[key] = message
    return found


def catalog_files(lang: str) -> Iterator[Path]:
    """Every area's .po file for one language."""
    yield from sorted((ROOT / "translations").glob(f"*/{lang}/LC_MESSAGES/messages.po"))


def read_catalog(path: Path, lang: str) -> Catalog:
    """Load one .po file."""
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def missing(lang: str) -> list[str]:
    """Message ids with no translation in any area of one language."""
    done: set[str] = set()
    for path in catalog_files(lang):
        for message in read_catalog(path, lang):
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if key and all(strings):
                done.add(key)
    return sorted(key for key in extracted() if key not in done)


@click.group()
def i18n() -> None:
    """Translation catalogs."""


@i18n.command("check")
def check_command() -> None:
    """List untranslated strings; exit 1 if there are any."""
    gaps = {lang: missing(lang) for lang in TRANSLATED}
    for lang, ids in gaps.items():
        for key in ids:
            click.echo(f"{lang}: {key}")
    if any(gaps.values()):
        raise SystemExit(1)
    click.echo("all strings translated")


@i18n.command("add-missing")
@click.argument("area")
def add_missing_command(area: str) -> None:
    """Append untranslated strings, with empty translations, to AREA's catalogs."""
    messages = extracted()
    for lang in TRANSLATED:
        path = ROOT / "translations" / area / lang / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = (
            read_catalog(path, lang)
            if path.exists()
            else Catalog(locale=lang, project="Guelmim crafts storefront", fuzzy=False)
        )
        for key in missing(lang):
            if key not in catalog:
                catalog.add(
                    messages[key], string=("", "") if isinstance(messages[key], tuple) else ""
                )
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=False)
        click.echo(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


@i18n.command("compile")
def compile_command() -> None:
    """Compile every .po file into the .mo file Flask-Babel loads."""
    for lang in TRANSLATED:
        for path in catalog_files(lang):
            catalog = read_catalog(path, lang)
            with path.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog)
    click.echo("compiled")
