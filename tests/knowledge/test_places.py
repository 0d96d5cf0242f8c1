"""Every city and Gemeinde of Westfalen-Lippe routes to its Kreis, Bezirksregierung and office."""

from __future__ import annotations

import re

import pytest
from wordfreq import zipf_frequency

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.normalize import words
from bot.knowledge.places import find_place
from bot.knowledge.service import Knowledge

# Place names that are German words too but, asked of this bot, mean the place: big cities
# and regions whose word sense hardly occurs in funding questions ("Münster", "Siegen").
PLACES_FIRST = {"dortmund", "munster", "bielefeld", "siegen", "bochum", "hagen", "paderborn",
                "hamm", "lippe", "gelsenkirchen", "minden", "gutersloh", "recklinghausen",
                "herford", "herne", "detmold", "verl", "soest", "unna"}
COMMON = 3.5  # zipf: an everyday word (3 = once per million words)


def places_by_region(base: KnowledgeBase) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for region in base.regions.values():
        if region.type == "kreis":
            found[region.id] = list(region.municipalities)
        elif region.type == "kreisfreie_stadt":
            found[region.id] = [region.name]
    # A town with an office of its own (Ahlen: Kulturregion Hellweg) is a region of its Kreis.
    for region in base.regions.values():
        if region.type == "gemeinde" and region.parent is not None:
            found[region.parent].append(region.name)
    return found


def test_all_231_cities_and_gemeinden_are_known(shipped: Knowledge) -> None:
    found = places_by_region(shipped.base)
    assert len(found) == 27  # 18 Kreise and 9 kreisfreie Städte
    assert sum(len(v) for k, v in found.items() if not k.startswith("stadt-")) == 222
    assert sum(len(v) for v in found.values()) == 231


def test_every_place_routes_to_its_kreis_bezirksregierung_and_an_office(
        shipped: Knowledge) -> None:
    base = shipped.base
    wrong = []
    for region_id, names in places_by_region(base).items():
        for name in names:
            for form in {name, re.sub(r"\s*\(.*?\)", "", name).split("/")[0]}:
                place, _ = find_place(f"wer hilft mir in {form}", base.places,
                                      shipped.matcher.index.postings, base.ambiguous_places,
                                      base.exact_places)
                chain = [r.id for r in base.region_chain(place.region_id)] if place else []
                if (place is None or region_id not in chain
                        or not any(r.startswith("rb-") for r in chain)
                        or not base.contacts_for(place.region_id)):
                    wrong.append(f"{form}: {place}")
    assert wrong == []


def test_towns_of_another_culture_region_go_to_its_office(shipped: Knowledge) -> None:
    # Ahlen lies in Kreis Warendorf (Münsterland) but belongs to the Kulturregion Hellweg.
    base = shipped.base
    place, _ = find_place("wer hilft mir in Ahlen", base.places)
    assert place is not None
    assert "kreis-warendorf" in [r.id for r in base.region_chain(place.region_id)]
    assert [c.id for c in base.contacts_for(place.region_id)] == ["kulturregion-hellweg"]
    beelen, _ = find_place("wer hilft mir in Beelen", base.places)
    assert beelen is not None
    assert "kulturbuero-muensterland" in [c.id for c in base.contacts_for(beelen.region_id)]


@pytest.mark.parametrize("name", ["Arnsberg", "Iserlohn", "Winterberg", "Rheda-Wiedenbrück",
                                  "Marl", "Ahlen", "Gronau", "Halle (Westf.)", "Haltern"])
def test_places_the_audit_missed_are_recognised(shipped: Knowledge, name: str) -> None:
    place, _ = find_place(f"Kulturförderung in {name}", shipped.base.places)
    assert place is not None


def test_the_askers_town_wins_over_an_office_named_after_a_place(shipped: Knowledge) -> None:
    # "Bezirksregierung Arnsberg" is a longer name than "Delbrück", but it is the office the
    # asker guesses; Delbrück is where the asker is.
    place, rest = find_place("Wir in Delbrück gehören doch zur Bezirksregierung Arnsberg?",
                             shipped.base.places)
    assert place is not None
    assert place.name == "Delbrück"
    assert "arnsberg" in rest
    alone, _ = find_place("Bezirksregierung Arnsberg Heimatförderung", shipped.base.places)
    assert alone is not None
    assert alone.region_id == "rb-arnsberg"


def test_no_everyday_word_is_taken_for_a_place_without_in_aus_bei(shipped: Knowledge) -> None:
    base = shipped.base
    local = {" ".join(words(n)) for names in places_by_region(base).values() for n in names}
    local |= {" ".join(words(r.name.removeprefix("Kreis "))) for r in base.regions.values()
              if r.type in ("kreis", "kreisfreie_stadt")}
    single = {key for key in base.places if " " not in key and key in local}
    common = {key for key in single if zipf_frequency(key, "de") >= COMMON}
    assert common - PLACES_FIRST <= base.ambiguous_places, (
        "ordinary words that would be read as places: "
        f"{sorted(common - PLACES_FIRST - base.ambiguous_places)}")
    for key in base.ambiguous_places:
        unrouted, _ = find_place(f"werden {key} gefördert?", base.places,
                                 shipped.matcher.index.postings, base.ambiguous_places)
        routed, _ = find_place(f"Kultur in {key}", base.places,
                               shipped.matcher.index.postings, base.ambiguous_places)
        assert unrouted is None, key
        assert routed is not None, key


async def test_werden_loehne_gefoerdert_is_not_routed_to_herford(chat: object) -> None:
    text = await chat.say("werden löhne gefördert?")  # type: ignore[attr-defined]
    assert "Herford" not in text
    assert "Für Löhne ist zuständig" in await chat.say("wer hilft in löhne?")  # type: ignore[attr-defined]
