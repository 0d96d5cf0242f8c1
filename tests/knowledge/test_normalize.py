"""German normalisation: spellings volunteers use interchangeably become equal."""

from __future__ import annotations

import pytest

from bot.knowledge.normalize import content_stems, content_words, fold, joined_stems


@pytest.mark.parametrize("spelling", ["Höxter", "Hoexter", "HOXTER", "hoxter"])
def test_umlaut_spellings_fold_together(spelling: str) -> None:
    assert fold(spelling) == "hoxter"


def test_sharp_s_and_shouting() -> None:
    assert content_stems("MAßNAHMEBEGINN!!!") == content_stems("massnahmebeginn")


def test_stopwords_dropped_and_inflections_stripped() -> None:
    assert content_stems("Gibt es Förderungen für Vereine?") == ["forder", "verein"]


def test_ruhr_and_low_german_function_words_are_stopwords() -> None:
    assert content_words("ham wa vonne inne son allet ick nomma irgendwie") == []


def test_english_function_words_of_mixed_messages_are_stopwords() -> None:
    assert content_words("they really need one more thing but not now") == []


def test_snowball_unifies_plurals_the_old_suffix_list_split() -> None:
    for forms in ("Verein Vereine", "Region Regionen", "Zuschuss Zuschüsse", "Theater Theatern",
                  "Aktion Aktionen"):
        assert len(set(content_stems(forms))) == 1, forms


def test_feminine_and_plural_forms_share_a_stem() -> None:
    assert len(set(content_stems("Künstlerinnen Künstlerin Künstler"))) == 1


def test_compounds_written_apart_are_joined() -> None:
    assert joined_stems("Heimat Scheck") == content_stems("Heimatscheck")
