"""Demo data: the whole centre, deterministic, every piece tied to a maker and a shop."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.artisans.models import Artisan, Shop
from storefront.catalog.demo import load_demo
from storefront.catalog.models import Product, ProductImage


@pytest.fixture
def media(demo_media):
    return demo_media


@pytest.fixture
def app_config(app_config, media):
    return {**app_config, "MEDIA_ROOT": str(media)}


def _snapshot(session):
    return session.execute(
        select(
            Product.slug, Product.sku, Product.price_minor, Product.stock, Product.title_ar
        ).order_by(Product.id)
    ).all()


def test_demo_builds_the_centre(app, session, media):
    counts = load_demo(session, products=120, media_root=media)
    session.commit()
    assert counts == {"shops": 100, "artisans": 62, "products": 120}
    assert session.scalar(select(func.count(Shop.id))) == 100
    kinds = dict(session.execute(select(Shop.kind, func.count()).group_by(Shop.kind)).all())
    assert kinds == {"productive": 75, "service": 25}
    shared = session.scalar(
        select(func.count()).select_from(
            select(Artisan.shop_id).group_by(Artisan.shop_id).having(func.count() > 1).subquery()
        )
    )
    assert shared == 8  # cooperatives share a shop
    products = session.scalars(select(Product)).all()
    assert all(p.artisan.shop.number and p.title_ar and p.title_fr for p in products)
    assert all(p.craft_id == p.artisan.craft_id for p in products)
    assert sum(p.stock == 1 for p in products) > len(products) // 3  # many one-offs
    assert session.scalar(select(func.count(ProductImage.id))) >= 120
    image = session.scalars(select(ProductImage)).first()
    assert (media / "products" / f"{image.key}-320.webp").exists()
    assert (media / "products" / f"{image.key}-800.jpg").exists()
    pending = select(func.count(ProductImage.id)).where(ProductImage.widths == "")
    assert session.scalar(pending) == 0  # the demo makes its variants at once, not the worker


def test_demo_is_deterministic(app, session, media):
    load_demo(session, products=40, media_root=media)
    first = _snapshot(session)
    session.rollback()
    load_demo(session, products=40, media_root=media)
    assert _snapshot(session) == first


def test_demo_pieces_are_searchable(client, session, media):
    load_demo(session, products=60, media_root=media)
    session.commit()
    html = client.get("/products?lang=fr&q=tajine").get_data(as_text=True)
    assert "Tajine" in html
    assert "Aucune pièce ne correspond" not in html


def test_demo_refuses_a_database_with_data(runner, session):
    assert runner.invoke(args=["demo-data", "--products", "5"]).exit_code == 0
    result = runner.invoke(args=["demo-data", "--products", "5"])
    assert result.exit_code != 0
    assert "already has shops" in result.output
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
