"""How a BPMN lane names the role that may work in it.

Which roles exist is data (the `roles` table, seeded by migration 0006, managed through
engine.services.directory); only the two roles the platform itself checks are named here.
"""

from __future__ import annotations

import re
import unicodedata

ADMIN = "admin"
PROCESS_ANALYST = "process_analyst"


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def roles_for_lane(lane: str | None) -> tuple[str, ...]:
    """`Court clerk`, `court-clerk` and `Court Clerk ` all name the role `court_clerk`; a lane
    shared by several roles lists them with `/`: `Investigator / Prosecutor`."""
    if not lane:
        return ()
    return tuple(dict.fromkeys(slug for part in lane.split("/") if (slug := _slug(part))))


def role_for_lane(lane: str | None) -> str | None:
    """The lane's roles as stored on a task: one role, or several joined by commas."""
    return ",".join(roles_for_lane(lane)) or None


def task_roles(role: str | None) -> frozenset[str]:
    return frozenset(role.split(",")) if role else frozenset()
