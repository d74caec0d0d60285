"""Search words: normalising, Arabic light stemming, French and English Snowball stems.

The same functions make the index and read the query, so the two always agree. A word's
*surface* is its normalised form (lower case, accents and Arabic diacritics dropped, letter
variants folded); its *stems* are what each language's stemmer makes of it: the French and
English Snowball stemmers for Latin script, a light stemmer for Arabic script.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Alef with hamza or madda, alef maqsura and teh marbuta are folded; tatweel carries nothing.
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
# Letters and digits; "_" separates, as it does for FTS5 and PostgreSQL's parser.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LETTERS_OR_DIGITS = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
MAX_TERM_LENGTH = 40

# Arabic light stemming after Larkey, Ballesteros and Connell's "light10" (SIGIR 2002), on
# folded text (so ة is ه and ى is ي): a leading و, then one article or particle+article, then
# suffixes, each only while enough of the word is left to stay a word.
_AR_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")

_FRENCH = snowballstemmer.stemmer("french")
_ENGLISH = snowballstemmer.stemmer("english")


def normalise(value: str) -> str:
    """Lower-case, strip accents and Arabic diacritics, fold letter variants."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_ARABIC_FOLD)


def words(value: str) -> list[str]:
    """The normalised words of a text, each cut to MAX_TERM_LENGTH characters."""
    return [w[:MAX_TERM_LENGTH] for w in _WORD.findall(normalise(value))]


def is_arabic(word: str) -> bool:
    """Whether a word is written in Arabic script."""
    return bool(_ARABIC.search(word))


@lru_cache(maxsize=65536)
def arabic_stem(word: str) -> str:
    """The light stem of a normalised Arabic word: article, particles and suffixes removed.

    `الفضة` → `فض`, `والقلادة` → `قلاد`, `بالمينا` → `مينا`. Words of three letters or fewer are
    left whole; broken plurals (زرابي, قلائد) are the synonym table's work, not the stemmer's.
    """
    if len(word) >= 4 and word.startswith("و"):
        word = word[1:]
    for article in _AR_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            word = word[len(article) :]
            break
    for suffix in _AR_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def stems(word: str) -> frozenset[str]:
    """Every language's stem of one normalised word, the word itself left out.

    Arabic script gets the light stem; other words the French and the English Snowball stem
    (the query's language is unknown, and shop texts mix them). Numbers have none.
    """
    if word.isdigit():
        return frozenset()
    if is_arabic(word):
        found = {arabic_stem(word)}
    else:
        found = {_FRENCH.stemWord(word), _ENGLISH.stemWord(word)}
    found.discard(word)
    found.discard("")
    return frozenset(found)


def code_parts(value: str) -> list[str]:
    """A SKU's searchable pieces: its words, their letter and digit runs, and all of it joined.

    `GLM-012-00034` → glm, 012, 00034, glm01200034; so `00034` or `glm01200034` both find it.
    """
    parts = words(value)
    runs = [run for part in parts for run in _LETTERS_OR_DIGITS.findall(part)]
    return list(dict.fromkeys([*parts, *runs, "".join(parts)]))
