"""The evaluation set is well-formed and the scorer counts what it claims to count."""

from collections import Counter
from pathlib import Path

import pytest

from anonymiser.evaluation import KINDS, EvaluationSetError, Proposed, load_set, parse, score_document, score_set

SET = Path(__file__).resolve().parents[1] / "fixtures" / "anonymisation"


def test_markers_are_stripped_and_offsets_point_into_the_clean_text():
    doc = parse("Apsūdzētais [[Jānis Bērziņš|PERSON|p1]], kods [[140385-11859|PERSONAL_CODE]], tiesnese {{Ilze Kalniņa}}.")
    assert doc.text == "Apsūdzētais Jānis Bērziņš, kods 140385-11859, tiesnese Ilze Kalniņa."
    assert [doc.text[s.start : s.end] for s in doc.remove] == ["Jānis Bērziņš", "140385-11859"]
    assert [s.person for s in doc.remove] == ["p1", None]
    assert [doc.text[s:e] for s, e in doc.keep] == ["Ilze Kalniņa"]


@pytest.mark.parametrize("marked", ["[[Jānis|NAME|p1]]", "[[Jānis|PERSON]]", "[[140385-11859|PERSONAL_CODE|p1]]", "{{Rīga"])
def test_malformed_markers_are_refused(marked):
    with pytest.raises(EvaluationSetError):
        parse(marked)


def test_the_set_is_large_and_varied_enough():
    documents = load_set(SET)
    assert len(documents) >= 30
    assert set(Counter(d.case_type for d in documents)) == {"criminal", "civil", "admin"}
    kinds = Counter(span.kind for d in documents for span in d.remove)
    assert set(kinds) == set(KINDS)
    assert kinds["PERSON"] >= 150 and sum(len(d.keep) for d in documents) >= 300


def test_perfect_proposals_score_full_and_none_score_nothing_but_keep_everything():
    documents = load_set(SET)
    perfect = score_set(documents, [[Proposed(s.start, s.end, s.kind, s.person or "") for s in d.remove] for d in documents])
    assert all(perfect.recall(kind) == 1.0 for kind in KINDS)
    assert (perfect.keep_rate, perfect.consistency, perfect.person_merges, perfect.extra_chars) == (1.0, 1.0, 0, 0)
    empty = score_set(documents, [[] for _ in documents])
    assert all(empty.recall(kind) == 0.0 for kind in KINDS) and empty.keep_rate == 1.0


def test_wrong_kind_inconsistent_letters_and_lost_keep_text_are_counted():
    doc = parse("[[Jānis|PERSON|p1]] un [[Anna|PERSON|p2]] redzēja [[Jāni|PERSON|p1]] {{Rīgā}} [[KP-903|PLATE]].")
    text = doc.text
    proposed = [
        Proposed(0, 5, "PERSON", "A"),
        Proposed(text.index("Anna"), text.index("Anna") + 4, "PERSON", "A"),
        Proposed(text.index("Jāni "), text.index("Jāni ") + 4, "PERSON", "B"),
        Proposed(text.index("Rīgā"), text.index("Rīgā") + 4, "ADDRESS", "[adrese]"),
        Proposed(text.index("KP-903"), text.index("KP-903") + 6, "PHONE", "[tālruņa numurs]"),
    ]
    score = score_document(doc, proposed)
    assert score.recall("PERSON") == 1.0 and score.recall("PLATE") == 0.0
    assert score.person_consistent == 2 and score.person_merges == 1
    assert score.keep_rate == 0.0 and score.lost_keep == [(doc.name, "Rīgā")]
