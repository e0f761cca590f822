"""Engine tables, one module per concept."""

from engine.models.access import ProcessSupervisor, ServiceGrant, SignInThrottle
from engine.models.audit import AuditChain, AuditEvent
from engine.models.classifier import Classifier, ClassifierEntry, ClassifierVersion
from engine.models.deployment import Deployment, ProcessDefinition
from engine.models.directory import Institution, Role, Unit
from engine.models.incident import Incident, IncidentStatus
from engine.models.instance import InstanceStatus, ProcessInstance
from engine.models.lease import Lease
from engine.models.message import Message, MessageCatalogueEntry, MessageStatus, MessageWait
from engine.models.offer import TaskOffer
from engine.models.property import CustodyAcknowledgement, CustodyEvent, PropertyItem
from engine.models.task import HumanTask, TaskState
from engine.models.timer import Timer, TimerStatus
from engine.models.user import ApiToken, AuthRevision, User, UserRole
from engine.models.versions import (
    ItemStatus,
    MigrationStatus,
    VersionMigration,
    VersionMigrationItem,
    VersionReview,
    VersionStatus,
)

__all__ = [
    "ApiToken",
    "AuthRevision",
    "AuditChain",
    "AuditEvent",
    "Classifier",
    "ClassifierEntry",
    "ClassifierVersion",
    "CustodyAcknowledgement",
    "CustodyEvent",
    "Institution",
    "ProcessSupervisor",
    "Role",
    "ServiceGrant",
    "SignInThrottle",
    "Unit",
    "Deployment",
    "HumanTask",
    "Incident",
    "IncidentStatus",
    "Lease",
    "Message",
    "MessageCatalogueEntry",
    "MessageStatus",
    "MessageWait",
    "Timer",
    "TimerStatus",
    "InstanceStatus",
    "ProcessDefinition",
    "ProcessInstance",
    "PropertyItem",
    "TaskOffer",
    "TaskState",
    "User",
    "UserRole",
    "ItemStatus",
    "MigrationStatus",
    "VersionMigration",
    "VersionMigrationItem",
    "VersionReview",
    "VersionStatus",
]
