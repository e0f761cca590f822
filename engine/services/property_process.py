"""The register's service operations for processes (`register_item`, `move_item`, `return_item`)
and its hand-over hook: when a case is handed to another institution by message, its items go
with it.

A deployed model is untrusted input: every parameter is checked here (types, sizes, classifier
codes, receivers that exist), and an operation reaches only the items of the calling case, which
it takes from the call context (engine.service_registry), never from a parameter. A process acts
for the case, so it moves the case's items without holding them itself; a person must hold an
item to move it (engine.services.property_register). Nothing here commits: the rows join the
change of the calling case and are kept or dropped with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine import property_rules as rules
from engine.errors import N_, InvalidInput, NotFound, field_error
from engine.models import Message, ProcessInstance, PropertyItem
from engine.property_rules import Holder
from engine.service_registry import current_call
from engine.services.property_register import _of_case

if TYPE_CHECKING:
    from engine.services.engine import Engine

# Which institution receives a case with each hand-over message (bpmn/messages.json).
HANDOVER_RECEIVERS = {"case_to_court": "COURT"}
PROCESS_MOVE_STATUSES = (*rules.MOVE_STATUSES, rules.TRANSFERRED_WITH_CASE)


def install(engine: Engine) -> None:
    engine.operations.register("register_item", lambda p, d: register_item(engine, p), max_attempts=1,
                               description="Record items of the calling case in the property register")
    engine.operations.register("move_item", lambda p, d: move_item(engine, p), max_attempts=1,
                               description="Move items of the calling case to another holder")
    engine.operations.register("return_item", lambda p, d: return_item(engine, p), max_attempts=1,
                               description="Return an item of the calling case to its owner, who acknowledges it")
    engine.thrown_listeners.append(lambda instance, row: transfer_on_handover(engine, instance, row))


def _calling_case(engine: Engine, operation: str) -> tuple[ProcessInstance, str]:
    call = current_call.get()
    if call is None or call.instance_id is None:
        raise InvalidInput(N_("%(operation)s runs only as a service task of a case"), params={"operation": operation})
    session = engine.session()
    instance = session.get(ProcessInstance, call.instance_id) or next(
        (o for o in session.new if isinstance(o, ProcessInstance) and o.id == call.instance_id), None)
    if instance is None:
        raise NotFound(N_("process instance %(instance)s does not exist"), params={"instance": call.instance_id})
    return instance, f"process:{instance.process_id}"


def _params(params: Any, allowed: set[str]) -> dict:
    if not isinstance(params, dict):
        raise InvalidInput(N_("the parameters must be an object"))
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(N_("unknown parameters: %(names)s"), [field_error(f"/{n}", N_("unknown parameter")) for n in unknown],
                           params={"names": ", ".join(unknown)})
    return params


def _fail(errors: list[dict], message: str) -> None:
    if errors:
        detail = "; ".join(f"{e['field'] or '/'}: {e['message']}" for e in errors[:5])
        raise InvalidInput(N_("%(what)s: %(detail)s"), errors, params={"what": message, "detail": detail})


def _holder(engine: Engine, params: dict, code_key: str, user_key: str) -> Holder | None:
    code, user = params.get(code_key), params.get(user_key)
    if code in (None, "") and user in (None, ""):
        return None
    if code not in (None, "") and user not in (None, ""):
        raise InvalidInput(N_("give %(a)s or %(b)s, not both"), params={"a": code_key, "b": user_key})
    service = engine.property_register
    if user not in (None, ""):
        return service.target({rules.USER: user}, f"/{user_key}")
    if not isinstance(code, str):
        raise InvalidInput(N_("%(name)s must be an institution or unit code"), params={"name": code_key})
    return service.target({rules.UNIT if ":" in code else rules.INSTITUTION: code}, f"/{code_key}")


def register_item(engine: Engine, params: Any) -> list[str]:
    """Registers `items` (a list) or one item given by the parameters themselves; returns the
    identifiers, in order. The holder is `holder` (institution or unit code) or `holder_user`."""
    params = _params(params, {"items", "holder", "holder_user", "kind", "item", "description", "storage_place",
                              "kept_at", "held_by", "owner", "status", "note"})
    session = engine.session()
    with session.no_autoflush:
        instance, actor = _calling_case(engine, "register_item")
        holder = _holder(engine, params, "holder", "holder_user")
        if holder is None:
            raise InvalidInput(N_("register_item needs the holder: an institution or unit code, or holder_user"))
        if "items" in params:
            raw_items = params["items"]
            if not isinstance(raw_items, list) or len(raw_items) > rules.MAX_ITEMS_PER_CALL:
                raise InvalidInput(N_("items must be a list of at most %(max)s items"),
                                   params={"max": rules.MAX_ITEMS_PER_CALL})
        else:
            raw_items = [{k: v for k, v in params.items() if k not in ("holder", "holder_user")}]
        if not raw_items:
            return []
        kinds = engine.property_register.item_kinds()
        errors: list[dict] = []
        new = [rules.new_item(raw, f"/items/{i}", errors, kinds) for i, raw in enumerate(raw_items)]
        _fail(errors, "register_item refused the items")
        items = [engine.property_register.add_item(instance, n, holder, actor) for n in new if n is not None]
    return [item.identifier for item in items]


def move_item(engine: Engine, params: Any) -> list[str]:
    """Moves the item `identifier`, or with `all_items` every item of the case that can move with
    it, to `to` (institution or unit code) or `to_user`; returns the identifiers moved."""
    params = _params(params, {"identifier", "all_items", "to", "to_user", "status", "storage_place", "note"})
    session = engine.session()
    with session.no_autoflush:
        instance, actor = _calling_case(engine, "move_item")
        target = _holder(engine, params, "to", "to_user")
        if target is None:
            raise InvalidInput(N_("move_item needs the receiver: to (an institution or unit code) or to_user"))
        errors: list[dict] = []
        status = params.get("status")
        if status is not None and status not in PROCESS_MOVE_STATUSES:
            errors.append(field_error("/status", N_("not a status a move may set")))
        place = rules.text(params, "storage_place", "", errors, required=False)
        note = rules.text(params, "note", "", errors, limit=rules.MAX_DESCRIPTION, required=False) or ""
        _fail(errors, "move_item refused its parameters")
        if params.get("all_items") is True:
            items = [i for i in _case_items(engine, instance) if i.status in rules.MOVES_WITH_CASE
                     and (i.holder_kind, i.holder_code) != (target.kind, target.code)]
        else:
            items = [_one_item(engine, instance, params.get("identifier"))]
        action = "transferred_with_case" if status == rules.TRANSFERRED_WITH_CASE else "moved"
        for item in items:
            engine.property_register.append(item, action, target, place or item.storage_place,
                                            status or item.status, actor, note)
    return [item.identifier for item in items]


def return_item(engine: Engine, params: Any) -> str:
    """Returns the item `identifier` to its owner `owner_name`; `owner_acknowledged` must be true."""
    params = _params(params, {"identifier", "owner_name", "owner_acknowledged", "note"})
    session = engine.session()
    with session.no_autoflush:
        instance, actor = _calling_case(engine, "return_item")
        item = _one_item(engine, instance, params.get("identifier"))
        errors: list[dict] = []
        name = rules.text(params, "owner_name", "", errors)
        if params.get("owner_acknowledged") is not True:
            errors.append(field_error("/owner_acknowledged", N_("the owner must acknowledge receiving the item")))
        note = rules.text(params, "note", "", errors, limit=rules.MAX_DESCRIPTION, required=False) or ""
        _fail(errors, "return_item refused its parameters")
        engine.property_register.record_return(item, name, actor, note)
    return item.identifier


def transfer_on_handover(engine: Engine, instance: ProcessInstance, message: Message) -> None:
    """A hand-over message the case threw: its items that can move go to the receiving
    institution, each with a `transferred_with_case` event naming the message."""
    receiver = HANDOVER_RECEIVERS.get(message.name)
    if receiver is None:
        return
    session = engine.session()
    with session.no_autoflush:
        target = Holder(rules.INSTITUTION, receiver)
        for item in _case_items(engine, instance):
            if item.status in rules.MOVES_WITH_CASE and (item.holder_kind, item.holder_code) != (target.kind, target.code):
                engine.property_register.append(item, "transferred_with_case", target, item.storage_place,
                                                rules.TRANSFERRED_WITH_CASE, f"process:{instance.process_id}",
                                                f"{message.name} {message.message_id}")


def _case_items(engine: Engine, instance: ProcessInstance) -> list[PropertyItem]:
    session = engine.session()
    stored = list(session.scalars(select(PropertyItem).where(_of_case(instance)).order_by(PropertyItem.seq)))
    pending = [o for o in session.new if isinstance(o, PropertyItem) and o.instance_id == instance.id]
    return stored + [p for p in pending if p not in stored]


def _one_item(engine: Engine, instance: ProcessInstance, identifier: Any) -> PropertyItem:
    if not isinstance(identifier, str) or not identifier or len(identifier) > 80:
        raise InvalidInput(N_("identifier must name an item of this case"))
    for item in _case_items(engine, instance):
        if item.identifier == identifier:
            return item
    raise NotFound(N_("item %(item)s does not exist in this case"), params={"item": identifier})
