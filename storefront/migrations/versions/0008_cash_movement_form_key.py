"""cash_movements.form_key: a paid-in, paid-out or adjustment form records once

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_cash_movements_form_key'), ['form_key'])


def downgrade():
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_cash_movements_form_key'), type_='unique')
        batch_op.drop_column('form_key')
