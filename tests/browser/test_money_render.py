"""Negative amounts as Chromium lays them out in right-to-left and left-to-right pages."""

from __future__ import annotations

import html

import pytest

from storefront.money import format_money

# Where each character of the amount lands on screen: its left and right edges, in pixels.
MEASURE = """
(el) => {
  const text = el.firstChild;
  const boxes = [];
  for (let i = 0; i < text.length; i++) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const box = range.getBoundingClientRect();
    boxes.push({ch: text.data[i], left: box.left, right: box.right, width: box.width});
  }
  return boxes;
}
"""


@pytest.mark.parametrize(("locale", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_minus_sign_sits_just_left_of_the_digits(new_page, locale, direction):
    page = new_page((600, 200))
    amount = format_money(-1250, locale)
    page.set_content(
        f'<!doctype html><html lang="{locale}" dir="{direction}"><body style="font: 20px'
        f' sans-serif"><p>{html.escape("x")} <span id="a">{html.escape(amount)}</span>'
        " x</p></body></html>"
    )
    boxes = page.eval_on_selector("#a", MEASURE)
    minus = next(b for b in boxes if b["ch"] == "-")
    digits = [b for b in boxes if b["ch"].isdigit()]
    first = min(digits, key=lambda b: b["left"])
    # On screen the sign is left of every digit and touches the leftmost one: "-12,50".
    assert minus["right"] <= first["left"] + 0.5
    assert first["left"] - minus["right"] < 2
    assert [b["ch"] for b in sorted(digits, key=lambda b: b["left"])] == list("1250")


def test_a_bare_hyphen_would_detach_in_arabic(new_page):
    # The reason for the mark: without it the same text shows the sign after the digits.
    page = new_page((600, 200))
    page.set_content(
        '<!doctype html><html lang="ar" dir="rtl"><body><p><span id="a">'
        "\u200f-12,50\u00a0د.م.\u200f</span></p></body></html>"
    )
    boxes = page.eval_on_selector("#a", MEASURE)
    minus = next(b for b in boxes if b["ch"] == "-")
    digits = [b for b in boxes if b["ch"].isdigit()]
    assert minus["left"] >= max(b["right"] for b in digits) - 0.5
