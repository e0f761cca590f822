"""Validated pattern recognisers for the identifiers Regulation No. 123 lists, on Presidio.

Each one is a Presidio PatternRecognizer for language "lv"; a check digit or a number-plan check
(stdnum, phonenumbers) raises the score to 1.0, a failed check drops the match, so a case number or an
amount that merely looks like a code stays in the text.
"""

from __future__ import annotations

import phonenumbers
import regex
from presidio_analyzer import Pattern, PatternRecognizer
from stdnum import iban as stdnum_iban
from stdnum.lv import pvn

LANGUAGE = "lv"
MONTH_STEMS = "janvār|februār|mart|aprīl|maij|jūnij|jūlij|august|septembr|oktobr|novembr|decembr"
NUMERIC_DATE = r"\d{1,2}\.\s?\d{1,2}\.\s?\d{4}\.?"
BIRTH_YEAR = r"\d{4}\.\s?(?:gadā|g\.)"
WORDED_DATE = rf"\d{{4}}\.\s?g(?:ada|\.)\s+\d{{1,2}}\.\s?(?:{MONTH_STEMS})[a-zāīē]*"


class _CaseSensitive(PatternRecognizer):
    """Presidio matches case-insensitively by default; plates and IBANs are capitals, "uz 120" is no plate."""

    def __init__(self, **kwargs) -> None:
        super().__init__(global_regex_flags=regex.MULTILINE, **kwargs)


class PersonalCodeRecognizer(_CaseSensitive):
    """Personas kods: old style DDMMYY-CNNNN (birth date, century, check digit) and new style 32XXXX-XXXXX."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PERSONAL_CODE", name="personas kods", supported_language=LANGUAGE,
            patterns=[Pattern("personal code", r"(?<![\d-])[0-3]\d{5}-?\d{5}(?![\d-])", 0.4)],
            context=["personas", "kods", "p.k."],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        if pvn.is_valid(pattern_text):
            return True
        # A hyphenated code with a wrong check digit is still most likely a (mistyped) code.
        return None if "-" in pattern_text else False


class IbanRecognizer(_CaseSensitive):
    def __init__(self) -> None:
        super().__init__(
            supported_entity="IBAN", name="IBAN", supported_language=LANGUAGE,
            patterns=[
                Pattern("LV IBAN", r"\bLV\d{2} ?[A-Z]{4}(?: ?[0-9A-Z]){13}\b", 0.5),
                Pattern("IBAN", r"\b[A-Z]{2}\d{2}(?: ?[0-9A-Z]){11,30}\b", 0.3),
            ],
            context=["konts", "konta", "kontu", "kontā", "IBAN"],
        )

    def validate_result(self, pattern_text: str) -> bool:
        return stdnum_iban.is_valid(pattern_text)


class PhoneRecognizer(_CaseSensitive):
    """Latvian numbers: eight digits starting 2 (mobile) or 6 (fixed), optionally +371, in the usual groupings."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE", name="tālruņa numurs", supported_language=LANGUAGE,
            patterns=[
                Pattern("phone", r"(?<![\w+])(?:(?:\+|00)371 ?|\(\+371\) ?)?[26]\d(?:[ -]?\d{3}[ -]?\d{3}|\d{6}"
                                 r"| \d{2} \d{2} \d{2}|\d{2} \d{4})"
                                 r"(?!\d|[.,]\d|\s?(?:EUR|eiro|€|euro))", 0.5),
            ],
            context=["tālrunis", "tālr", "tel", "mobilais", "telefons", "tālruņa"],
        )

    def validate_result(self, pattern_text: str) -> bool:
        try:
            number = phonenumbers.parse(pattern_text, "LV")
        except phonenumbers.NumberParseException:
            return False
        # Possible, not valid: the number plan's allocated ranges change, and a decision's number is real.
        return phonenumbers.is_possible_number(number)


class EmailRecognizer(_CaseSensitive):
    def __init__(self) -> None:
        super().__init__(
            supported_entity="EMAIL", name="e-pasta adrese", supported_language=LANGUAGE,
            patterns=[Pattern("e-mail", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", 0.9)],
        )


class PlateRecognizer(_CaseSensitive):
    """Registration plates: two letters and up to four digits (AB-1234, AB 1234), tractors T 1234 AB."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PLATE", name="transportlīdzekļa numurs", supported_language=LANGUAGE,
            patterns=[
                Pattern("plate", r"(?<![\w/.-])[A-Z]{2}[- ]?\d{1,4}(?![\w/-]|[.,]\d)", 0.5),
                Pattern("tractor plate", r"(?<![\w/-])T ?\d{4} ?[A-Z]{2}(?![\w/-])", 0.6),
            ],
            context=["numurs", "numuru", "numuram", "automašīna", "automašīnu", "transportlīdzeklis",
                     "transportlīdzekli", "reģ", "nr"],
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        # LV-1234 is a postcode; a roman numeral or a two-letter abbreviation with a year is no plate either.
        return pattern_text.startswith("LV") and len(pattern_text.replace(" ", "").replace("-", "")) == 6


class CadastreRecognizer(_CaseSensitive):
    """Kadastra numurs / apzīmējums: 11 digits (land), 14 (building), 4-3-4(-3) grouped, or bare after the word."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CADASTRE", name="kadastra numurs", supported_language=LANGUAGE,
            patterns=[
                # land 4-3-4, building +3, premises group +3+3
                Pattern("grouped cadastre number", r"(?<![\d-])\d{4} \d{3} \d{4}(?: \d{3}){0,3}(?![\d-])", 0.7),
                Pattern("cadastre number after the word",
                        r"(?<=(?i:kadastr)[^.\d\n]{0,40})(?<![\d-])\d{11}(?:\d{3})?(?![\d-])", 0.8),
            ],
        )


class BirthDateRecognizer(_CaseSensitive):
    """A date right after "dzimis / dzimusi / dzim. / dzimšanas datums": every other date stays."""

    def __init__(self) -> None:
        trigger = r"(?i:dzim(?:is|usi|uš[aiuoā]|ušam|ušas|ušai)?\.?|dzimšanas\s+datum[sa]:?)[ \t]+"
        super().__init__(
            supported_entity="BIRTH_DATE", name="dzimšanas datums", supported_language=LANGUAGE,
            patterns=[Pattern("birth date", rf"(?<={trigger})(?:{NUMERIC_DATE}|{WORDED_DATE}|{BIRTH_YEAR})", 0.9)],
        )


def pattern_recognizers() -> list[PatternRecognizer]:
    return [PersonalCodeRecognizer(), IbanRecognizer(), PhoneRecognizer(), EmailRecognizer(), PlateRecognizer(),
            CadastreRecognizer(), BirthDateRecognizer()]
