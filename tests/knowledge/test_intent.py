"""What a question asks decides what the answer leads with (issue #10, part 3)."""

from __future__ import annotations

import pytest

from bot.knowledge.decision import Intent, intent_of


@pytest.mark.parametrize(("question", "intent"), [
    # The amount cue "euro" must not hide a question about who may apply.
    ("wir sind kein verein, nur ne lose truppe. kriegen wir die 2.500 euro ohne verein?",
     Intent.ELIGIBILITY),
    ("NRW-Stiftung: dürfen Privatpersonen einen Antrag stellen?", Intent.ELIGIBILITY),
    ("Können Kommunen dort Anträge stellen?", Intent.ELIGIBILITY),
    ("Aktion Mensch Viel vor: für welche Zielgruppen ist das?", Intent.ELIGIBILITY),
    ("kann ich als einzelne künstlerin bei der kunststiftung was beantragen?",
     Intent.ELIGIBILITY),
    # An explicit amount question stays one, whoever asks it.
    ("Wie viel bekommen wir als Verein beim Heimat-Scheck?", Intent.AMOUNT),
    ("Welches Preisgeld gibt es für eine kreisangehörige Kommune?", Intent.AMOUNT),
    ("Müssen wir etwas zurückzahlen, wenn wir weniger ausgeben?", Intent.AMOUNT),
    # Deadlines, with the typos phones make, and asked in English before "can we apply".
    ("bis wan muss der antrag für den heimatscheck weg sein", Intent.DEADLINE),
    ("bis wnan muss die projektskizze beim kulturamt sein", Intent.DEADLINE),
    ("wann entschiedet der vorstand über die anträge?", Intent.DEADLINE),
    ("Bis zu welchem Datum können Anträge gestellt werden?", Intent.DEADLINE),
    ("sparda stiftung – any fixed deadlines or can we apply anytime?", Intent.DEADLINE),
    # Context first, question last: the last asked sentence decides.
    ("Wir haben 8.000 Euro Budget und viele Ideen. Wer kann uns beraten?", Intent.CONTACT),
    ("Wer ist die Contact Person für Kulturförderung bei uns im Kreis?", Intent.CONTACT),
    ("Gibt es beim Kreis eine Stelle, die mir sagen kann, welche Töpfe passen?", Intent.CONTACT),
    ("hallo zusammen", Intent.GENERAL),
])
def test_the_asked_aspect_is_recognised(question: str, intent: Intent) -> None:
    assert intent_of(question) is intent
