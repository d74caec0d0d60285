"""accounts, invitations, listing review

Revision ID: 0003
Revises: 0002
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('artisan_id', sa.Integer(), nullable=True),
    sa.Column('nonce', sa.String(length=43), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_invitations_artisan_id_artisans')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('nonce', name=op.f('uq_invitations_nonce'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_email'), ['email'], unique=False)

    op.create_table('listing_edits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_listing_edits_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_listing_edits_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_edits'))
    )
    with op.batch_alter_table('listing_edits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_edits_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_edits_status'), ['status'], unique=False)

    # A plain ADD COLUMN: a batch rebuild would drop the table's catalog triggers on SQLite.
    op.add_column(
        'product_images',
        sa.Column('approved', sa.Boolean(), server_default=sa.true(), nullable=False),
    )

    op.add_column('outbox_messages', sa.Column('subject', sa.String(length=200), nullable=True))
    op.add_column('outbox_messages', sa.Column('body', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('body')
        batch_op.drop_column('subject')
    with op.batch_alter_table('product_images', schema=None) as batch_op:
        batch_op.drop_column('approved')
    with op.batch_alter_table('listing_edits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_edits_status'))
        batch_op.drop_index(batch_op.f('ix_listing_edits_product_id'))
    op.drop_table('listing_edits')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_email'))
    op.drop_table('invitations')
