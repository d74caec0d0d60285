"""Did you mean: when a query finds nothing, its unknown words are corrected or left out.

A word is *known* when one of its index words (or a word it is the prefix of) is in some
live piece's text. An unknown word is replaced by the closest surface word of the index or of
the synonym table, by Levenshtein distance (rapidfuzz): at most one edit for words of four or
five letters, two for six letters or more, none below. Ties go to the word in more pieces,
then to the alphabetically first. A word with no close word is left out.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import CatalogChange, Product, ProductStatus
from .documents import split_document
from .language import stems
from .query import ParsedQuery, Term, word_term
from .vocabulary import STOPWORDS, synonyms


def max_edits(word: str) -> int:
    """How many letters a typo may get wrong in a word of this length (the rule above)."""
    if len(word) >= 6:
        return 2
    return 1 if len(word) >= 4 else 0


@dataclass(frozen=True)
class Vocabulary:
    """The words of the live catalog's index: all of them, and the surfaces with counts."""

    indexed: frozenset[str]
    ordered: list[str]
    surfaces: dict[str, int]
    choices: list[str]
    # A stem of surface words → the most common of them: `neckalces` is 2 edits from the
    # stem `necklac` of `necklace`, 3 from the word.
    by_stem: dict[str, str]

    def knows(self, term: Term) -> bool:
        """Whether some live piece holds one of the term's index words."""
        if term.alternatives & self.indexed:
            return True
        if term.prefix:
            at = bisect.bisect_left(self.ordered, term.prefix)
            return at < len(self.ordered) and self.ordered[at].startswith(term.prefix)
        return False

    def closest(self, word: str) -> str | None:
        """The indexed word nearest to a typed one, within max_edits; None if none is."""
        limit = max_edits(word)
        if not limit:
            return None
        ranked = []
        for form in (word, *sorted(stems(word))):
            if form != word and form in self.by_stem and self.by_stem[form] != word:
                ranked.append((0, -self.surfaces[self.by_stem[form]], self.by_stem[form]))
            cutoff = min(limit, max_edits(form))
            if not cutoff:
                continue
            found = process.extract(
                form, self.choices, scorer=Levenshtein.distance, score_cutoff=cutoff, limit=None
            )
            for choice, dist, _k in found:
                near = choice if choice in self.surfaces else self.by_stem[choice]
                # A word much shorter or longer is another word, not a typo of this one.
                if near != word and near not in STOPWORDS and abs(len(near) - len(word)) <= 2:
                    ranked.append((dist, -self.surfaces[near], near))
        ranked.sort()
        # A word of the synonym table that no piece holds helps only if its group is indexed.
        return next((w for _d, _n, w in ranked if self.knows(word_term(w))), None)


def build_vocabulary(search_texts: list[str]) -> Vocabulary:
    """The vocabulary of some search documents, with the synonym table's words as surfaces."""
    indexed: set[str] = set()
    surfaces: Counter[str] = Counter()
    for search_text in search_texts:
        head, body = split_document(search_text)
        for part in (*head, *body):
            indexed |= part
        names = head[3] if len(head) > 3 else set()
        surfaces.update(head[0] | names | (body[0] if body else set()))
    for member in synonyms().members:
        surfaces.setdefault(member, 0)
    by_stem: dict[str, str] = {}
    for word, _count in sorted(surfaces.items(), key=lambda item: (-item[1], item[0])):
        for stem in stems(word):
            by_stem.setdefault(stem, word)
    choices = sorted(set(surfaces) | set(by_stem))
    return Vocabulary(frozenset(indexed), sorted(indexed), dict(surfaces), choices, by_stem)


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def vocabulary(session: Session) -> Vocabulary:
    """The live catalog's vocabulary, rebuilt when the catalog changed (catalog_changes)."""
    engine = session.get_bind()
    version = session.scalar(select(func.max(CatalogChange.id))) or 0
    with _lock:
        cached = _cache.get(engine)
    if cached is not None and cached[0] == version:
        return cached[1]
    texts = session.scalars(
        select(Product.search_text).where(Product.status == ProductStatus.ACTIVE)
    ).all()
    built = build_vocabulary(list(texts))
    with _lock:
        _cache[engine] = (version, built)
    return built


@dataclass(frozen=True)
class Fixed:
    """A corrected query: its terms, its text, whether a word changed, what was left out."""

    terms: tuple[Term, ...]
    text: str
    changed: bool
    left_out: tuple[str, ...]

    @property
    def query(self) -> ParsedQuery:
        """The corrected query as a parsed one."""
        return ParsedQuery(self.terms, self.left_out)


def correct(session: Session, terms: tuple[Term, ...]) -> Fixed | None:
    """Correct or leave out the unknown terms of a query; None when every term is known."""
    vocab = vocabulary(session)
    kept: list[Term] = []
    left_out: list[str] = []
    changed = False
    for term in terms:
        if vocab.knows(term):
            kept.append(term)
            continue
        near = vocab.closest(term.text) if " " not in term.text else None
        if near is None:
            left_out.append(term.text)
            continue
        kept.append(word_term(near))
        changed = True
    if not changed and not left_out:
        return None
    return Fixed(tuple(kept), " ".join(t.text for t in kept), changed, tuple(left_out))
