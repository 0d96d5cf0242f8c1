"""Subscription commands: /abo, /abos, /abbestellen, /fristen, /daten-loeschen, /erinnerung.

The repository is synchronous (SQLAlchemy sessions); every call runs in a worker
thread so the event loop never blocks. Each command either stores everything it
was asked to or nothing, and answers bad input with a German example.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.dialogue import formats
from bot.dialogue.commands import Command
from bot.dialogue.dates import parse_when
from bot.dialogue.messages import IncomingMessage, Reply
from bot.errors import UserError
from bot.knowledge.deadlines import UNSURE, next_occurrences
from bot.knowledge.models import Programme
from bot.knowledge.normalize import fold
from bot.knowledge.places import find_place
from bot.storage.records import (
    DEFAULT_LEAD_DAYS,
    MAX_LEAD_DAYS,
    Recipient,
    SubscriptionInfo,
    TargetKind,
)
from bot.storage.subscriptions import SubscriptionRepository

if TYPE_CHECKING:
    from bot.dialogue.core import Dialogue

ABO_EXAMPLE = "z. B. /abo Heimat-Scheck 14,3 oder /abo Heimat oder /abo Kreis Höxter"
# ASCII digits, at most four: no int() on unbounded user text.
_LEADS = re.compile(r"^[-+]?[0-9]{1,4}(?:[,;][-+]?[0-9]{1,4})*$")
_WEEKS = re.compile(r"[0-9]{1,3}")
MAX_LISTED = 15
_ALL = {"alle", "alles", "all"}
MAX_TEXT = 200


@dataclass(frozen=True)
class Target:
    """What a subscription follows, and how to name it to the user."""

    kind: TargetKind
    value: str
    label: str


def parse_leads(text: str) -> tuple[int, ...]:
    """Parse "14,3" into lead days, each between 1 and 365."""
    days = tuple(sorted({int(p) for p in re.split(r"[,;]", text)}, reverse=True))
    if not days or any(d < 1 or d > MAX_LEAD_DAYS for d in days) or len(days) > 5:
        raise UserError(f"Vorlauf bitte als 1 bis 5 Zahlen von 1 bis {MAX_LEAD_DAYS} Tagen, "
                        "z. B. /abo Heimat-Scheck 14,3")
    return days


def _days(days: tuple[int, ...]) -> str:
    text = ", ".join(str(d) for d in days[:-1])
    return (f"{text} und {days[-1]}" if text else str(days[-1])) + (
        " Tag" if days == (1,) else " Tage")


class SubscriptionCommands:
    """The commands, bound to a dialogue, a repository and a re-planning hook."""

    def __init__(self, dialogue: Dialogue, repo: SubscriptionRepository,
                 replan: Callable[[Recipient], None]) -> None:
        self._dialogue = dialogue
        self._repo = repo
        self._replan = replan

    def commands(self) -> list[Command]:
        """Return the commands to register."""
        return [
            Command("abo", "/abo <Programm|Thema|Kreis|alle> [Vorlauf]",
                    "Fristen abonnieren, z. B. /abo Heimat-Scheck 14,3", self.abo),
            Command("abos", "/abos", "Ihre Abos anzeigen", self.abos),
            Command("abbestellen", "/abbestellen <…|alle>", "Abo beenden", self.abbestellen),
            Command("fristen", "/fristen [Wochen]", "nächste Fristen Ihrer Abos", self.fristen),
            Command("erinnerung", "/erinnerung <Datum> <Text>",
                    "eigene Erinnerung, z. B. /erinnerung 30.06.2027 Verwendungsnachweis",
                    self.erinnerung),
            Command("daten-loeschen", "/daten-loeschen", "alles über diesen Chat löschen",
                    self.loeschen, aliases=("datenloeschen", "daten-löschen", "daten_loeschen")),
        ]

    def resolve(self, text: str) -> Target:
        """Find what ``text`` names: everything, a topic, a Kreis or a programme."""
        if fold(text) in _ALL:
            return Target(TargetKind.ALL, "", "alle Programme")
        base = self._dialogue.knowledge.base
        exact = base.get(text)  # a button sends the programme's id
        if isinstance(exact, Programme):
            return Target(TargetKind.PROGRAMME, exact.id, exact.title)
        topics = {fold(t): t for p in base.programmes() for t in p.topics}
        if fold(text) in topics:
            topic = topics[fold(text)]
            return Target(TargetKind.TOPIC, topic, f"Thema „{topic}“")
        place, rest = find_place(text, base.places)
        if place is not None and not [w for w in rest if w not in ("kreis", "im", "in")]:
            region = base.regions[place.region_id]
            return Target(TargetKind.REGION, region.id, region.name)
        programme = self._dialogue.knowledge.find(text, kind="programm")
        if isinstance(programme, Programme):
            return Target(TargetKind.PROGRAMME, programme.id, programme.title)
        raise UserError(f"„{text[:40]}“ kenne ich nicht als Programm, Thema oder Kreis. "
                        + ABO_EXAMPLE)

    async def abo(self, message: IncomingMessage, args: str) -> Reply:
        """Subscribe this chat."""
        if not args:
            raise UserError("Was möchten Sie abonnieren? " + ABO_EXAMPLE)
        words = args.split()
        leads = DEFAULT_LEAD_DAYS
        if len(words) > 1 and _LEADS.match(words[-1]):
            leads, args = parse_leads(words[-1]), " ".join(words[:-1])
        target = self.resolve(args)
        recipient = _recipient(message)
        await asyncio.to_thread(self._repo.subscribe, recipient, target.kind, target.value, leads)
        await asyncio.to_thread(self._replan, recipient)
        return Reply(f"Abo gespeichert: {target.label}. Ich erinnere Sie {_days(leads)} vor "
                     "jeder Frist um 09:00 Uhr. Mit /abos sehen Sie Ihre Abos.")

    async def abos(self, message: IncomingMessage, args: str) -> Reply:
        """List this chat's subscriptions and personal reminders."""
        recipient = _recipient(message)
        subs = await asyncio.to_thread(self._repo.list_subscriptions, recipient)
        own = await asyncio.to_thread(self._repo.list_personal_reminders, recipient)
        if not subs and not own:
            return Reply("Sie haben noch keine Abos. " + ABO_EXAMPLE)
        lines = ["Ihre Abos:"] + [f"• {self._label(s)} – {_days(s.lead_days)} vorher"
                                  for s in subs]
        lines += [f"• Erinnerung am {formats.date(r.due_on)}: {r.text}" for r in own]
        return Reply("\n".join(lines))

    async def abbestellen(self, message: IncomingMessage, args: str) -> Reply:
        """Unsubscribe one target, or everything."""
        if not args:
            raise UserError("Was möchten Sie abbestellen? z. B. /abbestellen Heimat-Scheck "
                            "oder /abbestellen alle")
        recipient = _recipient(message)
        if fold(args) in _ALL:
            count = await asyncio.to_thread(self._unsubscribe_all, recipient)
            return Reply(f"Alle Abos beendet ({count}).")
        target = self.resolve(args)
        removed = await asyncio.to_thread(self._repo.unsubscribe, recipient, target.kind,
                                          target.value)
        if not removed:
            raise UserError(f"Ein Abo für {target.label} haben Sie nicht. Mit /abos sehen Sie "
                            "Ihre Abos.")
        await asyncio.to_thread(self._replan, recipient)
        return Reply(f"Abo beendet: {target.label}.")

    async def fristen(self, message: IncomingMessage, args: str) -> Reply:
        """Show the next deadlines of this chat's subscriptions, or all in N weeks."""
        if args and not (_WEEKS.fullmatch(args) and 1 <= int(args) <= 104):
            raise UserError("Bitte die Wochen als Zahl von 1 bis 104, z. B. /fristen 8")
        today = self._dialogue.today()
        base = self._dialogue.knowledge.base
        subs = [] if args else await asyncio.to_thread(
            self._repo.list_subscriptions, _recipient(message))
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
        if not text:
            raise UserError("Bitte schreiben Sie nach dem Datum, woran ich erinnern soll, "
                            "z. B. /erinnerung 30.06.2027 Verwendungsnachweis Heimat-Scheck")
        text = text[:MAX_TEXT]
        await asyncio.to_thread(self._repo.add_personal_reminder, _recipient(message), day, text)
        return Reply(f"Erinnerung gespeichert: am {formats.date(day)} um 09:00 Uhr – {text}")

    async def loeschen(self, message: IncomingMessage, args: str) -> Reply:
        """Delete everything stored about this chat, after confirmation."""
        if fold(args) != "ja":
            return Reply("Damit lösche ich alle Abos und Erinnerungen dieses Chats. "
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
        if sub.kind is TargetKind.TOPIC:
            return f"Thema „{sub.target}“"
        found = base.get(sub.target) if sub.kind is TargetKind.PROGRAMME else base.regions.get(
            sub.target)
        return getattr(found, "title", None) or getattr(found, "name", None) or sub.target

    def _follows(self, sub: SubscriptionInfo, programme: Programme) -> bool:
        base = self._dialogue.knowledge.base
        if sub.kind is TargetKind.ALL:
            return True
        if sub.kind is TargetKind.PROGRAMME:
            return sub.target == programme.id
        if sub.kind is TargetKind.TOPIC:
            return fold(sub.target) in {fold(t) for t in programme.topics}
        return base.covers(programme, sub.target)


def _recipient(message: IncomingMessage) -> Recipient:
    return Recipient(message.chat.transport, message.chat.chat_id)
