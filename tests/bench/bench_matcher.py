"""Benchmark the question matcher against a naive rapidfuzz baseline on synthetic knowledge.

Run from the repository root:

    PYTHONPATH=. python tests/bench/bench_matcher.py [--sizes 1000,10000] [--queries 500]

Per size N it generates N synthetic programmes (tests/bench/synthetic.py), writes
them as YAML files into a temporary folder (not timed), then times

* load: ``load_directory`` (YAML parsing, validation, cross-checks) and, separately,
  building the :class:`Index` from the loaded entries;
* per question: ``Matcher.rank`` and the baseline
  ``rapidfuzz.process.extractOne(query, all_example_questions, scorer=fuzz.WRatio)``;

and prints median/p99 latency, top-1 accuracy, load times and memory, then a
table of the targets with PASS/FAIL. Single process, single thread.

Not collected by pytest (no ``test_`` prefix): it takes minutes at 100.000 entries.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import math
import pstats
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.knowledge import loader
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.crosscheck import cross_check
from bot.knowledge.decision import Thresholds
from bot.knowledge.index import Index
from bot.knowledge.matcher import Matcher
from bot.knowledge.memory import QuestionMemory
from bot.knowledge.outside import Outside
from bot.knowledge.service import Knowledge
from bot.settings import shipped_knowledge_dir
from tests.bench import synthetic

NS_PER_MS = 1_000_000
NS_PER_S = 1_000_000_000
WARMUP_QUERIES = 20


# --------------------------------------------------------------------------- helpers


def shipped_memories() -> tuple[QuestionMemory, QuestionMemory | None]:
    """Return the shipped knowledge's memories (2,656 labelled questions): entries, aspects."""
    today = dt.datetime.now(dt.UTC).date()
    shipped = Knowledge.load(shipped_knowledge_dir(), today)
    return shipped.memory, shipped.aspects


def build_index(kb: KnowledgeBase) -> Index:
    """Build the index the way the bot does (``Knowledge.build``, with its GC pause)."""
    return Knowledge.build(kb).matcher.index


def percentile(values: list[int], share: float) -> int:
    """Nearest-rank percentile (p99 of 500 samples is the 495th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def maxrss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 1024 / 1024


def source_fingerprint() -> str:
    """Short hash of bot/knowledge/*.py, to tell which matcher/loader version was measured."""
    digest = hashlib.sha256()
    for path in sorted((Path(loader.__file__).parent).glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def fmt_n(n: int) -> str:
    return f"{n:,}"


def fmt_ms(ns: float | None) -> str:
    if ns is None:
        return "–"
    ms = ns / NS_PER_MS
    return f"{ms:.3f} ms" if ms < 10 else f"{ms:.1f} ms"


def fmt_s(ns: float | None) -> str:
    return "–" if ns is None else f"{ns / NS_PER_S:.2f} s"


def fmt_pct(hits: int, total: int) -> str:
    return "–" if not total else f"{100 * hits / total:.1f} % ({hits}/{total})"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- one size


@dataclass
class Run:
    """Everything measured for one knowledge size."""

    n: int
    query_count: int
    yaml_files: int = 0
    yaml_mib: float = 0.0
    write_ns: int = 0
    load_ns: int = 0
    load_note: str = ""
    crosscheck_ns: int = 0
    index_ns: int = 0
    terms: int = 0
    index_peak_mib: float | None = None
    index_retained_mib: float | None = None
    latencies: list[int] = field(default_factory=list)
    decide_latencies: list[int] = field(default_factory=list)
    hits: list[bool] = field(default_factory=list)
    by_tag: Counter[str] = field(default_factory=Counter)
    by_tag_hits: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    base_build_ns: int | None = None
    base_strings: int = 0
    base_latencies: list[int] = field(default_factory=list)
    base_hits: list[bool] = field(default_factory=list)
    base_label: str = "not run"
    rss_mib: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> int:
        return percentile(self.latencies, 0.99)

    @property
    def base_median(self) -> float | None:
        return statistics.median(self.base_latencies) if self.base_latencies else None

    @property
    def base_p99(self) -> int | None:
        return percentile(self.base_latencies, 0.99) if self.base_latencies else None


def knowledge_folder(entries: list[synthetic.Entry], root: Path, run: Run) -> None:
    marker = root / ".complete"
    if marker.exists():  # reused via --yaml-dir
        log(f"  reusing YAML in {root}")
    else:
        started = time.perf_counter_ns()
        size = synthetic.write_yaml(entries, root)
        marker.write_text("ok")
        run.write_ns = time.perf_counter_ns() - started
        run.yaml_mib = size / 2**20
    run.yaml_files = len(entries) + 2


def load_knowledge(root: Path, n: int, args: argparse.Namespace, run: Run) -> KnowledgeBase:
    """Time ``load_directory``; above --full-load-max, time its steps and extrapolate cross-check.

    The cross-check costs O(N) per document (see the report), i.e. O(N²) in all; at
    100.000 entries it would run for hours, so there it is timed on a sample of
    documents and scaled up linearly (each document costs the same).
    """
    today = synthetic.TODAY
    gc.collect()
    if n <= args.full_load_max:
        t0 = time.perf_counter_ns()
        result = loader.load_directory(root, today)
        run.load_ns = time.perf_counter_ns() - t0
        problems, kb = result.problems, result.knowledge
    else:
        t0 = time.perf_counter_ns()
        parsed: list[loader._Parsed] = []
        problems = []
        for path in loader.knowledge_files(root):
            found, file_problems = loader._parse_file(path, root)
            parsed.extend(found)
            problems.extend(file_problems)
        kb = loader._assemble(parsed)
        parse_ns = time.perf_counter_ns() - t0
        origins = loader._origins(parsed)
        step = max(1, len(origins) // args.crosscheck_sample)
        sample = origins[::step]
        t0 = time.perf_counter_ns()
        problems.extend(cross_check(kb, sample, today))
        cross_ns = (time.perf_counter_ns() - t0) * len(origins) / len(sample)
        run.load_ns = parse_ns + int(cross_ns)
        run.load_note = (f"(load_directory's steps; cross-check timed on {len(sample)} of "
                         f"{len(origins)} documents and extrapolated)")
    if problems or kb is None:
        for problem in problems[:10]:
            log(f"  PROBLEM {problem}")
        raise SystemExit(f"synthetic knowledge did not load: {len(problems)} problems")
    # Cross-check share: time it on a sample of parsed documents against the full knowledge.
    files = loader.knowledge_files(root)
    step = max(1, len(files) // args.crosscheck_sample)
    sample_origins = []
    for path in files[::step]:
        sample_origins.extend(loader._origins(loader._parse_file(path, root)[0]))
    t0 = time.perf_counter_ns()
    cross_check(kb, sample_origins, today)
    per_document = (time.perf_counter_ns() - t0) / max(1, len(sample_origins))
    run.crosscheck_ns = int(per_document * run.yaml_files)
    return kb


def measure(n: int, args: argparse.Namespace, base_dir: Path) -> Run:
    log(f"\n== N = {fmt_n(n)} ==")
    started = time.perf_counter()
    entries = synthetic.generate(n, seed=args.seed)
    questions = synthetic.queries(entries, args.queries, seed=args.seed + 1)
    warmup = synthetic.queries(entries, WARMUP_QUERIES, seed=args.seed + 1000)
    log(f"  generated {fmt_n(n)} entries and {len(questions)} queries "
        f"in {time.perf_counter() - started:.1f} s")
    run = Run(n, len(questions))

    root = base_dir / f"n{n}-seed{args.seed}"
    knowledge_folder(entries, root, run)
    log(f"  YAML written in {fmt_s(run.write_ns)} ({run.yaml_mib:.1f} MiB, not timed)")

    # --- load: YAML + validation (+ cross-checks), then index build
    kb = load_knowledge(root, n, args, run)
    log(f"  load: {fmt_s(run.load_ns)} for {run.yaml_files} files {run.load_note}".rstrip())
    log(f"  of which cross-check ≈ {fmt_s(run.crosscheck_ns)} (estimated from a sample)")

    gc.collect()
    t0 = time.perf_counter_ns()
    index = build_index(kb)
    run.index_ns = time.perf_counter_ns() - t0
    run.terms = len(index.postings)
    log(f"  index build: {fmt_s(run.index_ns)} ({fmt_n(run.terms)} terms)")

    if not args.no_tracemalloc:  # a second, untimed build: tracemalloc slows allocation down
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        again = build_index(kb)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        run.index_peak_mib = (peak - before) / 2**20
        run.index_retained_mib = (current - before) / 2**20
        del again
        gc.collect()

    # --- matcher
    matcher = Matcher(index)
    ids = [e.entry_id for e in entries]
    for q in warmup:
        matcher.rank(q.text)
    clock = time.perf_counter_ns
    for q in questions:
        t0 = clock()
        ranked = matcher.rank(q.text, 5)
        run.latencies.append(clock() - t0)
        hit = bool(ranked) and ranked[0].entry_id == ids[q.entry_number]
        run.hits.append(hit)
        for tag in (*q.perturbations, q.source):
            run.by_tag[tag] += 1
            run.by_tag_hits[tag] += hit
        if not hit and len(run.misses) < args.show_misses:
            got = ranked[0].title if ranked else "(nothing)"
            run.misses.append((q.text, entries[q.entry_number].title, got))
    log(f"  matcher: median {fmt_ms(run.median)}, p99 {fmt_ms(run.p99)}, "
        f"top-1 {fmt_pct(sum(run.hits), len(run.hits))}")
    # The whole decision as the bot runs it: ranking, place, intent, out-of-scope words, the
    # calibrated model and the question memories (the shipped labelled questions: their ids
    # are not the synthetic ones, so the entry memory never vouches, but every hesitant
    # question pays its vote, and every answer without a fact cue the aspect vote).
    # Its extra cost over the ranking is what the decision adds.
    knowledge = Knowledge(kb, matcher, Thresholds(), Outside(kb.outside_words),
                          *shipped_memories())
    for q in questions:
        t0 = clock()
        knowledge.ask(q.text)
        run.decide_latencies.append(clock() - t0)
    log(f"  decision (Knowledge.ask): median {fmt_ms(statistics.median(run.decide_latencies))}, "
        f"p99 {fmt_ms(percentile(run.decide_latencies, 0.99))}")

    if args.profile and n == max(args.sizes):
        profile = cProfile.Profile()
        profile.enable()
        for q in questions:
            matcher.rank(q.text, 5)
        profile.disable()
        print(f"\n--- cProfile of {len(questions)} Matcher.rank calls at N = {fmt_n(n)} "
              "(sorted by own time) ---")
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(18)

    # --- baseline
    if args.skip_baseline_above is not None and n > args.skip_baseline_above:
        run.base_label = f"skipped (N > {fmt_n(args.skip_baseline_above)})"
    else:
        gc.collect()
        t0 = time.perf_counter_ns()
        choices: list[str] = []
        owners: list[str] = []
        for entry in kb.entries.values():
            for example in entry.examples:
                choices.append(example)
                owners.append(entry.id)
        run.base_build_ns = time.perf_counter_ns() - t0
        run.base_strings = len(choices)
        subset = questions if n <= args.baseline_full_max else questions[: args.baseline_subset]
        run.base_label = ("all queries" if len(subset) == len(questions)
                          else f"{len(subset)}-query subset")
        for q in subset[:3]:  # warm-up
            process.extractOne(q.text, choices, scorer=fuzz.WRatio)
        for q in subset:
            t0 = clock()
            best = process.extractOne(q.text, choices, scorer=fuzz.WRatio)
            run.base_latencies.append(clock() - t0)
            run.base_hits.append(best is not None and owners[best[2]] == ids[q.entry_number])
        log(f"  baseline ({run.base_label}): median {fmt_ms(run.base_median)}, "
            f"p99 {fmt_ms(run.base_p99)}, top-1 {fmt_pct(sum(run.base_hits), len(subset))}")

    run.rss_mib = maxrss_mb()
    return run


# --------------------------------------------------------------------------- report


def print_run(run: Run) -> None:
    subset = len(run.base_latencies)
    print(f"\nN = {fmt_n(run.n)} entries  ({run.yaml_files:,} YAML files, {run.terms:,} index "
          f"terms, {run.query_count} queries; baseline: {run.base_label})")
    rows = [
        ("load: YAML + validation (load_directory)", fmt_s(run.load_ns) + (" *" if run.load_note
                                                                            else ""), "–"),
        ("  of which cross-check (estimated)", fmt_s(run.crosscheck_ns), "–"),
        ("load: index build", fmt_s(run.index_ns),
         f"{fmt_s(run.base_build_ns)} (list of {run.base_strings:,} examples)"
         if run.base_build_ns is not None else "–"),
        ("load: total", fmt_s(run.load_ns + run.index_ns), fmt_s(run.base_build_ns)),
        ("latency median", fmt_ms(run.median), fmt_ms(run.base_median)),
        ("latency p99", fmt_ms(run.p99), fmt_ms(run.base_p99)),
        ("latency max", fmt_ms(max(run.latencies)),
         fmt_ms(max(run.base_latencies)) if subset else "–"),
        ("whole decision (Knowledge.ask) median / p99",
         f"{fmt_ms(statistics.median(run.decide_latencies))} / "
         f"{fmt_ms(percentile(run.decide_latencies, 0.99))}", "–"),
        ("decision's extra cost per question (median)",
         fmt_ms(statistics.median(run.decide_latencies) - run.median), "–"),
        ("top-1 accuracy", fmt_pct(sum(run.hits), len(run.hits)),
         fmt_pct(sum(run.base_hits), subset)),
    ]
    if subset and subset < len(run.hits):
        rows.append((f"top-1 on the {subset}-query subset",
                     fmt_pct(sum(run.hits[:subset]), subset), fmt_pct(sum(run.base_hits), subset)))
    if run.index_peak_mib is not None:
        rows.append(("index memory (tracemalloc)",
                     f"{run.index_retained_mib:.0f} MiB kept, {run.index_peak_mib:.0f} MiB peak",
                     "–"))
    rows.append(("process peak RSS so far (ru_maxrss)", f"{run.rss_mib:.0f} MiB", "(same process)"))
    width = max(len(r[0]) for r in rows)
    col = max(len(r[1]) for r in rows)
    print(f"  {'metric':<{width}}  {'matcher':<{col}}  baseline")
    for name, ours, theirs in rows:
        print(f"  {name:<{width}}  {ours:<{col}}  {theirs}")
    if run.load_note:
        print(f"  * {run.load_note}")
    tags = ["typo", "umlaut", "shuffle", "drop", "example", "heldout"]
    parts = [f"{t} {100 * run.by_tag_hits[t] / run.by_tag[t]:.1f} % (n={run.by_tag[t]})"
             for t in tags if run.by_tag[t]]
    print("  matcher top-1 by query kind: " + "; ".join(parts))
    for text, want, got in run.misses:
        print(f"    miss: {text!r}  want {want!r}  got {got!r}")


def targets(runs: dict[int, Run]) -> list[tuple[str, str, str, str]]:
    rows = []

    def add(n: int, name: str, wanted: str, measure: str | None, ok: bool | None) -> None:
        verdict = "not run" if ok is None else ("PASS" if ok else "FAIL")
        rows.append((f"N={fmt_n(n)}: {name}", wanted, measure or "–", verdict))

    r = runs.get(10_000)
    add(10_000, "p99 latency", "≤ 3 ms", fmt_ms(r.p99) if r else None,
        r.p99 <= 3 * NS_PER_MS if r else None)
    if r and r.base_median is not None and len(r.base_latencies) == len(r.latencies):
        speedup = r.base_median / r.median
        add(10_000, "median speed-up vs baseline", "≥ 40×", f"{speedup:.0f}×", speedup >= 40)
    else:
        add(10_000, "median speed-up vs baseline", "≥ 40×", None, None)
    add(10_000, "top-1 accuracy", "≥ 95 %",
        f"{100 * sum(r.hits) / len(r.hits):.1f} %" if r else None,
        sum(r.hits) >= 0.95 * len(r.hits) if r else None)
    add(10_000, "load (YAML+validation + index)", "≤ 2 s",
        fmt_s(r.load_ns + r.index_ns) if r else None,
        r.load_ns + r.index_ns <= 2 * NS_PER_S if r else None)
    r = runs.get(100_000)
    add(100_000, "p99 latency", "≤ 20 ms", fmt_ms(r.p99) if r else None,
        r.p99 <= 20 * NS_PER_MS if r else None)
    return rows


def print_targets(runs: dict[int, Run]) -> None:
    rows = targets(runs)
    head = ("target", "required", "measured", "result")
    widths = [max(len(row[i]) for row in (*rows, head)) for i in range(4)]
    print("\nTargets")
    print("  " + "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated knowledge sizes (default: 1000,10000,100000)")
    parser.add_argument("--queries", type=int, default=500, help="queries per size (default 500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-baseline-above", type=int, default=None, metavar="N",
                        help="no baseline at all for sizes above N (default: never skip)")
    parser.add_argument("--baseline-full-max", type=int, default=10_000, metavar="N",
                        help="run the baseline on every query up to this size (default 10000); "
                             "larger sizes use --baseline-subset queries")
    parser.add_argument("--baseline-subset", type=int, default=50, metavar="K",
                        help="baseline queries above --baseline-full-max (default 50)")
    parser.add_argument("--full-load-max", type=int, default=10_000, metavar="N",
                        help="call load_directory as is up to this size (default 10000); above, "
                             "its steps are timed and the O(N²) cross-check is extrapolated")
    parser.add_argument("--crosscheck-sample", type=int, default=500, metavar="K",
                        help="documents used to estimate the cross-check's cost (default 500)")
    parser.add_argument("--yaml-dir", type=Path, default=None,
                        help="keep the generated YAML here and reuse it on the next run")
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="skip the extra index build under tracemalloc")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the matcher's queries at the largest size")
    parser.add_argument("--show-misses", type=int, default=0, metavar="K",
                        help="print the first K matcher misses per size")
    args = parser.parse_args(argv)
    args.sizes = [int(s.replace(".", "").replace("_", "")) for s in args.sizes.split(",") if s]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    print(f"Förderlotse matcher benchmark — Python {sys.version.split()[0]}, single process; "
          f"sizes {', '.join(fmt_n(n) for n in args.sizes)}; {args.queries} queries per size; "
          f"seed {args.seed}; title vocabulary {synthetic.vocabulary_size():,} stems/compounds; "
          f"bot/knowledge sources {source_fingerprint()}")
    runs: dict[int, Run] = {}
    with tempfile.TemporaryDirectory(prefix="foerderlotse-bench-") as tmp:
        base_dir = args.yaml_dir or Path(tmp)
        for n in args.sizes:
            runs[n] = measure(n, args, base_dir)
            print_run(runs[n])
            sys.stdout.flush()
    print_targets(runs)


if __name__ == "__main__":
    main()
