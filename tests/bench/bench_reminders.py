"""Benchmark the reminder outbox: claiming, re-planning and the engine's per-reminder overhead.

Run from the repository root:

    PYTHONPATH=. python tests/bench/bench_reminders.py [--backends sqlite,postgresql] [--scale 0.1]

Per backend it creates a throw-away database (an SQLite file in a temporary folder, or a
``foerderlotse_test_…`` PostgreSQL database via :mod:`bot.storage.testing`), migrated to
head, and measures

1. **claim**: 1.000.000 pending reminders of 50.000 chats, due over a year, bulk-loaded
   (COPY on PostgreSQL, one executemany on SQLite); then 20 × ``OutboxRepository.claim``
   of 500 rows (find and mark, the target) and ``load`` of those rows (read what sending
   needs, outside the claim's lock), once with 3 % of the rows due and once with half;
2. **replan**: ``ReminderPlanner.replan`` for 100.000 subscriptions of 50.000 chats on a
   synthetic knowledge base of 200 programmes: first plan, nothing changed, and one date
   of the most popular programme moved by two weeks;
3. **engine**: a sweep of 100.000 due reminders (2 per chat) through ``ReminderEngine`` to
   an async no-op sender without pacing, next to 100.000 single-row INSERTs and UPDATEs
   run through the same SQLAlchemy engine in transactions of the engine's batch size.

and prints one table with both backends and the targets (PASS/FAIL). ``--scale`` scales
every row count (not the knowledge). Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import Engine

from bot.clock import FixedClock, berlin_today
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Entry, Programme, Region
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.reminders.pacing import Pacer
from bot.reminders.planner import ReminderPlanner
from bot.storage import OutboxRepository, Recipient, SubscriptionRepository
from bot.storage.database import create_db_engine
from bot.storage.migrate import upgrade
from bot.storage.records import local_instant
from bot.storage.tables import Reminder, Subscriber, Subscription
from bot.storage.testing import postgres_admin_url, postgres_problem, temporary_postgres_database

R: Table = Reminder.__table__  # type: ignore[attr-defined]
SUBSCRIBER: Table = Subscriber.__table__  # type: ignore[attr-defined]
SUBSCRIPTION: Table = Subscription.__table__  # type: ignore[attr-defined]
UTC = dt.UTC
CREATED = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
YEAR_START = dt.date(2027, 1, 4)  # first due day of the claim data
PLAN_NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=UTC)  # the re-plan's clock
SEND_TIMES = ("09:00", "09:00", "09:00", "08:00", "18:00", "07:30")
LEAD_DAYS = ("28,7,1",) * 8 + ("14,3", "7")
CLAIMS, CLAIM_SIZE, LEASE = 20, 500, dt.timedelta(minutes=5)
TARGET_CLAIM_MS, TARGET_REPLAN_S, TARGET_RATIO = 10.0, 10.0, 2.0


def log(message: str, *args: object) -> None:
    """Progress to stderr; the results table goes to stdout."""
    print(f"[{time.strftime('%H:%M:%S')}] " + message % args, file=sys.stderr, flush=True)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def stopwatch(into: list[float]) -> Iterator[None]:
    """Append the seconds the block took to ``into``."""
    start = time.perf_counter()
    yield
    into.append(time.perf_counter() - start)


def p99(values: Sequence[float]) -> float:
    """Nearest-rank 99th percentile (the maximum for fewer than 100 values)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


# --------------------------------------------------------------------------- databases


@contextmanager
def database(backend: str) -> Iterator[Engine]:
    """Yield an engine on an empty database at head; the database is removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-reminders-") as folder:
            engine = create_db_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            upgrade(engine)
            yield engine
            engine.dispose()
        return
    with temporary_postgres_database(postgres_admin_url()) as url:
        engine = create_db_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def bulk_load(engine: Engine, table: Table, columns: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> None:
    """Load rows fast: COPY on PostgreSQL, one raw executemany on SQLite."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # Bound values as SQLAlchemy would store them (UTC text for instants).
        processors = [table.c[name].type.dialect_impl(engine.dialect).bind_processor(
            engine.dialect) for name in columns]
        marks = ", ".join("?" * len(columns))
        names = ", ".join(columns)  # our own constants, not input
        statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608
        conn.exec_driver_sql(statement, [
            tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))
            for row in rows
        ])


def analyze(engine: Engine) -> None:
    """Refresh planner statistics, as autovacuum would after a bulk load."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def load_subscribers(engine: Engine, count: int) -> None:
    """Create chats 1…count, alternating between Telegram and Matrix."""
    bulk_load(engine, SUBSCRIBER, ("id", "transport", "chat_id", "active", "created_at"), (
        (i, "telegram" if i % 3 else "matrix", str(1_000_000 + i), True, CREATED)
        for i in range(1, count + 1)))
    if engine.dialect.name == "postgresql":  # COPY with explicit ids leaves the sequence behind
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT setval('subscriber_id_seq', (SELECT max(id) FROM subscriber))")


REMINDER_COLUMNS = ("subscriber_id", "kind", "programme_id", "text", "occurs_on", "lead_days",
                    "due_at", "state", "attempts", "next_attempt_at", "late", "dedupe_key",
                    "created_at")


def reminder_row(key: str, owner: int, due_at: dt.datetime, occurs_on: dt.date,
                 lead: int, programme: int) -> tuple[Any, ...]:
    """One pending deadline row in :data:`REMINDER_COLUMNS` order."""
    return (owner, "deadline", f"programm-{programme}", f"Förderprogramm Nummer {programme}",
            occurs_on, lead, due_at, "pending", 0, due_at, False, key, CREATED)


# --------------------------------------------------------------------------- 1. claim


@dataclass
class Results:
    """Measured values per backend, keyed by metric name."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    verdicts: dict[str, dict[str, bool]] = field(default_factory=dict)

    def put(self, metric: str, backend: str, value: str, ok: bool | None = None) -> None:
        """Record a printed value and, for a target, whether it was met."""
        self.values.setdefault(metric, {})[backend] = value
        if ok is not None:
            self.verdicts.setdefault(metric, {})[backend] = ok


def claim_rows(count: int, subscribers: int, seed: int = 1) -> list[tuple[Any, ...]]:
    """``count`` pending rows, due at one of four local times on a day of the year."""
    rng = random.Random(seed)
    days = [YEAR_START + dt.timedelta(days=d) for d in range(365)]
    slots = [[local_instant(day, t) for t in ("08:00", "09:00", "12:00", "18:00")]
             for day in days]
    rows = []
    for i in range(count):
        d, lead = rng.randrange(365), rng.choice((28, 7, 1))
        rows.append(reminder_row(f"bench:{i}", rng.randint(1, subscribers),
                                 slots[d][rng.choice((0, 1, 1, 1, 2, 3))],
                                 days[d] + dt.timedelta(days=lead), lead, rng.randrange(200)))
    return rows


def bench_claim(engine: Engine, backend: str, scale: float, results: Results) -> None:
    """Load the big outbox and time ``claim_due`` at a morning backlog and a half-year one."""
    subscribers, count = max(1, round(50_000 * scale)), max(1, round(1_000_000 * scale))
    load_subscribers(engine, subscribers)
    rows = claim_rows(count, subscribers)
    due = sorted(row[6] for row in rows)
    log("%s: loading %d reminders", backend, count)
    took: list[float] = []
    with stopwatch(took):
        bulk_load(engine, R, REMINDER_COLUMNS, rows)
        analyze(engine)
    del rows
    results.put(f"claim: bulk load {count:,} rows (s)", backend, f"{took[0]:.1f}")
    outbox = OutboxRepository(engine)
    # 3 % due (~11 days, enough rows for all claims) is close to normal operation; 50 %
    # due is a long outage. As in the engine, each batch is marked sent (not timed).
    for label, now in (("3 % of rows due", due[len(due) * 3 // 100]),
                       ("50 % of rows due", due[len(due) // 2])):
        claims: list[float] = []
        loads: list[float] = []
        claimed = 0
        for attempt in range(CLAIMS + 1):  # the first round warms the caches up
            with stopwatch(claims):
                ids = outbox.claim(now, "bench", LEASE, CLAIM_SIZE)
            with stopwatch(loads):
                batch = outbox.load(ids, "bench")
            outbox.mark_sent([row.id for row in batch], "bench", now)
            claimed += len(batch) if attempt else 0
        claims, loads = claims[1:], loads[1:]
        both = [c + ld for c, ld in zip(claims, loads, strict=True)]
        for what, times, target in (("claim (find + mark)", claims, True),
                                    ("load claimed rows for sending", loads, False),
                                    ("claim + load (claim_due)", both, False)):
            median_ms, p99_ms = statistics.median(times) * 1e3, p99(times) * 1e3
            log("%s: %s, %s: median %.2f ms, p99 %.2f ms, %d rows", backend, what, label,
                median_ms, p99_ms, claimed)
            results.put(f"{what} {CLAIM_SIZE}, {label}: median / p99 (ms)", backend,
                        f"{median_ms:.2f} / {p99_ms:.2f} ({claimed / CLAIMS:.0f} rows)",
                        p99_ms <= TARGET_CLAIM_MS if target else None)


# --------------------------------------------------------------------------- 2. replan

TOPICS = ("Heimat", "Kultur", "Musik", "Denkmal", "Jugend", "Kinder", "Ehrenamt", "Sport",
          "Umwelt", "Natur", "Integration", "Inklusion", "Senioren", "Dorfentwicklung",
          "Digitalisierung", "Theater", "Literatur", "Bildende Kunst", "Brauchtum", "Bildung")
DISTRICTS = {"westfalen-lippe": ("muenster", "detmold", "arnsberg"),
             "rheinland": ("koeln", "duesseldorf")}
PROGRAMMES = 200
POPULAR = "programm-0"  # the most subscribed programme; its date is moved in case 3


def regions() -> dict[str, Region]:
    """NRW → Landesteile → Regierungsbezirke → ten Kreise each."""
    found = [Region(id="nrw", name="Nordrhein-Westfalen", type="land")]
    for part, districts in DISTRICTS.items():
        found.append(Region(id=part, name=part.title(), type="landesteil", parent="nrw"))
        for district in districts:
            found.append(Region(id=district, name=f"Bezirk {district.title()}",
                                type="regierungsbezirk", parent=part))
            found += [Region(id=f"kreis-{district}-{k}", name=f"Kreis {district.title()} {k}",
                             type="kreis", parent=district) for k in range(10)]
    return {r.id: r for r in found}


def _day_month(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}."


def _deadlines(rng: random.Random, today: dt.date) -> list[dict[str, Any]]:
    """A realistic mix: yearly dates, two steps, one-off rounds, rolling, per call."""
    draw = rng.random()
    if draw < 0.45:
        return [{"type": "jaehrlich", "dates": [_day_month(rng) for _ in range(rng.randint(1, 2))]}]
    if draw < 0.60:
        return [{"type": "zweistufig", "steps": [
            {"label": "Projektskizze an das Regionalbüro", "dates": [_day_month(rng)]},
            {"label": "Antrag", "dates": [_day_month(rng)]}]}]
    if draw < 0.70:
        day = today + dt.timedelta(days=rng.randint(10, 300))
        return [{"type": "datum", "dates": [day.strftime("%d.%m.%Y")]}]
    if draw < 0.90:
        return [{"type": "laufend"}]
    dates = [(today + dt.timedelta(days=rng.randint(20, 150))).strftime("%d.%m.%Y")]
    return [{"type": "nach_aufruf", "dates": dates if rng.random() < 0.5 else []}]


def synthetic_kb(today: dt.date, seed: int = 7) -> KnowledgeBase:
    """200 programmes: a third NRW-wide, the rest for a Landesteil, Bezirk or Kreis."""
    rng = random.Random(seed)
    all_regions = regions()
    kreise = [r for r in all_regions.values() if r.type == "kreis"]
    entries: dict[str, Entry] = {}
    for i in range(PROGRAMMES):
        draw = rng.random()
        region = ("nrw" if draw < 0.35 else rng.choice(list(DISTRICTS)) if draw < 0.6
                  else rng.choice([d for ds in DISTRICTS.values() for d in ds]) if draw < 0.75
                  else rng.choice(kreise).id)
        deadlines = _deadlines(rng, today)
        if i == 0:  # the popular one: NRW-wide, a yearly date six weeks ahead
            region = "nrw"
            deadlines = [{"type": "jaehrlich",
                          "dates": [(today + dt.timedelta(days=45)).strftime("%d.%m.")]}]
        entries[f"programm-{i}"] = Programme.model_validate({
            "kind": "programm", "id": f"programm-{i}", "title": f"Förderprogramm Nummer {i}",
            "sources": ["https://example.org/"], "verified_on": "01.01.2027",
            "summary": "Synthetisch.", "funder": "Land NRW", "applicants": ["Vereine"],
            "regions": [region], "topics": rng.sample(TOPICS, rng.choice((1, 2, 2, 3))),
            "funding": {"type": "festbetrag", "amount_max": "5.000"},
            "deadlines": deadlines, "apply": "Online",
        })
    return KnowledgeBase(entries=entries, regions=all_regions)


def moved(kb: KnowledgeBase, programme_id: str, days: int) -> KnowledgeBase:
    """A copy of ``kb`` with the yearly date of ``programme_id`` moved by ``days``."""
    programme = kb.entries[programme_id]
    assert isinstance(programme, Programme)
    old = programme.deadlines[0]
    month, day = old.dates[0]  # type: ignore[union-attr]
    new = dt.date(2027, month, day) + dt.timedelta(days=days)
    rule = old.model_copy(update={"dates": [(new.month, new.day)]})
    return KnowledgeBase(entries={**kb.entries, programme_id: programme.model_copy(
        update={"deadlines": [rule]})}, regions=kb.regions)


def _zipf(count: int, s: float = 1.0) -> list[float]:
    return list(accumulate(1 / (rank + 1) ** s for rank in range(count)))


def subscription_rows(count: int, subscribers: int, seed: int = 3) -> list[tuple[Any, ...]]:
    """82 % programme (Zipf popularity), 14 % topic, 3 % Kreis, 1 % everything."""
    rng = random.Random(seed)
    by_programme, by_topic = _zipf(PROGRAMMES), _zipf(len(TOPICS))
    kreise = [r.id for r in regions().values() if r.type == "kreis"]
    seen: set[tuple[int, str, str]] = set()
    rows: list[tuple[Any, ...]] = []
    while len(rows) < count:
        owner, draw = len(rows) % subscribers + 1, rng.random()
        if draw < 0.82:
            kind = "programme"
            target = f"programm-{rng.choices(range(PROGRAMMES), cum_weights=by_programme)[0]}"
        elif draw < 0.96:
            kind, target = "topic", rng.choices(TOPICS, cum_weights=by_topic)[0]
        elif draw < 0.99:
            kind, target = "region", rng.choice(kreise)
        else:
            kind, target = "all", ""
        if (owner, kind, target) in seen:
            continue
        seen.add((owner, kind, target))
        rows.append((owner, kind, target, rng.choice(LEAD_DAYS), rng.choice(SEND_TIMES), CREATED))
    return rows


def bench_replan(engine: Engine, backend: str, scale: float, results: Results) -> None:
    """Time the three re-plan cases on a fresh database."""
    subscribers, count = max(1, round(50_000 * scale)), max(1, round(100_000 * scale))
    load_subscribers(engine, subscribers)
    bulk_load(engine, SUBSCRIPTION, ("subscriber_id", "target_kind", "target", "lead_days",
                                     "send_time", "created_at"),
              subscription_rows(count, subscribers))
    analyze(engine)
    clock = FixedClock(PLAN_NOW)
    kb = synthetic_kb(berlin_today(clock))
    planner = ReminderPlanner(SubscriptionRepository(engine, clock), OutboxRepository(engine),
                              clock)
    # The target is the re-plan after a knowledge reload. The first plan fills an empty
    # outbox for all subscriptions at once, which in operation happens only on the very
    # first start with imported subscriptions (each new subscription is planned alone);
    # it is measured, without a target.
    cases: list[tuple[str, Callable[[], Any], bool]] = [
        ("first plan, empty outbox (no target)", lambda: planner.replan(kb), False),
        ("reload, nothing changed", lambda: planner.replan(kb), True),
        ("reload, one date moved", lambda: planner.replan(moved(kb, POPULAR, 14)), True),
    ]
    for label, run, target in cases:
        took: list[float] = []
        with stopwatch(took):
            outcome = run()
        log("%s: replan %s %.2f s: %s", backend, label, took[0], outcome)
        results.put(f"replan {count:,} subscriptions, {label} (s)", backend,
                    f"{took[0]:.2f} (+{outcome.inserted:,} / -{outcome.cancelled:,})",
                    took[0] <= TARGET_REPLAN_S if target else None)
    if backend == "postgresql":
        analyze(engine)  # not timed: autovacuum would do it between reloads


# --------------------------------------------------------------------------- 3. engine


class NullSender:
    """Accepts every message at once."""

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Do nothing."""


def per_batch(engine: Engine, statement: Any, params: Sequence[dict[str, Any]],
              batch: int) -> float:
    """Run ``statement`` once per parameter set, ``batch`` per transaction; return seconds.

    The transactions commit as the engine's bookkeeping does, without waiting for the
    disk (SQLite ``synchronous=NORMAL``, PostgreSQL ``synchronous_commit=off``), so the
    comparison is like for like.
    """
    sqlite = engine.dialect.name == "sqlite"
    start = time.perf_counter()
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        if sqlite:
            driver.execute("PRAGMA synchronous = NORMAL")  # type: ignore[union-attr]
        for offset in range(0, len(params), batch):
            with conn.begin():
                if not sqlite:
                    conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                for values in params[offset:offset + batch]:
                    conn.execute(statement, values)
        if sqlite:
            driver.execute("PRAGMA synchronous = FULL")  # type: ignore[union-attr]
    return time.perf_counter() - start


def bench_engine(engine: Engine, backend: str, scale: float, results: Results) -> None:
    """Time raw single-row INSERTs and UPDATEs, then a full engine sweep of the same rows."""
    count, subscribers = max(2, round(100_000 * scale)), max(1, round(50_000 * scale))
    load_subscribers(engine, subscribers)
    config = EngineConfig(worker_id="bench")
    nine = local_instant(dt.date(2027, 10, 16), "09:00")
    rows = [dict(zip(REMINDER_COLUMNS, reminder_row(
        f"send:{i}", i % subscribers + 1, nine, dt.date(2027, 10, 23), 7, i % PROGRAMMES),
        strict=True)) for i in range(count)]
    log("%s: %d single-row INSERTs", backend, count)
    insert_s = per_batch(engine, insert(R), rows, config.batch_size)
    with engine.begin() as conn:
        ids = [{"id": i} for (i,) in conn.execute(text("SELECT id FROM reminder ORDER BY id"))]
    log("%s: %d single-row UPDATEs", backend, count)
    update_s = per_batch(engine, text("UPDATE reminder SET state = 'sent' WHERE id = :id"), ids,
                         config.batch_size)
    with engine.begin() as conn:
        conn.execute(text("UPDATE reminder SET state = 'pending'"))
    analyze(engine)
    outbox, clock = OutboxRepository(engine), FixedClock(nine + dt.timedelta(minutes=1))
    bot = ReminderEngine(outbox, NullSender(), clock, pacer=Pacer(limits={}), config=config)
    log("%s: engine sweep of %d reminders", backend, count)
    start = time.perf_counter()
    sent = 0
    while True:
        outcome = asyncio.run(bot.sweep())
        sent += outcome.sent
        if not outcome.sent:
            break
    engine_s = time.perf_counter() - start
    states = outbox.count_by_state()
    assert states == {"sent": count}, states
    per = {name: seconds / count * 1e6 for name, seconds in
           (("insert", insert_s), ("update", update_s), ("engine", engine_s))}
    log("%s: µs per row: %s, %d messages", backend, per, sent)
    results.put(f"raw single-row INSERT, {count:,} rows (µs/row)", backend,
                f"{per['insert']:.0f} ({insert_s:.1f} s)")
    results.put(f"raw single-row UPDATE, {count:,} rows (µs/row)", backend,
                f"{per['update']:.0f} ({update_s:.1f} s)")
    results.put(f"engine sweep, {count:,} rows (µs/row)", backend,
                f"{per['engine']:.0f} ({engine_s:.1f} s, {sent:,} messages)")
    ratio = per["engine"] / per["update"]
    results.put("engine / raw UPDATE per reminder", backend, f"{ratio:.2f}×",
                ratio <= TARGET_RATIO)
    ratio = per["engine"] / per["insert"]
    results.put("engine / raw INSERT per reminder", backend, f"{ratio:.2f}×",
                ratio <= TARGET_RATIO)


# --------------------------------------------------------------------------- main

PARTS = {"claim": bench_claim, "replan": bench_replan, "engine": bench_engine}
TARGETS = {"claim (find": f"p99 ≤ {TARGET_CLAIM_MS:.0f} ms", "replan": f"≤ {TARGET_REPLAN_S:.0f} s",
           "engine /": f"≤ {TARGET_RATIO:.0f}×"}


def print_table(results: Results, backends: Sequence[str]) -> None:
    """One row per metric, one column per backend, the target and the verdicts."""
    header = ["metric", *backends, "target"]
    lines = []
    for metric, values in results.values.items():
        verdicts = results.verdicts.get(metric, {})
        cells = []
        for backend in backends:
            value = values.get(backend, "–")
            if backend in verdicts:
                value += " PASS" if verdicts[backend] else " FAIL"
            cells.append(value)
        target = next((t for prefix, t in TARGETS.items()
                       if metric.startswith(prefix) and verdicts), "")
        lines.append([metric, *cells, target])
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *lines]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def run_part(part: str, backend: str, scale: float) -> tuple[Results, float]:
    """Run one part on a fresh database; return its results and peak memory (MiB)."""
    results = Results()
    with database(backend) as engine:
        PARTS[part](engine, backend, scale, results)
    return results, peak_rss_mib()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen parts on the chosen backends and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the row counts")
    parser.add_argument("--parts", default=",".join(PARTS), help="claim,replan,engine")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if "postgresql" in backends and (problem := postgres_problem(postgres_admin_url())):
        parser.error(problem)
    results = Results()
    # Each part runs in a fresh process, so its peak memory is its own.
    spawn = multiprocessing.get_context("spawn")
    for backend in backends:
        for part in (p.strip() for p in args.parts.split(",")):
            with ProcessPoolExecutor(1, mp_context=spawn) as pool:
                found, rss = pool.submit(run_part, part, backend, args.scale).result()
            for metric, values in found.values.items():
                for name, value in values.items():
                    results.put(metric, name, value, found.verdicts.get(metric, {}).get(name))
            results.put(f"peak RSS of the {part} process (MiB)", backend, f"{rss:.0f}")
    print(f"\nReminder benchmark, scale {args.scale:g}, Python {sys.version.split()[0]}")
    print_table(results, backends)
    failed = any(not ok for verdicts in results.verdicts.values() for ok in verdicts.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
