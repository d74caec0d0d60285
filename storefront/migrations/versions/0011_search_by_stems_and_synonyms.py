"""Search by stems and synonyms; a paid or released hold shows at once on cached pages

Revision ID: 0011
Revises: 0010

Every piece's search_text is rebuilt in the layout of storefront.catalog.search.documents
(words, every language's stems, synonym keys; the titles first). On PostgreSQL the words are
kept in a stored generated tsvector, products.search_vector, under the GIN index: the index's
expression was computed again for every row the planner chose to scan (0.1 ms a piece). An
order that leaves
pending_payment records a catalog change: a card reading "Reserved" turns to "Sold out" (or
back on sale) with no stock change the products trigger would see.
"""

from alembic import context, op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    from storefront.catalog.search.reindex import reindex_products

    reindex_products(op.get_bind())
    if op.get_bind().dialect.name != 'sqlite':
        op.execute('DROP INDEX ix_products_search')
        op.execute(
            'ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
            "(to_tsvector('simple'::regconfig, search_text)) STORED"
        )
        op.execute('CREATE INDEX ix_products_search ON products USING gin (search_vector)')
        # A new column of products: the page-cache triggers are made again (0010's rule).
        context.script.get_revision('0010').module.create_catalog_change_triggers()
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'CREATE TRIGGER tr_orders_hold_changes AFTER UPDATE OF status ON orders '
            "WHEN OLD.status = 'pending_payment' AND NEW.status IS NOT OLD.status "
            'BEGIN INSERT INTO catalog_changes (id) VALUES (NULL); END'
        )
        return
    op.execute(
        'CREATE TRIGGER tr_orders_hold_changes AFTER UPDATE OF status ON orders FOR EACH ROW '
        "WHEN (OLD.status = 'pending_payment' AND NEW.status IS DISTINCT FROM OLD.status) "
        'EXECUTE FUNCTION record_catalog_change()'
    )


def downgrade():
    import sqlalchemy as sa

    from storefront.catalog.search.reindex import write_search_texts
    from storefront.catalog.search.language import normalise

    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS tr_orders_hold_changes')
    else:
        op.execute('DROP TRIGGER IF EXISTS tr_orders_hold_changes ON orders')
        op.execute('DROP INDEX ix_products_search')
        op.execute('ALTER TABLE products DROP COLUMN search_vector')
        op.execute(
            'CREATE INDEX ix_products_search ON products '
            "USING gin (to_tsvector('simple', search_text))"
        )
    # Back to 0001's document: every text, normalised, in one run.
    rows = op.get_bind().execute(
        sa.text(
            'SELECT p.id, p.sku, p.title_ar, p.title_fr, p.title_en, p.description_ar, '
            'p.description_fr, p.description_en, p.materials_ar, p.materials_fr, '
            'p.materials_en, a.name, a.name_ar, c.name_ar, c.name_fr, c.name_en '
            'FROM products p JOIN artisans a ON a.id = p.artisan_id '
            'JOIN crafts c ON c.id = p.craft_id'
        )
    )
    write_search_texts(
        op.get_bind(),
        [{'pid': r[0], 'body': normalise(' '.join(v for v in r[1:] if v))} for r in rows],
    )
