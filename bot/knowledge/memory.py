"""Remember labelled questions people asked, and tell which entry similar questions had.

The ranking judges a question by the knowledge's own words; a long message in dialect or
half in English fits its entry less well than a question in the knowledge's style, and the
decision then hesitates. Questions people really asked, labelled with their entry
(``knowledge/fragen/``), show how such messages look. When the most similar of them mostly
point to the entry the ranking put first, that agreement is evidence of its own.

The similarity is TF-IDF cosine over the matcher's stems (sublinear term frequency, smoothed
idf, unit-length vectors), the same recipe as scikit-learn's ``TfidfVectorizer``; written
out here because it is twenty lines and the bot should not need NumPy and SciPy for them.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.knowledge.normalize import content_stems, words

# The vote of the nearest questions: five, weighted by similarity.
NEIGHBOURS = 5
# One known word ("heimat") finds the questions that used it most, not similar ones: the vote
# would only say which entry is asked about most often.
MIN_TERMS = 2
# A label for questions outside the knowledge: they vote against every entry.
OUTSIDE = ""

Vector = dict[str, float]


@dataclass(frozen=True)
class Vote:
    """The entry most similar questions had, and its share of their summed similarity."""

    entry_id: str
    share: float
    support: float = 0.0  # the summed similarity of the neighbours that voted for it


class QuestionMemory:
    """Nearest labelled questions by TF-IDF cosine similarity."""

    def __init__(self, questions: Iterable[tuple[str, str]],
                 terms: Callable[[str], Counter[str]] | None = None,
                 min_terms: int = MIN_TERMS, min_similarity: float = 0.0) -> None:
        """Index ``(question, label)`` pairs; the label :data:`OUTSIDE` marks out of scope.

        ``terms`` turns a question into the terms compared (default: the topic's stems,
        :func:`topic_terms`); a query needs ``min_terms`` known terms to get a vote, and a
        neighbour at least ``min_similarity`` to take part in it.
        """
        self._terms = terms or topic_terms
        self._min_terms = min_terms
        self._min_similarity = min_similarity
        found = [(self._terms(q), label) for q, label in questions]
        found = [(counted, label) for counted, label in found if counted]
        documents = Counter(term for counted, _ in found for term in counted)
        total = len(found)
        self._idf = {t: math.log((1 + total) / (1 + n)) + 1.0 for t, n in documents.items()}
        self._labels = [label for _, label in found]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, (counted, _) in enumerate(found):
            for term, weight in self._vector(counted).items():
                self._postings[term].append((number, weight))

    def __len__(self) -> int:
        return len(self._labels)

    def vote(self, question: str) -> Vote | None:
        """Return the label the nearest questions share most, or None without neighbours."""
        query = self._vector(self._terms(question))
        if len(query) < self._min_terms:
            return None
        similarity: dict[int, float] = defaultdict(float)
        for term, weight in query.items():
            for number, other in self._postings.get(term, ()):
                similarity[number] += weight * other
        # The five best of a few thousand: a heap, not a full sort (same order, ties by index).
        nearest = heapq.nsmallest(NEIGHBOURS, similarity.items(),
                                  key=lambda item: (-item[1], item[0]))
        votes: dict[str, float] = defaultdict(float)
        for number, score in nearest:
            if score < self._min_similarity:
                break
            votes[self._labels[number]] += score
        total = sum(votes.values())
        if total <= 0:
            return None
        label, score = max(votes.items(), key=lambda item: item[1])
        return Vote(label, score / total, score)

    def _vector(self, terms: Counter[str]) -> Vector:
        """Return the unit-length TF-IDF vector of ``terms`` (unknown terms left out)."""
        raw = {t: (1.0 + math.log(n)) * self._idf[t] for t, n in terms.items() if t in self._idf}
        norm = math.sqrt(sum(w * w for w in raw.values()))
        return {t: w / norm for t, w in raw.items()} if norm else {}


def topic_terms(question: str) -> Counter[str]:
    """Count the question's stems; figures ("500", "2026") say nothing about the topic."""
    return Counter(t for t in content_stems(question) if not t.isdigit())


def phrase_terms(question: str, names: frozenset[str] = frozenset()) -> Counter[str]:
    """Count the question's words and word pairs, stopwords included, ``names`` left out.

    What a question asks lives in its small words ("wie viel", "bis wann", "wer darf",
    "wat kricht man"), which :func:`topic_terms` leaves out. Entry names say which entry is
    asked about, not what: "heimatscheck" alone would find the questions asking most often
    about the Heimat-Scheck's deadline. A pair never spans a left-out name.
    """
    found = [w if w not in names else "" for w in words(question)]
    return Counter([*(w for w in found if w),
                    *(f"{a} {b}" for a, b in itertools.pairwise(found) if a and b)])
