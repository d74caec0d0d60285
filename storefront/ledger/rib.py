"""Moroccan bank account numbers (RIB): 24 digits, checked with their two-digit key.

A RIB is bank (3) + city (3) + account (16) + key (2). The key makes the whole 24-digit number
divisible by 97: key = 97 − (first 22 digits × 100 mod 97), as Bank Al-Maghrib's standard RIB
defines it, so a mistyped digit or two swapped digits are caught.
"""

from __future__ import annotations

RIB_DIGITS = 24
_SEPARATORS = str.maketrans("", "", " -.")


def normalise_rib(raw: str) -> str:
    """The RIB without the spaces, dashes or dots people group it with."""
    return (raw or "").translate(_SEPARATORS)


def rib_key(first22: str) -> str:
    """The two-digit key of a RIB's first 22 digits (bank, city, account)."""
    return f"{97 - int(first22) * 100 % 97:02d}"


def is_valid_rib(rib: str) -> bool:
    """True for 24 ASCII digits whose last two are the key of the first 22."""
    return (
        len(rib) == RIB_DIGITS and rib.isascii() and rib.isdigit() and rib_key(rib[:22]) == rib[22:]
    )


def format_rib(rib: str) -> str:
    """The RIB grouped as printed on a cheque: 007 780 0001234567890123 45."""
    return f"{rib[:3]} {rib[3:6]} {rib[6:22]} {rib[22:]}" if len(rib) == RIB_DIGITS else rib
