"""The centre's opening hours, one row per weekday

Revision ID: 0016
Revises: 0015

Managers set them at /admin/hours; /visit and every page's footer show them. A weekday
without a row has the centre's usual hours (storefront.centre.services.USUAL_HOURS).
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'centre_hours',
        sa.Column('weekday', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('opens_at', sa.Time(), nullable=True),
        sa.Column('closes_at', sa.Time(), nullable=True),
        sa.CheckConstraint('weekday BETWEEN 1 AND 7', name=op.f('ck_centre_hours_weekday_range')),
        sa.CheckConstraint(
            '(opens_at IS NULL AND closes_at IS NULL) OR '
            '(opens_at IS NOT NULL AND closes_at IS NOT NULL AND opens_at < closes_at)',
            name=op.f('ck_centre_hours_open_before_close'),
        ),
        sa.PrimaryKeyConstraint('weekday', name=op.f('pk_centre_hours')),
    )


def downgrade():
    op.drop_table('centre_hours')
