"""Page-cache triggers: a stock update records a catalog change only when pages show it

Revision ID: 0010
Revises: 0009

A public page shows a piece's stock only as a band: "In stock" above 3, "Only N left" from 3 to
1, "Sold out" at 0, and the add-to-cart quantity list up to min(stock, 20). Every sale used to
record a change and so empty every process's page cache. Now an update of products records one
only when the visible stock min(stock, 20) or any other column than stock and updated_at
changed. Inserts and deletes, and every write to images, artisans, shops and crafts, still do.
"""

import sqlalchemy as sa
from alembic import context, op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The highest stock a page tells apart (templates/cart/_add_form.html offers up to 20).
STOCK_SHOWN_UP_TO = 20
# Columns of products that no public page shows, beside stock's band.
UNSHOWN = ('stock', 'updated_at')
OTHER_TABLES = ('product_images', 'artisans', 'shops', 'crafts')


def create_catalog_change_triggers():
    """Record visible writes to the watched tables in catalog_changes (storefront.pagecache).

    Idempotent. On SQLite the update trigger of products names every column the table has when
    this runs, so a migration that adds a column to products, or rebuilds the table (batch
    "recreate", which drops its triggers), must call this function again.
    """
    bind = op.get_bind()
    band_moved = f'min(OLD.stock, {STOCK_SHOWN_UP_TO}) <> min(NEW.stock, {STOCK_SHOWN_UP_TO})'
    if bind.dialect.name == 'sqlite':
        for table in ('products', *OTHER_TABLES):
            for event in ('INSERT', 'UPDATE', 'DELETE'):
                name = f'tr_{table}_{event.lower()}_changes'
                op.execute(f'DROP TRIGGER IF EXISTS {name}')
                when = ''
                if table == 'products' and event == 'UPDATE':
                    columns = [c['name'] for c in sa.inspect(bind).get_columns('products')]
                    changed = [f'OLD.{c} IS NOT NEW.{c}' for c in columns if c not in UNSHOWN]
                    when = f' WHEN {band_moved} OR ' + ' OR '.join(changed)
                op.execute(
                    f'CREATE TRIGGER {name} AFTER {event} ON {table}{when} '
                    'BEGIN INSERT INTO catalog_changes (id) VALUES (NULL); END'
                )
        return
    op.execute(
        'CREATE OR REPLACE FUNCTION record_catalog_change() RETURNS trigger AS $$ '
        'BEGIN INSERT INTO catalog_changes DEFAULT VALUES; RETURN NULL; END $$ '
        'LANGUAGE plpgsql'
    )
    for table in OTHER_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_changes ON {table}')
        op.execute(
            f'CREATE TRIGGER tr_{table}_changes AFTER INSERT OR UPDATE OR DELETE ON {table} '
            'FOR EACH STATEMENT EXECUTE FUNCTION record_catalog_change()'
        )
    unshown = ' - '.join(f"'{c}'" for c in UNSHOWN)
    op.execute('DROP TRIGGER IF EXISTS tr_products_changes ON products')
    op.execute('DROP TRIGGER IF EXISTS tr_products_update_changes ON products')
    op.execute(
        'CREATE TRIGGER tr_products_changes AFTER INSERT OR DELETE ON products '
        'FOR EACH STATEMENT EXECUTE FUNCTION record_catalog_change()'
    )
    # Row by row, so that the old and new rows can be compared (jsonb: whatever the columns).
    op.execute(
        'CREATE TRIGGER tr_products_update_changes AFTER UPDATE ON products FOR EACH ROW '
        f'WHEN ({band_moved.replace("min(", "least(")} OR '
        f'(to_jsonb(OLD) - {unshown}) IS DISTINCT FROM (to_jsonb(NEW) - {unshown})) '
        'EXECUTE FUNCTION record_catalog_change()'
    )


def upgrade():
    create_catalog_change_triggers()


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS tr_products_update_changes ON products')
    else:
        for table in ('products', *OTHER_TABLES):
            for event in ('insert', 'update', 'delete'):
                op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_{event}_changes')
    context.script.get_revision('0001').module.create_catalog_change_triggers()
