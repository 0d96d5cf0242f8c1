"""An inverted index of stems over the answerable entries, with typo lookup.

Each entry contributes its fields with a weight: title and aliases count most,
example questions nearly as much, topics and descriptions little. Typos are
found with a symmetric-deletion index over single words (SymSpell's idea):
two words within one edit share a one-letter deletion.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.knowledge.normalize import content_words, joined, stem, words

TITLE, EXAMPLE, TOPIC, BODY = 1.0, 0.85, 0.5, 0.3
MIN_FUZZY_LENGTH = 5
NAME_SPECIFICITY = 0.5


@dataclass(frozen=True)
class Document:
    """What the index needs to know of one entry."""

    entry_id: str
    kind: str
    title: str
    names: tuple[str, ...]
    examples: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    body: tuple[str, ...] = ()


@dataclass(frozen=True)
class Name:
    """A title or alias as stems, and its neighbouring stems written together.

    ``idfs`` weigh each stem; they are filled in once the whole index is known.
    """

    stems: tuple[str, ...]
    pairs: tuple[str, ...]
    idfs: tuple[float, ...] = ()

    @property
    def weight(self) -> float:
        """How specific the name is: the sum of its stems' idf."""
        return sum(self.idfs)


@dataclass(frozen=True)
class IndexedDoc:
    """An indexed entry: id, kind, title, folded phrases for reranking, and its names."""

    entry_id: str
    kind: str
    title: str
    phrases: tuple[str, ...]
    names: tuple[Name, ...] = ()


def deletions(word: str) -> set[str]:
    """Return every string made by deleting one letter of ``word``."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Index:
    """Stems → weighted postings, plus the lookups the matcher needs."""

    def __init__(self, documents: Iterable[Document], synonyms: Mapping[str, str]) -> None:
        self.synonyms = dict(synonyms)
        self.docs: list[IndexedDoc] = []
        self.numbers: dict[str, int] = {}
        # Names made of stopwords only ("Viel vor"), each as the one word it is glued into.
        self.glued: dict[str, str] = {}
        raw: dict[str, dict[int, float]] = defaultdict(dict)
        for doc in documents:
            self._add(doc, raw)
        self.postings: dict[str, tuple[array[int], array[float]]] = {
            term: (array("i", found.keys()), array("f", found.values()))
            for term, found in raw.items()
        }
        count = max(len(self.docs), 1)
        self.idf = {t: math.log(1 + count / len(p[0])) for t, p in self.postings.items()}
        self.unknown_idf = math.log(1 + count)
        # Only names specific enough to count as "named": "Antragsfrist" is just "Frist"
        # after synonyms, and a question using that word does not name the entry.
        self.names: list[tuple[Name, ...]] = [self._specific(doc.names) for doc in self.docs]
        self.name_terms = {t for names in self.names for name in names for t in name.stems}
        self._lookups: dict[str, dict[int, float]] = {}
        self._deletes: dict[str, list[str]] = defaultdict(list)
        # Synonyms' own spellings too: "zuwendungsbeschied" is a typo of "Zuwendungsbescheid",
        # which the index only knows as its group's first word ("Bewilligung").
        for term in {*self.postings, *self.synonyms}:
            if len(term) >= MIN_FUZZY_LENGTH:
                for variant in deletions(term):
                    self._deletes[variant].append(term)

    def _add(self, doc: Document, raw: dict[str, dict[int, float]]) -> None:
        number = len(self.docs)
        canonical = self.synonyms.get
        phrases: list[str] = []
        names: list[Name] = []
        fields = ((doc.names, TITLE), (doc.examples, EXAMPLE), (doc.topics, TOPIC),
                  (doc.body, BODY))
        for texts, weight in fields:
            for text in texts:
                found = content_words(text)  # normalise each text once
                if weight == TITLE and not found and len(words(text)) > 1:
                    found = [self._glue(text)]
                stems = [canonical(s, s) for s in map(stem, found)]
                if weight == TITLE:
                    pairs = [canonical(p, p) for p in joined(found)]
                    names.append(Name(tuple(stems), tuple(pairs)))
                    stems += pairs
                if weight >= EXAMPLE:
                    # Sorted words: the reranker compares them with a plain ratio.
                    phrases.append(" ".join(sorted(found)))
                for term in stems:
                    postings = raw[term]
                    if postings.get(number, 0.0) < weight:
                        postings[number] = weight
        self.numbers[doc.entry_id] = number
        self.docs.append(IndexedDoc(doc.entry_id, doc.kind, doc.title, tuple(phrases),
                                    tuple(names)))

    def _glue(self, name: str) -> str:
        phrase = " ".join(words(name))
        self.glued[phrase] = phrase.replace(" ", "")
        return self.glued[phrase]

    def glue(self, text: str) -> str:
        """Return ``text`` with stopword-only names written as one word (folded if any)."""
        if not self.glued:  # most knowledge has none: no second pass over every question
            return text
        folded = " ".join(words(text))
        for phrase, word in self.glued.items():
            if phrase in folded:
                folded = re.sub(rf"\b{re.escape(phrase)}\b", word, folded)
        return folded

    def _specific(self, names: tuple[Name, ...]) -> tuple[Name, ...]:
        weighted = (Name(n.stems, n.pairs, tuple(self.idf.get(t, 0.0) for t in n.stems))
                    for n in names)
        return tuple(n for n in weighted if n.weight >= NAME_SPECIFICITY * self.unknown_idf)

    def weights_of(self, term: str) -> dict[int, float]:
        """Return entry → weight for ``term`` (built on first use; only common terms need it)."""
        found = self._lookups.get(term)
        if found is None:
            docs, weights = self.postings[term]
            found = self._lookups[term] = dict(zip(docs, weights, strict=True))
        return found

    def similar_terms(self, term: str) -> list[str]:
        """Return indexed terms one edit (or an adjacent swap) away from ``term``."""
        if len(term) < MIN_FUZZY_LENGTH:
            return []
        found = set(self._deletes.get(term, ()))
        for variant in deletions(term):
            if variant in self.postings or variant in self.synonyms:
                found.add(variant)
            found.update(self._deletes.get(variant, ()))
        found.discard(term)
        return sorted(found)
