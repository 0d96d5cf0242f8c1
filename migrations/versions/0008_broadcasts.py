"""Broadcasts ("Rundschreiben") from coordinators to the chats with subscriptions.

``broadcast`` holds each broadcast's text, its audience (what the coordinator chose and
how it was shown), the coordinator who sent it (messenger and account: staff of a
Kulturbüro, not a private person), when, and how many chats it went to. Broadcast ids
are never reused (SQLite AUTOINCREMENT). Each chat's copy travels through the
``reminder`` outbox as a row of kind "broadcast" keyed ``b:<broadcast id>:<subscriber
id>``, which needs no schema change ("broadcast" fits the 10 characters of ``kind``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("audience_kind", sa.String(length=20), nullable=False),
        sa.Column("audience_target", sa.String(length=200), nullable=False),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("coordinator_transport", sa.String(length=20), nullable=False),
        sa.Column("coordinator_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTC_INSTANT, nullable=False),
        sa.Column("chats", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    # Older code knows neither the table nor the outbox kind: both go.
    op.execute("DELETE FROM reminder WHERE kind = 'broadcast'")
    op.drop_table("broadcast")
