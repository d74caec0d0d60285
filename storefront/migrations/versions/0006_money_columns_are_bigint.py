"""money columns are BIGINT: INTEGER ends at 21,474,836.47 MAD

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import context, op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Every amount of money, in minor units (storefront.extensions.Minor).
MONEY_COLUMNS = {
    'products': ('price_minor',),
    'shipping_rates': ('price_minor',),
    'ledger_entries': ('amount_minor',),
    'orders': ('subtotal_minor', 'shipping_minor', 'discount_minor', 'total_minor'),
    'order_lines': ('unit_price_minor', 'line_total_minor', 'discount_minor'),
    'register_sessions': ('float_minor',),
    'cash_counts': ('total_minor',),
    'cash_movements': ('amount_minor',),
    'showroom_payments': ('amount_minor', 'tendered_minor', 'change_minor'),
    'refunds': ('amount_minor',),
    'refund_lines': ('amount_minor',),
    'reconciliations': (
        'expected_cash_minor',
        'counted_cash_minor',
        'cash_difference_minor',
        'expected_card_minor',
        'card_batch_total_minor',
        'card_difference_minor',
    ),
}


def upgrade():
    _change_types(sa.Integer(), sa.BigInteger())


def downgrade():
    _change_types(sa.BigInteger(), sa.Integer())


def _change_types(old, new):
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        # SQLite changes a column's type by rebuilding the table (batch "recreate"), which
        # drops the old table; with foreign keys on, that DROP first deletes every row and
        # fires ON DELETE CASCADE / SET NULL in the tables that point at it (product images,
        # order lines). The pragma only takes effect outside a transaction.
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=OFF')
        if op.get_bind().exec_driver_sql('PRAGMA foreign_keys').scalar():
            raise RuntimeError('foreign keys are still on; the rebuild would cascade deletes')
    for table, columns in MONEY_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(
                    column, existing_type=old, type_=new, existing_nullable=False
                )
    if sqlite:
        # The rebuild of products dropped its page-cache triggers (see 0001).
        context.script.get_revision('0001').module.create_catalog_change_triggers()
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')
        problems = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if problems:
            raise RuntimeError(f'foreign keys broken by the rebuild: {problems[:5]}')
