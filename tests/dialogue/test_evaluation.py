"""What the evaluation counts as shown: what the user sees, nothing more."""

from __future__ import annotations

from bot.dialogue.evaluation import shown
from bot.dialogue.messages import Choice, Reply
from bot.knowledge.decision import Decision
from bot.knowledge.matcher import Candidate

A = Candidate("zuwendungsbescheid", "begriff", "Zuwendungsbescheid", 0.3)
B = Candidate("vorzeitiger-massnahmebeginn", "begriff", "Vorzeitiger Maßnahmebeginn", 0.2)
C = Candidate("mittelabruf", "begriff", "Mittelabruf", 0.1)


def test_an_answer_shows_its_entry_and_the_runners_up_it_offers() -> None:
    decision = Decision("answer", [A, B, C], options=[B])
    reply = Reply("…", choices=(Choice(B.title, "e:" + B.entry_id),))
    assert shown(decision, reply) == [A.entry_id, B.entry_id]


def test_candidates_not_offered_are_not_shown() -> None:
    assert shown(Decision("answer", [A, B, C]), Reply("…")) == [A.entry_id]
    assert shown(Decision("unknown", [A, B, C]), Reply("…")) == []
