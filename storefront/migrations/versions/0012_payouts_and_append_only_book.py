"""Payouts and payout runs; the artisan's RIB; the book and recorded payouts are append-only;
statement notices (one "your statement is ready" mail per artisan and month)

Revision ID: 0012
Revises: 0011

ledger_entries.payout_id gets its table (payouts), and (payout_id, kind) is unique: one payout
entry per payout and at most one reversal of it. Triggers on SQLite and PostgreSQL refuse
every UPDATE and DELETE of ledger_entries and payouts: a correction is a new entry.
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

APPEND_ONLY = ('ledger_entries', 'payouts')


def create_append_only_triggers():
    """Refuse UPDATE and DELETE on the book's tables (idempotent; SQLite and PostgreSQL).

    SQLite's batch "recreate" drops a table's triggers: a later migration that rebuilds one of
    these tables must call this again. TRUNCATE (PostgreSQL) is not refused: the tests empty
    their database with it, and no application code issues it.
    """
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table in APPEND_ONLY:
            for event in ('UPDATE', 'DELETE'):
                name = f'tr_{table}_no_{event.lower()}'
                op.execute(f'DROP TRIGGER IF EXISTS {name}')
                op.execute(
                    f'CREATE TRIGGER {name} BEFORE {event} ON {table} '
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: add a correcting entry'); "
                    'END'
                )
        return
    op.execute(
        'CREATE OR REPLACE FUNCTION refuse_book_edit() RETURNS trigger AS $$ '
        "BEGIN RAISE EXCEPTION '% is append-only: add a correcting entry', TG_TABLE_NAME "
        "USING ERRCODE = 'restrict_violation'; END $$ LANGUAGE plpgsql"
    )
    for table in APPEND_ONLY:
        op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_append_only ON {table}')
        op.execute(
            f'CREATE TRIGGER tr_{table}_append_only BEFORE UPDATE OR DELETE ON {table} '
            'FOR EACH ROW EXECUTE FUNCTION refuse_book_edit()'
        )


def upgrade():
    op.create_table(
        'payout_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('form_key', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_payout_batches_user_id_users'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_batches')),
        sa.UniqueConstraint('form_key', name=op.f('uq_payout_batches_form_key')),
    )
    op.create_table(
        'payouts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('amount_minor', sa.BigInteger(), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('rib', sa.String(length=24), nullable=True),
        sa.Column('beneficiary', sa.String(length=120), nullable=False),
        sa.Column('bank_reference', sa.String(length=64), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('amount_minor > 0', name=op.f('ck_payouts_amount_positive')),
        sa.ForeignKeyConstraint(
            ['artisan_id'], ['artisans.id'], name=op.f('fk_payouts_artisan_id_artisans')
        ),
        sa.ForeignKeyConstraint(
            ['batch_id'], ['payout_batches.id'], name=op.f('fk_payouts_batch_id_payout_batches')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_payouts_user_id_users'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts')),
    )
    op.create_index('ix_payouts_artisan_created', 'payouts', ['artisan_id', 'created_at'])
    op.create_index(op.f('ix_payouts_batch_id'), 'payouts', ['batch_id'])
    op.create_table(
        'statement_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['artisan_id'], ['artisans.id'], name=op.f('fk_statement_notices_artisan_id_artisans')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_notices')),
        sa.UniqueConstraint('artisan_id', 'month', name='uq_statement_notices_month'),
    )
    # A plain ADD COLUMN: artisans is not rebuilt, so its catalog triggers stay as they are.
    with op.batch_alter_table('artisans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rib', sa.String(length=24), nullable=True))
    # ledger_entries is rebuilt on SQLite (a new foreign key and unique constraint); the
    # append-only triggers are created after it.
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_ledger_entries_payout_id_payouts'), 'payouts', ['payout_id'], ['id']
        )
        batch_op.create_unique_constraint('uq_ledger_entries_payout_kind', ['payout_id', 'kind'])
    create_append_only_triggers()


def downgrade():
    bind = op.get_bind()
    for table in APPEND_ONLY:
        if bind.dialect.name == 'sqlite':
            for event in ('update', 'delete'):
                op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_no_{event}')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS tr_{table}_append_only ON {table}')
    if bind.dialect.name != 'sqlite':
        op.execute('DROP FUNCTION IF EXISTS refuse_book_edit()')
    # The foreign key to payouts goes first, so the table can be dropped.
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint('uq_ledger_entries_payout_kind', type_='unique')
        batch_op.drop_constraint(
            batch_op.f('fk_ledger_entries_payout_id_payouts'), type_='foreignkey'
        )
    op.drop_table('statement_notices')
    op.drop_index(op.f('ix_payouts_batch_id'), table_name='payouts')
    op.drop_index('ix_payouts_artisan_created', table_name='payouts')
    op.drop_table('payouts')
    op.drop_table('payout_batches')
    # A plain DROP COLUMN on both databases (SQLite 3.35+): artisans is not rebuilt, so its
    # catalog triggers stay, and nothing referencing artisans is touched.
    op.execute('ALTER TABLE artisans DROP COLUMN rib')
