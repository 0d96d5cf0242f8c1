"""The one place objects are built: settings in, a wired dialogue (and storage) out.

Schema policy: the embedded SQLite default upgrades itself on start, so
``foerderlotse chat`` needs no setup; on PostgreSQL the operator runs
``foerderlotse db upgrade`` and the bot refuses to start on an outdated schema.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from bot.clock import Clock, real_today
from bot.dialogue.broadcast import BroadcastCommands
from bot.dialogue.core import Dialogue
from bot.dialogue.handoff import HandoffCommands
from bot.dialogue.subscriptions import SubscriptionCommands
from bot.errors import KnowledgeError
from bot.knowledge.loader import load_usable
from bot.knowledge.reload import KnowledgeHolder
from bot.knowledge.service import Knowledge
from bot.reminders.doorbell import Doorbell
from bot.reminders.planner import ReminderPlanner
from bot.settings import Coordinator, Settings
from bot.storage import (
    BroadcastRepository,
    HandoffRepository,
    OutboxRepository,
    QuestionLog,
    Recipient,
    SubscriptionRepository,
    check_schema,
    create_db_engine,
    database_url,
    upgrade,
)

logger = logging.getLogger(__name__)

__all__ = ["KnowledgeHolder", "Storage", "build_dialogue", "load_knowledge", "open_storage"]


@dataclass
class Storage:
    """The database and the repositories on it."""

    engine: Engine
    subscriptions: SubscriptionRepository
    outbox: OutboxRepository
    planner: ReminderPlanner
    questions: QuestionLog
    handoff: HandoffRepository
    broadcasts: BroadcastRepository
    # Rung when a message due now was queued (a handed-off question): sweep at once.
    bell: Doorbell = field(default_factory=Doorbell)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def open_storage(settings: Settings, clock: Clock) -> Storage:
    """Open the configured database, upgrading the embedded SQLite default by itself.

    Raises:
        ConfigError: PostgreSQL is not at the newest schema (names ``db upgrade``).

    """
    url = database_url(settings.data_dir, settings.database_url)
    engine = create_db_engine(url)
    try:
        if engine.url.get_backend_name() == "sqlite":
            upgrade(engine)
        else:
            check_schema(engine)
    except Exception:
        engine.dispose()  # refusing to start must not leave connections open
        raise
    subscriptions = SubscriptionRepository(engine, clock)
    outbox = OutboxRepository(engine)
    planner = ReminderPlanner(subscriptions, outbox, clock)
    return Storage(engine, subscriptions, outbox, planner, QuestionLog(engine),
                   HandoffRepository(engine, clock), BroadcastRepository(engine, clock))


def replanner(storage: Storage, knowledge: Callable[[], Knowledge]) -> Callable[[Recipient], None]:
    """Return a hook that re-plans one chat's reminders after it changed its subscriptions."""

    def replan(recipient: Recipient) -> None:
        subscriber = storage.subscriptions.subscriber_id(recipient)
        storage.planner.replan(knowledge().base, [] if subscriber is None else [subscriber])

    return replan


def load_knowledge(settings: Settings, clock: Clock) -> KnowledgeHolder:
    """Load the configured knowledge into a holder that hot reload can swap.

    Files with problems are left out and named in ``holder.problems``; the rest is used,
    so one unfilled template does not keep the bot from starting.

    Raises:
        KnowledgeError: nothing in the knowledge folder is usable.

    """
    result = load_usable(settings.knowledge_dir, real_today(clock))
    if result.knowledge is None:
        raise KnowledgeError(list(result.problems))
    return KnowledgeHolder(Knowledge.build(result.knowledge), result.problems)


def build_dialogue(holder: KnowledgeHolder, clock: Clock, storage: Storage | None,
                   coordinators: Sequence[Coordinator] = ()) -> Dialogue:
    """Wire the dialogue on the held knowledge; with storage, subscriptions work too.

    With storage, questions can be handed to ``coordinators`` (none: the bot says so), and
    coordinators can send broadcasts.
    """
    log = storage.questions.record if storage is not None else None
    dialogue = Dialogue(holder.get, clock, log=log)
    if storage is not None:
        broadcast = BroadcastCommands(dialogue, storage.broadcasts, coordinators,
                                      storage.bell.ring)
        commands = SubscriptionCommands(dialogue, storage.subscriptions,
                                        replanner(storage, holder.get), broadcast.history)
        handoff = HandoffCommands(dialogue, storage.handoff, coordinators, storage.bell.ring)
        for command in (*commands.commands(), *handoff.commands(), *broadcast.commands()):
            dialogue.commands.add(command)
        dialogue.after_answer = handoff.after_answer
    return dialogue
