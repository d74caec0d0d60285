"""The deployed shop is the built package: its templates, translations and migrations ship."""

from __future__ import annotations

from pathlib import Path


def test_the_built_package_not_the_checkout_is_what_runs(deployed):
    imported = Path(deployed.python("import storefront; print(storefront.__file__)"))
    assert imported.is_relative_to(deployed.site), imported
    compiled = sorted((deployed.site / "storefront" / "translations").rglob("*.mo"))
    assert compiled, "the installed package has no compiled translation catalogs"


def test_served_pages_are_translated_from_the_installed_catalogs(visitor):
    shopper = visitor()
    for lang, heading in (("ar", "صنع يدوي في كلميم"), ("fr", "Fait main à Guelmim")):
        page = shopper.get(f"/?lang={lang}")
        assert page.status == 200 and heading in page.text, lang
        assert f'<html lang="{lang}"' in page.text
