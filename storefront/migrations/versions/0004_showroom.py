"""showroom register sessions, cash counts and movements, payments, refunds, reconciliations

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('register_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('float_minor', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('float_minor >= 0', name=op.f('ck_register_sessions_float_not_negative')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_register_sessions_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_sessions'))
    )
    with op.batch_alter_table('register_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_sessions_business_date'), ['business_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_sessions_register'), ['register'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_sessions_status'), ['status'], unique=False)
        batch_op.create_index('uq_register_sessions_one_open', ['register'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('cash_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('pieces', sa.JSON(), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('counted_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('total_minor >= 0', name=op.f('ck_cash_counts_total_not_negative')),
    sa.ForeignKeyConstraint(['counted_by_id'], ['users.id'], name=op.f('fk_cash_counts_counted_by_id_users')),
    sa.ForeignKeyConstraint(['register_session_id'], ['register_sessions.id'], name=op.f('fk_cash_counts_register_session_id_register_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_counts')),
    sa.UniqueConstraint('register_session_id', 'kind', name=op.f('uq_cash_counts_register_session_id'))
    )
    op.create_table('cash_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_minor <> 0', name=op.f('ck_cash_movements_amount_not_zero')),
    sa.ForeignKeyConstraint(['register_session_id'], ['register_sessions.id'], name=op.f('fk_cash_movements_register_session_id_register_sessions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cash_movements_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_movements'))
    )
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_movements_register_session_id'), ['register_session_id'], unique=False)

    op.create_table('reconciliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_session_id', sa.Integer(), nullable=False),
    sa.Column('expected_cash_minor', sa.Integer(), nullable=False),
    sa.Column('counted_cash_minor', sa.Integer(), nullable=False),
    sa.Column('cash_difference_minor', sa.Integer(), nullable=False),
    sa.Column('expected_card_minor', sa.Integer(), nullable=False),
    sa.Column('card_batch_total_minor', sa.Integer(), nullable=False),
    sa.Column('card_batch_reference', sa.String(length=120), nullable=False),
    sa.Column('card_difference_minor', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=False),
    sa.Column('signed_off_at', sa.DateTime(), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('sign_off_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_reconciliations_closed_by_id_users')),
    sa.ForeignKeyConstraint(['register_session_id'], ['register_sessions.id'], name=op.f('fk_reconciliations_register_session_id_register_sessions')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_reconciliations_signed_off_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliations')),
    sa.UniqueConstraint('register_session_id', name=op.f('uq_reconciliations_register_session_id'))
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('register_session_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('restock', sa.Boolean(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_refunds_amount_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.ForeignKeyConstraint(['register_session_id'], ['register_sessions.id'], name=op.f('fk_refunds_register_session_id_register_sessions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refunds_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_refunds_idempotency_key'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_register_session_id'), ['register_session_id'], unique=False)

    op.create_table('showroom_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('register_session_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('tendered_minor', sa.Integer(), nullable=False),
    sa.Column('change_minor', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_showroom_payments_amount_positive')),
    sa.CheckConstraint('change_minor >= 0', name=op.f('ck_showroom_payments_change_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_showroom_payments_order_id_orders')),
    sa.ForeignKeyConstraint(['register_session_id'], ['register_sessions.id'], name=op.f('fk_showroom_payments_register_session_id_register_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showroom_payments'))
    )
    with op.batch_alter_table('showroom_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showroom_payments_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_showroom_payments_register_session_id'), ['register_session_id'], unique=False)

    op.create_table('refund_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_refund_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_refund_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_lines_refund_id_refunds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_lines'))
    )
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_lines_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_lines_refund_id'), ['refund_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_orders_register_session_id_register_sessions'), 'register_sessions', ['register_session_id'], ['id'])


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_orders_register_session_id_register_sessions'), type_='foreignkey')

    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_lines_refund_id'))
        batch_op.drop_index(batch_op.f('ix_refund_lines_order_line_id'))

    op.drop_table('refund_lines')
    with op.batch_alter_table('showroom_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showroom_payments_register_session_id'))
        batch_op.drop_index(batch_op.f('ix_showroom_payments_order_id'))

    op.drop_table('showroom_payments')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_register_session_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_created_at'))

    op.drop_table('refunds')
    op.drop_table('reconciliations')
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_movements_register_session_id'))

    op.drop_table('cash_movements')
    op.drop_table('cash_counts')
    with op.batch_alter_table('register_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_register_sessions_one_open', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_register_sessions_status'))
        batch_op.drop_index(batch_op.f('ix_register_sessions_register'))
        batch_op.drop_index(batch_op.f('ix_register_sessions_business_date'))

    op.drop_table('register_sessions')
