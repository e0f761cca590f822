"""The tool on small texts: letters, placeholders, dates kept, officials kept, hand-added spans."""

import pytest

from anonymiser.engine import Span
from anonymiser.errors import SpanError

TEXT = ("Tiesnese Ilze Kalniņa, prokurors Kaspars Ozols. Apsūdzētais Jānis Bērziņš, personas kods 140385-11859, "
        "dzimis 1985. gada 14. martā, dzīvo Brīvības ielā 123-45, Rīgā, LV-1010. Liecinieks Pēteris Kalējs "
        "2023. gada 2. februārī redzēja Jāni Bērziņu; Kalējs zvanīja J. Bērziņam uz +371 29123456.")


def test_persons_get_letters_in_order_of_first_mention_and_data_its_kind(anonymiser):
    text, proposals = anonymiser.anonymise(TEXT)
    assert text == ("Tiesnese Ilze Kalniņa, prokurors Kaspars Ozols. Apsūdzētais A, personas kods [personas kods], "
                    "dzimis [dzimšanas datums], dzīvo [adrese]. Liecinieks B "
                    "2023. gada 2. februārī redzēja A; B zvanīja A uz [tālruņa numurs].")
    assert all(TEXT[p.start : p.end] for p in proposals)
    assert [p.as_json()["replacement"] for p in proposals if p.kind == "PERSON"] == ["A", "B", "A", "B", "A"]


@pytest.mark.parametrize(("snippet", "kind"), [
    ("161175-19996", None),  # right shape, wrong check digit: proposed at a low score
    ("auto LX-4400.", "PLATE"),
    ("kadastra numurs 0100 012 0345", "CADASTRE"),
    ("konts LV97HABA3549823719570", "IBAN"),
    ("e-pasts d.orlovs94@gmail.com", "EMAIL"),
    ("tālr. (+371) 2912 3456.", "PHONE"),
    ("tālr. 29-123-456.", "PHONE"),
    ("telpu grupa 0100 012 0345 001 002.", "CADASTRE"),
    ("dzimis 1985. gadā.", "BIRTH_DATE"),
    ("dzīvo 13. janvāra ielā 5 – 7, Rīgā.", "ADDRESS"),
    ("dzīvo K. Valdemāra ielā 12, Rīgā.", "ADDRESS"),
])
def test_codes_are_found_by_their_own_recogniser(anonymiser, snippet, kind):
    proposals = anonymiser.propose(snippet)
    if kind is None:
        assert [(p.kind, p.score < 1) for p in proposals] == [("PERSONAL_CODE", True)]
    else:
        assert [p.kind for p in proposals] == [kind]


@pytest.mark.parametrize("kept", [
    "Lieta Nr. K30-1432-23/18, summa 4 870,50 EUR, 2023. gada 17. augustā",
    "SIA „Zemgales Graudi”, juridiskā adrese Rūpniecības iela 12, Jelgava, LV-3008, reģ. Nr. 40003000642",
    "Krimināllikuma 175. panta otrā daļa; ECLI:LV:AT:2024:0212.SKK008824.3",
    "Tiesneši Gunta Siliņa, Mārcis Ābele un Ināra Grava",
    "Sūdzību iesniedz Rīgas pilsētas tiesā, Abrenes ielā 8, Rīgā, LV-1050.",
    "Līgums noslēgts ar AS „Luminor Bank” (reģ. Nr. 40003024725), Skanstes ielā 12, Rīgā, LV-1013.",
    "Valdes loceklis parakstīja līgumu. Jūlijā nauda tika samaksāta. Martā līgumu lauza.",
])
def test_what_the_regulation_keeps_is_not_proposed(anonymiser, kept):
    assert anonymiser.propose(kept) == []


def test_names_in_capitals_and_foreign_letters_are_names_too(anonymiser):
    text = ("APSŪDZĒTAIS JĀNIS BĒRZIŅŠ. Bērziņam pretī stājās cietušais Łukasz Kudła; atbildētājs VAS „Ceļi”. "
            "Kudłam nodarīts kaitējums.")
    assert anonymiser.anonymise(text)[0] == (
        "APSŪDZĒTAIS A. A pretī stājās cietušais B; atbildētājs VAS „Ceļi”. B nodarīts kaitējums.")


def test_a_person_added_by_hand_propagates_to_every_mention(anonymiser):
    text = "Pieteikumu iesniedza Zvejnieks. Vēlāk Zvejniekam atteica, un Zvejnieka sūdzība noraidīta."
    assert anonymiser.propose(text) == []
    start = text.index("Zvejnieks")
    proposals = anonymiser.propose(text, [Span(start, start + len("Zvejnieks"), "PERSON")])
    assert [(text[p.start : p.end], p.replacement) for p in proposals] == [
        ("Zvejnieks", "A"), ("Zvejniekam", "A"), ("Zvejnieka", "A")]
    assert anonymiser.apply(text, proposals) == "Pieteikumu iesniedza A. Vēlāk A atteica, un A sūdzība noraidīta."


def test_a_hand_added_person_overrides_an_official_and_other_kinds_get_their_placeholder(anonymiser):
    text = "Arhitekts Māris Kociņš, tiesnesis Oskars Miezis; mājas „Ozolkalni” saimnieks."
    added = [Span(text.index("Oskars"), text.index("Oskars") + len("Oskars Miezis"), "PERSON"),
             Span(text.index("„"), text.index("”") + 1, "ADDRESS")]
    result, _ = anonymiser.anonymise(text, added)
    assert result == "Arhitekts A, tiesnesis B; mājas [adrese] saimnieks."


def test_a_rejected_proposal_stays_and_letters_close_up(anonymiser):
    proposals = anonymiser.propose(TEXT)
    accepted = [p for p in proposals if TEXT[p.start : p.end] != "Jānis Bērziņš"]
    result = anonymiser.apply(TEXT, accepted)
    # The rejected mention stays as written; the witness is now the first person mentioned, so A.
    assert "Apsūdzētais Jānis Bērziņš, personas kods [personas kods]" in result
    assert "Liecinieks A 2023. gada 2. februārī redzēja B; A zvanīja B" in result


@pytest.mark.parametrize("span", [Span(5, 2, "PERSON"), Span(0, 10_000, "PERSON"), Span(0, 3, "NAME")])
def test_a_hand_added_span_that_does_not_fit_is_refused(anonymiser, span):
    with pytest.raises(SpanError):
        anonymiser.propose(TEXT, [span])


def test_the_bisecting_context_enhancer_finds_the_token_presidio_would(anonymiser):
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    from anonymiser.engine import ContextEnhancer

    artifacts = anonymiser.analyzer.nlp_engine.process_text(TEXT, "lv")
    for start in range(len(TEXT.rstrip())):
        expected = LemmaContextAwareEnhancer._find_index_of_match_token("w", start, artifacts.tokens,
                                                                        artifacts.tokens_indices)
        assert ContextEnhancer._find_index_of_match_token("w", start, artifacts.tokens, artifacts.tokens_indices) \
            == expected
