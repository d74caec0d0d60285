"""foundation: shops, artisans, catalog, users, orders, ledger, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 00:28:41.632987

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('crafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name_ar', sa.String(length=80), nullable=False),
    sa.Column('name_fr', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('colour', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crafts')),
    sa.UniqueConstraint('slug', name=op.f('uq_crafts_slug'))
    )
    op.create_table('shops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('craft_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_ar', sa.String(length=120), nullable=True),
    sa.Column('map_row', sa.Integer(), nullable=False),
    sa.Column('map_col', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.Column('closed_weekday', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.CheckConstraint('number BETWEEN 1 AND 100', name=op.f('ck_shops_number_range')),
    sa.ForeignKeyConstraint(['craft_id'], ['crafts.id'], name=op.f('fk_shops_craft_id_crafts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shops')),
    sa.UniqueConstraint('number', name=op.f('uq_shops_number'))
    )
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shops_craft_id'), ['craft_id'], unique=False)

    op.create_table('artisans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_ar', sa.String(length=120), nullable=True),
    sa.Column('source_lang', sa.String(length=2), nullable=False),
    sa.Column('bio_ar', sa.Text(), nullable=True),
    sa.Column('bio_fr', sa.Text(), nullable=True),
    sa.Column('bio_en', sa.Text(), nullable=True),
    sa.Column('photo_key', sa.String(length=80), nullable=True),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('craft_id', sa.Integer(), nullable=False),
    sa.Column('commission_bps', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('since_year', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('commission_bps IS NULL OR (commission_bps BETWEEN 0 AND 10000)', name=op.f('ck_artisans_commission_range')),
    sa.ForeignKeyConstraint(['craft_id'], ['crafts.id'], name=op.f('fk_artisans_craft_id_crafts')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_artisans_shop_id_shops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_artisans')),
    sa.UniqueConstraint('slug', name=op.f('uq_artisans_slug'))
    )
    with op.batch_alter_table('artisans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_artisans_craft_id'), ['craft_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_artisans_shop_id'), ['shop_id'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('sku', sa.String(length=32), nullable=False),
    sa.Column('artisan_id', sa.Integer(), nullable=False),
    sa.Column('craft_id', sa.Integer(), nullable=False),
    sa.Column('source_lang', sa.String(length=2), nullable=False),
    sa.Column('title_ar', sa.String(length=200), nullable=True),
    sa.Column('title_fr', sa.String(length=200), nullable=True),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description_ar', sa.Text(), nullable=True),
    sa.Column('description_fr', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('materials_ar', sa.String(length=200), nullable=True),
    sa.Column('materials_fr', sa.String(length=200), nullable=True),
    sa.Column('materials_en', sa.String(length=200), nullable=True),
    sa.Column('dimensions', sa.String(length=80), nullable=True),
    sa.Column('price_minor', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('made_to_order', sa.Boolean(), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=True),
    sa.Column('weight_grams', sa.Integer(), nullable=False),
    sa.Column('featured', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('price_minor >= 0', name=op.f('ck_products_price_not_negative')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_products_stock_not_negative')),
    sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_products_artisan_id_artisans')),
    sa.ForeignKeyConstraint(['craft_id'], ['crafts.id'], name=op.f('fk_products_craft_id_crafts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('sku', name=op.f('uq_products_sku')),
    sa.UniqueConstraint('slug', name=op.f('uq_products_slug'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_artisan_id'), ['artisan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_craft_id'), ['craft_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_status'), ['status'], unique=False)
        batch_op.create_index('ix_products_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_products_status_price', ['status', 'price_minor'], unique=False)
        batch_op.create_index('ix_products_artisan_status_created', ['artisan_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_products_status_craft', ['status', 'craft_id'], unique=False)
        batch_op.create_index('ix_products_status_featured_created', ['status', 'featured', 'created_at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('artisan_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(role = 'artisan') = (artisan_id IS NOT NULL)", name=op.f('ck_users_artisan_role_has_artisan')),
    sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_users_artisan_id_artisans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_artisan_id'), ['artisan_id'], unique=False)

    op.create_table('audit_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_logs_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_logs'))
    )
    with op.batch_alter_table('audit_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_logs_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_logs_created_at'), ['created_at'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('attention_reason', sa.Text(), nullable=True),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('customer_email', sa.String(length=254), nullable=True),
    sa.Column('customer_name', sa.String(length=120), nullable=True),
    sa.Column('customer_phone', sa.String(length=40), nullable=True),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('ship_address_line1', sa.String(length=200), nullable=True),
    sa.Column('ship_address_line2', sa.String(length=200), nullable=True),
    sa.Column('ship_city', sa.String(length=100), nullable=True),
    sa.Column('ship_postal_code', sa.String(length=20), nullable=True),
    sa.Column('ship_country', sa.String(length=2), nullable=True),
    sa.Column('subtotal_minor', sa.Integer(), nullable=False),
    sa.Column('shipping_minor', sa.Integer(), nullable=False),
    sa.Column('discount_minor', sa.Integer(), nullable=False),
    sa.Column('discount_reason', sa.String(length=200), nullable=True),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_method', sa.String(length=16), nullable=True),
    sa.Column('payment_reference', sa.String(length=120), nullable=True),
    sa.Column('register_session_id', sa.Integer(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('hold_expires_at', sa.DateTime(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('total_minor >= 0', name=op.f('ck_orders_total_not_negative')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_orders_staff_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number')),
    sa.UniqueConstraint('token', name=op.f('uq_orders_token'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_hold_expires_at'), ['hold_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_paid_at'), ['paid_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_register_session_id'), ['register_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_status'), ['status'], unique=False)

    op.create_table('product_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('widths', sa.String(length=40), nullable=False),
    sa.Column('alt', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_images_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_images'))
    )
    with op.batch_alter_table('product_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_images_product_id'), ['product_id'], unique=False)

    op.create_table('order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_events_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_order_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_events_order_id'), ['order_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('artisan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sku', sa.String(length=32), nullable=False),
    sa.Column('artisan_name', sa.String(length=120), nullable=False),
    sa.Column('shop_number', sa.Integer(), nullable=False),
    sa.Column('craft_slug', sa.String(length=40), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('line_total_minor', sa.Integer(), nullable=False),
    sa.Column('commission_bps', sa.Integer(), nullable=False),
    sa.Column('refunded_quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_lines_quantity_positive')),
    sa.CheckConstraint('refunded_quantity BETWEEN 0 AND quantity', name=op.f('ck_order_lines_refunded_range')),
    sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_order_lines_artisan_id_artisans')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_order_lines_product_id_products'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_artisan_id'), ['artisan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_product_id'), ['product_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('artisan_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=True),
    sa.Column('refund_id', sa.Integer(), nullable=True),
    sa.Column('payout_id', sa.Integer(), nullable=True),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_ledger_entries_artisan_id_artisans')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_ledger_entries_order_line_id_order_lines'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ledger_entries_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_artisan_created', ['artisan_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_order_line_id'), ['order_line_id'], unique=False)

    op.create_table('catalog_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_changes'))
    )
    _create_search_index()
    create_catalog_change_triggers()


def _create_search_index():
    # Full-text search over products.search_text (normalised by catalog.search): an FTS5
    # table filled explicitly by the app on SQLite, an expression GIN index on PostgreSQL.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE products_fts USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE INDEX ix_products_search ON products "
            "USING gin (to_tsvector('simple', search_text))"
        )


# Tables whose rows public pages show; any change to them versions the page cache.
WATCHED_TABLES = ("products", "product_images", "artisans", "shops", "crafts")


def create_catalog_change_triggers():
    """Record every write to the watched tables in catalog_changes (see storefront.pagecache).

    On SQLite, a migration that rebuilds one of these tables (batch "recreate") drops its
    triggers: such a migration must call this function again (it is idempotent).
    """
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS tr_{table}_{event.lower()}_changes "
                    f"AFTER {event} ON {table} "
                    "BEGIN INSERT INTO catalog_changes (id) VALUES (NULL); END"
                )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION record_catalog_change() RETURNS trigger AS $$ "
        "BEGIN INSERT INTO catalog_changes DEFAULT VALUES; RETURN NULL; END $$ "
        "LANGUAGE plpgsql"
    )
    for table in WATCHED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_changes ON {table}")
        op.execute(
            f"CREATE TRIGGER tr_{table}_changes AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION record_catalog_change()"
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        for table in WATCHED_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_changes ON {table}")
        op.execute("DROP FUNCTION IF EXISTS record_catalog_change()")
    op.drop_table('catalog_changes')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE products_fts")
    else:
        op.execute("DROP INDEX ix_products_search")
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_order_line_id'))
        batch_op.drop_index('ix_ledger_entries_artisan_created')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_product_id'))
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_lines_artisan_id'))

    op.drop_table('order_lines')
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_events_order_id'))

    op.drop_table('order_events')
    with op.batch_alter_table('product_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_images_product_id'))

    op.drop_table('product_images')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_status'))
        batch_op.drop_index(batch_op.f('ix_orders_register_session_id'))
        batch_op.drop_index(batch_op.f('ix_orders_paid_at'))
        batch_op.drop_index(batch_op.f('ix_orders_hold_expires_at'))
        batch_op.drop_index(batch_op.f('ix_orders_created_at'))
        batch_op.drop_index(batch_op.f('ix_orders_channel'))

    op.drop_table('orders')
    with op.batch_alter_table('audit_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_logs_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_logs_action'))

    op.drop_table('audit_logs')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_artisan_id'))

    op.drop_table('users')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_status_price')
        batch_op.drop_index('ix_products_artisan_status_created')
        batch_op.drop_index('ix_products_status_craft')
        batch_op.drop_index('ix_products_status_featured_created')
        batch_op.drop_index('ix_products_status_created')
        batch_op.drop_index(batch_op.f('ix_products_status'))
        batch_op.drop_index(batch_op.f('ix_products_craft_id'))
        batch_op.drop_index(batch_op.f('ix_products_artisan_id'))

    op.drop_table('products')
    with op.batch_alter_table('artisans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_artisans_shop_id'))
        batch_op.drop_index(batch_op.f('ix_artisans_craft_id'))

    op.drop_table('artisans')
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shops_craft_id'))

    op.drop_table('shops')
    op.drop_table('crafts')
