"""SIGKILL in the middle of a reminder sweep: how many reminders arrive twice (issue #16).

Run from the repository root (with the project's virtual environment):

    python tests/bench/bench_sigkill.py [--trials 3] [--reminders 150]
    python tests/bench/bench_sigkill.py --repo /tmp/head  # e.g. `git archive HEAD` unpacked

(``--repo``: the bot subprocess, the database preparation and the fake API all come from
that checkout; ``--keep`` keeps the databases and bot logs; ``--help`` lists the rest.)

Each trial runs the real bot (``python -m bot run``, the system clock) as a subprocess
against the fake Telegram Bot API of :mod:`tests.telegram.fakeapi`, served by this process
on 127.0.0.1 with a per-message delay (``--delay``, default 0.05 s), so that the sweep of
``--reminders`` personal reminders for as many chats takes a few seconds (the bot paces
Telegram at 25 messages/s anyway):

1. A fresh SQLite database in a temporary data folder gets N personal reminders, each for
   its own Telegram chat, due today at the current minute (Europe/Berlin), i.e. due now
   for the real clock (``SubscriptionRepository.add_personal_reminder``, as in
   tests/telegram/test_lifecycle.py).
2. The bot starts and sweeps. Once the fake API has accepted about a third of the
   messages (``--kill-at``), plus a random 0 to ``commit_window`` seconds (``--jitter``:
   pacing and commit timer both tick from the sweep's start, so a fixed count would always
   hit the same phase of the window), the bot gets SIGKILL.
3. The claims the dead process left behind would only be taken over after the lease
   (``EngineConfig.lease``, 5 minutes). The benchmark simulates the expiry instead of
   waiting: it moves ``reminder_claim.claimed_at`` of every claim back by the lease plus one
   minute, directly in the SQLite file. ``reminder_claim`` (see bot/storage/tables.py and
   bot/storage/claims.py) is where the lease lives: a pending ``reminder`` row with a claim
   is "sending", and ``claims.claim`` takes over every claim whose ``claimed_at`` is at
   least ``lease`` old. Nothing else is changed: ``reminder`` rows keep their state,
   ``attempts`` and ``next_attempt_at``.
4. The bot starts again, sends what is left (the taken-over claims first), and once every
   chat has got its message and the outbox is settled (no pending row, no claim), it is
   stopped with SIGTERM.
5. Doubles are chats that received the reminder more than once.

Canaries (``--canaries``, default 3): the bot's first sweep starts together with the
Telegram transport and can reach the first chat of its batch before the transport is
connected (``TelegramSender`` raises ``RetryLater("... not connected", 10)``, which the
engine turns into a retry 30–60 s later). Without a workaround that lands on the first
measured chat, after a restart on exactly a chat whose repeat is being measured, and the
trial waits a minute for it. So a few extra chats with lower subscriber ids get a reminder
due now before each start; the engine sends a batch in subscriber order, so they come
first and absorb the race, while the pacer (25 messages/s) holds the measured chats back
by 40 ms each. Canaries are never counted. Rows still hit by the race are listed per trial
(and make the exit code 1).

The bound ("a crash repeats at most the messages of the last ``commit_window`` seconds",
bot/reminders/commits.py) is measured in the same trial from the fake server's own
timestamps: the messages it accepted within the last ``commit_window`` seconds before the
kill. The commit window cannot be changed from outside bot/ (``EngineConfig`` is built by
bot/runner.py with its defaults), so no second run with another window serves as a
baseline; instead the table also shows the messages that were in flight at the kill
(accepted by the server, the answer never read by the dead bot), which at-least-once
delivery repeats whatever the window. For every trial the database state right after the
kill predicts the doubles: a row still pending with a claim whose chat already got its
message will be sent again.

One more trial stops the bot with SIGTERM at the same point (graceful stop mid-sweep);
it must produce no double.

Nothing leaves 127.0.0.1; the temporary folder and the bot processes are removed/ended on
the way out, also on errors and Ctrl-C. Progress goes to stderr, the tables to stdout.
Exit code 1 when a trial failed (a chat never got its message, or a SIGTERM double).
Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _repo(argv: list[str]) -> Path:
    """Return the checkout whose bot is measured (``--repo``, default this one).

    Read before the imports below, so the benchmark's own database preparation and the
    fake API come from the same checkout as the bot subprocess.
    """
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--repo", type=Path)
    known, _ = early.parse_known_args(argv)
    return (known.repo or Path(__file__).resolve().parents[2]).resolve()


ROOT = _repo(sys.argv[1:])
sys.path.insert(0, str(ROOT))  # also runnable without PYTHONPATH=.

from aiohttp import web  # noqa: E402

import bot  # noqa: E402
from bot.app import open_storage  # noqa: E402
from bot.clock import BERLIN, SystemClock  # noqa: E402
from bot.reminders.engine import EngineConfig  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.database import DEFAULT_FILE  # noqa: E402
from bot.storage.records import Recipient  # noqa: E402
from tests.telegram.fakeapi import FakeBotApi  # noqa: E402

TOKEN = "123456:BENCH-sigkill_token"  # noqa: S105  (the fake server's)
FIRST_CHAT = 700_000
CANARY_CHAT = 600_000  # below FIRST_CHAT; created first, so their rows are sent first
DEFAULTS = EngineConfig()
WINDOW = DEFAULTS.commit_window  # the bot's own value, so the bound follows a change
LEASE = DEFAULTS.lease
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
_ARRIVED: contextvars.ContextVar[float] = contextvars.ContextVar("arrived", default=0.0)
_SQLITE_INSTANT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores UtcDateTime in SQLite


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the fake API, with timestamps ---------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One sendMessage as the fake server saw it (wall-clock seconds, ``time.time()``)."""

    chat: int
    arrived: float  # the request reached the server
    answered: float  # the server accepted it (recorded) and answers
    status: int


class TimedBotApi(FakeBotApi):
    """:class:`FakeBotApi` that also notes when each call arrived and was answered."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.deliveries: list[Delivery] = []
        self.other_calls: list[tuple[float, str]] = []

    async def _handle(self, request: web.Request) -> web.Response:
        _ARRIVED.set(time.time())  # each request is handled in its own context
        return await super()._handle(request)

    async def _record(self, method: str, params: dict[str, Any], status: int,
                      response: web.Response) -> web.Response:
        now = time.time()
        if method == "sendMessage":
            self.deliveries.append(Delivery(int(params["chat_id"]), _ARRIVED.get(), now, status))
        else:
            self.other_calls.append((now, method))
        return await super()._record(method, params, status, response)

    def accepted(self, before: float = float("inf")) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == 200 and d.answered < before]

    def polled_since(self, since: float) -> bool:
        return any(at >= since and method == "getUpdates" for at, method in self.other_calls)


# -- the database --------------------------------------------------------------------------


def add_due_now(data_dir: Path, chats: list[int], label: str) -> None:
    """Give each chat a personal reminder due now (today, this minute, Europe/Berlin)."""
    now = dt.datetime.now(BERLIN)
    if now.hour == 23 and now.minute >= 55:
        log("Warnung: kurz vor Mitternacht – fällt ein Lauf über 0 Uhr, gelten die "
            "Erinnerungen als verpasst und werden verworfen statt gesendet.")
    settings = Settings.from_env({"FOERDERLOTSE_DATA_DIR": str(data_dir)})
    storage = open_storage(settings, SystemClock())
    try:
        for chat in chats:
            storage.subscriptions.add_personal_reminder(
                Recipient("telegram", str(chat)), now.date(), f"{label} ({chat})",
                send_time=f"{now:%H:%M}")
    finally:
        storage.close()


def prepare(data_dir: Path, count: int, canaries: int) -> list[int]:
    """Create the database: the canary chats first (lowest subscriber ids), then ``count``
    chats with one reminder due now each; return the measured chats."""
    add_due_now(data_dir, canary_chats(canaries), "Kanarienvogel")
    chats = [FIRST_CHAT + number for number in range(count)]
    add_due_now(data_dir, chats, "Belege sammeln")
    return chats


def canary_chats(canaries: int) -> list[int]:
    return [CANARY_CHAT + number for number in range(canaries)]


@dataclass
class Snapshot:
    """The outbox right after the kill (before the simulated lease expiry)."""

    states: Counter[str]
    claimed: dict[int, tuple[int, str, str, str]]  # chat -> (row id, state, worker, claimed_at)
    last_committed_sent_at: float | None  # newest sent_at of a row marked sent


def _connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def snapshot(db: Path) -> Snapshot:
    with contextlib.closing(_connect(db)) as conn:
        states = Counter({state: n for state, n in conn.execute(
            "SELECT state, count(*) FROM reminder GROUP BY state")})
        claimed = {int(chat): (row, state, worker, at) for chat, row, state, worker, at in
                   conn.execute(
                       "SELECT s.chat_id, r.id, r.state, c.worker, c.claimed_at "
                       "FROM reminder_claim c JOIN reminder r ON r.id = c.reminder_id "
                       "JOIN subscriber s ON s.id = r.subscriber_id")}
        (newest,) = conn.execute(
            "SELECT max(sent_at) FROM reminder WHERE state = 'sent'").fetchone()
    return Snapshot(states, claimed, _epoch(newest) if newest else None)


def _parse(stored: str) -> dt.datetime:
    return dt.datetime.strptime(stored, _SQLITE_INSTANT).replace(tzinfo=dt.UTC)


def _epoch(stored: str) -> float:
    return _parse(stored).timestamp()


def expire_leases(db: Path) -> int:
    """Make every claim look older than the lease (what 5 minutes of waiting would do).

    Only ``reminder_claim.claimed_at`` changes, each by the same amount, so the order in
    which the next engine takes the claims over stays as it was.
    """
    shift = LEASE + dt.timedelta(minutes=1)
    with contextlib.closing(_connect(db)) as conn, conn:
        rows = conn.execute("SELECT reminder_id, claimed_at FROM reminder_claim").fetchall()
        conn.executemany("UPDATE reminder_claim SET claimed_at = ? WHERE reminder_id = ?", [
            ((_parse(at) - shift).strftime(_SQLITE_INSTANT), row) for row, at in rows])
    return len(rows)


def settled(db: Path) -> bool:
    """Tell whether no measured chat's row is pending or claimed any more."""
    with contextlib.closing(_connect(db)) as conn:
        (open_rows,) = conn.execute(
            "SELECT count(*) FROM reminder r JOIN subscriber s ON s.id = r.subscriber_id "
            "WHERE CAST(s.chat_id AS INTEGER) >= ? AND (r.state = 'pending' OR EXISTS ("
            "SELECT 1 FROM reminder_claim c WHERE c.reminder_id = r.id))",
            (FIRST_CHAT,)).fetchone()
    return not open_rows


def deferred(db: Path) -> dict[int, tuple[int, str, str]]:
    """Return measured chats whose row waits for a retry: chat -> (row, retry at, error)."""
    with contextlib.closing(_connect(db)) as conn:
        return {int(chat): (row, at, error) for chat, row, at, error in conn.execute(
            "SELECT s.chat_id, r.id, r.next_attempt_at, r.last_error FROM reminder r "
            "JOIN subscriber s ON s.id = r.subscriber_id WHERE r.state = 'pending' "
            "AND r.last_error IS NOT NULL AND CAST(s.chat_id AS INTEGER) >= ?",
            (FIRST_CHAT,))}


# -- the bot process -----------------------------------------------------------------------


class Processes:
    """The bot processes this run started; :meth:`end_all` kills those still alive."""

    def __init__(self) -> None:
        self.running: list[asyncio.subprocess.Process] = []

    async def start(self, api_root: str, data_dir: Path, output: Path
                    ) -> asyncio.subprocess.Process:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("FOERDERLOTSE_") and k.lower() not in _PROXY_VARIABLES}
        env.update({
            "FOERDERLOTSE_DATA_DIR": str(data_dir),
            "FOERDERLOTSE_TELEGRAM_TOKEN": TOKEN,
            "FOERDERLOTSE_TELEGRAM_API_URL": api_root + "/",
            "FOERDERLOTSE_LOG_LEVEL": "INFO",
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "PTB_TIMEDELTA": "true",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        })
        with output.open("ab") as sink:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=sink, stderr=sink,
                start_new_session=True)  # a Ctrl-C on the benchmark reaches only us
        self.running.append(process)
        return process

    async def end_all(self) -> None:
        for process in self.running:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(process.wait(), 10)
        self.running.clear()


async def until(check: Callable[[], bool], seconds: float, what: str,
                every: float = 0.02) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TrialError(f"timeout after {seconds:.0f} s waiting for {what}")
        await asyncio.sleep(every)


class TrialError(Exception):
    pass


# -- one trial ---------------------------------------------------------------------------


@dataclass
class Result:
    number: int
    how: str  # "SIGKILL" or "SIGTERM"
    chats: int
    sent_before: int = 0
    after_signal: int = 0  # accepted after the signal, before the restart (SIGKILL: in flight)
    in_window: int = 0  # accepted within the last WINDOW seconds before the signal
    doubles: int = 0
    predicted: int = 0  # from the database after the kill: claimed rows already delivered
    missing: int = 0
    claims_left: int = 0
    stop_seconds: float = 0.0  # signal to exit of the first process
    uncommitted_span: float | None = None  # signal minus the oldest delivery not committed
    last_commit_age: float | None = None  # signal minus the newest committed sent_at
    raced: list[str] = field(default_factory=list)  # measured rows hit by the start-up race
    canaries_raced: int = 0
    details: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def killed(self) -> bool:
        return self.how == "SIGKILL"

    @property
    def within_bound(self) -> bool:
        return self.doubles <= self.in_window

    @property
    def within_bound_and_flight(self) -> bool:
        return self.doubles <= self.in_window + self.after_signal


async def trial(number: int, how: signal.Signals, args: argparse.Namespace, workdir: Path,
                processes: Processes) -> Result:
    folder = workdir / f"trial-{number}"
    data_dir = folder / "data"
    folder.mkdir(parents=True)
    chats = await asyncio.to_thread(prepare, data_dir, args.reminders, args.canaries)
    measured = set(chats)
    db = data_dir / DEFAULT_FILE
    result = Result(number, how.name, len(chats))
    api = TimedBotApi(TOKEN, send_delay=args.delay)
    await api.start()

    def accepted(before: float = float("inf")) -> list[Delivery]:
        return [d for d in api.accepted(before) if d.chat in measured]

    try:
        target = max(1, round(len(chats) * args.kill_at))
        first = await processes.start(api.root, data_dir, folder / "bot-1.log")
        await until(lambda: len(accepted()) >= target or first.returncode is not None,
                    args.timeout, f"{target} messages")
        if first.returncode is not None:
            raise TrialError(f"the bot ended by itself (exit {first.returncode})")
        # The pacer and the commit timer both tick from the sweep's start, so a signal at
        # a fixed count would always hit the same phase of the commit window.
        await asyncio.sleep(random.uniform(0, args.jitter))
        signalled = time.time()
        first.send_signal(how)
        await asyncio.wait_for(first.wait(), args.timeout)
        result.stop_seconds = time.time() - signalled
        # Requests the dead process had written are still answered by the server.
        await asyncio.sleep(args.delay + 0.5)
        restarted_at = time.time()
        before = accepted(signalled)
        result.sent_before = len(before)
        result.after_signal = len(accepted(restarted_at)) - len(before)
        result.in_window = sum(1 for d in before if d.answered >= signalled - WINDOW)
        state = await asyncio.to_thread(snapshot, db)
        delivered_first = {d.chat: d for d in reversed(accepted(restarted_at))}
        result.claims_left = sum(1 for chat in state.claimed if chat in measured)
        repeat = {chat: claim for chat, claim in state.claimed.items()
                  if chat in delivered_first}
        result.predicted = len(repeat)
        if repeat:
            result.uncommitted_span = signalled - min(delivered_first[c].answered
                                                      for c in repeat)
        if state.last_committed_sent_at is not None:
            result.last_commit_age = signalled - state.last_committed_sent_at
        expired = await asyncio.to_thread(expire_leases, db)
        # Fresh canary rows, so the restarted bot's first sweep starts with them again.
        await asyncio.to_thread(add_due_now, data_dir, canary_chats(args.canaries),
                                "Kanarienvogel nach dem Neustart")
        log(f"  trial {number} ({how.name}): {result.sent_before} accepted before the "
            f"signal, {result.after_signal} after it, outbox {dict(state.states)}, "
            f"{expired} claim(s) expired by hand")

        second = await processes.start(api.root, data_dir, folder / "bot-2.log")

        def done() -> bool:
            if second.returncode is not None:
                raise TrialError(f"the restarted bot ended by itself (exit {second.returncode})")
            return ({d.chat for d in accepted()} >= measured
                    and api.polled_since(restarted_at) and settled(db))

        try:
            await until(done, args.timeout, "every chat's message after the restart", 0.1)
        except TrialError as error:
            waiting = await asyncio.to_thread(deferred, db)
            result.error = str(error) + (f"; still waiting for a retry: {waiting}"
                                         if waiting else "")
        await asyncio.sleep(args.settle)  # anything sent twice arrives meanwhile
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), args.timeout)

        per_chat = Counter(d.chat for d in accepted())
        result.doubles = sum(1 for chat in chats if per_chat[chat] > 1)
        result.missing = sum(1 for chat in chats if per_chat[chat] == 0)
        result.raced, result.canaries_raced = await asyncio.to_thread(race_victims, db)
        for chat in sorted((c for c in chats if per_chat[c] > 1),
                           key=lambda c: delivered_first[c].answered
                           if c in delivered_first else float("inf")):
            again = [d.answered - restarted_at for d in accepted() if d.chat == chat
                     and d.answered >= restarted_at]
            seen = delivered_first.get(chat)
            claim = state.claimed.get(chat)
            when = ("?" if seen is None else f"{seen.answered - signalled:+.3f} s from the "
                    f"signal" + (" (in flight)" if seen.answered >= signalled else ""))
            held = (f"row {claim[0]} {claim[1]} with a claim since "
                    f"{_epoch(claim[3]) - signalled:+.3f} s: delivered, outcome not committed"
                    if claim else "no claim at the kill (unexpected)")
            result.details.append(
                f"chat {chat}: {per_chat[chat]}×; first accepted {when}; {held}; "
                f"again {', '.join(f'{a:+.2f} s' for a in again)} after the restart")
    finally:
        await processes.end_all()
        await api.close()
    return result


def race_victims(db: Path) -> tuple[list[str], int]:
    """Rows whose send found Telegram not yet connected (the sweep at start-up is faster
    than the transport): measured rows as text, and the number of canary rows."""
    with contextlib.closing(_connect(db)) as conn:
        rows = conn.execute(
            "SELECT s.chat_id, r.id, r.state, r.attempts FROM reminder r "
            "JOIN subscriber s ON s.id = r.subscriber_id "
            "WHERE r.last_error LIKE '%not connected%' ORDER BY r.id").fetchall()
    measured = [f"chat {chat} row {row} ({state}, {attempts} attempts)"
                for chat, row, state, attempts in rows if int(chat) >= FIRST_CHAT]
    return measured, len(rows) - len(measured)


# -- output ------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    header = ("trial", "signal", "sent before", "in flight", f"last {WINDOW:g} s (bound)",
              "doubles", "predicted (DB)", "doubles ≤ bound", "≤ bound + in flight",
              "uncommitted span", "missing")
    rows: list[tuple[str, ...]] = [header]
    for r in results:
        if r.error and not r.sent_before:
            rows.append((str(r.number), r.how, "failed", *["–"] * (len(header) - 3)))
            continue
        span = "–" if r.uncommitted_span is None else f"{r.uncommitted_span:.3f} s"
        rows.append((str(r.number), r.how, str(r.sent_before),
                     str(r.after_signal) if r.killed else "–",
                     str(r.in_window), str(r.doubles), str(r.predicted),
                     ("yes" if r.within_bound else "NO") if r.killed else "–",
                     ("yes" if r.within_bound_and_flight else "NO") if r.killed else "–",
                     span, str(r.missing)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |"
             for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    return f"{seconds:.3f} s before" if seconds >= 0 else f"{-seconds:.3f} s after"


def report(results: list[Result], args: argparse.Namespace, seconds: float) -> int:
    kills = [r for r in results if r.killed and r.sent_before]
    print(f"SIGKILL mid-sweep: {args.reminders} reminders to {args.reminders} chats, "
          f"signal after ~{args.kill_at:.0%} accepted (+0…{args.jitter:g} s), "
          f"fake API delay {args.delay:g} s/message, "
          f"commit_window {WINDOW:g} s, lease {LEASE} (expired by hand), {seconds:.0f} s")
    print(f"bot code: {Path(bot.__file__).resolve().parent}")
    print()
    print(table(results))
    print()
    if kills:
        print(f"SIGKILL doubles: {sum(r.doubles for r in kills)} in {len(kills)} trial(s) "
              f"(min {min(r.doubles for r in kills)}, max {max(r.doubles for r in kills)} "
              f"per {args.reminders}); baseline bound, accepted in the last {WINDOW:g} s "
              f"before the kill: {sum(r.in_window for r in kills)}; with those in flight: "
              f"{sum(r.in_window + r.after_signal for r in kills)}")
    for r in results:
        line = f"trial {r.number} ({r.how}): "
        if r.sent_before:
            line += (f"first process ended {r.stop_seconds:.2f} s after the signal"
                     + ("" if r.killed else f" and sent {r.after_signal} more before it did")
                     + f"; claims left {r.claims_left}; newest committed sent_at "
                     f"{_ago(r.last_commit_age)} the signal; start-up race: "
                     f"{r.canaries_raced} canary row(s)")
            if r.raced:
                line += f", measured rows {r.raced}"
        print(line)
        if r.error:
            print(f"  PROBLEM: {r.error}")
        if r.details and (not r.killed or not r.within_bound or args.verbose):
            for detail in r.details:
                print(f"  {detail}")
    failed = any(r.error or r.missing or r.raced for r in results) or any(
        r.doubles for r in results if not r.killed)
    return 1 if failed else 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=3, help="SIGKILL trials (default 3)")
    parser.add_argument("--reminders", type=int, default=150,
                        help="reminders, one per chat (default 150)")
    parser.add_argument("--delay", type=float, default=0.05,
                        help="seconds the fake API takes per sendMessage (default 0.05)")
    parser.add_argument("--kill-at", type=float, default=1 / 3,
                        help="signal once this share of messages was accepted (default 1/3)")
    parser.add_argument("--jitter", type=float, default=WINDOW,
                        help=f"then wait a random 0…JITTER s more (default {WINDOW:g}, the "
                             "commit window), so trials hit different phases of it")
    parser.add_argument("--seed", type=int, help="seed for the jitter")
    parser.add_argument("--no-sigterm", action="store_true", help="skip the SIGTERM trial")
    parser.add_argument("--canaries", type=int, default=3,
                        help="uncounted chats sent first after each start (default 3), see the "
                             "module docstring")
    parser.add_argument("--timeout", type=float, default=90.0,
                        help="seconds to wait for each step (default 90: a reminder retried "
                             "after the start-up race comes 60 s later)")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds to wait for late repeats after the restart (default 1)")
    parser.add_argument("--repo", type=Path, metavar="CHECKOUT",
                        help="measure the bot of this checkout (default: this repository)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (databases, bot logs)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every doubled chat, also within the bound")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> int:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)  # clean up on SIGTERM too
    workdir = Path(tempfile.mkdtemp(prefix="bench-sigkill-"))
    processes = Processes()
    results: list[Result] = []
    started = time.monotonic()
    plan = [signal.SIGKILL] * args.trials + ([] if args.no_sigterm else [signal.SIGTERM])
    try:
        for number, how in enumerate(plan, 1):
            log(f"trial {number}/{len(plan)}: {how.name}")
            try:
                results.append(await trial(number, how, args, workdir, processes))
            except (TrialError, TimeoutError) as error:
                log(f"  trial {number} failed: {error}")
                _tail(workdir / f"trial-{number}")
                results.append(Result(number, how.name, args.reminders,
                                      error=str(error) or type(error).__name__))
        return report(results, args, time.monotonic() - started)
    finally:
        await processes.end_all()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _tail(folder: Path, lines: int = 15) -> None:
    for output in sorted(folder.glob("bot-*.log")):
        log(f"  --- last lines of {output.name} ---")
        for line in output.read_text(errors="replace").splitlines()[-lines:]:
            log(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    random.seed(args.seed)
    try:
        return asyncio.run(run(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        log("interrupted")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
