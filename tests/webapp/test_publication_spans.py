"""The reviewer's decisions as data: accept, reject, add (a person marked by hand is replaced in
every mention), and the rendered text (letters by first mention, no gaps)."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, InvalidInput, NotFound
from webapp.publication import spans

TEXT = "Apsūdzētais Jānis Bērziņš, personas kods 010101-11111, un liecinieks Pēteris Ozols. Bērziņš atzina."
#       0           12    18      26              42            56              71     78      86


def at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def proposals() -> list[dict]:
    return spans.from_proposals([
        {"start": at("Jānis Bērziņš")[0], "end": at("Jānis Bērziņš")[1], "kind": "PERSON", "replacement": "A",
         "recogniser": "names", "score": 0.9},
        {"start": at("010101-11111")[0], "end": at("010101-11111")[1], "kind": "PERSONAL_CODE",
         "replacement": "[personas kods]", "recogniser": "personal_code", "score": 1.0},
        {"start": at("Bērziņš", 1)[0], "end": at("Bērziņš", 1)[1], "kind": "PERSON", "replacement": "A",
         "recogniser": "names", "score": 0.8},
    ])


def test_undecided_proposals_are_applied_so_nothing_leaks_by_default():
    assert spans.render(TEXT, proposals()) == (
        "Apsūdzētais A, personas kods [personas kods], un liecinieks Pēteris Ozols. A atzina.")


def test_a_rejected_proposal_stays_in_the_text_and_letters_have_no_gap():
    marked = spans.add(proposals(), TEXT, *at("Pēteris Ozols"), "PERSON")
    marked = spans.decide(marked, marked[0]["id"], False)  # the first mention of Bērziņš stays
    # Letters go by the first mention that is replaced: Ozols now comes before Bērziņš's later one.
    assert spans.render(TEXT, marked) == (
        "Apsūdzētais Jānis Bērziņš, personas kods [personas kods], un liecinieks A. B atzina.")


def test_a_person_added_by_hand_replaces_every_mention_given():
    text = "Liecinieks Ozols ieradās. Ozola liecība. P. Ozols parakstīja."
    first = (text.index("Ozols"), text.index("Ozols") + 5)
    others = [(text.index("Ozola"), text.index("Ozola") + 5), (text.index("P. Ozols"), text.index("P. Ozols") + 8)]
    marked = spans.add([], text, *first, "PERSON", others)
    assert [s["status"] for s in marked] == ["added"] * 3
    assert spans.render(text, marked) == "Liecinieks A ieradās. A liecība. A parakstīja."


def test_a_mention_already_proposed_is_not_added_twice():
    marked = spans.add(proposals(), TEXT, *at("Pēteris Ozols"), "PERSON", [at("Bērziņš", 1)])
    assert len(marked) == 4


@pytest.mark.parametrize(("start", "end", "kind", "error"), [
    (0, 5, "NAME", InvalidInput),  # not a kind
    (5, 5, "PERSON", InvalidInput),  # empty
    (len(TEXT) - 2, len(TEXT) + 3, "PERSON", InvalidInput),  # beyond the text
    (11, 12, "PERSON", InvalidInput),  # blank
    (13, 20, "PERSON", Conflict),  # overlaps the first proposal
])
def test_a_bad_span_is_refused(start, end, kind, error):
    with pytest.raises(error):
        spans.add(proposals(), TEXT, start, end, kind)


def test_deciding_an_unknown_proposal_is_not_found():
    with pytest.raises(NotFound):
        spans.decide(proposals(), 99, True)


def test_letters_follow_first_mention_beyond_z():
    text = " ".join(f"P{i}" for i in range(28))
    marked = [{"id": i, "start": text.index(f"P{i}"), "end": text.index(f"P{i}") + len(f"P{i}"), "kind": "PERSON",
               "replacement": "", "recogniser": "reviewer", "score": None, "person": f"p{i}", "status": "added"}
              for i in range(28) if f"P{i}" in text.split()]
    rendered = spans.render(text, marked).split()
    assert rendered[:3] == ["A", "B", "C"] and rendered[25] == "Z" and rendered[26] == "A1"
