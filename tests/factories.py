"""Plain factory functions: make_<thing>(session, **overrides) adds, flushes and returns it."""

from __future__ import annotations

import itertools
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.accounts.models import User
from storefront.artisans.models import Artisan, Shop
from storefront.catalog.models import Craft, Product, ProductStatus
from storefront.catalog.search import refresh_search

_seq = itertools.count(1)


def make_craft(session: Session, **overrides) -> Craft:
    """A craft; pottery unless told otherwise."""
    n = next(_seq)
    values = dict(
        slug=f"craft-{n}",
        name_ar=f"حرفة {n}",
        name_fr=f"Artisanat {n}",
        name_en=f"Craft {n}",
        colour="c1",
        position=n,
    )
    values.update(overrides)
    craft = Craft(**values)
    session.add(craft)
    session.flush()
    return craft


def make_shop(session: Session, **overrides) -> Shop:
    """A shop with the next free number."""
    if "craft" not in overrides and "craft_id" not in overrides:
        overrides["craft"] = make_craft(session)
    if "number" not in overrides:
        used = set(session.scalars(select(Shop.number)))
        overrides["number"] = min(set(range(1, 101)) - used)
    values = dict(
        kind="productive",
        name=f"Shop {overrides['number']}",
        map_row=1,
        map_col=1,
        opens_at=time(9),
        closes_at=time(19),
    )
    values.update(overrides)
    shop = Shop(**values)
    session.add(shop)
    session.flush()
    return shop


def make_artisan(session: Session, **overrides) -> Artisan:
    """An artisan with a shop of their own."""
    n = next(_seq)
    if "shop" not in overrides and "shop_id" not in overrides:
        overrides["shop"] = make_shop(
            session, **({"craft": overrides["craft"]} if "craft" in overrides else {})
        )
    if "craft" not in overrides and "craft_id" not in overrides:
        overrides["craft"] = overrides["shop"].craft
    values = dict(slug=f"artisan-{n}", name=f"Artisan {n}", name_ar=f"الحرفي {n}")
    values.update(overrides)
    artisan = Artisan(**values)
    session.add(artisan)
    session.flush()
    return artisan


def make_product(session: Session, **overrides) -> Product:
    """An active product with stock 1, priced 250.00 MAD."""
    n = next(_seq)
    if "artisan" not in overrides and "artisan_id" not in overrides:
        overrides["artisan"] = make_artisan(session)
    if "craft" not in overrides and "craft_id" not in overrides:
        overrides["craft"] = overrides["artisan"].craft
    values = dict(
        slug=f"piece-{n}",
        sku=f"GLM-T{n:05d}",
        title_ar=f"قطعة {n}",
        title_fr=f"Pièce {n}",
        title_en=f"Piece {n}",
        price_minor=25000,
        stock=1,
        status=ProductStatus.ACTIVE,
    )
    values.update(overrides)
    product = Product(**values)
    session.add(product)
    session.flush()
    refresh_search(session, [product])
    return product


def make_user(session: Session, **overrides) -> User:
    """A staff user with the password 'correct horse battery' (hash set by accounts, if built)."""
    n = next(_seq)
    values = dict(email=f"user{n}@example.com", role="staff", name=f"User {n}")
    values.update(overrides)
    password = values.pop("password", "correct horse battery")
    user = User(**values)
    try:
        from storefront.accounts.services import hash_password
    except ImportError:
        user.password_hash = None
    else:
        user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    return user


# A valid online checkout form (pickup); copy and change it per test.
CHECKOUT_FORM = {
    "checkout_key": "k" * 24,
    "email": "tourist@example.com",
    "name": "Camille Martin",
    "phone": "+33 6 12 34 56 78",
    "delivery": "pickup",
}
