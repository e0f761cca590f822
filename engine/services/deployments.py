from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select

from engine import audit
from engine.bundle import parse_bundle
from engine.errors import N_, DeploymentInvalid, PermissionDenied
from engine.lint import DeploymentLimits, lint
from engine.messages import message_start_names
from engine.models import Deployment, ProcessDefinition, User, VersionStatus
from engine.problems import Problem
from engine.roles import ADMIN, PROCESS_ANALYST
from engine.services import approvals
from engine.services.reads import outside_transaction
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


# Built once: the process id and version come as parameters.
_CURRENT_VERSION = approvals.current_version_query(bindparam("process_id"))
_NAMED_VERSION = select(ProcessDefinition).where(
    ProcessDefinition.process_id == bindparam("process_id"), ProcessDefinition.version == bindparam("version")
)


@dataclass
class DeployedProcess:
    process_id: str
    version: int
    new: bool

    def reviewed(self, status: str) -> DeployedProcess:
        """With four-eyes approval on, the answer says where each version stands; without it
        every version is approved at once and the answer keeps its shape (no `status`)."""
        self.status = status
        return self


@dataclass
class DeploymentResult:
    id: str
    processes: list[DeployedProcess]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return any(p.new for p in self.processes)


class DeploymentService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def deploy(self, actor: User, files: list[tuple[str, bytes]]) -> DeploymentResult:
        """Validate everything first; store nothing unless the whole bundle is clean."""
        bundle = self._checked(actor, files)
        session = self.engine.session()
        now = self.engine.clock.now()
        # A concurrent deployment of the same process id collides on (process_id, version): the
        # unique constraint makes one of them fail (409) rather than both claim the same number.
        with atomic(session, N_("the deployment could not be stored")):
            deployment = Deployment(
                id=str(uuid.uuid4()), created_at=now, created_by=actor.id,
                file_names=", ".join(name for name, _ in files),
            )
            session.add(deployment)
            results = []
            fresh = []
            for process in bundle.processes:
                latest = session.scalar(
                    select(ProcessDefinition)
                    .where(ProcessDefinition.process_id == process.process_id)
                    .order_by(ProcessDefinition.version.desc())
                    .limit(1)
                )
                # The same files again are no new version, unless that version was rejected: then
                # uploading them again asks for a second review.
                latest_status = approvals.status_of(session, latest.id) if latest is not None else None
                if latest is not None and latest.sha256 == process.sha256 and latest_status != VersionStatus.REJECTED:
                    results.append(self._reviewed(DeployedProcess(process.process_id, latest.version, new=False), latest_status))
                    continue
                row = ProcessDefinition(
                    process_id=process.process_id,
                    version=(latest.version + 1) if latest else 1,
                    name=process.name or process.process_id,
                    sha256=process.sha256,
                    deployment_id=deployment.id,
                    deployed_at=now,
                    bundle=json.dumps(process.files, sort_keys=True),
                    message_starts=message_start_names(process.spec),
                )
                session.add(row)
                fresh.append((row, process))
                results.append(self._reviewed(DeployedProcess(process.process_id, row.version, new=True),
                                              VersionStatus.PROPOSED))
            if fresh and self.engine.settings.four_eyes_approval:
                approvals.propose(session, actor, [row for row, _process in fresh], now)
            audit.record(
                session, now, actor.username, "deployment", deployment_id=deployment.id,
                data={
                    "files": [name for name, _ in files],
                    "processes": [{"process_id": r.process_id, "version": r.version, "new": r.new} for r in results],
                    "warnings": [w.as_dict() for w in bundle.problems if w.severity == "warning"],
                },
            )
        for row, process in fresh:
            self.engine.specs.put(row, process.spec, process.subprocess_specs)
        warnings = [w for w in bundle.problems if w.severity == "warning"]
        return DeploymentResult(deployment.id, results, warnings)

    def dry_run(self, actor: User, files: list[tuple[str, bytes]]) -> DeploymentResult:
        """The whole deployment check (parse, XSD, lint, catalogue, classifiers) without storing
        anything: the modeler page validates a diagram with the server's own rules. Each process
        is reported with the version a deployment would give it (`new` False when unchanged)."""
        bundle = self._checked(actor, files)
        session = self.engine.session()
        results = []
        for process in bundle.processes:
            latest = session.scalar(
                select(ProcessDefinition)
                .where(ProcessDefinition.process_id == process.process_id)
                .order_by(ProcessDefinition.version.desc())
                .limit(1)
            )
            if latest is not None and latest.sha256 == process.sha256:
                results.append(DeployedProcess(process.process_id, latest.version, new=False))
            else:
                results.append(DeployedProcess(process.process_id, (latest.version + 1) if latest else 1, new=True))
        return DeploymentResult("", results, [w for w in bundle.problems if w.severity == "warning"])

    def _checked(self, actor: User, files: list[tuple[str, bytes]]):
        """The parsed bundle when it may be deployed by `actor`; DeploymentInvalid otherwise."""
        if not (actor.holds(ADMIN) or actor.holds(PROCESS_ANALYST)):
            raise PermissionDenied(N_("deploying processes needs the process_analyst or admin role"))
        if not files:
            raise DeploymentInvalid(N_("no files were uploaded"), [Problem.of(None, None, None, N_("upload at least one .bpmn file"))])
        bundle = parse_bundle(files)
        if not bundle.errors:
            settings = self.engine.settings
            limits = DeploymentLimits(
                dmn_cell_max_chars=settings.dmn_cell_max_chars,
                dmn_cell_max_placeholders=settings.dmn_cell_max_placeholders,
            )
            bundle.problems.extend(
                lint(bundle, self.engine.directory.role_codes(), settings.budgets, self.engine.clock.now(), limits)
            )
            # A model throws or catches only the messages the catalogue declares for its process.
            bundle.problems.extend(self.engine.catalogue.problems(bundle))
            bundle.problems.extend(
                Problem.of(file_name, None, None, phrase.template, **phrase.params)
                for file_name, phrase in self.engine.classifiers.form_problems(bundle.forms)
            )
        if bundle.errors:
            raise DeploymentInvalid(N_("the deployment was refused; nothing was stored"), bundle.errors)
        return bundle

    def _reviewed(self, process: DeployedProcess, status: str) -> DeployedProcess:
        return process.reviewed(status) if self.engine.settings.four_eyes_approval else process

    def definitions(self) -> list[ProcessDefinition]:
        return list(
            self.engine.session().scalars(
                select(ProcessDefinition).order_by(ProcessDefinition.process_id, ProcessDefinition.version)
            )
        )

    def resolve(self, process_id: str, version: int | None) -> ProcessDefinition | None:
        """The named version, or without one the current version: the latest approved one. Every
        start asks this; the row comes without its bundle (a deferred column), which the spec
        cache has parsed already."""
        session = self.engine.session()
        with outside_transaction(session):
            if version is None:
                return session.scalar(_CURRENT_VERSION, {"process_id": process_id})
            return session.scalar(_NAMED_VERSION, {"process_id": process_id, "version": version})
