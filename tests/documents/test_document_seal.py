"""The PAdES seal: a sealed PDF verifies against the institution's certificate; a byte changed,
bytes appended, a foreign certificate or no seal at all are each told apart with a sentence."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from documents import SealError
from documents.pdf import render_pdf
from documents.seal import Sealer, demo_certificate, verify

NOW = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
LATVIAN = "āčēģīķļņšūž"


@pytest.fixture(scope="module")
def pdf():
    return render_pdf("<h1>Lēmums Nr. {{ n }}</h1><p>{{ letters }}</p>", {"n": "TA-K/2027/3", "letters": LATVIAN}, "t")


@pytest.fixture(scope="module")
def seal(tmp_path_factory):
    return demo_certificate(tmp_path_factory.mktemp("seal"), "Tiesu administrācija", NOW)


@pytest.fixture(scope="module")
def sealed(pdf, seal):
    return Sealer(*seal).seal(pdf, reason="Lēmums", location="Rīga")


def test_the_pdf_is_a4_with_the_latvian_letters(pdf):
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    assert LATVIAN in page.extract_text()


def test_a_sealed_pdf_verifies(sealed, seal):
    report = verify(sealed, [seal[0]])
    assert report.valid, report.reason
    assert "Tiesu administrācija" in report.signer
    assert LATVIAN in PdfReader(io.BytesIO(sealed)).pages[0].extract_text()


def test_the_demo_certificate_is_made_once(tmp_path):
    first = demo_certificate(tmp_path, "X", NOW)
    made = first[0].read_bytes()
    assert demo_certificate(tmp_path, "X", NOW) == first
    assert first[0].read_bytes() == made
    assert oct(first[1].stat().st_mode & 0o777) == "0o600"


def _changed(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def _signed_positions(sealed: bytes) -> list[int]:
    """Positions the seal's digest covers: all but the hex of the signature itself (/ByteRange's gap,
    whose zero padding the CMS parser ignores; the store's SHA-256 covers that part, see
    tests/webapp/test_documents_verify.py)."""
    start, first, second, _length = map(int, re.search(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]", sealed).groups())
    gap = range(start + first, second)
    return [at for at in range(0, len(sealed), max(len(sealed) // 40, 1)) if at not in gap]


def test_a_byte_changed_anywhere_the_seal_covers_is_detected(sealed, seal):
    positions = _signed_positions(sealed)
    assert len(positions) > 20
    for at in positions:
        report = verify(_changed(sealed, at), [seal[0]])
        assert not report.valid, at
        assert report.reason


def test_a_changed_letter_of_the_text_is_detected(sealed, seal):
    # The page's content stream is compressed; change a byte inside the signed range that is not the seal itself.
    start = sealed.index(b"stream") + 20
    assert not verify(_changed(sealed, start), [seal[0]]).valid


def test_bytes_appended_after_sealing_are_detected(sealed, seal):
    report = verify(sealed + b"\n% appended\n", [seal[0]])
    assert not report.valid
    assert "after it was sealed" in report.reason


def test_a_seal_by_another_certificate_is_not_trusted(sealed, tmp_path):
    other = demo_certificate(tmp_path, "Cita iestāde", NOW)
    report = verify(sealed, [other[0]])
    assert not report.valid
    assert "does not trust" in report.reason


def test_an_unsealed_pdf_and_a_non_pdf_are_refused(pdf, seal):
    assert verify(pdf, [seal[0]]).reason == "the PDF carries no electronic seal"
    assert "not a readable PDF" in verify(b"hello", [seal[0]]).reason


def test_a_missing_certificate_file_is_a_sentence(tmp_path):
    with pytest.raises(SealError, match="does not exist"):
        Sealer(tmp_path / "none.pem", tmp_path / "none.key")
