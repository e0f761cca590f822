"""Throughput of the anonymiser on the evaluation set (tests/fixtures/anonymisation).

Run from the repository root: ``.venv/bin/python bench/anonymise.py`` (``make bench``).
Prints the recall figures of the set, then documents per second and milliseconds per 1,000 words for proposing (Presidio analysis,
names, propagation) and for proposing plus writing the anonymised text, over several rounds of
the whole set after one warm-up round; building the Anonymiser (spaCy's blank pipeline, the
patterns) is timed apart, since the CLI and the web app build it once per process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# The repository root instead of bench/: bench/http.py would shadow the standard library's http.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from anonymiser.engine import Anonymiser  # noqa: E402
from anonymiser.evaluation import load_set, score_set  # noqa: E402

SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "anonymisation"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds over the whole set (default 10)")
    parser.add_argument("--set", type=Path, default=SET, help="a folder of annotated excerpts (default: the evaluation set)")
    args = parser.parse_args()
    documents = load_set(args.set)
    words = sum(len(d.text.split()) for d in documents)

    started = time.perf_counter()
    anonymiser = Anonymiser()
    build = time.perf_counter() - started
    for document in documents:  # warm-up: name lists, regex caches, the stem cache
        anonymiser.propose(document.text)

    propose_times, full_times = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for document in documents:
            anonymiser.propose(document.text)
        propose_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for document in documents:
            anonymiser.anonymise(document.text)
        full_times.append(time.perf_counter() - started)

    print(score_set(documents, [anonymiser.propose(d.text) for d in documents]).report())
    print(f"{args.set.name}: {len(documents)} documents, {words} words; {args.rounds} rounds; "
          f"Anonymiser() built in {build * 1000:.0f} ms")
    for label, times in (("propose", propose_times), ("propose + apply", full_times)):
        median = statistics.median(times)
        print(f"{label:<16} {len(documents) / median:8.1f} documents/s   {median / words * 1e6:7.1f} ms per 1,000 words"
              f"   (median round {median * 1000:.0f} ms, best {min(times) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
