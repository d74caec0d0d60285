"""Money: integer minor units, parsing and rounding."""

import re
from pathlib import Path

import pytest

from storefront.money import (
    Money,
    bps_of,
    format_money,
    format_percent,
    parse_amount,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12", 1200),
        ("1250", 125000),
        ("12.5", 1250),
        ("12,5", 1250),
        ("12,50", 1250),
        ("1250.5", 125050),
        ("1,25", 125),
        (" 1 250,00 ", 125000),
        ("1 250,50", 125050),
        ("1\u00a0250,50", 125050),
        ("1\u202f250,50", 125050),
        ("1\u202f250\u202f000", 100_000_000 + 25_000_000),
        ("1.250,50", 125050),
        ("1,250.50", 125050),
        ("1.250.000,05", 125_000_005),
        ("1,250,000", 125_000_000),
        # One separator followed by exactly three digits groups thousands.
        ("1.250", 125000),
        ("1,250", 125000),
        ("12.505", 1250500),
        ("0.05", 5),
        (".5", 50),
        ("0", 0),
        ("\u0661\u0662\u0665\u0660\u066b\u0665\u0660", 125050),  # ١٢٥٠٫٥٠
        ("\u0661\u066c\u0662\u0665\u0660", 125000),  # ١٬٢٥٠
        ("\u0661\u066c\u0662\u0665\u0660\u066b\u0665", 125050),  # ١٬٢٥٠٫٥
        ("\u0661\u0662,\u0665", 1250),  # Arabic-Indic digits, Latin decimal comma
        ("\u06f1\u06f2\u06f5\u06f0", 125000),  # Eastern Arabic-Indic ۱۲۵۰
        ("999999999.99", 999_999_999_99),
    ],
)
def test_parse_amount(text, minor):
    assert parse_amount(text) == minor


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        ".",
        "abc",
        "-5",
        "+5",
        "12.",
        "1.2.3",
        "1e5",
        "12,5,0",
        "1,250,50",
        "1.234,567",  # three decimals
        "1234.567",
        "0.500",  # a group separator after a leading zero
        "1 2",
        "12 50",
        "1.250.5",
        "1٬250.5",  # Arabic separator with a Latin one
        "١٬٢٥٠.٥",
        "\u0661\u0662\u066b\u0665\u0665\u0665",  # three decimals
        "1\u0662",  # two scripts
        "\u0661\u06f2",
        "\uff11\uff12",  # fullwidth digits
        "\u0967\u0968",  # Devanagari digits
        "²",
        "1_000",
        "9999999999",
        "1000000000",
        "1" + "0" * 5000,
    ],
)
def test_parse_amount_refuses(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_amount_bound():
    assert parse_amount("100", high=10000) == 10000
    with pytest.raises(ValueError):
        parse_amount("100,01", high=10000)


@pytest.mark.parametrize(
    ("minor", "bps", "expected"),
    [(10000, 1000, 1000), (12345, 1000, 1235), (12344, 1000, 1234), (1, 5000, 1), (0, 1000, 0)],
)
def test_bps_rounds_half_up_to_the_centime(minor, bps, expected):
    assert bps_of(minor, bps) == expected


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(100) + Money(100, "eur")
    assert (Money(250) * 3 - Money(50)).minor == 700


@pytest.mark.parametrize(
    ("text", "bps"),
    [("12", 1200), ("12,5", 1250), ("12.5", 1250), ("0", 0), ("0,01", 1), ("100", 10000),
     (" 12 % ", 1200), ("12\u066b5", 1250)],
)  # fmt: skip
def test_parse_percent_gives_exact_basis_points(text, bps):
    assert parse_percent(text) == bps


@pytest.mark.parametrize("text", ["", "abc", "12,555", "100,01", "-1", "1e2", "12.", ",5"])
def test_parse_percent_refuses_what_it_would_have_to_guess(text):
    with pytest.raises(ValueError):
        parse_percent(text)


def test_format_percent_per_locale():
    assert [format_percent(1250, lang) for lang in ("fr", "ar", "en")] == ["12,5", "12,5", "12.5"]
    assert format_percent(1200) == "12" and format_percent(725) == "7,25"


LRM, RLM = "\u200e", "\u200f"


@pytest.mark.parametrize(
    ("minor", "locale", "expected"),
    [
        (-1250, "ar", f"{RLM}{LRM}-12,50\xa0د.م.{RLM}"),
        (-1250, "fr", "-12,50\xa0MAD"),
        (-1250, "en", "-12.50\xa0MAD"),
        (1250, "ar", f"{RLM}12,50\xa0د.م.{RLM}"),
        (1250, "fr", "12,50\xa0MAD"),
        (1250, "en", "12.50\xa0MAD"),
        (-125000000, "ar", f"{RLM}{LRM}-1.250.000,00\xa0د.م.{RLM}"),
        (-125000000, "fr", "-1\u202f250\u202f000,00\xa0MAD"),
        (-125000000, "en", "-1,250,000.00\xa0MAD"),
        (-1, "ar", f"{RLM}{LRM}-0,01\xa0د.م.{RLM}"),
        (0, "ar", f"{RLM}0,00\xa0د.م.{RLM}"),
        (-5, "en", "-0.05\xa0MAD"),
        (-1250, "de", "-12,50\xa0MAD"),  # any other code reads as French
    ],
)
def test_format_money_exact_strings_signed(minor, locale, expected):
    assert format_money(minor, locale) == expected
    assert Money(minor).format(locale) == expected


def test_arabic_minus_is_tied_to_the_digits_by_the_cldr_mark():
    # The sign is CLDR's ar_MA minus (LRM + "-"), straight before the digits, never after them.
    text = format_money(-1250, "ar")
    assert f"{LRM}-12,50" in text and "12,50-" not in text and text.count("-") == 1


TEMPLATES = Path(__file__).resolve().parents[1] / "storefront" / "templates"
# A sign written before a formatted amount ("-{{ x|money }}", "− {{ fmt(x) }}", "'-' ~ ...").
GLUED_SIGN = re.compile(r"""[-−‐–]\s*\{\{[^}]*(\|money|fmt\()|["']-["']\s*~""")


def test_templates_format_negative_amounts_whole():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.*")
        for number, text in enumerate(path.read_text().splitlines(), 1)
        if GLUED_SIGN.search(text)
    ]
    assert offenders == []
