"""Reading a query: its terms, each with the index words that find it, and how well each hits.

A query is cut into terms: one word, or a phrase of the synonym table ("tea pot", "shop 12").
A piece matches when every term finds one of its index words: the word itself as a prefix
(so the till can type `brace`), one of its stems, or a synonym group's key. Common words
(de, the, من) are left out of queries that have other words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .documents import shop_word, split_document
from .language import stems, words
from .vocabulary import FORMS_PREFIX, LONGEST_PHRASE, SHOP_WORDS, STOPWORDS, synonyms

MAX_TERMS = 8
MAX_QUERY_CHARS = 400

# How well a term hits a piece, best first: the rule of catalog ranking (issue 12). A SKU or
# maker's name typed whole counts as a title word; the craft's names and other forms of names
# come after the title, descriptions last.
EXACT_TITLE, STEM_TITLE, PREFIX_TITLE, SYNONYM_TITLE, NAMES, ELSEWHERE = 8, 6, 5, 4, 2, 1


@dataclass(frozen=True)
class Term:
    """One thing a visitor typed: its normalised text and the index words that find it."""

    text: str
    exact: frozenset[str]
    stems: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    prefix: str | None = None

    @property
    def alternatives(self) -> frozenset[str]:
        """The whole index words that find this term (the prefix aside)."""
        return self.exact | self.stems | self.keys


@dataclass(frozen=True)
class ParsedQuery:
    """The terms of a query, and the words left out as too common."""

    terms: tuple[Term, ...]
    left_out: tuple[str, ...] = field(default=())


def word_term(word: str) -> Term:
    """The term of one normalised word: itself (also as a prefix), its stems, its keys."""
    keys = synonyms().concepts(word)
    # A stem that is a common word ("theire" → "their") would find every piece.
    found_stems = stems(word) - STOPWORDS
    if word.isdigit():
        # A bare number is also a shop of the activities zone.
        keys = keys | {shop_word(int(word))} if 1 <= int(word) <= 999 else keys
    return Term(word, frozenset({word}), found_stems, keys, prefix=word)


def parse_query(query: str) -> ParsedQuery:
    """Cut a query into terms (see the module docstring); an empty query has none."""
    found = words(query[:MAX_QUERY_CHARS])
    table = synonyms()
    terms: list[Term] = []
    left_out: list[str] = []
    i = 0
    while i < len(found) and len(terms) < MAX_TERMS:
        word = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else ""
        if word in SHOP_WORDS and nxt.isdigit():
            terms.append(Term(f"{word} {nxt}", frozenset({shop_word(int(nxt))})))
            i += 2
            continue
        for size in range(LONGEST_PHRASE, 1, -1):
            phrase = tuple(found[i : i + size])
            if len(phrase) == size and phrase in table.phrases:
                joined = "".join(phrase)
                keys = table.phrases[phrase] | table.concepts(joined)
                terms.append(Term(" ".join(phrase), frozenset({joined}), stems(joined), keys))
                i += size
                break
        else:
            terms.append(word_term(word))
            i += 1
    kept = [t for t in terms if t.text not in STOPWORDS]
    if kept:
        left_out = [t.text for t in terms if t.text in STOPWORDS]
        terms = kept
    return ParsedQuery(tuple(terms), tuple(left_out))


@dataclass(frozen=True)
class Head:
    """A document head read for ranking: its sections, and titles and names as one string
    each (" word word "), so that a prefix is found with one `in`."""

    titles: frozenset[str]
    title_stems: frozenset[str]
    title_keys: frozenset[str]
    makers: frozenset[str]
    names: frozenset[str]
    titles_text: str
    names_text: str


@lru_cache(maxsize=16384)
def read_head(search_text: str) -> Head:
    """The ranking view of a search_text's head (cached: heads repeat on every search)."""
    head, _body = split_document(search_text)
    titles, title_stems, title_keys, makers, others = (head + [set()] * 5)[:5]
    return Head(
        frozenset(titles),
        frozenset(title_stems),
        frozenset(title_keys),
        frozenset(makers),
        frozenset(makers | others),
        " " + " ".join(sorted(titles)),
        " " + " ".join(sorted(makers | others)),
    )


def hit(term: Term, head: Head) -> int:
    """How well a term hits a piece whose document head is `head` (see the levels above)."""
    if term.exact & (head.titles | head.makers):
        return EXACT_TITLE
    shared = term.keys & head.title_keys
    if (term.stems | term.exact) & head.title_stems or term.stems & head.titles:
        return STEM_TITLE
    if any(k.startswith(FORMS_PREFIX) for k in shared):
        return STEM_TITLE
    if term.prefix and " " + term.prefix in head.titles_text:
        return PREFIX_TITLE
    if shared:
        return SYNONYM_TITLE
    if term.alternatives & head.names or (term.prefix and " " + term.prefix in head.names_text):
        return NAMES
    return ELSEWHERE


def score(terms: tuple[Term, ...], search_text: str) -> int:
    """The relevance of a matching piece: the sum of how well each term hits its head."""
    head = read_head(search_text)
    return sum(hit(term, head) for term in terms)
