"""The German question matcher: question text in, ranked scored candidates out.

Scoring is coverage-based: how much of the question's information (each stem
weighted by its rarity) an entry explains, and in which field. A question whose
important words appear nowhere scores low and is answered with "weiß ich nicht"
instead of a weak best guess. The best few are reranked with rapidfuzz against
the entry's names and example questions, which rewards matching word order.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge.index import MIN_FUZZY_LENGTH, Index, Name
from bot.knowledge.normalize import content_words, joined, stem

SHORTLIST = 30
MENTION_SHORTLIST = 10
FUZZY_PENALTY = 0.15
SPLIT_SIMILARITY = 0.6
RERANK_SHARE = 0.2
MENTION_SHARE = 0.2
FULL_MENTION = 0.8
# Stems in more than this share of entries (or this many) add score but do not nominate
# candidates: at 100.000 entries a common word would otherwise make 20.000 of them.
COMMON_SHARE = 0.2
MAX_NOMINATING = 1000


@dataclass(frozen=True)
class Candidate:
    """One scored entry; ``score`` is between 0 and 1.

    The decision also reads how the score came about: ``known`` is the share of the
    question's *known* words the entry explains (unknown words such as "Backhaus" left
    out), ``mention`` how much of the entry's title or an alias the question names, and
    ``known_share`` how much of the question's weight is in words the knowledge knows, and
    ``evidence`` how much the entry explains in absolute terms (in units of one rare word).
    """

    entry_id: str
    kind: str
    title: str
    score: float
    known: float = 0.0
    mention: float = 0.0
    known_share: float = 0.0
    evidence: float = 0.0


@dataclass
class _Unit:
    """One query stem and the indexed terms it may stand for, with their similarity."""

    idf: float
    matches: dict[str, float]


class Matcher:
    """Ranks entries of an :class:`Index` for a question."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def unknown_words(self, question: str) -> list[str]:
        """Return the words of ``question`` the knowledge has never seen, typos forgiven."""
        words = content_words(self.index.glue(question))
        return [w for w, unit in zip(words, self._units(words), strict=True) if not unit.matches]

    def says_name(self, entry_id: str, question: str) -> bool:
        """Tell whether ``question`` says one of the entry's names in full, however common.

        Naming (``mention``) counts only specific names: "Antragsfrist" is just "Frist" after
        synonyms and is in every programme. Asked what it means, the plain name is the topic.
        """
        number = self.index.numbers.get(entry_id)
        if number is None:
            return False
        said = {self._canonical(stem(w)) for w in content_words(self.index.glue(question))}
        return any(name.stems and set(name.stems) <= said
                   for name in self.index.docs[number].names)

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """Return up to ``limit`` candidates, best first."""
        words = content_words(self.index.glue(question))
        if not words:
            return []
        units = self._units(words)
        total = sum(u.idf for u in units)
        known = sum(u.idf for u in units if u.matches)
        if total <= 0 or known <= 0:
            return []
        scores = self._accumulate(units)
        shortlist = heapq.nlargest(SHORTLIST, scores.items(), key=lambda item: item[1])
        query = " ".join(sorted(words))
        terms = _matched_terms(units)
        rare = self.index.unknown_idf
        # Only the strongest few can be named: naming an entry matches its title, which
        # weighs most. Checking names further down cost 40 % of the ranking time.
        ranked = [(*self._rerank(doc, value / total, query,
                                 terms if i < MENTION_SHORTLIST else None), doc, value)
                  for i, (doc, value) in enumerate(shortlist)]
        ranked.sort(key=lambda r: r[0], reverse=True)
        # Candidates (frozen dataclasses, costly to make) only for the ones returned.
        return [self._candidate(doc, score, mention, (value / known, known / total, value / rare))
                for score, mention, doc, value in ranked[:limit]]

    def _candidate(self, number: int, score: float, mention: float,
                   shares: tuple[float, float, float]) -> Candidate:
        doc = self.index.docs[number]
        known, known_share, evidence = shares
        return Candidate(doc.entry_id, doc.kind, doc.title, score, min(known, 1.0), mention,
                         known_share, evidence)

    def _units(self, words: list[str]) -> list[_Unit]:
        stems = [self._canonical(stem(w)) for w in words]
        units = [self._lookup_typed(s, w) for s, w in zip(stems, words, strict=True)]
        # A word pair written apart in the question may be one word in the knowledge.
        for i, pair_stem in enumerate(joined(words)):
            pair = self._lookup(self._canonical(pair_stem))
            if not pair.matches:
                continue
            for unit in (units[i], units[i + 1]):
                if not unit.matches:
                    unit.idf = pair.idf
                for term, similarity in pair.matches.items():
                    unit.matches[term] = max(unit.matches.get(term, 0.0), similarity)
        return [self._split_if_unknown(u, s) for u, s in zip(units, stems, strict=True)]

    def _lookup_typed(self, term: str, word: str) -> _Unit:
        """Look ``term`` up, or the unstemmed word when the stem is unknown.

        The stemmer cuts a typo's ending differently: "Verwendungsnachwies" stems to
        "verwendungsnachwi", two edits from "verwendungsnachweis", but the word itself is one
        swap away.
        """
        unit = self._lookup(term)
        if unit.matches or word == term:
            return unit
        typed = self._lookup(self._canonical(word))
        return typed if typed.matches else unit

    def _canonical(self, term: str) -> str:
        return self.index.synonyms.get(term, term)

    def _lookup(self, term: str) -> _Unit:
        index = self.index
        if term in index.postings:
            found = {term: 1.0}
            if len(term) >= 2 * MIN_FUZZY_LENGTH:
                # A long word may be a typo an example question carries ("Verwendungsnachweiß"):
                # it still stands for the title one letter away, which is what names the entry.
                found.update({t: s for t, s in self._similar(term).items()
                              if t != term and t in index.name_terms})
            return _Unit(index.idf[term], found)
        matches = self._similar(term)
        if not matches:
            return _Unit(index.unknown_idf, {})
        return _Unit(max(index.idf[t] for t in matches), matches)

    def _similar(self, term: str) -> dict[str, float]:
        """Return the indexed terms ``term`` may be a typo of, with their similarity."""
        index = self.index
        matches: dict[str, float] = {}
        # Numbers carry no typos worth guessing: "2000euro" is not "1000euro".
        candidates = () if any(c.isdigit() for c in term) else index.similar_terms(term)
        for other in candidates:
            distance = OSA.distance(term, other)
            # Short words rarely carry a typo in their first letter; "grund" is not "rund".
            if len(term) < 8 and term[0] != other[0]:
                continue
            canonical = index.synonyms.get(other, other)
            # Through a synonym only for long words: "anrechnen" is not "abrechnen" (Abrechnung).
            long = len(term) >= 2 * MIN_FUZZY_LENGTH
            if canonical not in index.postings or (other not in index.postings and not long):
                continue
            if distance == 1 or (distance == 2 and long):
                similarity = 1.0 - FUZZY_PENALTY * distance
                matches[canonical] = max(matches.get(canonical, 0.0), similarity)
        return matches

    def _split_if_unknown(self, unit: _Unit, term: str) -> _Unit:
        """Split an unknown compound ("kulturforderung") into two known words."""
        if unit.matches or len(term) < 2 * MIN_FUZZY_LENGTH - 2:
            return unit
        for cut in range(4, len(term) - 3):
            left, right = term[:cut], term[cut:]
            left = left[:-1] if left.endswith("s") and left[:-1] in self.index.postings else left
            if left not in self.index.postings:
                continue
            tail = self._lookup(self._canonical(stem(right)))
            if tail.matches:
                # A split is a guess: "forderschule" is not "Förderung" plus "Schule".
                parts = {term: SPLIT_SIMILARITY * sim for term, sim in tail.matches.items()}
                parts[left] = SPLIT_SIMILARITY
                return _Unit(unit.idf, parts)
        return unit

    def _accumulate(self, units: list[_Unit]) -> dict[int, float]:
        """Sum, per entry, each unit's idf times its best field weight and similarity."""
        candidates = self._candidates(units)
        scores: dict[int, float] = defaultdict(float)
        for unit in units:
            best: dict[int, float] = {}
            for term, similarity in unit.matches.items():
                self._best_weights(term, similarity, candidates, best)
            for doc, value in best.items():
                scores[doc] += unit.idf * value
        return scores

    def _candidates(self, units: list[_Unit]) -> set[int]:
        """Entries worth scoring: those sharing a rare-enough term with the question."""
        index = self.index
        common = max(1, min(int(len(index.docs) * COMMON_SHARE), MAX_NOMINATING))
        found: set[int] = set()
        for unit in units:
            for term in unit.matches:
                docs = index.postings[term][0]
                if len(docs) <= common:
                    found.update(docs)
        if not found:  # only common words: let them nominate after all
            for unit in units:
                for term in unit.matches:
                    found.update(index.postings[term][0])
        return found

    def _best_weights(self, term: str, similarity: float, candidates: set[int],
                      best: dict[int, float]) -> None:
        """Record, per candidate, the best weight ``term`` gives it."""
        docs, weights = self.index.postings[term]
        if len(docs) > len(candidates):
            # A common word: look the few candidates up instead of walking its long list.
            lookup = self.index.weights_of(term)
            pairs = ((d, lookup[d]) for d in candidates if d in lookup)
        else:
            pairs = ((d, w) for d, w in zip(docs, weights, strict=True) if d in candidates)
        for doc, weight in pairs:
            value = weight * similarity
            if value > best.get(doc, 0.0):
                best[doc] = value

    def _rerank(self, number: int, coverage: float, query: str,
                terms: dict[str, float] | None) -> tuple[float, float]:
        """Return the final score and the mention of one shortlisted entry."""
        doc = self.index.docs[number]
        # token_sort_ratio on pre-sorted phrases: a plain ratio, scored in one C call.
        hit = process.extractOne(query, doc.phrases, scorer=fuzz.ratio)
        similarity = hit[1] if hit else 0.0
        # Multiplicative: word order can only refine a score that coverage has earned.
        score = coverage * (1 - RERANK_SHARE + RERANK_SHARE * similarity / 100)
        mention = 0.0 if terms is None else max(
            (_mention(name, terms) for name in self.index.names[number]), default=0.0)
        # A named entry wins over one that merely shares many everyday words of a long
        # message ("Verein", "Projekt", "Kinder"): naming is what people do when they know.
        named = mention if mention >= FULL_MENTION else 0.0
        score = (1 - MENTION_SHARE) * score + MENTION_SHARE * named
        return round(min(score, 1.0), 4), mention


def _mention(name: Name, terms: dict[str, float]) -> float:
    """Return the idf-weighted share of ``name`` the question names (typos count less)."""
    found = [terms.get(s, 0.0) for s in name.stems]
    for i, pair in enumerate(name.pairs):  # "Heimatscheck" names both halves of "Heimat-Scheck"
        if pair in terms and i + 1 < len(found):
            found[i] = max(found[i], terms[pair])
            found[i + 1] = max(found[i + 1], terms[pair])
    if not any(found):
        return 0.0
    return sum(i * f for i, f in zip(name.idfs, found, strict=True)) / name.weight


def _matched_terms(units: list[_Unit]) -> dict[str, float]:
    """Return every indexed term the question stands for, with its best similarity."""
    terms: dict[str, float] = {}
    for unit in units:
        for term, similarity in unit.matches.items():
            terms[term] = max(terms.get(term, 0.0), similarity)
    return terms
