"""The review rules: two different people, a hand-added name propagates, a rejected proposal stays."""

import pytest

from anonymiser.engine import Span
from anonymiser.errors import SpanError
from anonymiser.review import Review, ReviewError, ecli

TEXT = ("Tiesnese Ilze Kalniņa. Apsūdzētais Jānis Bērziņš, personas kods 140385-11859. "
        "Pieteikumu iesniedza Zvejnieks; Zvejniekam atteica. Bērziņš to apstrīdēja.")


def test_a_review_needs_a_second_person_before_anything_is_published(anonymiser):
    review = Review(TEXT)
    with pytest.raises(ReviewError, match="not approved"):
        review.published_text(anonymiser)
    with pytest.raises(ReviewError, match="not finished"):
        review.approve("tiesnese")
    review.finish("sekretāre")
    with pytest.raises(ReviewError, match="cannot approve their own"):
        review.approve("sekretāre")
    with pytest.raises(ReviewError, match="finished"):
        review.reject(0, 5)
    review.approve("tiesnese")
    with pytest.raises(ReviewError, match="cannot be reopened"):
        review.reopen()
    assert "A, personas kods [personas kods]" in review.published_text(anonymiser)


def test_a_hand_added_name_propagates_and_a_rejected_proposal_stays(anonymiser):
    review = Review(TEXT)
    start = TEXT.index("Zvejnieks")
    review.add(anonymiser, Span(start, start + len("Zvejnieks"), "PERSON"))
    code = TEXT.index("140385")
    review.reject(code, code + len("140385-11859"))
    review.finish("sekretāre")
    review.approve("tiesnese")
    assert review.published_text(anonymiser) == (
        "Tiesnese Ilze Kalniņa. Apsūdzētais A, personas kods 140385-11859. "
        "Pieteikumu iesniedza B; B atteica. A to apstrīdēja.")


def test_the_state_survives_a_round_trip_and_a_span_that_does_not_fit_is_refused(anonymiser):
    review = Review(TEXT)
    review.add(anonymiser, Span(0, 8, "PERSON"))
    review.reject(1, 2)
    review.finish("sekretāre")
    again = Review.from_json(TEXT, review.as_json())
    assert (again.added, again.rejected, again.reviewed_by) == (review.added, review.rejected, "sekretāre")
    with pytest.raises(SpanError):
        Review(TEXT).add(anonymiser, Span(0, 10_000, "ADDRESS"))


@pytest.mark.parametrize(("court", "year", "number", "expected"), [
    ("AT", 2024, "0212.SKK008824.3", "ECLI:LV:AT:2024:0212.SKK008824.3"),
    ("RPT", 2023, "C30412823", "ECLI:LV:RPT:2023:C30412823"),
    ("at", 2024, "1", None), ("TOOLONGX", 2024, "1", None), ("AT", 24, "1", None),
    ("AT", 2024, "a/b", None), ("AT", 2024, "1" * 26, None),
])
def test_ecli_is_built_only_from_valid_parts(court, year, number, expected):
    if expected is None:
        with pytest.raises(ReviewError):
            ecli(court, year, number)
    else:
        assert ecli(court, year, number) == expected
