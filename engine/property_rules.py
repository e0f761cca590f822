"""The rules of the property register as plain data: statuses, which status may follow which,
who a holder is, and the checks of what a person or a process gives to register or move an item.

A holder is an institution (`POLICE`), one of its units (`POLICE:RIGA`), a user, or, once returned,
the owner. A person holds an item when it is held by them, by their unit or by their institution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import N_, Conflict, InvalidInput, field_error

SEIZED = "seized"
IN_STORAGE = "in_storage"
SENT_FOR_EXAMINATION = "sent_for_examination"
RETURNED_TO_OWNER = "returned_to_owner"
DESTROYED = "destroyed"
CONFISCATED = "confiscated"
TRANSFERRED_WITH_CASE = "transferred_with_case"
STATUSES = (SEIZED, IN_STORAGE, SENT_FOR_EXAMINATION, RETURNED_TO_OWNER, DESTROYED, CONFISCATED, TRANSFERRED_WITH_CASE)
FINAL = frozenset({RETURNED_TO_OWNER, DESTROYED, CONFISCATED})
INITIAL = (SEIZED, IN_STORAGE, SENT_FOR_EXAMINATION)
# What a move by a person may set; a return has its own operation (it needs the owner's
# acknowledgement) and `transferred_with_case` is set only when the case itself is handed over.
MOVE_STATUSES = (SEIZED, IN_STORAGE, SENT_FOR_EXAMINATION, DESTROYED, CONFISCATED)
# Items out for examination stay with the experts when the case moves: the expert gives them
# back to whoever holds the case then, by a move of their own.
MOVES_WITH_CASE = frozenset({SEIZED, IN_STORAGE, TRANSFERRED_WITH_CASE})
# The form of the investigation says "at_expert"; the register calls it sent_for_examination.
STATUS_ALIASES = {"at_expert": SENT_FOR_EXAMINATION}

USER, UNIT, INSTITUTION, OWNER = "user", "unit", "institution", "owner"
HOLDER_KINDS = (USER, UNIT, INSTITUTION, OWNER)
MAX_TEXT = 200
MAX_DESCRIPTION = 2000
MAX_ITEMS_PER_CALL = 100


@dataclass(frozen=True)
class Holder:
    kind: str
    code: str

    def label(self) -> str:
        return f"{self.kind}:{self.code}"


def holds(holder: Holder, username: str, unit_code: str | None, institution_code: str | None) -> bool:
    """Whether a person holds what `holder` holds."""
    return ((holder.kind == USER and holder.code == username)
            or (holder.kind == UNIT and unit_code is not None and holder.code == unit_code)
            or (holder.kind == INSTITUTION and institution_code is not None and holder.code == institution_code))


def check_transition(identifier: str, current: str, new: str) -> None:
    """Conflict when `new` may not follow `current` (a final status ends the chain)."""
    if current in FINAL:
        raise Conflict(N_("item %(item)s is %(status)s: its custody chain is closed"),
                       params={"item": identifier, "status": current})
    if new not in STATUSES:
        raise InvalidInput(N_("unknown item status %(status)r"), [field_error("/status", N_("unknown status"))],
                           params={"status": new})


def text(raw: dict, key: str, where: str, errors: list, *, limit: int = MAX_TEXT, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(field_error(f"{where}/{key}", N_("required: a non-empty text")))
        return None
    if not isinstance(value, str):
        errors.append(field_error(f"{where}/{key}", N_("a text is expected")))
        return None
    if len(value) > limit:
        errors.append(field_error(f"{where}/{key}", N_("at most %(max)s characters"), max=limit))
        return None
    if has_control_characters(value):
        errors.append(field_error(f"{where}/{key}", N_("control characters are not allowed")))
        return None
    return value.strip()


def has_control_characters(value: str) -> bool:
    """C0 controls other than tab and line breaks (PostgreSQL stores no NUL in text at all)."""
    return any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value) or "\x7f" in value


@dataclass(frozen=True)
class NewItem:
    kind: str
    description: str
    storage_place: str
    status: str
    owner: str | None = None
    note: str = ""


def new_item(raw: Any, where: str, errors: list, kinds: frozenset[str]) -> NewItem | None:
    """One item to register, from a person's request or a process's parameters. The investigation's
    form names its fields item / kept_at / held_by: they are read as description / storage_place /
    the note of the first custody event."""
    if not isinstance(raw, dict):
        errors.append(field_error(where, N_("an item is an object")))
        return None
    before = len(errors)
    kind = raw.get("kind") or "other"
    if not isinstance(kind, str) or kind not in kinds:
        errors.append(field_error(f"{where}/kind", N_("not a code of the classifier property_item_kind")))
    title = text(raw, "item", where, errors, required=False)
    description = text(raw, "description", where, errors, limit=MAX_DESCRIPTION)
    if title and description:
        description = f"{title}: {description}"[:MAX_DESCRIPTION]
    place_key = "storage_place" if "storage_place" in raw else "kept_at"
    place = text(raw, place_key, where, errors)
    owner = text(raw, "owner", where, errors, required=False)
    held_by = text(raw, "held_by", where, errors, required=False)
    note = text(raw, "note", where, errors, limit=MAX_DESCRIPTION, required=False) or ""
    status = STATUS_ALIASES.get(raw.get("status"), raw.get("status") or SEIZED)
    if status not in INITIAL:
        errors.append(field_error(f"{where}/status", N_("an item is registered as %(allowed)s"),
                                  allowed=", ".join(INITIAL)))
    if len(errors) > before:
        return None
    if held_by:
        note = f"{note} ({held_by})".strip() if note else held_by
    return NewItem(kind, description or "", place or "", status, owner, note)
