"""Subscription commands: /abo, /abos, /abbestellen, /fristen, /daten-loeschen, /erinnerung.

"/abo wochenbrief" orders the weekly digest (see :mod:`bot.reminders.digest`): a
subscription of its own kind, so /abos, /abbestellen and the group rules treat it like
any other.

The repository is synchronous (SQLAlchemy sessions); every call runs in a worker
thread so the event loop never blocks. Each command either stores everything it
was asked to or nothing, and answers bad input with a German example.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.dialogue import formats
from bot.dialogue.abo_args import LEAD_ERROR, split_leads, split_targets
from bot.dialogue.commands import Command
from bot.dialogue.dates import parse_when, split_time
from bot.dialogue.messages import IncomingMessage, Reply
from bot.dialogue.targets import ALL_WORDS, Target, find_target
from bot.errors import UserError
from bot.knowledge.deadlines import UNSURE, is_rolling, next_occurrences
from bot.knowledge.models import Programme
from bot.knowledge.normalize import fold
from bot.storage.records import (
    DEFAULT_LEAD_DAYS,
    Recipient,
    SubscriptionInfo,
    TargetKind,
)
from bot.storage.subscriptions import SubscriptionRepository

if TYPE_CHECKING:
    from bot.dialogue.core import Dialogue

ABO_EXAMPLE = "z. B. /abo Heimat-Scheck 14,3 oder /abo Heimat oder /abo Kreis Höxter"
# A small count typed by a user (weeks, a reminder's number): ASCII digits, at most three.
_SMALL_NUMBER = re.compile(r"[0-9]{1,3}")
MAX_LISTED = 15
DIGEST_SAVED = ("Abo gespeichert: Wochenbrief. Jeden Montag um 09:00 Uhr bekommen Sie die Fristen "
                "der nächsten 4 Wochen und neue oder geänderte Programme aus Ihren Abos (ohne "
                "weitere Abos: aus allen). In Wochen ohne Neuigkeiten kommt nichts.")
MAX_TEXT = 200


def _days(days: tuple[int, ...]) -> str:
    text = ", ".join(str(d) for d in days[:-1])
    return (f"{text} und {days[-1]}" if text else str(days[-1])) + (
        " Tag" if days == (1,) else " Tage")


class SubscriptionCommands:
    """The commands, bound to a dialogue, a repository and a re-planning hook."""

    def __init__(self, dialogue: Dialogue, repo: SubscriptionRepository,
                 replan: Callable[[Recipient], None],
                 received: Callable[[Recipient], list[str]] | None = None) -> None:
        self._dialogue = dialogue
        self._repo = repo
        self._replan = replan
        # Lines about the broadcasts the chat received, for /abos (bot.dialogue.broadcast).
        self._received = received

    def commands(self) -> list[Command]:
        """Return the commands to register."""
        return [
            Command("abo", "/abo <Programm|Thema|Kreis|alle|wochenbrief> [Vorlauf]",
                    "Fristen abonnieren, z. B. /abo Heimat-Scheck 14,3", self.abo),
            Command("abos", "/abos", "Ihre Abos anzeigen", self.abos),
            Command("abbestellen", "/abbestellen <…|Nr.|alle>",
                    "Abo oder Erinnerung (Nr. aus /abos) beenden", self.abbestellen),
            Command("fristen", "/fristen [Wochen]", "nächste Fristen Ihrer Abos", self.fristen),
            Command("erinnerung", "/erinnerung <Datum> <Text>",
                    "eigene Erinnerung, z. B. /erinnerung 30.06.2027 Verwendungsnachweis",
                    self.erinnerung),
            Command("daten-loeschen", "/daten-loeschen", "alles über diesen Chat löschen",
                    self.loeschen, aliases=("datenloeschen", "daten-löschen", "daten_loeschen")),
        ]

    def resolve(self, text: str) -> Target:
        """Find what ``text`` names: everything, the digest, a topic, a Kreis or a programme."""
        found = find_target(self._dialogue.knowledge, text)
        if found is None:
            raise UserError(f"„{text[:40]}“ kenne ich nicht als Programm, Thema oder Kreis. "
                            + ABO_EXAMPLE)
        return found

    async def abo(self, message: IncomingMessage, args: str) -> Reply:
        """Subscribe this chat to one or more targets ("A, B"), with optional lead days."""
        if not args:
            raise UserError("Was möchten Sie abonnieren? " + ABO_EXAMPLE)
        names, given, number = split_leads(args)
        leads = given or DEFAULT_LEAD_DAYS
        targets = [self.resolve(name) for name in split_targets(names)]  # all, or none
        if number is not None and not any(number in _digits(t.label) for t in targets):
            raise UserError(LEAD_ERROR)  # "/abo Heimat-Scheck 9999": no name has that number
        if not targets:
            raise UserError("Was möchten Sie abonnieren? " + ABO_EXAMPLE)
        if given and all(t.kind is TargetKind.DIGEST for t in targets):
            raise UserError("Der Wochenbrief kommt immer montags um 09:00 Uhr, ohne Vorlauf. "
                            "Senden Sie einfach: /abo wochenbrief")
        lines: list[str] = []
        stored: list[Target] = []
        for target in targets:
            never = self._never_fires(target)
            if never is not None:
                lines.append(never)
                continue
            stored.append(target)
            if target.kind is not TargetKind.DIGEST:
                lines.extend(self._no_date_yet(target))
        recipient = _recipient(message)
        for target in stored:
            await asyncio.to_thread(self._repo.subscribe, recipient, target.kind, target.value,
                                    leads)
        if stored:
            await asyncio.to_thread(self._replan, recipient)
            lines[:0] = _saved(stored, leads)
        return Reply("\n".join(lines))

    def _never_fires(self, target: Target) -> str | None:
        """Explain why a programme without any deadline cannot be subscribed."""
        programme = self._dialogue.knowledge.base.get(target.value)
        if target.kind is not TargetKind.PROGRAMME or not isinstance(programme, Programme):
            return None
        if not is_rolling(programme.deadlines) or self._upcoming(programme):
            return None
        return (f"{programme.title} hat keine Frist – Anträge sind laufend möglich, also gibt es "
                "nichts zu erinnern. " + self._suggest(programme.topics))

    def _no_date_yet(self, target: Target) -> list[str]:
        """Say when a stored subscription has no known date yet (it fires once one comes)."""
        base = self._dialogue.knowledge.base
        programmes = [p for p in base.programmes() if self._covers(target.kind, target.value, p)]
        if any(self._upcoming(p) for p in programmes):
            return []
        topics = [t for p in programmes for t in p.topics] or [target.value]
        return [f"Für {target.label} ist im Moment keine Frist bekannt; sobald eine eingetragen "
                "ist, erinnere ich Sie. " + self._suggest(topics)]

    def _suggest(self, topics: list[str]) -> str:
        wanted = {fold(t) for t in topics}
        dated = [p.title for p in self._dialogue.knowledge.base.programmes()
                 if wanted & {fold(t) for t in p.topics} and self._upcoming(p)]
        if not dated:
            return "Mit /fristen sehen Sie alle Programme mit Fristen."
        return "Programme mit Fristen zum selben Thema: " + ", ".join(dated[:3]) + "."

    def _upcoming(self, programme: Programme) -> bool:
        return bool(next_occurrences(programme.deadlines, self._dialogue.today(), 1))

    async def abos(self, message: IncomingMessage, args: str) -> Reply:
        """List this chat's subscriptions and its personal reminders, numbered."""
        recipient = _recipient(message)
        subs = await asyncio.to_thread(self._repo.list_subscriptions, recipient)
        own = await asyncio.to_thread(self._repo.list_personal_reminders, recipient)
        history = [] if self._received is None else await asyncio.to_thread(
            self._received, recipient)
        if not subs and not own:
            return Reply("\n".join(["Sie haben noch keine Abos. " + ABO_EXAMPLE, *history]))
        lines = ["Ihre Abos:"] + [f"• {self._label(s)} – " + (
            "montags um 09:00 Uhr" if s.kind is TargetKind.DIGEST
            else f"{_days(s.lead_days)} vorher") for s in subs]
        if own:
            lines.append("Ihre Erinnerungen:")
            lines += [f"{n}. am {formats.date(r.due_on)}: {r.text}"
                      for n, r in enumerate(own, start=1)]
            lines.append("Eine Erinnerung löschen: /abbestellen <Nummer>, z. B. /abbestellen 1")
        return Reply("\n".join(lines + history))

    async def abbestellen(self, message: IncomingMessage, args: str) -> Reply:
        """Unsubscribe one target, one personal reminder by its number, or everything."""
        if not args:
            raise UserError("Was möchten Sie abbestellen? z. B. /abbestellen Heimat-Scheck, "
                            "/abbestellen 1 (eine Erinnerung) oder /abbestellen alle")
        recipient = _recipient(message)
        if fold(args) in ALL_WORDS:
            count = await asyncio.to_thread(self._unsubscribe_all, recipient)
            return Reply(f"Alle Abos beendet ({count}).")
        if _SMALL_NUMBER.fullmatch(args):
            return await self._delete_reminder(recipient, int(args))
        target = self.resolve(args)
        removed = await asyncio.to_thread(self._repo.unsubscribe, recipient, target.kind,
                                          target.value)
        if not removed:
            raise UserError(f"Ein Abo für {target.label} haben Sie nicht. Mit /abos sehen Sie "
                            "Ihre Abos.")
        await asyncio.to_thread(self._replan, recipient)
        return Reply(f"Abo beendet: {target.label}.")

    async def _delete_reminder(self, recipient: Recipient, number: int) -> Reply:
        own = await asyncio.to_thread(self._repo.list_personal_reminders, recipient)
        if not 1 <= number <= len(own):
            raise UserError(f"Eine Erinnerung Nr. {number} gibt es nicht. Mit /abos sehen Sie "
                            "Ihre Erinnerungen mit ihren Nummern.")
        reminder = own[number - 1]
        await asyncio.to_thread(self._repo.delete_personal_reminder, recipient, reminder.id)
        return Reply(f"Erinnerung gelöscht: am {formats.date(reminder.due_on)}: {reminder.text}")

    async def fristen(self, message: IncomingMessage, args: str) -> Reply:
        """Show the next deadlines of this chat's subscriptions, or all in N weeks."""
        if args and not (_SMALL_NUMBER.fullmatch(args) and 1 <= int(args) <= 104):
            raise UserError("Bitte die Wochen als Zahl von 1 bis 104, z. B. /fristen 8")
        today = self._dialogue.today()
        base = self._dialogue.knowledge.base
        mine = [] if args else await asyncio.to_thread(
            self._repo.list_subscriptions, _recipient(message))
        subs = [s for s in mine if s.kind is not TargetKind.DIGEST]  # the digest has no dates
        weeks = int(args) if args else 52
        wanted = [p for p in base.programmes() if not subs or any(
            self._follows(s, p) for s in subs)]
        found = sorted((o.date, p.title, o.label, o.uncertain) for p in wanted
                       for o in next_occurrences(p.deadlines, today, 3)
                       if (o.date - today).days <= weeks * 7)
        if not found:
            return Reply(f"In den nächsten {weeks} Wochen sind keine Fristen bekannt.")
        head = "Nächste Fristen Ihrer Abos:" if subs else f"Fristen der nächsten {weeks} Wochen:"
        lines = [head] + [f"• {formats.date(d)} {title}" + (f" ({label})" if label else "")
                          + (f" – {UNSURE}" if unsure else "")
                          for d, title, label, unsure in found[:MAX_LISTED]]
        if len(found) > MAX_LISTED:
            # Never cut silently: say how many more there are and how to narrow the list.
            lines.append(f"Und {len(found) - MAX_LISTED} weitere. Weniger Wochen zeigen "
                         "weniger Fristen, z. B. /fristen 4; einzelne Programme mit /frist.")
        return Reply("\n".join(lines))

    async def erinnerung(self, message: IncomingMessage, args: str) -> Reply:
        """Store a personal reminder."""
        if not args:
            raise UserError("Woran soll ich Sie erinnern? z. B. /erinnerung 30.06.2027 "
                            "Verwendungsnachweis Heimat-Scheck")
        day, text = parse_when(args, self._dialogue.today())
        text, hour = split_time(text)
        if not text:
            raise UserError("Bitte schreiben Sie nach dem Datum, woran ich erinnern soll, "
                            "z. B. /erinnerung 30.06.2027 Verwendungsnachweis Heimat-Scheck")
        text = text[:MAX_TEXT]
        await asyncio.to_thread(self._repo.add_personal_reminder, _recipient(message), day, text)
        ignored = (f"\nDie Uhrzeit {hour} habe ich nicht übernommen: Erinnerungen kommen immer "
                   "um 09:00 Uhr." if hour else "")
        return Reply(f"Erinnerung gespeichert: am {formats.date(day)} um 09:00 Uhr – {text}"
                     + ignored)

    async def loeschen(self, message: IncomingMessage, args: str) -> Reply:
        """Delete everything stored about this chat, after confirmation."""
        if fold(args) != "ja":
            return Reply("Damit lösche ich alle Abos und Erinnerungen dieses Chats; Antworten "
                         "des Kulturbüros auf offene Fragen kommen dann nicht mehr an. "
                         "Zum Bestätigen antworten Sie „ja“ oder senden: /daten-loeschen ja",
                         confirm="/daten-loeschen ja")
        await asyncio.to_thread(self._repo.delete_all_for_chat, _recipient(message))
        return Reply("Erledigt: Alle Daten dieses Chats sind gelöscht.")

    def _unsubscribe_all(self, recipient: Recipient) -> int:
        subs = self._repo.list_subscriptions(recipient)
        for sub in subs:
            self._repo.unsubscribe(recipient, sub.kind, sub.target)
        self._replan(recipient)
        return len(subs)

    def _label(self, sub: SubscriptionInfo) -> str:
        base = self._dialogue.knowledge.base
        if sub.kind is TargetKind.ALL:
            return "alle Programme"
        if sub.kind is TargetKind.DIGEST:
            return "Wochenbrief"
        if sub.kind is TargetKind.TOPIC:
            return f"Thema „{sub.target}“"
        found = base.get(sub.target) if sub.kind is TargetKind.PROGRAMME else base.regions.get(
            sub.target)
        return getattr(found, "title", None) or getattr(found, "name", None) or sub.target

    def _follows(self, sub: SubscriptionInfo, programme: Programme) -> bool:
        return self._covers(sub.kind, sub.target, programme)

    def _covers(self, kind: TargetKind, target: str, programme: Programme) -> bool:
        """Tell whether a subscription to ``target`` of ``kind`` follows ``programme``."""
        base = self._dialogue.knowledge.base
        if kind is TargetKind.ALL:
            return True
        if kind is TargetKind.DIGEST:
            return False
        if kind is TargetKind.PROGRAMME:
            return target == programme.id
        if kind is TargetKind.TOPIC:
            return fold(target) in {fold(t) for t in programme.topics}
        return base.covers(programme, target)


def _saved(stored: list[Target], leads: tuple[int, ...]) -> list[str]:
    """Confirm what was subscribed: deadline reminders in one sentence, the digest apart."""
    lines = []
    deadlines = [t for t in stored if t.kind is not TargetKind.DIGEST]
    if deadlines:
        labels = ", ".join(t.label for t in deadlines)
        lines.append(f"Abo gespeichert: {labels}. Ich erinnere Sie {_days(leads)} vor jeder "
                     "Frist um 09:00 Uhr. Mit /abos sehen Sie Ihre Abos.")
    if len(deadlines) < len(stored):
        lines.append(DIGEST_SAVED)
    return lines


def _digits(text: str) -> str:
    """Return ``text``'s digits run together ("2.000 x 1.000" → "20001000")."""
    return "".join(c for c in text if c.isascii() and c.isdigit())


def _recipient(message: IncomingMessage) -> Recipient:
    return Recipient(message.chat.transport, message.chat.chat_id)
