"""Any text, however odd, gets non-overlapping proposals inside it and an output that changes only them."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PIECES = st.sampled_from([
    "Jānis", "Bērziņš", "Bērziņam", "J.", "apsūdzētais", "tiesnese", "Ilze", "Kalniņa", "ielā", "iela", "12-3",
    "Rīgā", "LV-1010", "„Ozoli”", "pagasts", "140385-11859", "161175-19996", "AB-1234", "+371", "29123456",
    "LV97HABA3549823719570", "x@y.lv", "dzimis", "1985.", "gada", "14.", "martā", "0100 012 0345", ",", ".", " ",
    "\n", "un", "Nr.", "K30-1432-23/18", "Ā", "Ž", "ž", "—", "\u200b", "🙂",
])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map(" ".join))
def test_proposals_stay_inside_the_text_never_overlap_and_only_they_change(anonymiser, text):
    proposals = anonymiser.propose(text)
    assert all(0 <= p.start < p.end <= len(text) for p in proposals)
    assert all(a.end <= b.start for a, b in zip(proposals, proposals[1:], strict=False))
    expected, position = [], 0
    for p in proposals:
        expected += [text[position : p.start], p.replacement]
        position = p.end
    assert anonymiser.apply(text, proposals) == "".join(expected) + text[position:]
