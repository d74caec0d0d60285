"""Artisans' listings: create, edit, photos, submit; staff review. Every decision is audited.

Which edits wait for review: on a live listing, changes to titles, descriptions and materials
are kept as a pending ListingEdit and new photos stay hidden until staff approve them; price,
stock, made-to-order, weight and dimensions apply at once, and removing or reordering photos
too. Drafts and rejected listings change freely until they are submitted.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan
from storefront.audit import record_audit
from storefront.errors import Conflict, DomainError
from storefront.timeutil import utcnow

from .images import store_uploads
from .models import MAX_STOCK, ListingEdit, Product, ProductImage, ProductStatus
from .search import refresh_search
from .slugs import slugify

REVIEWED_FIELDS = tuple(
    f"{name}_{lang}"
    for name in ("title", "description", "materials")
    for lang in ("ar", "fr", "en")
)
DIRECT_FIELDS = (
    "craft_id",
    "price_minor",
    "stock",
    "made_to_order",
    "lead_days",
    "weight_grams",
    "dimensions",
)
MAX_PHOTOS = 8
EDITABLE = {
    ProductStatus.DRAFT,
    ProductStatus.REJECTED,
    ProductStatus.ACTIVE,
    ProductStatus.PENDING_REVIEW,
}


def _check_stock(values: dict) -> None:
    """Refuse a stock set outright outside 0..MAX_STOCK (forms check too; services must hold)."""
    stock = values.get("stock")
    if stock is not None and not 0 <= stock <= MAX_STOCK:
        raise DomainError(_l("Enter a stock from 0 to %(max)s.", max=MAX_STOCK))


def _require_title(values: dict) -> None:
    if not any((values.get(f"title_{lang}") or "").strip() for lang in ("ar", "fr", "en")):
        raise DomainError(_l("Give the piece a title in at least one language."))


def create_listing(session: Session, artisan: Artisan, values: dict, *, user_id: int) -> Product:
    """A new draft listing by this artisan; DomainError without a title or outside 0..MAX_STOCK."""
    _require_title(values)
    _check_stock(values)
    product = Product(
        artisan_id=artisan.id,
        source_lang=next(
            (lang for lang in ("ar", "fr", "en") if values.get(f"title_{lang}")), "ar"
        ),
        status=ProductStatus.DRAFT,
        slug=f"new-{secrets.token_hex(8)}",
        sku=f"NEW-{secrets.token_hex(6)}",
        **{k: values.get(k) for k in REVIEWED_FIELDS + DIRECT_FIELDS},
    )
    session.add(product)
    session.flush()
    base = slugify(values.get("title_en") or values.get("title_fr") or "") or "piece"
    product.slug = f"{base[:60]}-{product.id}"
    product.sku = f"GLM-{artisan.shop.number:03d}-{product.id:05d}"
    refresh_search(session, [product])
    record_audit(session, "listing.create", "product", product.id, user_id=user_id)
    return product


def _move_stock(session: Session, product: Product, seen: int, wanted: int) -> None:
    """Apply an artisan's stock change as a difference from what their form showed.

    `UPDATE products SET stock = stock + :delta WHERE id = :id AND stock + :delta BETWEEN 0 AND
    MAX_STOCK`: a piece sold while the form was open stays sold (no lost update), and the cap
    holds on the result, not on the number typed. Raises Conflict when the result would go
    below zero and DomainError when it would pass MAX_STOCK; nothing changes then.
    """
    delta = wanted - seen
    if delta == 0:
        return
    moved = session.execute(
        update(Product)
        .where(Product.id == product.id, (Product.stock + delta).between(0, MAX_STOCK))
        .values(stock=Product.stock + delta)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        session.refresh(product, ["stock"])
        if product.stock + delta > MAX_STOCK:
            raise DomainError(
                _l(
                    "A listing holds at most %(max)s pieces in stock; it has %(stock)s now.",
                    max=MAX_STOCK,
                    stock=product.stock,
                )
            )
        raise Conflict(
            _l("Pieces were sold while you were editing. Check the stock and save again.")
        )
    session.refresh(product, ["stock"])


def update_listing(
    session: Session,
    product: Product,
    values: dict,
    *,
    user_id: int,
    stock_seen: int | None = None,
) -> bool:
    """Apply an edit; returns True when text changes were held for review (live listings).

    With `stock_seen` (the stock the form showed), stock moves by the difference (see
    _move_stock, which caps the result at MAX_STOCK); without it, it is set as given, within
    0..MAX_STOCK. Raises Conflict for an archived listing or a stock sold below zero meanwhile,
    DomainError for a stock outside 0..MAX_STOCK.
    """
    if product.status not in EDITABLE:
        raise Conflict(_l("An archived listing cannot be changed."))
    _require_title({**{k: getattr(product, k) for k in REVIEWED_FIELDS}, **values})
    before = {k: getattr(product, k) for k in ("price_minor", "stock")}
    _check_stock(values)
    if stock_seen is not None and "stock" in values:
        _move_stock(session, product, stock_seen, values["stock"])
        values = {k: v for k, v in values.items() if k != "stock"}
    for key in DIRECT_FIELDS:
        if key in values:
            setattr(product, key, values[key])
    text = {
        k: values[k] for k in REVIEWED_FIELDS if k in values and values[k] != getattr(product, k)
    }
    held = False
    if text and product.status == ProductStatus.ACTIVE:
        pending = _pending_edit(session, product)
        if pending is None:
            pending = ListingEdit(product_id=product.id, created_by_id=user_id)
            session.add(pending)
        pending.fields = json.dumps({**json.loads(pending.fields or "{}"), **text})
        held = True
    else:
        for key, value in text.items():
            setattr(product, key, value)
    session.flush()
    refresh_search(session, [product])
    changed = {
        k: [before[k], getattr(product, k)] for k in before if before[k] != getattr(product, k)
    }
    record_audit(
        session,
        "listing.update",
        "product",
        product.id,
        user_id=user_id,
        held_for_review=sorted(text) if held else [],
        **changed,
    )
    return held


def _pending_edit(session: Session, product: Product) -> ListingEdit | None:
    return session.scalar(
        select(ListingEdit).where(
            ListingEdit.product_id == product.id, ListingEdit.status == "pending"
        )
    )


def submit_listing(session: Session, product: Product, *, user_id: int) -> None:
    """Send a draft or rejected listing for review; it needs a title, a price and a photo."""
    if product.status not in {ProductStatus.DRAFT, ProductStatus.REJECTED}:
        raise Conflict(_l("This listing is not a draft."))
    if not product.images:
        raise DomainError(_l("Add at least one photo before sending the listing for review."))
    if product.price_minor <= 0:
        raise DomainError(_l("Set a price before sending the listing for review."))
    product.status = ProductStatus.PENDING_REVIEW
    product.rejection_reason = None
    session.flush()
    record_audit(session, "listing.submit", "product", product.id, user_id=user_id)


def archive_listing(session: Session, product: Product, *, user_id: int) -> None:
    """Take a listing off sale for good (its sales stay in the books)."""
    product.status = ProductStatus.ARCHIVED
    session.flush()
    record_audit(session, "listing.archive", "product", product.id, user_id=user_id)


def add_photos(
    session: Session,
    product: Product,
    uploads: list[bytes],
    media_root: str | Path,
    *,
    user_id: int,
    pixel_budget: int,
) -> list[ProductImage]:
    """Check, clean and attach photos; all or none (ImageRejected names the bad one's problem).

    Every upload is checked from its header first, and together they may have at most
    `pixel_budget` pixels (413 otherwise). The photos are stored as normalised originals
    with no variants yet (`widths` empty): the caller queues the worker's `make_variants`.
    """
    if len(product.images) + len(uploads) > MAX_PHOTOS:
        raise DomainError(_l("A listing can have at most %(n)s photos.", n=MAX_PHOTOS))
    stored = store_uploads(uploads, media_root, pixel_budget=pixel_budget)
    start = max((image.position for image in product.images), default=-1) + 1
    live = product.status == ProductStatus.ACTIVE
    images = []
    for offset, picture in enumerate(stored):
        image = ProductImage(
            key=picture.key,
            width=picture.width,
            height=picture.height,
            widths=picture.widths,
            position=start + offset,
            approved=not live,
        )
        product.images.append(image)
        images.append(image)
    session.flush()
    record_audit(
        session,
        "listing.photos_add",
        "product",
        product.id,
        user_id=user_id,
        count=len(images),
        held_for_review=live,
    )
    return images


def pending_variant_keys(session: Session) -> list[str]:
    """Keys of stored photos whose resized variants are not made yet, oldest first."""
    rows = session.execute(
        select(ProductImage.key, func.min(ProductImage.id))
        .where(ProductImage.widths == "")
        .group_by(ProductImage.key)
        .order_by(func.min(ProductImage.id))
    )
    return [key for key, _first in rows]


def record_variants(session: Session, key: str, widths: str) -> int:
    """Give every photo of `key` still waiting its variants' widths; returns how many changed."""
    done = session.execute(
        update(ProductImage)
        .where(ProductImage.key == key, ProductImage.widths == "")
        .values(widths=widths)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount


def remove_photo(session: Session, image: ProductImage, *, user_id: int) -> None:
    """Delete one photo of a listing."""
    product_id = image.product_id
    session.delete(image)
    session.flush()
    record_audit(session, "listing.photo_remove", "product", product_id, user_id=user_id)


def move_photo(session: Session, image: ProductImage, step: int) -> None:
    """Swap a photo with its neighbour (step -1 earlier, +1 later)."""
    images = sorted(image.product.images, key=lambda i: (i.position, i.id))
    index = images.index(image)
    other = index + step
    if 0 <= other < len(images):
        images[index], images[other] = images[other], images[index]
        for position, item in enumerate(images):
            item.position = position
        session.flush()


def review_queue(session: Session) -> tuple[list[Product], list[ListingEdit], list[Product]]:
    """Listings waiting for review, pending text edits, and live listings with unseen photos."""
    pending = list(
        session.scalars(
            select(Product)
            .where(Product.status == ProductStatus.PENDING_REVIEW)
            .order_by(Product.updated_at)
        )
    )
    edits = list(
        session.scalars(
            select(ListingEdit).where(ListingEdit.status == "pending").order_by(ListingEdit.id)
        )
    )
    unseen = select(ProductImage.product_id).where(ProductImage.approved.is_(False))
    photos = list(
        session.scalars(
            select(Product).where(Product.status == ProductStatus.ACTIVE, Product.id.in_(unseen))
        )
    )
    return pending, edits, photos


def approve(session: Session, product: Product, *, user_id: int) -> None:
    """Put a listing live with its pending text edit and photos; audited."""
    edit = _pending_edit(session, product)
    if product.status == ProductStatus.PENDING_REVIEW:
        product.status = ProductStatus.ACTIVE
        product.published_at = product.published_at or utcnow()
    elif product.status != ProductStatus.ACTIVE:
        raise Conflict(_l("This listing is not waiting for review."))
    if edit is not None:
        for key, value in json.loads(edit.fields).items():
            if key in REVIEWED_FIELDS:
                setattr(product, key, value)
        edit.status, edit.decided_at = "approved", utcnow()
    for image in product.images:
        image.approved = True
    session.flush()
    refresh_search(session, [product])
    record_audit(session, "listing.approve", "product", product.id, user_id=user_id)


def reject(session: Session, product: Product, reason: str, *, user_id: int) -> None:
    """Refuse a listing (back to the artisan) or its pending changes, with the reason shown."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Say why, so the artisan can fix it."))
    edit = _pending_edit(session, product)
    if product.status == ProductStatus.PENDING_REVIEW:
        product.status = ProductStatus.REJECTED
        product.rejection_reason = reason
    elif product.status == ProductStatus.ACTIVE:
        if edit is not None:
            edit.status, edit.reason, edit.decided_at = "rejected", reason, utcnow()
        for image in [i for i in product.images if not i.approved]:
            session.delete(image)
        product.rejection_reason = reason
    else:
        raise Conflict(_l("This listing is not waiting for review."))
    session.flush()
    record_audit(session, "listing.reject", "product", product.id, user_id=user_id, reason=reason)


def listings_of(session: Session, artisan_id: int) -> list[Product]:
    """An artisan's listings, newest first, whatever their status."""
    return list(
        session.scalars(
            select(Product)
            .where(Product.artisan_id == artisan_id)
            .order_by(Product.created_at.desc(), Product.id.desc())
        )
    )


def count_pending(session: Session) -> int:
    """How many listings wait for a decision (for the staff menu)."""
    return (
        session.scalar(
            select(func.count(Product.id)).where(Product.status == ProductStatus.PENDING_REVIEW)
        )
        or 0
    )
