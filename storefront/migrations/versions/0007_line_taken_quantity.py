"""order_lines.taken_quantity: the units each line took from stock, so refunds restock only those

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('taken_quantity', sa.Integer(), server_default='0', nullable=False)
        )
    # Existing lines: what an order still holding its stock took, less every unit refunded
    # (restocked or not), so the backfill can only under-count, never invent stock.
    lines = sa.table(
        'order_lines',
        sa.column('order_id', sa.Integer()),
        sa.column('product_id', sa.Integer()),
        sa.column('quantity', sa.Integer()),
        sa.column('refunded_quantity', sa.Integer()),
        sa.column('taken_quantity', sa.Integer()),
    )
    orders = sa.table('orders', sa.column('id', sa.Integer()), sa.column('stock_taken', sa.Boolean()))
    products = sa.table(
        'products', sa.column('id', sa.Integer()), sa.column('made_to_order', sa.Boolean())
    )
    op.execute(
        lines.update()
        .where(
            lines.c.order_id.in_(sa.select(orders.c.id).where(orders.c.stock_taken.is_(sa.true()))),
            lines.c.product_id.in_(
                sa.select(products.c.id).where(products.c.made_to_order.is_(sa.false()))
            ),
        )
        .values(taken_quantity=lines.c.quantity - lines.c.refunded_quantity)
    )


def downgrade():
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_column('taken_quantity')
