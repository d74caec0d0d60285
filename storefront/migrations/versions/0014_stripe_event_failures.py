"""stripe_event_failures: webhook events whose handling raised, kept for the attention queue

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stripe_event_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', sa.DateTime(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_stripe_event_failures_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_event_failures')),
    sa.UniqueConstraint('event_id', name=op.f('uq_stripe_event_failures_event_id'))
    )
    with op.batch_alter_table('stripe_event_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_event_failures_last_failed_at'), ['last_failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('stripe_event_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_event_failures_last_failed_at'))
    op.drop_table('stripe_event_failures')
