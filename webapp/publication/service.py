"""Putting a court decision through anonymisation, review, approval and publication.

The `decision_publication` process owns the steps (review by a court employee, approval by a
second one — `separateFrom` —, publication); this service does what a step needs done to the
decision row, under the engine's rules: a decision is read through its case (a case one takes
no part in does not exist), and the review is changed only by whoever may work on the review
task, which editing claims for them. Every change is audited on the case.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from engine import audit
from engine.deadlines import riga_today
from engine.errors import N_, BpmnError, Conflict, InvalidInput, NotFound, field_error
from engine.models import HumanTask, TaskState, Unit, User
from engine.services.transaction import atomic
from webapp.publication import proposer, spans
from webapp.publication.extract import extract_text
from webapp.publication.models import CourtDecision

PROCESS_ID = "decision_publication"
REVIEW_TASK = "review_anonymisation"
APPROVAL_TASK = "approve_publication"
CASE_TYPES = ("criminal", "civil", "administrative")
NO_UPLOAD = "no_uploaded_decision"
CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./\-]{0,99}$")


@dataclass(frozen=True)
class DecisionMetadata:
    court: str
    case_number: str
    case_type: str
    decision_date: dt.date


class PublicationService:
    def __init__(self, engine) -> None:
        self.engine = engine

    # --- upload ------------------------------------------------------------------------------

    def check_metadata(self, court, case_number, case_type, decision_date) -> DecisionMetadata:
        errors = []
        unit = self.engine.session().get(Unit, court) if isinstance(court, str) else None
        if unit is None or not unit.active or unit.institution_code != "COURT":
            errors.append(field_error("/court", N_("not a court of the directory: %(court)r"), court=court))
        if not isinstance(case_number, str) or not CASE_NUMBER.match(case_number):
            errors.append(field_error("/case_number", N_("a case number is letters, digits, '.', '/' and '-'")))
        if case_type not in CASE_TYPES:
            errors.append(field_error("/case_type", N_("one of: %(kinds)s"), kinds=", ".join(CASE_TYPES)))
        day = _day(decision_date)
        if day is None:
            errors.append(field_error("/decision_date", N_("a date YYYY-MM-DD")))
        elif day > riga_today(self.engine.clock.now()):
            errors.append(field_error("/decision_date", N_("a decision cannot be dated in the future")))
        if errors:
            raise InvalidInput(N_("the decision's details are not valid"), errors)
        return DecisionMetadata(court, case_number, case_type, day)

    def upload(self, actor: User, file_name: str, content: bytes, metadata: DecisionMetadata) -> CourtDecision:
        """Reads the text, has the tool propose, stores the decision and opens its case."""
        extracted = extract_text(file_name, content)
        proposals = proposer.propose(extracted.text)
        session = self.engine.session()
        now = self.engine.clock.now()
        row = CourtDecision(
            upload_key=str(uuid.uuid4()), court=metadata.court, case_number=metadata.case_number,
            case_type=metadata.case_type, decision_date=metadata.decision_date, source_name=file_name[:300],
            source_format=extracted.source_format, original_text=extracted.text,
            spans=spans.from_proposals(proposals), uploaded_by=actor.id, uploaded_at=now,
        )
        with atomic(session, N_("the decision could not be stored")):
            session.add(row)
        try:
            instance = self.engine.instances.start(actor, PROCESS_ID, data={"upload_key": row.upload_key})
        except BaseException:
            # No case took the decision (the person may not open one, or the model failed):
            # nothing may stay behind that nobody can reach.
            with atomic(session, N_("the decision could not be removed")):
                session.delete(session.get(CourtDecision, row.id))
            raise
        session.refresh(row)
        if row.instance_id != instance.id:
            raise Conflict(N_("the case %(instance)s did not take the uploaded decision"), params={"instance": instance.id})
        return row

    # --- reading -----------------------------------------------------------------------------

    def get(self, actor: User, decision_id: int) -> CourtDecision:
        """The decision, if the actor takes part in its case (else it does not exist for them)."""
        row = self.engine.session().get(CourtDecision, decision_id)
        if row is None or row.instance_id is None:
            raise NotFound(N_("decision %(id)s does not exist"), params={"id": decision_id})
        try:
            self.engine.access.readable(actor, row.instance_id)
        except NotFound:
            raise NotFound(N_("decision %(id)s does not exist"), params={"id": decision_id}) from None
        return row

    def open_task(self, row: CourtDecision, element_id: str) -> HumanTask | None:
        return self.engine.session().scalar(select(HumanTask).where(
            HumanTask.instance_id == row.instance_id, HumanTask.element_id == element_id,
            HumanTask.state == TaskState.READY))

    def stage(self, row: CourtDecision) -> str:
        """review | approval | published | closed: where the decision's case stands."""
        if row.published_at is not None:
            return "published"
        if self.open_task(row, REVIEW_TASK) is not None:
            return "review"
        if self.open_task(row, APPROVAL_TASK) is not None:
            return "approval"
        return "closed"

    # --- review ------------------------------------------------------------------------------

    def decide(self, actor: User, decision_id: int, span_id: int, accept: bool) -> CourtDecision:
        row, task = self._reviewing(actor, decision_id)
        return self._save_spans(actor, row, task, spans.decide(row.spans, span_id, accept), "decision_span_decided",
                                {"span": span_id, "accepted": accept})

    def add_span(self, actor: User, decision_id: int, start: int, end: int, kind: str) -> CourtDecision:
        row, task = self._reviewing(actor, decision_id)
        others = proposer.other_mentions(row.original_text, start, end) if kind == spans.PERSON else []
        changed = spans.add(row.spans, row.original_text, start, end, kind, others)
        return self._save_spans(actor, row, task, changed, "decision_span_added",
                                {"start": start, "end": end, "kind": kind, "mentions": len(changed) - len(row.spans)})

    def finish_review(self, actor: User, decision_id: int) -> CourtDecision:
        row, task = self._reviewing(actor, decision_id)
        left = spans.undecided(row.spans)
        if left:
            raise Conflict(N_("%(count)s proposals are not decided yet: accept or reject each"),
                           params={"count": len(left)})
        self.engine.tasks.complete(actor, task.id, {"review_complete": True})
        return row

    def approve(self, actor: User, decision_id: int, approved: bool, comment: str) -> CourtDecision:
        row = self.get(actor, decision_id)
        task = self.open_task(row, APPROVAL_TASK)
        if task is None:
            raise Conflict(N_("decision %(id)s is not waiting for approval"), params={"id": decision_id})
        self.engine.tasks.complete(actor, task.id, {"approved": bool(approved), "comment": comment})
        self.engine.session().refresh(row)
        return row

    def _reviewing(self, actor: User, decision_id: int) -> tuple[CourtDecision, HumanTask]:
        row = self.get(actor, decision_id)
        task = self.open_task(row, REVIEW_TASK)
        if task is None:
            raise Conflict(N_("decision %(id)s is not under review"), params={"id": decision_id})
        return row, self.engine.tasks.claim(actor, task.id)  # the roles, the unit and the claim decide

    def _save_spans(self, actor: User, row: CourtDecision, task: HumanTask, changed: list[dict], event: str,
                    data: dict) -> CourtDecision:
        session = self.engine.session()
        with atomic(session, N_("the review could not be saved"), instance_id=row.instance_id):
            row.spans = changed
            audit.record(session, self.engine.clock.now(), actor.username, event, instance_id=row.instance_id,
                         task_id=task.id, data=data)
        return row

    # --- the process's service operations ----------------------------------------------------

    def attach(self, instance_id: str, upload_key) -> dict:
        """`attach_decision`: the calling case takes the decision uploaded with `upload_key`."""
        session = self.engine.session()
        row = None
        if isinstance(upload_key, str) and len(upload_key) == 36:
            row = session.scalar(select(CourtDecision).where(CourtDecision.upload_key == upload_key,
                                                             CourtDecision.instance_id.is_(None)))
        if row is None:
            raise BpmnError(NO_UPLOAD, "no uploaded decision waits for this case: upload the decision on the decisions page")
        row.instance_id, row.upload_key = instance_id, None
        return {"id": row.id, "court": row.court, "case_number": row.case_number, "case_type": row.case_type,
                "decision_date": row.decision_date.isoformat()}

    def publish(self, instance_id: str) -> dict:
        """`publish_decision`: the reviewed text, its ECLI, and the public record of it."""
        session = self.engine.session()
        row = session.scalar(select(CourtDecision).where(CourtDecision.instance_id == instance_id))
        if row is None:
            raise NotFound(N_("this case holds no decision to publish"))
        if row.published_at is None:
            year = row.decision_date.year
            last = session.scalar(select(CourtDecision.ecli_sequence).where(
                CourtDecision.court == row.court, CourtDecision.ecli_year == year,
            ).order_by(CourtDecision.ecli_sequence.desc()).limit(1)) or 0
            row.ecli_year, row.ecli_sequence = year, last + 1
            row.ecli = f"ECLI:LV:{ecli_court(row.court)}:{year}:{row.ecli_sequence:04d}"
            row.anonymised_text = spans.render(row.original_text, row.spans)
            row.search_text = fold(row.anonymised_text)
            row.published_at = self.engine.clock.now()
            row.approved_by = session.scalar(select(HumanTask.completed_by).where(
                HumanTask.instance_id == instance_id, HumanTask.element_id == APPROVAL_TASK,
                HumanTask.state == TaskState.COMPLETED).order_by(HumanTask.completed_at.desc()).limit(1))
        return {"ecli": row.ecli, "published_at": row.published_at.isoformat()}


def ecli_court(unit_code: str) -> str:
    """`COURT:RIGA-REGIONAL` → `RIGAREG`: an ECLI's court part is at most 7 capitals and digits."""
    return re.sub(r"[^A-Z0-9]", "", unit_code.split(":", 1)[-1].upper())[:7] or "LV"


def fold(text: str) -> str:
    """Lower case without diacritics, so `Rīga`, `riga` and `RĪGA` find each other."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _day(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None
