"""Index the outbox by chat, state and due time.

The claim takes, after a batch, the other due rows of the same chats. With
``(subscriber_id, state)`` alone it had to read every row of those chats to check the
due time; with ``next_attempt_at`` in the index it reads only the due ones. The new index
still serves every query the old one did (it starts with the same columns).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_reminder_subscriber_state_next", "reminder",
                    ["subscriber_id", "state", "next_attempt_at"])
    op.drop_index("ix_reminder_subscriber_state", table_name="reminder")


def downgrade() -> None:
    op.create_index("ix_reminder_subscriber_state", "reminder", ["subscriber_id", "state"])
    op.drop_index("ix_reminder_subscriber_state_next", table_name="reminder")
