"""The institution's electronic seal on generated PDFs (PAdES, pyHanko), and checking one.

In production the certificate and key are files named by settings. In demo mode a self-signed
certificate is made on first use (`demo_certificate`) in the instance folder: a seal that
verifies only against that certificate, plainly named a demo.

`verify` trusts only the certificates it is given (the institution's own), fetches nothing (no
OCSP/CRL calls: the server must not call out while checking), and requires the seal to cover the
whole file: a byte changed, or anything appended after sealing, fails with a sentence.
"""

from __future__ import annotations

import asyncio
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from documents.errors import SealError

DEMO_CERT = "document-seal-demo.crt.pem"
DEMO_KEY = "document-seal-demo.key.pem"
FIELD = "LietaSeal"


def demo_certificate(folder: Path, institution: str, now: datetime) -> tuple[Path, Path]:
    """The demo seal's certificate and key in `folder`, made (self-signed, 5 years) when missing."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    folder = Path(folder)
    cert_path, key_path = folder / DEMO_CERT, folder / DEMO_KEY
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, institution[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, "Lieta demo e-zīmogs (nav derīgs lietvedībai)"),
    ])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .sign(key, hashes.SHA256())
    )
    # Written under temporary names and renamed: two workers making it at once never leave half a key.
    for path, data, mode in (
        (key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()), 0o600),
        (cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644),
    ):
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    return cert_path, key_path


class Sealer:
    """Seals PDFs with one certificate and key (PEM or DER files)."""

    def __init__(self, cert_path: Path, key_path: Path, passphrase: str | None = None) -> None:
        from pyhanko.sign import signers

        for path, what in ((cert_path, "certificate"), (key_path, "key")):
            if not Path(path).is_file():
                raise SealError(f"the seal's {what} file {str(path)!r} does not exist", path=str(path))
        signer = signers.SimpleSigner.load(
            str(key_path), str(cert_path), key_passphrase=passphrase.encode() if passphrase else None
        )
        if signer is None:
            raise SealError(f"the seal's certificate {str(cert_path)!r} or key {str(key_path)!r} could not be read "
                            "(wrong format or passphrase?)", path=str(cert_path))
        self._signer = signer
        self.cert_path = Path(cert_path)

    def seal(self, pdf: bytes, reason: str, location: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, reason=reason[:200], location=location[:100], md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        return _off_any_event_loop(lambda: signers.sign_pdf(writer, meta, signer=self._signer).getvalue())


def _off_any_event_loop(call):
    """pyHanko's synchronous calls run an event loop of their own (`asyncio.run`), which fails in
    a thread that already runs one (an async server; Playwright in the browser tests): there the
    call runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@dataclass(frozen=True)
class SealReport:
    valid: bool
    reason: str  # a sentence: why it is valid or why not
    signer: str | None = None
    signed_at: str | None = None


def load_certificate(path: Path):
    from pyhanko.keys import load_cert_from_pemder

    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as err:
        raise SealError(f"the seal's certificate {str(path)!r} could not be read: {err}", path=str(path)) from err


def verify(pdf: bytes, trusted_cert_paths: list[Path]) -> SealReport:
    """Is `pdf` sealed, unchanged since, by one of the trusted certificates?"""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = [load_certificate(path) for path in trusted_cert_paths]
    # A damaged file can make the PDF parser fail in any way (AttributeError deep in an xref
    # stream): whatever it raises is the verdict "not readable", with its text, never a crash.
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        seals = reader.embedded_signatures
    except Exception as err:  # noqa: BLE001 - untrusted bytes; the failure is reported, not swallowed
        return SealReport(False, f"the file is not a readable PDF: {type(err).__name__}: {err}")
    if not seals:
        return SealReport(False, "the PDF carries no electronic seal")
    seal = seals[-1]
    try:
        status = _off_any_event_loop(
            lambda: validate_pdf_signature(seal, ValidationContext(trust_roots=roots, allow_fetching=False)))
    except Exception as err:  # noqa: BLE001 - as above: a damaged file is a failed check with its reason
        return SealReport(False, f"the seal could not be checked: {type(err).__name__}: {err}")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else None
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
    if not status.intact or not status.valid:
        return SealReport(False, "the seal does not match the document: it was changed after sealing", signer, signed_at)
    if not status.trusted:
        return SealReport(False, "the seal was made with a certificate this institution does not trust", signer, signed_at)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SealReport(False, "the document was changed or extended after it was sealed", signer, signed_at)
    return SealReport(True, "the seal is valid and covers the whole document", signer, signed_at)
