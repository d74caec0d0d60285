"""Imports every domain package's models so Alembic and create_all see the whole schema."""

import importlib
import importlib.util

from storefront import audit  # noqa: F401

PACKAGES = (
    "artisans",
    "catalog",
    "accounts",
    "orders",
    "ledger",
    "cart",
    "checkout",
    "mail",
    "showroom",
    "dashboard",
    "admin",
    "centre",
)

for _package in PACKAGES:
    if importlib.util.find_spec(f"storefront.{_package}.models") is not None:
        importlib.import_module(f"storefront.{_package}.models")
