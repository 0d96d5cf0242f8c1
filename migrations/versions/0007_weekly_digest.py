"""The weekly digest: programme versions for "Neu:"/"Geändert:", and long outbox texts.

``programme_version`` remembers each programme's content hash and when it was new or
changed, so the digest's news survive a restart. A digest is one outbox row holding the
whole message, longer than the 500 characters ``reminder.text`` allowed: the column
becomes TEXT (PostgreSQL changes only the catalogue; SQLite copies the table, as 0005
did). The opt-in itself is a subscription of kind "digest" and needs no schema change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "programme_version",
        sa.Column("programme_id", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTC_INSTANT, nullable=True),
        sa.Column("changed_at", UTC_INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_programme_version")),
    )
    with op.batch_alter_table("reminder") as batch:
        batch.alter_column("text", existing_type=sa.String(length=500), type_=sa.Text(),
                           existing_nullable=False)


def downgrade() -> None:
    # Digests do not fit the old column, and older code knows neither kind: they go.
    op.execute("DELETE FROM reminder WHERE kind = 'digest'")
    op.execute("DELETE FROM subscription WHERE target_kind = 'digest'")
    with op.batch_alter_table("reminder") as batch:
        batch.alter_column("text", existing_type=sa.Text(), type_=sa.String(length=500),
                           existing_nullable=False)
    op.drop_table("programme_version")
