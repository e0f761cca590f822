"""Four-eyes approval of process versions.

With `four_eyes_approval` on, a deployment stores its new versions as *proposed*; a second person
holding process_analyst or admin, never the one who uploaded it, approves or rejects each with a
comment. Only an approved version is the one new cases start on (by request or by message): the
latest approved version of a process is its current one. A version without a review row is
approved (versions stored before reviews existed, and all versions while the setting is off).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied, field_error
from engine.models import ProcessDefinition, User, VersionReview, VersionStatus
from engine.roles import ADMIN, PROCESS_ANALYST
from engine.services.transaction import atomic
from engine.version_diff import VersionDiff, diff_versions, element_kind

if TYPE_CHECKING:
    from engine.services.engine import Engine

MAX_COMMENT = 4000


def unapproved_ids():
    """The ids of the versions that may start no case (proposed or rejected), as a subquery."""
    return select(VersionReview.definition_id).where(VersionReview.status != VersionStatus.APPROVED)


def current_version_query(process_id: str):
    """The latest approved version of a process: the one new cases start on."""
    return (
        select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id, ProcessDefinition.id.not_in(unapproved_ids()))
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    )


def propose(session: Session, actor: User, rows: list[ProcessDefinition], now: datetime) -> None:
    """Inside the deployment's transaction: its new versions wait for a second person."""
    session.flush()  # the rows' ids
    for row in rows:
        session.add(VersionReview(definition_id=row.id, status=VersionStatus.PROPOSED, proposed_by=actor.username,
                                  proposed_at=now))
        audit.record(session, now, actor.username, "version_proposed", deployment_id=row.deployment_id,
                     data={"process_id": row.process_id, "version": row.version})


def status_of(session: Session, definition_id: int) -> str:
    review = session.get(VersionReview, definition_id)
    return review.status if review is not None else VersionStatus.APPROVED


def check_startable(session: Session, row: ProcessDefinition) -> None:
    """A proposed or rejected version never starts a case."""
    status = status_of(session, row.id)
    if status != VersionStatus.APPROVED:
        raise Conflict(N_("version %(version)s of process %(process)r is %(status)s, not approved: no case starts on it"),
                       params={"version": row.version, "process": row.process_id, "status": status})


class ApprovalService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def check_reviewer(actor: User) -> None:
        ApprovalService._analyst(actor)

    @staticmethod
    def _analyst(actor: User) -> None:
        if actor.is_service_account or not (actor.holds(ADMIN) or actor.holds(PROCESS_ANALYST)):
            raise PermissionDenied(N_("reviewing process versions needs the process_analyst or admin role"))

    def version(self, process_id: str, version: int) -> ProcessDefinition:
        row = self.engine.deployments.resolve(process_id, version)
        if row is None:
            raise NotFound(N_("version %(version)s of process %(process)r is not deployed"),
                           params={"version": version, "process": process_id})
        return row

    def versions(self, actor: User, process_id: str) -> list[dict]:
        """Every version of a process with its review, oldest first."""
        session = self.engine.session()
        rows = session.execute(
            select(ProcessDefinition, VersionReview)
            .join(VersionReview, VersionReview.definition_id == ProcessDefinition.id, isouter=True)
            .where(ProcessDefinition.process_id == process_id)
            .order_by(ProcessDefinition.version)
        ).all()
        if not rows:
            raise NotFound(N_("process %(process)r is not deployed"), params={"process": process_id})
        self._analyst(actor)
        current = session.scalar(current_version_query(process_id))
        return [
            {
                "process_id": row.process_id, "version": row.version, "name": row.name, "deployed_at": row.deployed_at,
                "status": review.status if review else VersionStatus.APPROVED,
                "current": current is not None and current.id == row.id,
                "proposed_by": review.proposed_by if review else None,
                "decided_by": review.decided_by if review else None,
                "decided_at": review.decided_at if review else None,
                "comment": review.comment if review else None,
            }
            for row, review in rows
        ]

    def approve(self, actor: User, process_id: str, version: int, comment: str) -> VersionReview:
        return self._decide(actor, process_id, version, comment, VersionStatus.APPROVED)

    def reject(self, actor: User, process_id: str, version: int, comment: str) -> VersionReview:
        return self._decide(actor, process_id, version, comment, VersionStatus.REJECTED)

    def _decide(self, actor: User, process_id: str, version: int, comment: str, decision: VersionStatus) -> VersionReview:
        # In the contract's order: 404, 403 (also the uploader), 422, 409.
        row = self.version(process_id, version)
        self._analyst(actor)
        session = self.engine.session()
        review = session.get(VersionReview, row.id, populate_existing=True)
        if review is not None and review.proposed_by == actor.username:
            # The point of the second pair of eyes: nobody approves their own upload.
            raise PermissionDenied(N_("the person who uploaded a version may not approve or reject it"))
        comment = comment.strip() if isinstance(comment, str) else ""
        if not comment:
            raise InvalidInput(N_("a comment is required to approve or reject a version"), [field_error("/comment", N_("required"))])
        if len(comment) > MAX_COMMENT:
            raise InvalidInput(N_("the comment is longer than %(limit)s characters"), [field_error("/comment", N_("too long"))],
                               params={"limit": MAX_COMMENT})
        if review is None or review.status != VersionStatus.PROPOSED:
            status = review.status if review is not None else VersionStatus.APPROVED
            raise Conflict(N_("version %(version)s of process %(process)r is already %(status)s"),
                           params={"version": version, "process": process_id, "status": status})
        if decision == VersionStatus.APPROVED:
            current = session.scalar(current_version_query(process_id))
            if current is not None and current.version > version:
                raise Conflict(N_("version %(current)s is already approved; approving the older version %(version)s "
                                  "would never be used (reject it instead)"),
                               params={"current": current.version, "version": version})
        now = self.engine.clock.now()
        with atomic(session, N_("the version could not be reviewed")):
            review.status, review.decided_by, review.decided_at, review.comment = decision, actor.username, now, comment
            audit.record(session, now, actor.username, f"version_{decision}", deployment_id=row.deployment_id,
                         data={"process_id": process_id, "version": version, "comment": comment,
                               "proposed_by": review.proposed_by})
        return review

    def diff(self, actor: User, process_id: str, version: int, against: int | None = None) -> dict:
        """The version compared with the current approved one (or with `against`)."""
        session = self.engine.session()
        row = self.version(process_id, version)
        if against is not None:
            base = self.version(process_id, against)
        else:
            # The current version; for the current version itself, the approved one it replaced.
            base = session.scalar(current_version_query(process_id).where(ProcessDefinition.id != row.id)
                                  .where(ProcessDefinition.version < row.version)) \
                if status_of(session, row.id) == VersionStatus.APPROVED else session.scalar(current_version_query(process_id))
        self._analyst(actor)
        result = {"process_id": process_id, "version": version, "status": status_of(session, row.id),
                  "against": base.version if base is not None else None}
        new = self.engine.specs.get(session, row.id)
        if base is None:
            return result | _everything_added(new, json.loads(row.bundle))
        old = self.engine.specs.get(session, base.id)
        diff = diff_versions(old.spec, old.subprocess_specs, json.loads(base.bundle),
                             new.spec, new.subprocess_specs, json.loads(row.bundle))
        return result | diff.as_dict()

    def pending(self) -> list[tuple[ProcessDefinition, VersionReview]]:
        rows = self.engine.session().execute(
            select(ProcessDefinition, VersionReview)
            .join(VersionReview, VersionReview.definition_id == ProcessDefinition.id)
            .where(VersionReview.status == VersionStatus.PROPOSED)
            .order_by(ProcessDefinition.process_id, ProcessDefinition.version)
        ).all()
        return [(row, review) for row, review in rows]

    def latest_version_number(self, process_id: str) -> int | None:
        return self.engine.session().scalar(
            select(func.max(ProcessDefinition.version)).where(ProcessDefinition.process_id == process_id)
        )


def _everything_added(loaded, files: dict[str, str]) -> dict:
    """No approved version yet: everything in the proposal is new."""
    result = VersionDiff()
    for spec in [loaded.spec, *loaded.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None) is not None:
                result.added.append({"process": spec.name, "id": task_spec.bpmn_id,
                                     "name": task_spec.bpmn_name or task_spec.bpmn_id,
                                     "kind": element_kind(task_spec)})
    names = sorted(files)
    result.files = {
        "forms": {"added": [n for n in names if n.lower().endswith(".json")], "removed": [], "changed": []},
        "decisions": {"added": [n for n in names if n.lower().endswith(".dmn")], "removed": [], "changed": []},
    }
    return result.as_dict()
