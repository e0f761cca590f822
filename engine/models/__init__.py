"""Engine tables, one module per concept."""

from engine.models.audit import AuditEvent
from engine.models.deployment import Deployment, ProcessDefinition
from engine.models.instance import InstanceStatus, ProcessInstance
from engine.models.task import HumanTask, TaskState
from engine.models.user import ApiToken, User, UserRole

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Deployment",
    "HumanTask",
    "InstanceStatus",
    "ProcessDefinition",
    "ProcessInstance",
    "TaskState",
    "User",
    "UserRole",
]
