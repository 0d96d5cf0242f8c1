"""Commented templates for new entries: they fail ``kb check`` until every gap is filled."""

from __future__ import annotations

import datetime as dt
import json

FOLDERS = {"programm": "programme", "kontakt": "kontakte", "begriff": "begriffe"}
ALIASES = {"programme": "programm", "program": "programm", "contact": "kontakt",
           "term": "begriff"}

_HEAD = """\
# Förderlotse – neuer Eintrag „{id}“ ({label}).
# Füllen Sie alle leeren Felder aus und prüfen Sie dann mit: foerderlotse kb check
# Formate: Datum 31.03.2027 · Jahrestermin 31.03. · Betrag 2.000 · Anteil 80 %
# Nur Angaben aus Quellen; Widersprüche mit uncertain: true und note festhalten.
"""

_PROGRAMME = """\
kind: programm
id: {id}
title:                    # Name des Programms, z. B. Heimat-Scheck
aliases: []               # andere Schreibweisen, z. B. [Heimatscheck]
summary:                  # 2–3 Sätze in Sie-Form: worum geht es?
funder:                   # Fördergeber, z. B. Land NRW (MHKBD)
applicants: []            # wer darf beantragen, z. B. [Vereine, Initiativen]
not_eligible: []          # wer nicht, z. B. [Kommunen]
regions: [nrw]            # Fördergebiet: Kennungen aus regionen/, z. B. [kreis-hoexter]
topics: []                # Themen, z. B. [Heimat, Ehrenamt]
applicant_types: []       # für den Förderfinder: verein, kommune, kreis, privatperson,
                          # kuenstler, schule
areas: []                 # Sparten: heimat, musik, theater_tanz, kunst, kulturelle_bildung,
                          # soziokultur, bau_denkmal, engagement
conditions: []            # was der Finder als „bitte prüfen“ nennt, z. B. [Nur ländliche Räume]
funding:
  type: unbekannt         # festbetrag | anteil | fehlbedarf | voll | preisgeld | freibetrag |
                          # unbekannt (wenn die Quelle nur „bis zu“ nennt)
  amount_max:             # Höchstzuschuss in Euro, z. B. 2.000 (leer lassen, wenn unbekannt)
  # share_max: 80 %       # Förderquote (Pflicht bei type: anteil)
  # cost_min: 2.000       # Mindestkosten des Projekts
  # own_money_required: true   # müssen Eigenmittel eingebracht werden?
  # volunteer_work: ja    # zählt Eigenleistung? ja | nein | unbekannt
deadlines:
  - type: jaehrlich       # jaehrlich | datum | zweistufig | laufend | nach_aufruf
    dates: []             # z. B. [31.03.] – bei „laufend“ die Zeile löschen
apply:                    # wie und wo beantragen, ein bis zwei Sätze
contacts: []              # Kennungen aus kontakte/, z. B. [kulturbuero-kreis-hoexter]
sources: []               # Internetadressen, z. B. [https://www.beispiel.de/programm]
verified_on: {today}      # Datum Ihrer Prüfung
examples: []              # Fragen, wie Ehrenamtliche sie stellen, z. B. [wie viel gibts beim …]
"""

_CONTACT = """\
kind: kontakt
id: {id}
title:                    # Name der Stelle, z. B. Kulturbüro Kreis Höxter
aliases: []
organisation:             # Behörde oder Träger – nur Stellen, keine Privatpersonen
responsible_for: []       # zuständig für Regionen aus regionen/, z. B. [kreis-hoexter]
topics: []
summary:                  # wobei die Stelle hilft
web:                      # Internetadresse der Stelle (optional)
sources: []               # Internetadressen, z. B. [https://www.beispiel.de/kultur]
verified_on: {today}
examples: []
"""

_TERM = """\
kind: begriff
id: {id}
title:                    # der Begriff, z. B. Verwendungsnachweis
aliases: []
text:                     # Erklärung in zwei bis vier Sätzen, Sie-Form
who:                      # optional: wer ihn nutzen oder beantragen kann, ein Satz
see_also: []              # verwandte Einträge, z. B. [fehlbedarfsfinanzierung]
sources: []               # z. B. [https://www.nordrhein-westfalen-foerdert.nrw/foerderglossar]
verified_on: {today}
examples: []
"""

_BODIES = {"programm": (_PROGRAMME, "Förderprogramm"), "kontakt": (_CONTACT, "Ansprechstelle"),
           "begriff": (_TERM, "Begriff")}


def template(kind: str, entry_id: str, today: dt.date) -> str:
    """Return the template text for ``kind`` (programm, kontakt, begriff)."""
    body, label = _BODIES[kind]
    values = {"id": entry_id, "label": label, "today": today.strftime("%d.%m.%Y")}
    return _HEAD.format(**values) + body.format(**values)


_TERM_FROM_CASE = """\
kind: begriff
id: {id}
title: {title}{title_pad}# der Begriff – bitte prüfen
aliases: []
text: |-                  # die Antwort des Kulturbüros aus Fall {case} – bitte prüfen
{text}
see_also: []              # verwandte Einträge, z. B. [fehlbedarfsfinanzierung]
sources: []               # TODO: Quelle – Internetadresse, z. B. [https://www.beispiel.de/seite]
verified_on: {today}      # Datum Ihrer Prüfung
examples:                 # die Frage aus Fall {case}; gern weitere ergänzen
  - {question}
"""


def term_from_case(entry_id: str, today: dt.date, case_id: int, question: str,
                   answer: str) -> str:
    """Return a draft term from a handed-off case: its answer as text, its question as example.

    The source stays empty: the draft fails ``kb check`` until the coordinator adds one.
    """
    title = "-".join(part.capitalize() for part in entry_id.split("-"))
    lines = [line.rstrip() for line in answer.strip().splitlines()] or [""]
    values = {"id": entry_id, "label": f"Begriff, Entwurf aus Fall {case_id}",
              "today": today.strftime("%d.%m.%Y")}
    return _HEAD.format(**values) + _TERM_FROM_CASE.format(
        **values, title=title, title_pad=" " * max(1, 19 - len(title)), case=case_id,
        text="\n".join(f"  {line}" if line else "" for line in lines),
        question=json.dumps(" ".join(question.split()), ensure_ascii=False))
