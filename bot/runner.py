"""``foerderlotse run`` and the console chat: everything in one asyncio process.

Transports, the reminder engine and the knowledge watcher run side by side and shut
down in a fixed order.

Order on SIGTERM/SIGINT: transports stop taking new messages and finish in-flight
replies (each acknowledges its update offset or sync token), then the watcher and the
scheduler stop (an in-flight sweep has already marked what it sent), then the database
closes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import signal
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Storage, build_dialogue, load_knowledge, open_storage
from bot.clock import BERLIN, Clock, real_today
from bot.demand import retention_cutoff
from bot.dialogue.core import Dialogue
from bot.errors import ConfigError
from bot.handoff.weekly import OpenCaseReminders
from bot.knowledge.problems import Problem
from bot.knowledge.reload import KnowledgeHolder, KnowledgeWatcher, problems_message
from bot.knowledge.service import Knowledge
from bot.reminders.digest import WeeklyDigest
from bot.reminders.engine import ReminderEngine
from bot.reminders.pacing import Pacer
from bot.reminders.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.storage.handoff import KEEP_ASKER
from bot.storage.programme_versions import ProgrammeVersions
from bot.storage.records import Recipient
from bot.transports.base import RoutingSender, Transport

logger = logging.getLogger(__name__)
# How long a shutdown waits for reminders under way before the transports close.
SHUTDOWN_GRACE = dt.timedelta(seconds=30)

TransportFactory = Callable[[Settings, Dialogue, Storage], list[Transport]]


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            logger.debug("Cannot install a handler for %s", sig)


async def serve(settings: Settings, clock: Clock, make_transports: TransportFactory,
                stop: asyncio.Event | None = None) -> None:
    """Run transports, the reminder engine and hot reload until ``stop`` (or a signal).

    Raises:
        ConfigError: no transport is configured.
        KnowledgeError: the knowledge folder has problems at start-up.

    """
    holder = await asyncio.to_thread(load_knowledge, settings, clock)
    for problem in holder.problems:  # the rest of the knowledge is in force
        logger.warning("Knowledge file left out: %s", problem)
    storage = await asyncio.to_thread(open_storage, settings, clock)
    dialogue: Dialogue | None = None
    try:
        dialogue = await asyncio.to_thread(build_dialogue, holder, clock, storage,
                                           settings.coordinators)
        # The knowledge may have changed while the bot was down: plan before the first sweep.
        await asyncio.to_thread(storage.planner.replan, holder.get().base)
        transports = make_transports(settings, dialogue, storage)
        if not transports:
            raise ConfigError("Kein Messenger eingerichtet: bitte FOERDERLOTSE_TELEGRAM_TOKEN "
                              "oder FOERDERLOTSE_MATRIX_HOMESERVER setzen (oder "
                              "`foerderlotse chat` für den Chat im Terminal).")
        await _serve(settings, holder, storage, clock, transports, stop or asyncio.Event())
    finally:
        if dialogue is not None and dialogue.recorder is not None:
            await dialogue.recorder.drain()  # questions answered last, bounded by a timeout
            dialogue.recorder.close()
        storage.close()


async def _serve(settings: Settings, holder: KnowledgeHolder, storage: Storage, clock: Clock,
                 transports: list[Transport], stop: asyncio.Event) -> None:
    sender = RoutingSender({t.name: t.sender for t in transports})
    await _warn_unconfigured(storage, {t.name for t in transports})
    if holder.problems:
        await _tell_coordinators(settings, sender, problems_message(holder.problems))
    # Paced at the messengers' limits (Telegram: 25/s, 1/s per chat, 20/min per group).
    engine = ReminderEngine(storage.outbox, sender, clock, pacer=Pacer())
    scheduler = AsyncIOScheduler(timezone=BERLIN)

    async def replan() -> None:
        await asyncio.to_thread(storage.planner.replan, holder.get().base)
        await _purge_questions(settings, storage, clock)

    # The weekly digest's news: what changed since the last run, also while we were down,
    # and the broadcasts each chat received in the week.
    digest = WeeklyDigest(storage.subscriptions, storage.outbox,
                          ProgrammeVersions(storage.engine), clock, lambda: holder.get().base,
                          broadcasts=storage.broadcasts.week)
    await asyncio.to_thread(digest.note_knowledge)
    reminders = ReminderScheduler(engine, scheduler, replan=replan, digest=digest)
    reminders.install()
    await _purge_questions(settings, storage, clock)
    # Handed-off questions go out at once; old open ones are reminded on Mondays.
    storage.bell.listen(reminders.soon)
    open_cases = OpenCaseReminders(storage.handoff, settings.coordinators,
                                   lambda: holder.get().base, clock, settings.handoff_remind_days)
    open_cases.install(scheduler, reminders.soon)
    await open_cases.run(reminders.soon)  # a Monday morning the bot was down

    async def reloaded(_knowledge: Knowledge) -> None:
        await replan()
        await reminders.rearm()
        # Dates the change for the digest; if it fails, the digest run records it later.
        await asyncio.to_thread(digest.note_knowledge)

    async def rejected(problems: list[Problem]) -> None:
        await _tell_coordinators(settings, sender, problems_message(problems))

    watcher = KnowledgeWatcher(holder, settings.knowledge_dir, lambda: real_today(clock),
                               reloaded, rejected, settings.reload_seconds)
    _install_signals(stop)
    scheduler.start()
    logger.info("Förderlotse runs with %s", ", ".join(t.name for t in transports))
    # The transports close only after the reminders: a sweep under way must still reach its
    # chats and write its outcomes, or a restart sends those reminders again.
    closing = asyncio.Event()
    try:
        async with asyncio.TaskGroup() as group:
            for transport in transports:
                group.create_task(transport.run(closing))
            group.create_task(watcher.run(stop))
            group.create_task(_stop_in_order(stop, closing, engine, scheduler, reminders))
    finally:
        # Normally _stop_in_order did this already; it matters when a transport failed.
        scheduler.pause()
        await reminders.idle()
        scheduler.shutdown(wait=False)
        logger.info("Förderlotse stopped")


async def _stop_in_order(stop: asyncio.Event, closing: asyncio.Event, engine: ReminderEngine,
                         scheduler: AsyncIOScheduler, reminders: ReminderScheduler) -> None:
    """On stop: claim nothing more, let the sweep finish (bounded), then close the transports."""
    try:
        # A transport may end the bot itself (the console at the end of its input).
        waiting = [asyncio.create_task(e.wait()) for e in (stop, closing)]
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        for task in waiting:
            task.cancel()
        stop.set()
        engine.stop_claiming()
        scheduler.pause()
        try:
            await asyncio.wait_for(reminders.idle(), SHUTDOWN_GRACE.total_seconds())
        except TimeoutError:
            logger.warning("Reminders still sending after %s; stopping anyway (they are sent "
                           "again after the lease)", SHUTDOWN_GRACE)
    finally:
        closing.set()


async def _warn_unconfigured(storage: Storage, running: set[str]) -> None:
    """Say at start-up which subscribed chats wait for a messenger that is not configured."""
    chats = await asyncio.to_thread(storage.subscriptions.chats_per_transport)
    for transport, count in sorted(chats.items()):
        if transport not in running:
            logger.warning("%d chat(s) with subscriptions use %s, which is not configured: "
                           "their reminders wait until it is (check the settings)",
                           count, transport)


async def _purge_questions(settings: Settings, storage: Storage, clock: Clock) -> None:
    """Enforce the retention periods of questions and cases (runs with the daily re-plan)."""
    cutoff = retention_cutoff(clock.now(), settings.question_retention_days)
    removed = await asyncio.to_thread(storage.questions.purge, cutoff)
    if removed:
        logger.info("Deleted %d logged questions older than %d days", removed,
                    settings.question_retention_days)
    # Handed-off questions: the asker's chat id 30 days after the answer, the rest with
    # the question log.
    forgotten, deleted = await asyncio.to_thread(
        storage.handoff.purge, clock.now() - KEEP_ASKER, cutoff)
    if forgotten or deleted:
        logger.info("Forgot the askers of %d answered cases; deleted %d old cases",
                    forgotten, deleted)


async def _tell_coordinators(settings: Settings, sender: RoutingSender, text: str) -> None:
    dedupe = hashlib.sha256(text.encode()).hexdigest()[:16]
    for coordinator in settings.coordinators:
        try:
            await sender.send(Recipient(coordinator.transport, coordinator.chat), text,
                              dedupe_id=f"kb-{dedupe}")
        except Exception:  # a coordinator we cannot reach must not stop the bot
            logger.exception("Could not tell coordinator %s:%s about knowledge problems",
                             coordinator.transport, coordinator.chat)
