"""Fixtures: databases on both backends (as in tests/storage) and the test knowledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Entry, Programme, Region, RegionsFile
from bot.storage import (
    OutboxRepository,
    PlannedReminder,
    Recipient,
    ReminderKind,
    SubscriptionRepository,
    TargetKind,
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2027, 10, 1, 6, 0, tzinfo=dt.UTC))


DATA = Path(__file__).parent / "data"


def load_kb(changes: dict[str, dict[str, Any] | None] | None = None) -> KnowledgeBase:
    """Load the test knowledge; ``changes`` replaces fields of programmes (None removes one)."""
    entries: dict[str, Entry] = {}
    regions: dict[str, Region] = {}
    for doc in yaml.safe_load_all((DATA / "knowledge.yaml").read_text(encoding="utf-8")):
        if doc["kind"] == "regionen":
            regions = {r.id: r for r in RegionsFile.model_validate(doc).regions}
            continue
        update = (changes or {}).get(doc["id"], {})
        if update is None:
            continue
        programme = Programme.model_validate({**doc, **update})
        entries[programme.id] = programme
    return KnowledgeBase(entries=entries, regions=regions)


@pytest.fixture
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture
def kb_with() -> Callable[..., KnowledgeBase]:
    """Return :func:`load_kb`, for tests that change the knowledge."""
    return load_kb


@pytest.fixture
def subscriptions(db_engine: Engine, clock: FixedClock) -> SubscriptionRepository:
    return SubscriptionRepository(db_engine, clock)


@pytest.fixture
def outbox(db_engine: Engine) -> OutboxRepository:
    return OutboxRepository(db_engine)


@pytest.fixture
def chat_owner(subscriptions: SubscriptionRepository) -> Callable[[str], int]:
    """Create a subscribed Telegram chat and return its subscriber id."""

    def make(chat_id: str) -> int:
        subscriptions.subscribe(Recipient("telegram", chat_id), TargetKind.ALL)
        owner = subscriptions.subscriber_id(Recipient("telegram", chat_id))
        assert owner is not None
        return owner

    return make


def deadline_row(
    owner: int, key: str, due_at: dt.datetime, occurs_on: dt.date, text: str = "Heimat-Scheck",
    step: str | None = None, lead_days: int = 7,
) -> PlannedReminder:
    return PlannedReminder(dedupe_key=key, subscriber_id=owner, kind=ReminderKind.DEADLINE,
                           text=text, due_at=due_at, occurs_on=occurs_on, step=step,
                           programme_id="p-" + text.lower(), lead_days=lead_days)


@pytest.fixture
def make_row() -> Callable[..., PlannedReminder]:
    return deadline_row
