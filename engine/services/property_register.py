"""The property and document register of criminal cases: what a person does with an item.

Need-to-know: an item belongs to the case it was registered in, and is read through that case or
through any case carrying the same case number (the court's intake of a case handed over), so a
person who may not read such a case meets its items as 404, in the search too. Registering,
moving, acknowledging, returning and searching also need a register role (`REGISTER_ROLES`).

A person moves or returns an item only while they hold it (by name, unit or institution);
a final status (returned to the owner, destroyed, confiscated) closes the chain. Every change is a
new custody event and the service offers no way to change or remove one (the database refuses it
too, migration 0016).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, false, func, or_, select

from engine import audit
from engine import property_rules as rules
from engine.deadlines import riga_today
from engine.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied, field_error
from engine.models import (
    CustodyAcknowledgement,
    CustodyEvent,
    Institution,
    ProcessInstance,
    PropertyItem,
    Unit,
    User,
)
from engine.property_rules import Holder
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine

REGISTER_ROLES = frozenset({"investigator", "prosecutor", "duty_prosecutor", "chief_prosecutor", "court_clerk",
                            "judge", "court_chair"})
ITEM_KIND_CLASSIFIER = "property_item_kind"
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class Link:
    """One custody event with its acknowledgements (party → row)."""

    event: CustodyEvent
    acknowledgements: dict[str, CustodyAcknowledgement]

    @property
    def awaits_receiver(self) -> bool:
        # The first holder registers the item themself: only a hand-over waits for its receiver.
        return (self.event.action != "registered" and self.event.to_kind in (rules.USER, rules.UNIT, rules.INSTITUTION)
                and "receiver" not in self.acknowledgements)


@dataclass(frozen=True)
class ItemView:
    item: PropertyItem
    chain: list[Link]


class PropertyRegisterService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- reading ----------------------------------------------------------------------------

    def case(self, actor: User, instance_id: str, via: str = "register", client: str | None = None) -> ProcessInstance:
        instance, _standing = self.engine.access.readable(actor, instance_id)
        self.engine.access.log_read(actor, instance_id, via, client)
        return instance

    def items(self, actor: User, instance_id: str, **reader) -> list[PropertyItem]:
        instance = self.case(actor, instance_id, **reader)
        return list(self.engine.session().scalars(
            select(PropertyItem).where(_of_case(instance)).order_by(PropertyItem.registered_at, PropertyItem.id)))

    def item(self, actor: User, instance_id: str, item_id: int, **reader) -> ItemView:
        return self.view(self._item_for(actor, instance_id, item_id, **reader))

    def visible_item(self, actor: User, item_id: int) -> PropertyItem:
        """The item, when the actor may read a case it belongs to; else NotFound."""
        item = self.engine.session().get(PropertyItem, item_id)
        if item is not None and _held_by(actor, item):
            return item
        if item is not None:
            visible = self.engine.access.visible_instances(actor)
            cases = select(ProcessInstance.id).where(visible, or_(
                ProcessInstance.id == item.instance_id,
                ProcessInstance.business_key == item.case_number if item.case_number else false())).limit(1)
            if self.engine.session().scalar(cases) is not None:
                return item
        raise NotFound(N_("item %(item)s does not exist"), params={"item": item_id})

    def view(self, item: PropertyItem) -> ItemView:
        session = self.engine.session()
        events = list(session.scalars(select(CustodyEvent).where(CustodyEvent.item_id == item.id).order_by(CustodyEvent.seq)))
        acks: dict[int, dict[str, CustodyAcknowledgement]] = {}
        if events:
            rows = session.scalars(select(CustodyAcknowledgement).where(
                CustodyAcknowledgement.event_id.in_([e.id for e in events])))
            for row in rows:
                acks.setdefault(row.event_id, {})[row.party] = row
        return ItemView(item, [Link(e, acks.get(e.id, {})) for e in events])

    def search(self, actor: User, query: str, limit: int = SEARCH_LIMIT) -> list[PropertyItem]:
        """Items of every case the actor may read whose identifier, case number, description,
        owner or storage place contains `query`."""
        self._require_role(actor)
        query = (query or "").strip()
        if not 1 <= len(query) <= 200 or rules.has_control_characters(query):
            raise InvalidInput(N_("search for 1 to 200 characters"), [field_error("/q", N_("1 to 200 characters"))])
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        visible = self.engine.access.visible_instances(actor)
        readable_ids = select(ProcessInstance.id).where(visible)
        readable_keys = select(ProcessInstance.business_key).where(visible, ProcessInstance.business_key.is_not(None))
        matches = or_(*(func.lower(column).like(pattern, escape="\\") for column in (
            PropertyItem.identifier, PropertyItem.case_number, PropertyItem.description, PropertyItem.owner,
            PropertyItem.storage_place)))
        statement = (select(PropertyItem)
                     .where(or_(PropertyItem.instance_id.in_(readable_ids), PropertyItem.case_number.in_(readable_keys),
                                _holder_condition(actor)), matches)
                     .order_by(PropertyItem.registered_at.desc(), PropertyItem.id.desc()).limit(max(1, min(limit, SEARCH_LIMIT))))
        return list(self.engine.session().scalars(statement))

    def item_kinds(self) -> frozenset[str]:
        return self.engine.classifiers.codes_on(riga_today(self.engine.clock.now()))(ITEM_KIND_CLASSIFIER)

    # --- changing ---------------------------------------------------------------------------

    def register(self, actor: User, instance_id: str, raw: dict) -> ItemView:
        instance = self.case(actor, instance_id)
        self._require_role(actor)
        errors: list[dict] = []
        new = rules.new_item(raw, "", errors, self.item_kinds())
        if new is None:
            raise InvalidInput(N_("the item cannot be registered"), errors)
        session = self.engine.session()
        with atomic(session, N_("the item could not be registered")):
            item = self.add_item(instance, new, self.holder_of(actor), actor.username)
            session.flush()
        return self.view(item)

    def move(self, actor: User, instance_id: str, item_id: int, to: dict, *, place: str | None = None,
             status: str | None = None, note: str = "") -> ItemView:
        item = self._held_item(actor, instance_id, item_id)
        status = status or item.status
        if status not in rules.MOVE_STATUSES:
            raise InvalidInput(N_("a move may set the status to %(allowed)s"),
                               [field_error("/status", N_("not a status a move may set"))],
                               params={"allowed": ", ".join(rules.MOVE_STATUSES)})
        errors: list[dict] = []
        place = rules.text({"storage_place": place}, "storage_place", "", errors, required=False)
        note = rules.text({"note": note}, "note", "", errors, limit=rules.MAX_DESCRIPTION, required=False) or ""
        if errors:
            raise InvalidInput(N_("the item cannot be moved"), errors)
        target = self.target(to)
        session = self.engine.session()
        with atomic(session, N_("the item could not be moved")):
            self.append(item, "moved", target, place or item.storage_place, status, actor.username, note)
        return self.view(item)

    def acknowledge(self, actor: User, instance_id: str, item_id: int, note: str = "") -> ItemView:
        """The receiver confirms they got the item of its latest move."""
        item = self._held_item(actor, instance_id, item_id)
        errors: list[dict] = []
        note = rules.text({"note": note}, "note", "", errors, limit=rules.MAX_DESCRIPTION, required=False) or ""
        if errors:
            raise InvalidInput(N_("the acknowledgement cannot be recorded"), errors)
        latest = self.view(item).chain[-1]
        if not latest.awaits_receiver:
            raise Conflict(N_("item %(item)s has no transfer waiting for its receiver's acknowledgement"),
                           params={"item": item.identifier})
        session = self.engine.session()
        with atomic(session, N_("the acknowledgement could not be recorded")):
            session.add(CustodyAcknowledgement(event_id=latest.event.id, party="receiver", by=actor.username,
                                               at=self.engine.clock.now(), note=note))
            audit.record(session, self.engine.clock.now(), actor.username, "item_acknowledged",
                         instance_id=item.instance_id, data={"item": item.identifier, "seq": latest.event.seq})
        return self.view(item)

    def return_to_owner(self, actor: User, instance_id: str, item_id: int, owner_name: str,
                        owner_acknowledged: bool, note: str = "") -> ItemView:
        """The item goes back to its owner, who acknowledges receiving it (their signature, recorded
        by the person handing it over); it closes the chain."""
        item = self._held_item(actor, instance_id, item_id)
        errors: list[dict] = []
        name = rules.text({"owner_name": owner_name}, "owner_name", "", errors)
        if owner_acknowledged is not True:
            errors.append(field_error("/owner_acknowledged", N_("the owner must acknowledge receiving the item")))
        note = rules.text({"note": note}, "note", "", errors, limit=rules.MAX_DESCRIPTION, required=False) or ""
        if errors:
            raise InvalidInput(N_("the item cannot be returned"), errors)
        with atomic(self.engine.session(), N_("the item could not be returned")):
            self.record_return(item, name, actor.username, note)
        return self.view(item)

    # --- shared with the process operations (no commit here) ---------------------------------

    def add_item(self, instance: ProcessInstance, new: rules.NewItem, holder: Holder, actor: str) -> PropertyItem:
        session = self.engine.session()
        key = instance.business_key or instance.id[:8]
        with session.no_autoflush:
            stored = session.scalar(select(func.max(PropertyItem.seq)).where(_of_case(instance))) or 0
        pending = [o.seq for o in session.new if isinstance(o, PropertyItem) and o.instance_id == instance.id]
        seq = max([stored, *pending]) + 1
        now = self.engine.clock.now()
        item = PropertyItem(
            identifier=f"{key}-L{seq:03d}", instance_id=instance.id, case_number=instance.business_key, seq=seq,
            kind=new.kind, description=new.description, owner=new.owner, storage_place=new.storage_place,
            holder_kind=holder.kind, holder_code=holder.code, status=new.status, registered_at=now,
            registered_by=actor, chain_length=0,
        )
        session.add(item)
        self.append(item, "registered", holder, new.storage_place, new.status, actor, new.note, first=True)
        return item

    def append(self, item: PropertyItem, action: str, to: Holder, place: str, status: str, actor: str, note: str,
               *, first: bool = False) -> CustodyEvent:
        if not first:
            rules.check_transition(item.identifier, item.status, status)
        now = self.engine.clock.now()
        event = CustodyEvent(
            item=item, seq=item.chain_length + 1, action=action, at=now, actor=actor,
            from_kind=None if first else item.holder_kind, from_code=None if first else item.holder_code,
            from_place=None if first else item.storage_place, to_kind=to.kind, to_code=to.code, to_place=place,
            status=status, note=(note or "")[: rules.MAX_DESCRIPTION],
        )
        item.chain_length += 1
        item.holder_kind, item.holder_code, item.storage_place, item.status = to.kind, to.code, place, status
        session = self.engine.session()
        session.add(event)
        audit.record(session, now, actor, f"item_{action}", instance_id=item.instance_id,
                     data={"item": item.identifier, "to": to.label(), "place": place, "status": status})
        return event

    def record_return(self, item: PropertyItem, owner_name: str, actor: str, note: str) -> CustodyEvent:
        event = self.append(item, "returned_to_owner", Holder(rules.OWNER, owner_name), item.storage_place,
                            rules.RETURNED_TO_OWNER, actor, note)
        item.owner = item.owner or owner_name
        self.engine.session().add(CustodyAcknowledgement(event=event, party="owner", by=owner_name,
                                                         at=self.engine.clock.now(), note=""))
        return event

    def holder_of(self, actor: User) -> Holder:
        """Who holds what a person registers: their unit, else their institution, else they."""
        if actor.unit_code:
            return Holder(rules.UNIT, actor.unit_code)
        if actor.institution_code:
            return Holder(rules.INSTITUTION, actor.institution_code)
        return Holder(rules.USER, actor.username)

    def target(self, to: object, where: str = "/to") -> Holder:
        """The receiver of a move: exactly one of {"user"}, {"unit"}, {"institution"}, which exists."""
        session = self.engine.session()
        given = {k: v for k, v in to.items() if v not in (None, "")} if isinstance(to, dict) else {}
        if len(given) != 1 or next(iter(given)) not in (rules.USER, rules.UNIT, rules.INSTITUTION) \
                or not isinstance(next(iter(given.values())), str):
            raise InvalidInput(N_("name the receiver: exactly one of user, unit or institution"),
                               [field_error(where, N_("exactly one of user, unit or institution"))])
        kind, code = next(iter(given.items()))
        if len(code) > rules.MAX_TEXT or rules.has_control_characters(code):
            raise InvalidInput(N_("there is no %(kind)s %(code)r"), [field_error(f"{where}/{kind}", N_("does not exist"))],
                               params={"kind": kind, "code": code[:60]})
        model = {rules.USER: None, rules.UNIT: Unit, rules.INSTITUTION: Institution}[kind]
        if model is None:
            found = session.scalar(select(User.id).where(User.username == code, User.active.is_(True)))
        else:
            found = session.get(model, code)
        if found is None:
            raise InvalidInput(N_("there is no %(kind)s %(code)r"), [field_error(f"{where}/{kind}", N_("does not exist"))],
                               params={"kind": kind, "code": code})
        return Holder(kind, code)

    # --- helpers ----------------------------------------------------------------------------

    def _require_role(self, actor: User) -> None:
        if not (actor.is_admin or actor.roles & REGISTER_ROLES):
            raise PermissionDenied(N_("the property register is kept by investigators, prosecutors and courts"))

    def _item_of(self, instance: ProcessInstance, item_id: int) -> PropertyItem:
        item = self.engine.session().scalar(
            select(PropertyItem).where(PropertyItem.id == item_id, _of_case(instance)).execution_options(populate_existing=True))
        if item is None:
            raise NotFound(N_("item %(item)s does not exist"), params={"item": item_id})
        return item

    def _item_for(self, actor: User, instance_id: str, item_id: int, via: str = "register",
                  client: str | None = None) -> PropertyItem:
        """An item of the case, for a reader of the case or for whoever holds the item now (an
        expert holds what was sent for examination without taking part in the case); NotFound
        for the case to everyone else."""
        try:
            instance = self.case(actor, instance_id, via, client)
        except NotFound:
            instance = self.engine.session().get(ProcessInstance, instance_id)
            item = self._item_of(instance, item_id) if instance is not None else None
            if item is None or not _held_by(actor, item):
                raise
            self.engine.access.log_read(actor, instance_id, via, client)
            return item
        return self._item_of(instance, item_id)

    def _held_item(self, actor: User, instance_id: str, item_id: int) -> PropertyItem:
        item = self._item_for(actor, instance_id, item_id)
        if item.status in rules.FINAL:
            raise Conflict(N_("item %(item)s is %(status)s: its custody chain is closed"),
                           params={"item": item.identifier, "status": item.status})
        if not _held_by(actor, item):
            raise PermissionDenied(N_("you do not hold item %(item)s: it is held by %(holder)s"),
                                   params={"item": item.identifier, "holder": f"{item.holder_kind}:{item.holder_code}"})
        return item


def _held_by(actor: User, item: PropertyItem) -> bool:
    return rules.holds(Holder(item.holder_kind, item.holder_code), actor.username, actor.unit_code,
                       actor.institution_code)


def _holder_condition(actor: User):
    """As SQL: the items the actor holds now."""
    conditions = [and_(PropertyItem.holder_kind == rules.USER, PropertyItem.holder_code == actor.username)]
    if actor.unit_code:
        conditions.append(and_(PropertyItem.holder_kind == rules.UNIT, PropertyItem.holder_code == actor.unit_code))
    if actor.institution_code:
        conditions.append(and_(PropertyItem.holder_kind == rules.INSTITUTION,
                               PropertyItem.holder_code == actor.institution_code))
    return or_(*conditions)


def _of_case(instance: ProcessInstance):
    """The items of a case: registered in it, or under its case number in another process."""
    same_number = PropertyItem.case_number == instance.business_key if instance.business_key else false()
    return or_(PropertyItem.instance_id == instance.id, same_number)
