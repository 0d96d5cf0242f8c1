"""Move the lease of a reminder being sent into its own table.

Claiming a batch used to update every claimed row of the large outbox (state, claimed_by,
claimed_at), one scattered page per row; a claim table keeps those writes on a few
adjacent pages. A row being sent is now a pending row with a claim. Rows that were
``sending`` keep their lease: they become pending rows with a claim of the same worker
and time. ``reminder.attempts`` now counts finished attempts. The due-row index gains ``subscriber_id`` and ``id``: the claim reads rows in
that order, so it walks the index instead of sorting.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminder_claim",
        sa.Column("reminder_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", UTC_INSTANT, nullable=False),
        sa.Column("takeovers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("reminder_id", name=op.f("pk_reminder_claim")),
    )
    op.execute(
        "INSERT INTO reminder_claim (reminder_id, worker, claimed_at, takeovers) "
        "SELECT id, COALESCE(claimed_by, 'unknown'), claimed_at, 0 FROM reminder "
        "WHERE state = 'sending' AND claimed_at IS NOT NULL"
    )
    # "attempts" counted claims and now counts finished attempts: the running one is
    # counted when it finishes.
    op.execute("UPDATE reminder SET state = 'pending', attempts = attempts - 1 "
               "WHERE state = 'sending' AND attempts > 0")
    op.drop_index("ix_reminder_state_next", table_name="reminder")
    with op.batch_alter_table("reminder") as batch:
        batch.drop_column("claimed_by")
        batch.drop_column("claimed_at")
    op.create_index("ix_reminder_state_next", "reminder",
                    ["state", "next_attempt_at", "subscriber_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_reminder_state_next", table_name="reminder")
    with op.batch_alter_table("reminder") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("claimed_at", UTC_INSTANT, nullable=True))
    op.create_index("ix_reminder_state_next", "reminder", ["state", "next_attempt_at"])
    op.execute(
        "UPDATE reminder SET state = 'sending', attempts = attempts + 1, "
        "claimed_by = (SELECT worker FROM reminder_claim WHERE reminder_id = reminder.id), "
        "claimed_at = (SELECT claimed_at FROM reminder_claim WHERE reminder_id = reminder.id) "
        "WHERE id IN (SELECT reminder_id FROM reminder_claim)"
    )
    op.drop_table("reminder_claim")
