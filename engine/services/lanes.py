"""Who a lane's task is offered to, as the case names it (spiff-arena's `lane_owners`, and our
`lane_units`).

Both are written only by the model's own scripts and service operations: start data and forms
may not carry them (see RESERVED_FIELDS). Whatever a script writes is checked here, so a model
cannot offer a task to someone outside the lane's role: a named owner must be an active user
holding one of the lane's roles, and a unit must exist. Anything else is left out and recorded,
never an error that stops the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.models import Unit, User
from engine.models.task import encode_candidates
from engine.roles import roles_for_lane

if TYPE_CHECKING:
    from engine.services.engine import Engine

RESERVED_FIELDS = ("lane_owners", "lane_units")
MAX_OWNERS = 50


@dataclass
class LaneOffer:
    candidates: str | None = None
    unit: str | None = None
    refused: list[str] = field(default_factory=list)


def reserved_fields_in(data: dict) -> list[str]:
    return [name for name in RESERVED_FIELDS if name in data]


def offer_for(engine: Engine, lane: str | None, data: dict) -> LaneOffer:
    offer = LaneOffer()
    if not lane:
        return offer
    owners = data.get("lane_owners")
    if owners is not None:
        offer.candidates = _owners(engine, lane, owners, offer.refused)
    units = data.get("lane_units")
    if units is not None:
        offer.unit = _unit(engine, lane, units, offer.refused)
    return offer


def _owners(engine: Engine, lane: str, owners, refused: list[str]) -> str | None:
    if not isinstance(owners, dict):
        refused.append("lane_owners must map lane names to lists of usernames")
        return None
    named = owners.get(lane)
    if named is None:
        return None
    if not isinstance(named, list) or not all(isinstance(name, str) for name in named) or len(named) > MAX_OWNERS:
        refused.append(f"lane_owners[{lane!r}] must be a list of at most {MAX_OWNERS} usernames")
        return None
    roles = set(roles_for_lane(lane))
    users = engine.session().scalars(select(User).where(User.username.in_(sorted(set(named))))).all()
    holders = {user.username for user in users if user.active and roles & user.roles}
    for name in sorted(set(named) - holders):
        refused.append(f"lane owner {name!r} does not hold the role of lane {lane!r}")
    return encode_candidates(holders)


def _unit(engine: Engine, lane: str, units, refused: list[str]) -> str | None:
    if not isinstance(units, dict):
        refused.append("lane_units must map lane names to unit codes")
        return None
    code = units.get(lane)
    if code is None:
        return None
    if not isinstance(code, str) or engine.session().get(Unit, code) is None:
        refused.append(f"lane_units[{lane!r}] names no known unit: {str(code)[:60]!r}")
        return None
    return code
