"""Subscribers, their subscriptions and personal reminders.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transport", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriber")),
        sa.UniqueConstraint("transport", "chat_id", name="uq_subscriber_chat"),
    )
    op.create_table(
        "personal_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("send_time", sa.String(length=5), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC_INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscriber.id"],
            name=op.f("fk_personal_reminder_subscriber_id_subscriber"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_reminder")),
    )
    op.create_index(
        op.f("ix_personal_reminder_subscriber_id"), "personal_reminder", ["subscriber_id"]
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("lead_days", sa.String(length=100), nullable=False),
        sa.Column("send_time", sa.String(length=5), nullable=False),
        sa.Column("created_at", UTC_INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscriber.id"],
            name=op.f("fk_subscription_subscriber_id_subscriber"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint(
            "subscriber_id", "target_kind", "target", name="uq_subscription_target"
        ),
    )
    op.create_index(op.f("ix_subscription_subscriber_id"), "subscription", ["subscriber_id"])


def downgrade() -> None:
    op.drop_table("subscription")
    op.drop_table("personal_reminder")
    op.drop_table("subscriber")
