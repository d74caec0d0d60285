"""Managers' changes to artisans' profiles; each is audited in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan, Shop
from storefront.audit import record_audit
from storefront.catalog.models import Product
from storefront.catalog.search import refresh_search
from storefront.catalog.slugs import slugify

PROFILE_FIELDS = (
    "name",
    "name_ar",
    "bio_ar",
    "bio_fr",
    "bio_en",
    "commission_bps",
    "active",
    "rib",
)


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name, max_length=70) or "artisan"
    slug, n = base, 1
    while session.scalar(select(Artisan.id).where(Artisan.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def save_artisan(
    session: Session, artisan: Artisan | None, values: dict, *, shop: Shop, user_id: int
) -> Artisan:
    """Create (artisan None) or change an artisan's profile, shop, commission and status.

    A new artisan works the shop's craft. A new commission applies to sales from then on (each
    order line keeps the rate it was sold at). When the name or the shop changes, the artisan's
    pieces are re-indexed for search (both are searched: "shop 12"). Audited with the before
    and after values.
    """
    creating = artisan is None
    if artisan is None:
        artisan = Artisan(slug=_unique_slug(session, values["name"]), craft_id=shop.craft_id)
        session.add(artisan)
    before = {
        "name": artisan.name,
        "name_ar": artisan.name_ar,
        "commission_bps": artisan.commission_bps,
        "shop": artisan.shop.number if artisan.shop else None,
        "active": artisan.active,
        "rib": artisan.rib,
    }
    for name in PROFILE_FIELDS:
        setattr(artisan, name, values.get(name))
    artisan.shop = shop
    session.flush()
    after = {**{k: getattr(artisan, k) for k in before if k != "shop"}, "shop": shop.number}
    moved = before["shop"] != shop.number
    renamed = (before["name"], before["name_ar"]) != (artisan.name, artisan.name_ar)
    if not creating and (renamed or moved):
        pieces = session.scalars(select(Product).where(Product.artisan_id == artisan.id))
        refresh_search(session, list(pieces))
    record_audit(
        session,
        "artisan.create" if creating else "artisan.update",
        "artisan",
        artisan.id,
        user_id=user_id,
        before=None if creating else before,
        after=after,
    )
    return artisan
