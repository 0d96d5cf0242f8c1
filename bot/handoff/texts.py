"""What coordinators and askers read about a case (German, short, fits a phone)."""

from __future__ import annotations


def _head(case_id: int, label: str | None) -> str:
    return f"Fall {case_id}, {label}" if label else f"Fall {case_id}"


def _how_to_answer(case_id: int) -> str:
    return f"Antworten Sie mit /antwort {case_id} <Ihre Antwort>."


def new_case(case_id: int, label: str | None, question: str) -> str:
    """Return the message that brings a new question to its coordinators."""
    return f"Neue Frage ({_head(case_id, label)}): {question}\n{_how_to_answer(case_id)}"


def still_open(case_id: int, label: str | None, question: str, days: int) -> str:
    """Return the weekly reminder of a case that waits for an answer."""
    return (f"Noch offen seit {days} Tagen ({_head(case_id, label)}): {question}\n"
            f"{_how_to_answer(case_id)}")


def relay(case_id: int, answer: str) -> str:
    """Return the message that brings a coordinator's answer to the asker."""
    return f"Antwort des Kulturbüros zu Ihrer Frage (Fall {case_id}): {answer}"
