"""Fulfilment of online orders: carriers, the order's carrier and tracking number, when each
piece reached the desk, and the HS tariff number of each craft for customs forms

Revision ID: 0013
Revises: 0012

crafts is a table the page cache watches: its new column is a plain ADD COLUMN (no rebuild,
so its triggers stay, and they name no columns of crafts); no products column is added. The
downgrade rebuilds crafts on SQLite, so it makes the catalog triggers again with the newest
create_catalog_change_triggers() below this migration.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import context, op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _catalog_triggers():
    """Call the newest create_catalog_change_triggers() among the migrations below this one
    (0010's on this branch; a later one's once the chain puts this migration after it)."""
    script = context.script
    revision_below = script.get_revision(down_revision)
    while revision_below is not None:
        make = getattr(revision_below.module, 'create_catalog_change_triggers', None)
        if make is not None:
            make()
            return
        below = revision_below.down_revision
        revision_below = script.get_revision(below) if below else None
    raise RuntimeError('no migration below this one makes the catalog triggers')


@contextmanager
def _foreign_keys_off():
    """As in 0009: SQLite adds a foreign key (or drops a column) by rebuilding the table, and
    with foreign keys on, dropping the old orders table would cascade to its lines and events.
    The pragma only works outside a transaction.
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


def upgrade():
    op.create_table(
        'carriers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('tracking_url', sa.String(length=300), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_carriers')),
        sa.UniqueConstraint('name', name=op.f('uq_carriers_name')),
    )
    with _foreign_keys_off():
        with op.batch_alter_table('orders', schema=None) as batch_op:
            batch_op.add_column(sa.Column('carrier_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('tracking_number', sa.String(length=64), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f('fk_orders_carrier_id_carriers'),
                'carriers',
                ['carrier_id'],
                ['id'],
                ondelete='SET NULL',
            )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('at_desk_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('crafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hs_code', sa.String(length=12), nullable=True))


def downgrade():
    with _foreign_keys_off():
        with op.batch_alter_table('crafts', schema=None) as batch_op:
            batch_op.drop_column('hs_code')
        with op.batch_alter_table('order_lines', schema=None) as batch_op:
            batch_op.drop_column('at_desk_at')
        with op.batch_alter_table('orders', schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f('fk_orders_carrier_id_carriers'), type_='foreignkey'
            )
            batch_op.drop_column('tracking_number')
            batch_op.drop_column('carrier_id')
    op.drop_table('carriers')
    _catalog_triggers()
