"""The acceptance figures of issue #18 on the evaluation set written before the recognisers."""

from anonymiser.evaluation import score_set

# Regulation No. 123's must-go kinds with the recall the issue asks for; the rest at least names' level.
REQUIRED = {"PERSONAL_CODE": 0.99, "PLATE": 0.99, "PERSON": 0.95, "ADDRESS": 0.95, "BIRTH_DATE": 0.95,
            "CADASTRE": 0.95, "PHONE": 0.95, "EMAIL": 0.95, "IBAN": 0.95}
KEEP = 0.98


def test_recall_and_kept_text_on_the_evaluation_set(anonymiser, evaluation_set, record_property):
    score = score_set(evaluation_set, [anonymiser.propose(document.text) for document in evaluation_set])
    report = score.report()
    print(report)
    record_property("figures", report)
    below = {kind: f"{score.recall(kind):.2%}" for kind, needed in REQUIRED.items() if score.recall(kind) < needed}
    assert below == {}, f"{report}\nmissed: {score.missed}"
    assert score.keep_rate >= KEEP, f"{report}\nlost: {score.lost_keep}"
    # One person, one letter: a split person would let a reader join the pieces wrongly.
    assert score.consistency >= 0.95 and score.person_merges == 0, report
