"""Sealing the audit trail into a hash chain, and checking it.

Rows are written with their own MAC (engine.audit) and no link to each other, so writers never
wait for one another. The sealer then takes the unsealed rows in id order and gives each its
place: `chain_seq` and `chain_hash = SHA-256(previous hash | seq | id | row MAC)`, continuing from
the head kept in `audit_chain`, which it moves in the same transaction. A row whose MAC is
missing or wrong is refused (left unsealed and reported), unless it predates row MACs
(`id <= audit_chain.legacy_max_id`), in which case its canonical form stands in for the MAC.

`verify` walks the chain from the start and names the first row that is not what was sealed:
a changed row fails its MAC, a deleted or reordered row breaks the link of the next, a forged row
has no valid MAC, and a forged head does not match the last link.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, text, update

from engine import audit
from engine.errors import N_
from engine.models import AuditChain, AuditEvent
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine

GENESIS = "0" * 64
# Any constant: all sealers of one PostgreSQL database take this transaction-scoped lock.
SEAL_LOCK = 0x4C49455441  # "LIETA"
_CONTENT = (
    AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.event, AuditEvent.instance_id,
    AuditEvent.task_id, AuditEvent.deployment_id, AuditEvent.data, AuditEvent.kind, AuditEvent.row_mac,
)


@dataclass
class SealResult:
    sealed: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    head_seq: int = 0


@dataclass
class VerifyReport:
    checked: int = 0
    sealed: int = 0
    unsealed: int = 0
    legacy: int = 0
    broken: tuple[int | None, str] | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def sentence(self) -> str:
        if self.broken is not None:
            row_id, problem = self.broken
            where = f"row {row_id}" if row_id is not None else "the chain head"
            return f"the audit trail is broken at {where}: {problem}"
        return (
            f"the audit trail is intact: {self.sealed} sealed rows ({self.legacy} from before row MACs), "
            f"{self.unsealed} not yet sealed"
        )


def link(previous: str, seq: int, row_id: int, material: str) -> str:
    return hashlib.sha256(f"{previous}|{seq}|{row_id}|{material}".encode()).hexdigest()


def _material(key: bytes, row, legacy_max_id: int) -> tuple[str | None, str | None]:
    """(what the chain hashes for this row, or None; why the row is refused, or None)."""
    content = row._asdict()
    if row.id <= legacy_max_id and row.row_mac is None:
        return hashlib.sha256(audit.canonical(content)).hexdigest(), None
    if row.row_mac is None:
        return None, "it has no MAC (it was not written by the application)"
    if not hmac.compare_digest(row.row_mac, audit.row_mac(key, content)):
        return None, "its MAC does not match its content (it was changed after it was written)"
    return row.row_mac, None


class AuditTrailService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _key(self) -> bytes:
        return audit.key_for(self.engine.session().get_bind())

    def seal(self, limit: int = 5000) -> SealResult:
        """Link up to `limit` unsealed rows into the chain; one transaction."""
        session = self.engine.session()
        key = self._key()
        result = SealResult()
        # Unsealed rows are found through the unique index on chain_seq (NULL until sealed), so
        # an idle poll costs one index probe and takes no lock.
        unsealed = (AuditEvent.chain_seq.is_(None), AuditEvent.chain_hash.is_(None))
        if session.scalar(select(AuditEvent.id).where(*unsealed).limit(1)) is None:
            result.head_seq = session.scalar(select(AuditChain.head_seq).where(AuditChain.id == 1)) or 0
            return result
        with atomic(session, N_("the audit trail could not be sealed")):
            self._lock(session)
            head = session.scalar(
                select(AuditChain).where(AuditChain.id == 1).execution_options(populate_existing=True)
            )
            rows = session.execute(
                select(*_CONTENT).where(*unsealed).order_by(AuditEvent.id).limit(limit)
            ).all()
            seq, previous, links = head.head_seq, head.head_hash, []
            for row in rows:
                material, refusal = _material(key, row, head.legacy_max_id)
                if refusal is not None:
                    result.refused.append((row.id, refusal))
                    continue
                seq += 1
                previous = link(previous, seq, row.id, material)
                links.append({"row_id": row.id, "seq": seq, "hash": previous})
            if links:
                # The one UPDATE the triggers allow on the trail: a row's place in the chain, once.
                table = AuditEvent.__table__
                session.connection().execute(
                    update(table)
                    .where(table.c.id == bindparam("row_id"), table.c.chain_seq.is_(None), table.c.chain_hash.is_(None))
                    .values(chain_seq=bindparam("seq"), chain_hash=bindparam("hash")),
                    links,
                )
                head.head_seq, head.head_hash = seq, previous
                head.sealed_at = self.engine.clock.now()
            result.sealed, result.head_seq = len(links), seq
        return result

    def seal_all(self, batch: int = 5000) -> SealResult:
        total = SealResult()
        while True:
            step = self.seal(batch)
            total.sealed += step.sealed
            total.head_seq = step.head_seq
            total.refused = step.refused
            if step.sealed < batch:
                return total

    def _lock(self, session) -> None:
        """One sealer at a time. PostgreSQL: a transaction-scoped advisory lock. SQLite: the
        first statement writes, so the transaction holds the database's write lock from here."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(text(f"pg_advisory_xact_lock({SEAL_LOCK})")))
        else:
            session.execute(update(AuditChain).where(AuditChain.id == 1).values(head_seq=AuditChain.head_seq))

    def verify(self) -> VerifyReport:
        """Walk the chain and the unsealed rows; stop at the first broken row. Reads only."""
        session = self.engine.session()
        key = self._key()
        report = VerifyReport()
        try:
            head = session.scalar(
                select(AuditChain).where(AuditChain.id == 1).execution_options(populate_existing=True)
            )
            if head is None:
                report.broken = (None, "the audit_chain row is missing")
                return report
            sealed = session.execute(
                select(*_CONTENT, AuditEvent.chain_seq, AuditEvent.chain_hash)
                .where(AuditEvent.chain_hash.is_not(None)).order_by(AuditEvent.chain_seq)
                .execution_options(yield_per=2000)
            )
            try:
                seq, last_hash = self._walk_chain(sealed, key, head.legacy_max_id, report)
            finally:
                sealed.close()
            if report.broken is not None:
                return report
            if (head.head_seq, head.head_hash) != (seq, last_hash):
                report.broken = (None, f"the head says {head.head_seq} sealed rows ending in {head.head_hash[:12]}…, "
                                       f"the chain has {seq} ending in {last_hash[:12]}… "
                                       "(sealed rows were removed from the end, or the head was changed)")
                return report
            unsealed = session.execute(
                select(*_CONTENT).where(AuditEvent.chain_hash.is_(None)).order_by(AuditEvent.id)
                .execution_options(yield_per=2000)
            )
            try:
                for row in unsealed:
                    report.checked += 1
                    report.unsealed += 1
                    _, refusal = _material(key, row, head.legacy_max_id)
                    if refusal is not None:
                        report.broken = (row.id, f"{refusal}; it is not sealed")
                        break
            finally:
                unsealed.close()
            return report
        finally:
            session.rollback()

    @staticmethod
    def _walk_chain(rows, key: bytes, legacy_max_id: int, report: VerifyReport) -> tuple[int, str]:
        """Check each sealed row in chain order; (last place, last hash) reached, or stop with
        `report.broken` set."""
        previous, seq = GENESIS, 0
        for row in rows:
            report.checked += 1
            seq += 1
            if row.chain_seq != seq:
                report.broken = (row.id, f"it has chain place {row.chain_seq} where {seq} was expected "
                                         "(a row before it was removed or renumbered)")
                break
            material, refusal = _material(key, row, legacy_max_id)
            if refusal is not None:
                report.broken = (row.id, refusal)
                break
            previous = link(previous, seq, row.id, material)
            if row.chain_hash != previous:
                report.broken = (row.id, "its chain hash does not follow from the row before it "
                                         "(a row was changed, removed or inserted before it)")
                break
            report.sealed += 1
            report.legacy += row.row_mac is None
        return seq, previous
