"""Persistence: tables, migrations, repositories (subscriptions, outbox, cases, broadcasts)."""

from bot.storage.broadcasts import Audience, BroadcastRepository
from bot.storage.database import create_db_engine, database_url
from bot.storage.handoff import Case, HandoffRepository
from bot.storage.migrate import check_schema, upgrade
from bot.storage.outbox import OutboxRepository
from bot.storage.question_log import LoggedQuestion, QuestionLog
from bot.storage.records import (
    ClaimedReminder,
    PersonalReminderInfo,
    PlannedReminder,
    Recipient,
    ReminderKind,
    State,
    SubscriptionInfo,
    TargetKind,
)
from bot.storage.subscriptions import SubscriptionRepository

__all__ = [
    "Audience",
    "BroadcastRepository",
    "Case",
    "ClaimedReminder",
    "HandoffRepository",
    "LoggedQuestion",
    "OutboxRepository",
    "PersonalReminderInfo",
    "PlannedReminder",
    "QuestionLog",
    "Recipient",
    "ReminderKind",
    "State",
    "SubscriptionInfo",
    "SubscriptionRepository",
    "TargetKind",
    "check_schema",
    "create_db_engine",
    "database_url",
    "upgrade",
]
