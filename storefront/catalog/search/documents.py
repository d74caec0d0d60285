"""The search document of a piece: what each of its texts is indexed under, in sections.

`products.search_text` holds two halves split by HALF (`~~`), each in three sections split by
SECTION (`~`); FTS5 and PostgreSQL's parser read both marks as spaces:

    title words ~ title stems ~ title keys ~~ other words ~ other stems ~ other keys

The first half is the *head*: the titles in every language, the SKU's parts, the maker's
names, the shop (`zzshop12`) and the craft's names; ranking reads only the head. The second
half holds the descriptions and materials. *Keys* are the synonym table's group words.
A word already in an earlier section is not repeated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .language import code_parts, stems, words
from .vocabulary import CONCEPT_PREFIX, LONGEST_PHRASE, synonyms

SECTION = " ~ "
HALF = " ~~ "


def shop_word(number: int) -> str:
    """The index word of a shop of the activities zone: `zzshop12`."""
    return f"{CONCEPT_PREFIX}shop{number}"


@dataclass(frozen=True)
class DocumentTexts:
    """A piece's texts as the index needs them; None or "" where a text is missing."""

    sku: str
    titles: tuple[str | None, ...]
    details: tuple[str | None, ...]
    maker_names: tuple[str | None, ...]
    craft_names: tuple[str | None, ...]
    shop_number: int | None = None


def _keys(found: list[str]) -> list[str]:
    """The synonym keys of a run of words, single words and phrases of up to three."""
    table = synonyms()
    keys: list[str] = []
    for i, word in enumerate(found):
        keys += sorted(table.concepts(word))
        for size in range(2, LONGEST_PHRASE + 1):
            keys += sorted(table.phrases.get(tuple(found[i : i + size]), ()))
    return keys


def _sections(texts: Iterable[str | None], seen: set[str]) -> list[list[str]]:
    found: list[str] = []
    keys: list[str] = []
    for text in texts:
        if text:
            run = words(text)
            found += run
            keys += _keys(run)
    stemmed = [s for w in found for s in sorted(stems(w))]
    out = []
    for part in (found, stemmed, keys):
        kept = [w for w in dict.fromkeys(part) if w not in seen]
        seen.update(kept)
        out.append(kept)
    return out


def build_document(texts: DocumentTexts) -> str:
    """The search_text of one piece (see the module docstring for its layout)."""
    seen: set[str] = set(code_parts(texts.sku))
    head = _sections([*texts.titles, *texts.maker_names, *texts.craft_names], seen)
    head[0] = [*code_parts(texts.sku), *head[0]]
    if texts.shop_number is not None:
        head[2].append(shop_word(texts.shop_number))
    body = _sections(texts.details, seen)
    return HALF.join(SECTION.join(" ".join(part) for part in half) for half in (head, body))


def split_document(search_text: str) -> tuple[list[set[str]], list[set[str]]]:
    """The sections of a search_text as sets of words: (head sections, body sections)."""
    head, _, body = search_text.partition(HALF.strip())
    halves = []
    for half in (head, body):
        parts = half.split(SECTION.strip())
        halves.append([set(p.split()) for p in parts])
    return halves[0], halves[1]
