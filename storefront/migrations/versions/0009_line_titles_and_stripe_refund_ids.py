"""order_lines keep the title in every language and the maker's Latin and Arabic names;
refunds.stripe_refund_id books each Stripe refund once (user_id may be empty: a webhook's)

Revision ID: 0009
Revises: 0008
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

LANGS = ('ar', 'fr', 'en')


def upgrade():
    # order_lines: plain ADD COLUMNs (no rebuild).
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        for lang in LANGS:
            batch_op.add_column(sa.Column(f'title_{lang}', sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column('source_lang', sa.String(length=2), server_default='ar', nullable=False)
        )
        batch_op.add_column(sa.Column('artisan_name_ar', sa.String(length=120), nullable=True))
    _backfill_lines()
    _add_stripe_refund_id()


def _backfill_lines():
    """Existing lines: the order's own title in the order's language; the others (and the
    maker's language) from the product where it still exists; both names from the artisan.

    `artisan_name` was the name in the order's language; it now holds the Latin one.
    """
    lines = sa.table(
        'order_lines',
        sa.column('order_id', sa.Integer()),
        sa.column('product_id', sa.Integer()),
        sa.column('artisan_id', sa.Integer()),
        sa.column('title', sa.String()),
        sa.column('artisan_name', sa.String()),
        sa.column('artisan_name_ar', sa.String()),
        sa.column('source_lang', sa.String()),
        *[sa.column(f'title_{lang}', sa.String()) for lang in LANGS],
    )
    orders = sa.table('orders', sa.column('id', sa.Integer()), sa.column('locale', sa.String()))
    products = sa.table(
        'products',
        sa.column('id', sa.Integer()),
        sa.column('source_lang', sa.String()),
        *[sa.column(f'title_{lang}', sa.String()) for lang in LANGS],
    )
    artisans = sa.table(
        'artisans',
        sa.column('id', sa.Integer()),
        sa.column('name', sa.String()),
        sa.column('name_ar', sa.String()),
    )

    def product(column):
        return (
            sa.select(products.c[column])
            .where(products.c.id == lines.c.product_id)
            .scalar_subquery()
        )

    order_locale = sa.select(orders.c.locale).where(orders.c.id == lines.c.order_id)
    order_locale = order_locale.scalar_subquery()
    values = {
        f'title_{lang}': sa.case(
            (order_locale == lang, lines.c.title), else_=product(f'title_{lang}')
        )
        for lang in LANGS
    }
    values['source_lang'] = sa.func.coalesce(product('source_lang'), order_locale, 'ar')
    values['artisan_name_ar'] = (
        sa.select(artisans.c.name_ar).where(artisans.c.id == lines.c.artisan_id).scalar_subquery()
    )
    values['artisan_name'] = sa.func.coalesce(
        sa.select(artisans.c.name).where(artisans.c.id == lines.c.artisan_id).scalar_subquery(),
        lines.c.artisan_name,
    )
    op.execute(lines.update().values(**values))


@contextmanager
def _foreign_keys_off():
    """As in 0006: SQLite changes a column's nullability (or drops one) by rebuilding the
    table, and with foreign keys on, dropping the old table would cascade to the rows that
    point at it (refund_lines, ledger entries). The pragma only works outside a transaction.
    """
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=OFF')
        if op.get_bind().exec_driver_sql('PRAGMA foreign_keys').scalar():
            raise RuntimeError('foreign keys are still on; the rebuild would cascade deletes')
    yield
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')
        problems = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if problems:
            raise RuntimeError(f'foreign keys broken by the rebuild: {problems[:5]}')


def _add_stripe_refund_id():
    with _foreign_keys_off():
        with op.batch_alter_table('refunds', schema=None) as batch_op:
            batch_op.add_column(sa.Column('stripe_refund_id', sa.String(length=80), nullable=True))
            batch_op.create_unique_constraint(
                batch_op.f('uq_refunds_stripe_refund_id'), ['stripe_refund_id']
            )
            batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
    # Refunds made through Stripe so far kept the Stripe refund id as their reference.
    refunds = sa.table(
        'refunds',
        sa.column('method', sa.String()),
        sa.column('reference', sa.String()),
        sa.column('stripe_refund_id', sa.String()),
    )
    op.execute(
        refunds.update()
        .where(refunds.c.method == 'stripe', refunds.c.reference.like('re\\_%', escape='\\'))
        .values(stripe_refund_id=refunds.c.reference)
    )


def downgrade():
    # Refunds first learnt of from Stripe's webhook have no user; downgrading needs one for
    # each (UPDATE refunds SET user_id = <a manager> WHERE user_id IS NULL) or it fails here.
    with _foreign_keys_off():
        with op.batch_alter_table('refunds', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('uq_refunds_stripe_refund_id'), type_='unique')
            batch_op.drop_column('stripe_refund_id')
            batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        with op.batch_alter_table('order_lines', schema=None) as batch_op:
            batch_op.drop_column('artisan_name_ar')
            batch_op.drop_column('source_lang')
            for lang in reversed(LANGS):
                batch_op.drop_column(f'title_{lang}')
