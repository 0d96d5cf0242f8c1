"""Fit the answer decision on the CALIBRATION questions only; print weights and limits.

The held-out parts (blind-pruefung, -abschluss, -neu, -schluss, -ende, -dezember, -advent,
-nikolaus) are never read here.
The model is a logistic regression of "the best candidate is right" over
:func:`bot.knowledge.decision.features`; the two limits are then chosen on the same
calibration questions, from out-of-fold probabilities (k-fold cross-validation):

- ``answer``: the lowest probability at which wrong answers (a wrong entry, or any answer
  to an out-of-scope question) stay within ``--max-wrong`` of all questions;
- ``choices``: the lowest probability at which out-of-scope questions are still rejected
  at least ``--min-rejection`` of the time.

Run (needs the ``calibrate`` extra, scikit-learn)::

    PYTHONPATH=. python tests/bench/calibrate_decision.py

and copy the printed ``Thresholds(...)`` into ``bot/knowledge/decision.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bot.dialogue.evaluation import Labelled, load_questions, resolve
from bot.knowledge.decision import Thresholds, features
from bot.knowledge.intent import Intent
from bot.knowledge.memory import QuestionMemory
from bot.knowledge.service import Knowledge
from bot.settings import shipped_knowledge_dir

DATA = Path(__file__).resolve().parents[1] / "data"
# The calibration sets live in the shipped knowledge (knowledge/fragen/), the catalogue here.
CALIBRATION = (*sorted((DATA.parents[1] / "knowledge" / "fragen").glob("*.yaml")),
               DATA / "questions.yaml")
# Every score-based decision comes out as "choices", so that its candidates are the ones
# the model will judge; routed place questions ("answer") are left out, they do not use it.
_PROBE = Thresholds(answer=2.0, choices=0.0, floor=0.0)


Samples = tuple[list[tuple[float, ...]], list[int], list[bool], int]


def samples(knowledge: Knowledge, questions: list[Labelled]) -> Samples:
    """Return features, "best is right" labels, out-of-scope flags and a count.

    Questions the model never judges (routed to an office, no candidate, a neighbouring
    topic) are left out; the count says how many out-of-scope ones among them were
    rejected before the model (no candidate, or a neighbouring topic).
    """
    xs, ys, oos = [], [], []
    rejected = 0
    # The model alone: the question memory would turn hesitant probes into answers.
    probe = Knowledge(knowledge.base, knowledge.matcher, _PROBE, knowledge.outside,
                      QuestionMemory([]))
    for item in questions:
        decision = probe.ask(item.question)
        expected = resolve(knowledge.base, item.expected)
        if decision.status == "answer" and decision.intent is Intent.CONTACT:
            continue
        if not decision.candidates or decision.confidence == 0.0:
            # no candidates, or a neighbouring topic and no entry named
            rejected += not expected and decision.status == "unknown"
            continue
        xs.append(features(decision.candidates, decision.outside is not None))
        ys.append(int(decision.candidates[0].entry_id in expected))
        oos.append(not expected)
    return xs, ys, oos, rejected


def main() -> None:
    """Fit, choose the limits, print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-wrong", type=float, default=0.01)
    parser.add_argument("--min-rejection", type=float, default=0.96)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--knowledge", type=Path, default=shipped_knowledge_dir(),
                        help="knowledge folder (default: the shipped one)")
    args = parser.parse_args()
    knowledge = Knowledge.load(args.knowledge, dt.date(2026, 12, 2))
    questions = [q for path in CALIBRATION for q in load_questions(path)]
    xs, ys, oos, before = samples(knowledge, questions)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(xs, ys)
    # The limits are chosen on out-of-fold probabilities: in-sample ones are too kind to the
    # model, and the limit would let more wrong answers through on questions it never saw.
    probs = cross_val_predict(LogisticRegression(C=10.0, max_iter=1000), xs, ys,
                              cv=StratifiedKFold(args.folds, shuffle=True, random_state=7),
                              method="predict_proba")[:, 1]
    total = len(questions)
    answer = next(a / 100 for a in range(5, 100)
                  if sum(p >= a / 100 and not y for p, y in zip(probs, ys, strict=True))
                  <= args.max_wrong * total)
    outside = [p for p, o in zip(probs, oos, strict=True) if o]
    # Out-of-scope questions the model never sees are rejected before it (no candidate, or
    # a neighbouring topic): they count towards the rejection rate as well.
    all_outside = sum(not q.expected for q in questions)
    choices = next(c / 100 for c in range(1, 100)
                   if before + sum(p < c / 100 for p in outside)
                   >= args.min_rejection * all_outside)
    right = sum(p >= answer and y for p, y in zip(probs, ys, strict=True))
    print(f"samples {len(xs)} of {total} questions; answered right {right / total:.3f} "
          f"(upper bound: best right {sum(ys) / total:.3f})")
    weights = ", ".join(f"{w:.3f}" for w in model.coef_[0])
    print(f"Thresholds(weights=({weights}), bias={model.intercept_[0]:.3f}, "
          f"answer={answer:.2f}, choices={min(choices, answer):.2f})")


if __name__ == "__main__":
    main()
