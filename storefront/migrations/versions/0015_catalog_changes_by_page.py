"""Page-cache triggers name what changed: the piece, its maker and the maker's shop

Revision ID: 0015
Revises: 0014

Each catalog change now says which piece, artisan and shop it touched, so a process's page
cache drops only the pages that show them (and the lists), not every page (storefront.pagecache):

- products and product_images: the piece, its artisan and the artisan's shop; when a piece
  changes maker, a second row names the old one;
- artisans: the artisan and their shop (and the old shop when they move);
- shops: the shop alone;
- crafts: a row naming nothing, which every page obeys;
- an order leaving pending_payment (0011's hold trigger): each piece it held that has no stock
  left, whose cards turn from "Reserved" to "Sold out" (or back on sale) with no write to
  products; 0011 recorded a row naming nothing, so every sale dropped every page.

Which updates of products count is unchanged from 0010: a visible stock band or any other
column than stock and updated_at.
"""

import sqlalchemy as sa
from alembic import context, op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# As in 0010: the highest stock a page tells apart, and the columns no public page shows.
STOCK_SHOWN_UP_TO = 20
UNSHOWN = ('stock', 'updated_at')
TABLES = ('products', 'product_images', 'artisans', 'shops', 'crafts')
EVENTS = ('INSERT', 'UPDATE', 'DELETE')
COLUMNS = ('product_id', 'artisan_id', 'shop_id')


def _piece(row: str) -> str:
    """VALUES naming the piece `row` (NEW or OLD) of products, its maker and their shop."""
    return (
        f'VALUES ({row}.id, {row}.artisan_id, '
        f'(SELECT shop_id FROM artisans WHERE id = {row}.artisan_id))'
    )


def _photo(row: str) -> str:
    """VALUES naming the piece of a product_images row, its maker and their shop."""
    return (
        f'VALUES ({row}.product_id, (SELECT artisan_id FROM products WHERE id = {row}.product_id), '
        '(SELECT a.shop_id FROM products p JOIN artisans a ON a.id = p.artisan_id '
        f'WHERE p.id = {row}.product_id))'
    )


def _maker(row: str) -> str:
    return f'VALUES (NULL, {row}.id, {row}.shop_id)'


def _shop(row: str) -> str:
    return f'VALUES (NULL, NULL, {row}.id)'


def _everything(_row: str) -> str:
    return 'VALUES (NULL, NULL, NULL)'


# Per table: what a row names, and the column whose change names the old row too.
SCOPES = {
    'products': (_piece, 'artisan_id'),
    'product_images': (_photo, 'product_id'),
    'artisans': (_maker, 'shop_id'),
    'shops': (_shop, None),
    'crafts': (_everything, None),
}
INSERT = 'INSERT INTO catalog_changes (product_id, artisan_id, shop_id) '


def _drop_earlier_triggers(dialect: str) -> None:
    for table in TABLES:
        if dialect == 'sqlite':
            for event in EVENTS:
                op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_{event.lower()}_changes')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_changes ON {table}')
            op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_update_changes ON {table}')


# The pieces an order held that show "Reserved" until it leaves pending_payment.
HELD_PIECES = (
    'SELECT p.id, p.artisan_id, a.shop_id FROM order_lines l '
    'JOIN products p ON p.id = l.product_id JOIN artisans a ON a.id = p.artisan_id '
    'WHERE l.order_id = NEW.id AND l.taken_quantity > 0 AND p.stock = 0'
)


def _create_hold_trigger(dialect: str) -> None:
    if dialect == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS tr_orders_hold_changes')
        op.execute(
            'CREATE TRIGGER tr_orders_hold_changes AFTER UPDATE OF status ON orders '
            "WHEN OLD.status = 'pending_payment' AND NEW.status IS NOT OLD.status "
            f'BEGIN {INSERT}{HELD_PIECES}; END'
        )
        return
    op.execute(
        'CREATE OR REPLACE FUNCTION record_order_hold_change() RETURNS trigger AS $$ BEGIN '
        f'{INSERT}{HELD_PIECES}; RETURN NULL; END $$ LANGUAGE plpgsql'
    )
    op.execute('DROP TRIGGER IF EXISTS tr_orders_hold_changes ON orders')
    op.execute(
        'CREATE TRIGGER tr_orders_hold_changes AFTER UPDATE OF status ON orders FOR EACH ROW '
        "WHEN (OLD.status = 'pending_payment' AND NEW.status IS DISTINCT FROM OLD.status) "
        'EXECUTE FUNCTION record_order_hold_change()'
    )


def create_catalog_change_triggers():
    """Record visible writes to the watched tables in catalog_changes, naming what they touch.

    Idempotent. On SQLite the update trigger of products names every column the table has when
    this runs, so a migration that adds a column to products, or rebuilds the table (batch
    "recreate", which drops its triggers), must call this function again.
    """
    bind = op.get_bind()
    dialect = bind.dialect.name
    _drop_earlier_triggers(dialect)
    _create_hold_trigger(dialect)
    band_moved = f'min(OLD.stock, {STOCK_SHOWN_UP_TO}) <> min(NEW.stock, {STOCK_SHOWN_UP_TO})'
    if dialect == 'sqlite':
        for table, (names, moved) in SCOPES.items():
            for event in EVENTS:
                when = ''
                if table == 'products' and event == 'UPDATE':
                    columns = [c['name'] for c in sa.inspect(bind).get_columns('products')]
                    changed = [f'OLD.{c} IS NOT NEW.{c}' for c in columns if c not in UNSHOWN]
                    when = f' WHEN {band_moved} OR ' + ' OR '.join(changed)
                if event == 'INSERT':
                    body = f'{INSERT}{names("NEW")};'
                elif event == 'DELETE':
                    body = f'{INSERT}{names("OLD")};'
                else:
                    body = f'{INSERT}{names("NEW")};'
                    if moved:
                        old = names('OLD').replace('VALUES (', 'SELECT ', 1)[:-1]
                        body += f' {INSERT}{old} WHERE OLD.{moved} IS NOT NEW.{moved};'
                op.execute(
                    f'CREATE TRIGGER tr_{table}_{event.lower()}_changes AFTER {event} ON {table}'
                    f'{when} BEGIN {body} END'
                )
        return
    for table, (names, moved) in SCOPES.items():
        old_row_too = "TG_OP = 'DELETE'"
        if moved:
            old_row_too += f" OR (TG_OP = 'UPDATE' AND OLD.{moved} IS DISTINCT FROM NEW.{moved})"
        op.execute(
            f'CREATE OR REPLACE FUNCTION record_{table}_change() RETURNS trigger AS $$ BEGIN '
            f"IF TG_OP <> 'DELETE' THEN {INSERT}{names('NEW')}; END IF; "
            f"IF {old_row_too} THEN {INSERT}{names('OLD')}; END IF; "
            'RETURN NULL; END $$ LANGUAGE plpgsql'
        )
        if table == 'products':
            unshown = ' - '.join(f"'{c}'" for c in UNSHOWN)
            op.execute(
                'CREATE TRIGGER tr_products_changes AFTER INSERT OR DELETE ON products '
                'FOR EACH ROW EXECUTE FUNCTION record_products_change()'
            )
            # Row by row, so that the old and new rows can be compared (jsonb: whatever columns).
            op.execute(
                'CREATE TRIGGER tr_products_update_changes AFTER UPDATE ON products FOR EACH ROW '
                f'WHEN ({band_moved.replace("min(", "least(")} OR '
                f'(to_jsonb(OLD) - {unshown}) IS DISTINCT FROM (to_jsonb(NEW) - {unshown})) '
                'EXECUTE FUNCTION record_products_change()'
            )
        else:
            op.execute(
                f'CREATE TRIGGER tr_{table}_changes AFTER INSERT OR UPDATE OR DELETE ON {table} '
                f'FOR EACH ROW EXECUTE FUNCTION record_{table}_change()'
            )


def upgrade():
    for column in COLUMNS:
        op.add_column('catalog_changes', sa.Column(column, sa.Integer(), nullable=True))
    create_catalog_change_triggers()


def downgrade():
    dialect = op.get_bind().dialect.name
    # Every trigger that writes catalog_changes goes first: SQLite rebuilds the table below.
    _drop_earlier_triggers(dialect)
    if dialect == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS tr_orders_hold_changes')
    else:
        op.execute('DROP TRIGGER IF EXISTS tr_orders_hold_changes ON orders')
        op.execute('DROP FUNCTION IF EXISTS record_order_hold_change()')
        for table in TABLES:
            op.execute(f'DROP FUNCTION IF EXISTS record_{table}_change()')
    with op.batch_alter_table('catalog_changes') as batch:
        for column in COLUMNS:
            batch.drop_column(column)
    context.script.get_revision('0010').module.create_catalog_change_triggers()
    # 0011's hold trigger, which names no piece.
    if dialect == 'sqlite':
        op.execute(
            'CREATE TRIGGER tr_orders_hold_changes AFTER UPDATE OF status ON orders '
            "WHEN OLD.status = 'pending_payment' AND NEW.status IS NOT OLD.status "
            'BEGIN INSERT INTO catalog_changes (id) VALUES (NULL); END'
        )
    else:
        op.execute(
            'CREATE TRIGGER tr_orders_hold_changes AFTER UPDATE OF status ON orders FOR EACH ROW '
            "WHEN (OLD.status = 'pending_payment' AND NEW.status IS DISTINCT FROM OLD.status) "
            'EXECUTE FUNCTION record_catalog_change()'
        )
