"""Roles, and how a BPMN lane names the role that may work in it."""

from __future__ import annotations

import re
import unicodedata

ADMIN = "admin"
PROCESS_ANALYST = "process_analyst"
LANE_ROLES = (
    "investigator",
    "prosecutor",
    "duty_prosecutor",
    "legal_aid_officer",
    "advocate",
    "court_clerk",
    "judge",
    "probation_officer",
    "prison_officer",
    "compensation_officer",
    "clerk",
)
KNOWN_ROLES = (ADMIN, PROCESS_ANALYST, *LANE_ROLES)


def role_for_lane(lane: str | None) -> str | None:
    """`Court clerk`, `court-clerk` and `Court Clerk ` all name the role `court_clerk`."""
    if not lane:
        return None
    ascii_name = unicodedata.normalize("NFKD", lane).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return slug or None
