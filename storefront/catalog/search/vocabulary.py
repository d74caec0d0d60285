"""The curated synonym table (synonyms.toml) and the words a query may leave out."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .language import stems, words

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
# Index words that name a group: "zz" and the group's ASCII key, a word no text holds; "zy"
# for a group of forms of one word (plurals, spellings), which rank with stems.
CONCEPT_PREFIX = "zz"
FORMS_PREFIX = "zy"
_KEY = re.compile(r"^[a-z]+$")
LONGEST_PHRASE = 3

# Words too common to narrow a search, normalised; dropped from queries of other words.
STOPWORDS = frozenset(
    words(
        "a an and are at by every for from in is it its of on or the their this to with "
        "à au aux avec ce chaque d dans de des du en est et l la le les par pour sa ses son "
        "sur un une "
        "من في على مع عن الى إلى و كل"
    )
)
# "shop 12", "boutique 12", "محل 12": the pieces of that shop of the activities zone.
SHOP_WORDS = frozenset(words("shop stall boutique magasin atelier محل متجر دكان حانوت"))


@dataclass(frozen=True)
class Synonyms:
    """Each group's search key by the forms of its words: single words and phrases.

    `single` maps a normalised word or any of its stems to the keys of the groups it is in;
    `phrases` maps a tuple of two or three normalised words to keys; `members` is every word
    of the table, for "did you mean".
    """

    single: dict[str, frozenset[str]]
    phrases: dict[tuple[str, ...], frozenset[str]]
    members: frozenset[str]

    def concepts(self, word: str) -> frozenset[str]:
        """The index words of the groups that a normalised word (or one of its stems) is in."""
        if word in STOPWORDS:
            return frozenset()
        found = set(self.single.get(word, ()))
        for stem in stems(word):
            found |= self.single.get(stem, frozenset())
        return frozenset(found)


def parse_synonyms(source: str) -> Synonyms:
    """Read a synonym table in the format of synonyms.toml.

    A group with `forms = true` lists forms of one word (a broken plural and its singular, two
    spellings): its key ranks as a stem does, not as a synonym. Raises ValueError for a key
    that is not lower-case ASCII letters, a repeated key, or a group with fewer than two words.
    """
    single: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    members: set[str] = set()
    seen: set[str] = set()
    for group in tomllib.loads(source).get("group", []):
        key = group.get("key", "")
        if not _KEY.match(key) or key in seen:
            raise ValueError(f"bad or repeated synonym key {key!r}")
        seen.add(key)
        if len(group.get("words", [])) < 2:
            raise ValueError(f"synonym group {key!r} needs two words or more")
        concept = (FORMS_PREFIX if group.get("forms") else CONCEPT_PREFIX) + key
        for member in group["words"]:
            parts = words(member)
            members.update(parts)
            if len(parts) == 1:
                for form in {parts[0], *stems(parts[0])}:
                    single.setdefault(form, set()).add(concept)
            elif 1 < len(parts) <= LONGEST_PHRASE:
                phrases.setdefault(tuple(parts), set()).add(concept)
            else:
                raise ValueError(f"synonym {member!r} is longer than {LONGEST_PHRASE} words")
    return Synonyms(
        {k: frozenset(v) for k, v in single.items()},
        {k: frozenset(v) for k, v in phrases.items()},
        frozenset(members),
    )


@cache
def synonyms() -> Synonyms:
    """The shop's synonym table, read once per process."""
    return parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8"))
