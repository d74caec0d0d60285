"""Migration 0011 on a catalog indexed the old way: every piece is found by its new words."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from storefront.catalog.models import Product, ProductStatus
from storefront.catalog.search import find
from storefront.extensions import db
from tests.factories import make_artisan, make_product


def test_old_search_texts_are_rebuilt_and_found_by_stems_and_synonyms(app):
    with app.app_context():
        session = db.session
        maker = make_artisan(session, name="Omar Weaver")
        rug = make_product(session, artisan=maker, title_ar="زربية", title_en="Rug", stock=2)
        session.commit()
        rug_id = rug.id
        session.remove()
        downgrade(revision="0010")
        try:
            with db.engine.connect() as conn:
                old = conn.execute(
                    sa.text("SELECT search_text FROM products WHERE id = :id"), {"id": rug_id}
                ).scalar()
            assert "~" not in old and "rug" in old  # 0001's layout: one normalised run of words
        finally:
            upgrade()
        live = [Product.status == ProductStatus.ACTIVE]
        assert find(db.session, "الزرابي", where=live).ids == [rug_id]
        assert find(db.session, "carpets", where=live).ids == [rug_id]
        db.session.remove()
        db.engine.dispose()
