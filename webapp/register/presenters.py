"""Items and their chains as plain dicts, for the API, the pages and the PDFs alike."""

from __future__ import annotations

from engine.models import PropertyItem
from engine.services.property_register import ItemView, Link


def item_dict(item: PropertyItem) -> dict:
    return {
        "id": item.id, "identifier": item.identifier, "instance_id": item.instance_id, "case_number": item.case_number,
        "kind": item.kind, "description": item.description, "owner": item.owner,
        "storage_place": item.storage_place, "holder": {"kind": item.holder_kind, "code": item.holder_code},
        "status": item.status, "registered_at": item.registered_at, "registered_by": item.registered_by,
    }


def link_dict(link: Link) -> dict:
    event = link.event
    return {
        "id": event.id, "seq": event.seq, "action": event.action, "at": event.at, "actor": event.actor,
        "from_holder": {"kind": event.from_kind, "code": event.from_code} if event.from_kind else None,
        "from_place": event.from_place, "to_holder": {"kind": event.to_kind, "code": event.to_code},
        "to_place": event.to_place, "status": event.status, "note": event.note,
        "awaits_receiver": link.awaits_receiver,
        "acknowledgements": [
            {"party": ack.party, "by": ack.by, "at": ack.at, "note": ack.note}
            for _party, ack in sorted(link.acknowledgements.items())
        ],
    }


def view_dict(view: ItemView) -> dict:
    return {**item_dict(view.item), "chain": [link_dict(link) for link in view.chain]}
