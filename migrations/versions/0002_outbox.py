"""The reminder outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("programme_id", sa.String(length=200), nullable=True),
        sa.Column("personal_reminder_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=True),
        sa.Column("step", sa.String(length=200), nullable=True),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("due_at", UTC_INSTANT, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_INSTANT, nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", UTC_INSTANT, nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("sent_at", UTC_INSTANT, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTC_INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["personal_reminder_id"], ["personal_reminder.id"],
            name=op.f("fk_reminder_personal_reminder_id_personal_reminder"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscriber.id"],
            name=op.f("fk_reminder_subscriber_id_subscriber"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_reminder_dedupe_key")),
    )
    op.create_index("ix_reminder_state_next", "reminder", ["state", "next_attempt_at"])
    op.create_index("ix_reminder_subscriber_state", "reminder", ["subscriber_id", "state"])


def downgrade() -> None:
    op.drop_table("reminder")
