"""The search document of a piece: what each of its texts is indexed under, in sections.

`products.search_text` holds two halves split by HALF (`~~`), each in three sections split by
SECTION (`~`); FTS5 and PostgreSQL's parser read both marks as spaces:

    title words ~ title stems ~ title keys ~ SKU and maker words ~ craft words, name stems, keys
    ~~ other words ~ other stems ~ other keys

The first half is the *head*, the only part ranking reads: the titles in every language, the
SKU's parts and the maker's names, then the craft's names, the stems and keys of all these
names and the shop (`zzshop12`). The second half holds the descriptions and materials.
*Keys* are the synonym table's group words. A word already in an earlier section is not
repeated.
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
    """The synonym keys of a run of words: phrases of up to three words first, then words.

    A word inside a phrase of the table takes the phrase's keys only: "tapis de palme" is a
    mat, not a rug, though "tapis" alone is a rug.
    """
    table = synonyms()
    keys: list[str] = []
    i = 0
    while i < len(found):
        for size in range(LONGEST_PHRASE, 1, -1):
            phrase = table.phrases.get(tuple(found[i : i + size]))
            if phrase:
                keys += sorted(phrase)
                i += size
                break
        else:
            keys += sorted(table.concepts(found[i]))
            i += 1
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
    seen: set[str] = set()
    head = _sections(texts.titles, seen)
    code = [w for w in code_parts(texts.sku) if w not in seen]
    seen.update(code)
    makers, maker_stems, maker_keys = _sections(texts.maker_names, seen)
    crafts, craft_stems, craft_keys = _sections(texts.craft_names, seen)
    others = [*crafts, *maker_stems, *craft_stems, *maker_keys, *craft_keys]
    if texts.shop_number is not None:
        others.append(shop_word(texts.shop_number))
    head += [[*code, *makers], others]
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
