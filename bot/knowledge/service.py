"""The loaded knowledge together with its search index: what the dialogue works with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bot.errors import KnowledgeError
from bot.gcpause import building
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.decision import Decision, Thresholds, decide
from bot.knowledge.index import Document, Index
from bot.knowledge.intent import ASPECT_INTENTS
from bot.knowledge.loader import load_directory
from bot.knowledge.matcher import Matcher
from bot.knowledge.memory import OUTSIDE, QuestionMemory, phrase_terms
from bot.knowledge.models import Contact, Entry, Programme
from bot.knowledge.normalize import content_words, synonym_map
from bot.knowledge.outside import Outside
from bot.knowledge.places import label_ids


def document_of(entry: Entry) -> Document:
    """Describe an entry for the index, field by field."""
    names = (entry.title, *entry.aliases)
    if isinstance(entry, Programme):
        return Document(entry.id, entry.kind, entry.title, names, tuple(entry.examples),
                        (*entry.topics, entry.funder), (entry.summary,))
    if isinstance(entry, Contact):
        return Document(entry.id, entry.kind, entry.title, names, tuple(entry.examples),
                        (*entry.topics, entry.organisation), (entry.summary or "",))
    return Document(entry.id, entry.kind, entry.title, names, tuple(entry.examples), (),
                    (entry.text,))


# A name typed after a command ("/frist heimatscheck") is short and meant: a modest score is
# enough, and the command shows what it found.
FIND_SCORE = 0.34


@dataclass
class Knowledge:
    """A validated knowledge base plus the matcher built on it."""

    base: KnowledgeBase
    matcher: Matcher
    thresholds: Thresholds
    outside: Outside
    memory: QuestionMemory
    # The same questions by the aspect they ask about: which fact an answer leads with.
    aspects: QuestionMemory | None = None

    @classmethod
    @building
    def build(cls, base: KnowledgeBase, thresholds: Thresholds | None = None) -> Knowledge:
        """Index ``base`` for matching."""
        synonyms = synonym_map(base.synonym_groups)
        index = Index((document_of(e) for e in base.entries.values()), synonyms)
        outside = Outside(base.outside_words, base.outside_strict)
        return cls(base, Matcher(index), thresholds or Thresholds(), outside,
                   QuestionMemory(remembered(base)), aspect_memory(base))

    @classmethod
    def load(cls, root: Path, today: dt.date) -> Knowledge:
        """Load and index a folder.

        Raises:
            KnowledgeError: with every problem found, when the folder is not valid.

        """
        result = load_directory(root, today)
        if result.knowledge is None:
            raise KnowledgeError(list(result.problems))
        return cls.build(result.knowledge)

    def ask(self, question: str) -> Decision:
        """Decide how to answer ``question``."""
        return decide(self.base, self.matcher, self.outside, question, self.thresholds,
                      self.memory, self.aspects)

    def find(self, name: str, kind: str | None = None) -> Entry | None:
        """Return the best entry for a name typed in a command, or None if unclear."""
        for candidate in self.matcher.rank(name, limit=10):
            if kind is None or candidate.kind == kind:
                if candidate.score >= FIND_SCORE:
                    return self.base.get(candidate.entry_id)
                return None
        return None


def remembered(base: KnowledgeBase) -> list[tuple[str, str]]:
    """Return the labelled questions with one right entry (or none: out of scope)."""
    found = []
    for question, labels in base.questions:
        ids = label_ids(base, labels)
        if not labels:
            found.append((question, OUTSIDE))
        elif len(ids) == 1:
            found.append((question, ids.pop()))
    return found


# The least cosine similarity of a labelled question that votes on the asked aspect.
ASPECT_SIMILARITY = 0.2


def aspect_memory(base: KnowledgeBase) -> QuestionMemory:
    """Return the labelled questions by the aspect they ask about, as intent values.

    The entries' names are left out of the comparison (:func:`phrase_terms`); one asked word
    is then enough ("frist?"): the vote is about what is asked, not about which entry. Only
    fairly similar questions vote: a question sharing only "was" and "fördert" with
    questions about amounts ("Wie viel fördert …?") asks no amount. Leaving one calibration
    set out, the floor 0.2 led as many fact questions with their fact as 0 or 0.3 on every
    one of the eleven sets, and more on five (K4, K7, K8, Orte, Winter: +1 to +3 points).
    """
    names = frozenset(word for entry in base.entries.values()
                      for name in (entry.title, *entry.aliases) for word in content_words(name))
    return QuestionMemory(((question, ASPECT_INTENTS[aspect].value)
                           for question, aspect in base.aspects),
                          terms=partial(phrase_terms, names=names), min_terms=1,
                          min_similarity=ASPECT_SIMILARITY)
