"""The information commands: /start, /hilfe, /programme, /frist, /kontakt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue import answers, formats
from bot.dialogue.commands import Command
from bot.dialogue.messages import IncomingMessage, Reply
from bot.errors import UserError
from bot.knowledge.deadlines import UNSURE, next_occurrences
from bot.knowledge.models import Programme
from bot.knowledge.normalize import fold
from bot.knowledge.places import find_place

if TYPE_CHECKING:
    from bot.dialogue.core import Dialogue

WELCOME = (
    "Guten Tag! Ich bin der Förderlotse für Kultur und Ehrenamt in Westfalen-Lippe.\n"
    "Fragen Sie mich einfach, z. B. „Wie viel gibt es beim Heimat-Scheck?“ oder "
    "„Wer hilft mir in Brakel?“.\n"
    "Meine Antworten nennen immer die Quelle und den Stand. Im Zweifel fragen Sie bitte "
    "bei der genannten Stelle nach."
)


def info_commands(dialogue: Dialogue) -> list[Command]:
    """Build the information commands bound to ``dialogue``."""

    async def start(message: IncomingMessage, args: str) -> Reply:
        return Reply(WELCOME + "\n\n" + _help_text(dialogue))

    async def hilfe(message: IncomingMessage, args: str) -> Reply:
        return Reply(_help_text(dialogue))

    async def programme(message: IncomingMessage, args: str) -> Reply:
        return Reply(_programme_list(dialogue, args))

    async def frist(message: IncomingMessage, args: str) -> Reply:
        return Reply(_deadline_text(dialogue, args))

    async def kontakt(message: IncomingMessage, args: str) -> Reply:
        return Reply(_contact_text(dialogue, args))

    return [
        Command("start", "/start", "Begrüßung und Überblick", start),
        Command("hilfe", "/hilfe", "Diese Hilfe", hilfe, aliases=("help", "h")),
        Command("programme", "/programme [Thema]", "Förderprogramme, z. B. /programme Heimat",
                programme, aliases=("programm", "liste")),
        Command("frist", "/frist <Programm>", "Nächste Fristen, z. B. /frist Heimat-Scheck",
                frist, aliases=("termin",)),
        Command("kontakt", "/kontakt [Ort]", "Wer hilft vor Ort, z. B. /kontakt Brakel",
                kontakt, aliases=("ansprechpartner",)),
    ]


def _help_text(dialogue: Dialogue) -> str:
    lines = ["Stellen Sie Ihre Frage einfach in eigenen Worten. Befehle:"]
    lines += [f"{c.usage} – {c.help}" for c in dialogue.commands]
    return "\n".join(lines)


def _programme_list(dialogue: Dialogue, topic: str) -> str:
    base = dialogue.knowledge.base
    programmes = list(base.programmes())
    if topic:
        wanted = fold(topic)
        programmes = [p for p in programmes
                      if any(wanted in fold(t) for t in (*p.topics, p.title, *p.aliases))]
        if not programmes:
            topics = sorted({t for p in base.programmes() for t in p.topics})
            raise UserError(f"Zum Thema „{topic[:40]}“ kenne ich keine Programme. "
                            f"Themen sind z. B.: {', '.join(topics[:8])}.")
    lines = ["Förderprogramme" + (f" zum Thema „{topic[:40]}“" if topic else "") + ":"]
    lines += [f"• {p.title} – {_short_deadline(dialogue, p)}" for p in programmes]
    lines.append("Fragen Sie nach einem Programm, um mehr zu erfahren.")
    return "\n".join(lines)


def _short_deadline(dialogue: Dialogue, programme: Programme) -> str:
    upcoming = next_occurrences(programme.deadlines, dialogue.today(), 1)
    if upcoming:
        doubt = f" ({UNSURE})" if upcoming[0].uncertain else ""
        return f"Frist {formats.date(upcoming[0].date)}{doubt}"
    line = answers.deadline_lines(programme, dialogue.today())[0]
    return line.removeprefix("Frist: ").split(" – ")[0].split(";")[0].rstrip(".")


def _deadline_text(dialogue: Dialogue, name: str) -> str:
    if not name:
        raise UserError("Bitte nennen Sie das Programm, z. B. /frist Heimat-Scheck")
    programme = dialogue.knowledge.find(name, kind="programm")
    if not isinstance(programme, Programme):
        raise UserError(f"Ein Programm „{name[:40]}“ kenne ich nicht. "
                        "Mit /programme sehen Sie alle, z. B. /frist Heimat-Scheck")
    lines = [programme.title, *answers.deadline_lines(programme, dialogue.today(), count=3)]
    lines.append(answers.source_line(programme))
    return "\n".join(lines)


def _contact_text(dialogue: Dialogue, place_name: str) -> str:
    base = dialogue.knowledge.base
    if not place_name:
        offices = base.contacts_for("westfalen-lippe")
        intro = "Nennen Sie Ihren Ort, dann nenne ich die Stelle vor Ort, z. B. /kontakt Brakel."
        return "\n\n".join([intro, *(answers.contact_text(o) for o in offices[:1])])
    place, _rest = find_place(place_name, base.places)
    if place is None:
        raise UserError(f"Den Ort „{place_name[:40]}“ kenne ich nicht. "
                        "Bitte nennen Sie Stadt, Gemeinde oder Kreis, z. B. /kontakt Brakel")
    offices = base.contacts_for(place.region_id)
    if not offices:
        raise UserError(f"Für {place.name} kenne ich noch keine Ansprechstelle.")
    texts = [answers.contact_text(o) for o in offices[:2]]
    return "\n\n".join([f"Für {place.name} ist zuständig:", *texts])
