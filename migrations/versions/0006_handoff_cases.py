"""Questions handed off to the Kulturbüro (cases with a reference number).

``handoff_case`` holds the question text, the Kreis, the answer and where it goes. The
asker's chat id is nullable: it is cleared 30 days after the case was closed and when
the chat deletes its data. Case numbers are never reused (SQLite AUTOINCREMENT; a
PostgreSQL sequence never goes back anyway). Messages to coordinators and askers travel
through the ``reminder`` outbox as rows of kind "handoff", which needs no schema change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "handoff_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("region_id", sa.String(length=100), nullable=True),
        sa.Column("asker_transport", sa.String(length=20), nullable=False),
        sa.Column("asker_chat_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.String(length=2000), nullable=True),
        sa.Column("created_at", UTC_INSTANT, nullable=False),
        sa.Column("closed_at", UTC_INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_case")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_handoff_case_status_created", "handoff_case", ["status", "created_at"])
    op.create_index("ix_handoff_case_asker", "handoff_case",
                    ["asker_transport", "asker_chat_id"])


def downgrade() -> None:
    # Older code knows neither the table nor the outbox kind: both go.
    op.execute("DELETE FROM reminder WHERE kind = 'handoff'")
    op.drop_table("handoff_case")
