"""The evidence list and the item labels as PDFs, in the reader's language: the texts are chosen
here (Flask-Babel) and drawn by webapp.register.pdf."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import property_rules as rules
from engine.models import ProcessInstance, PropertyItem
from engine.services.property_register import ITEM_KIND_CLASSIFIER, ItemView, Link
from webapp.engine_ext import get_engine
from webapp.register import pdf

STATUS_NAMES = {
    rules.SEIZED: _l("seized"),
    rules.IN_STORAGE: _l("in storage"),
    rules.SENT_FOR_EXAMINATION: _l("sent for examination"),
    rules.RETURNED_TO_OWNER: _l("returned to the owner"),
    rules.DESTROYED: _l("destroyed"),
    rules.CONFISCATED: _l("confiscated"),
    rules.TRANSFERRED_WITH_CASE: _l("transferred with the case"),
}
ACTION_NAMES = {
    "registered": _l("registered"),
    "moved": _l("moved"),
    "transferred_with_case": _l("transferred with the case"),
    "returned_to_owner": _l("returned to the owner"),
}
HOLDER_KINDS = {rules.USER: _l("person"), rules.UNIT: _l("unit"), rules.INSTITUTION: _l("institution"),
                rules.OWNER: _l("owner")}


def status_name(status: str) -> str:
    return str(STATUS_NAMES.get(status, status))


def action_name(action: str) -> str:
    return str(ACTION_NAMES.get(action, action))


def holder_name(kind: str | None, code: str | None) -> str:
    if kind is None:
        return ""
    return f"{code} ({HOLDER_KINDS.get(kind, kind)})"


def kind_names(language: str) -> dict[str, str]:
    listing = get_engine().classifiers.listing(ITEM_KIND_CLASSIFIER)
    return {entry.code: entry.name_en if language == "en" else entry.name_lv for entry in listing.entries}


def link_line(link: Link) -> str:
    event = link.event
    text = _("%(seq)s. %(at)s %(action)s by %(actor)s: %(from)s → %(to)s, %(place)s, %(status)s",
             seq=event.seq, at=format_datetime(event.at, "short"), action=action_name(event.action), actor=event.actor,
             **{"from": holder_name(event.from_kind, event.from_code) or "—"},
             to=holder_name(event.to_kind, event.to_code), place=event.to_place, status=status_name(event.status))
    for party, ack in sorted(link.acknowledgements.items()):
        who = _("received by the owner") if party == "owner" else _("acknowledged by the receiver")
        text += "; " + _("%(who)s %(by)s at %(at)s", who=who, by=ack.by, at=format_datetime(ack.at, "short"))
    if link.awaits_receiver:
        text += "; " + _("not yet acknowledged by the receiver")
    if event.note:
        text += f" — {event.note}"
    return text


def evidence_list_pdf(instance: ProcessInstance, views: list[ItemView], language: str) -> bytes:
    kinds = kind_names(language)
    case = instance.business_key or instance.id
    columns = [_("Identifier"), _("Kind"), _("Description"), _("Owner"), _("Storage place"), _("Holder"), _("Status")]
    rows = [[v.item.identifier, kinds.get(v.item.kind, v.item.kind), v.item.description, v.item.owner or "—",
             v.item.storage_place, holder_name(v.item.holder_kind, v.item.holder_code), status_name(v.item.status)]
            for v in views]
    chains = [[link_line(link) for link in v.chain] for v in views]
    now = format_datetime(get_engine().clock.now(), "short")
    title = _("List of evidence and seized property in case %(case)s", case=case)
    subtitle = _("%(count)s items; drawn up %(at)s from the property register of Lieta", count=len(views), at=now)
    return pdf.evidence_list(title, subtitle, columns, rows, chains, {"title": title, "subject": case})


def label_pdf(item: PropertyItem, language: str) -> bytes:
    kinds = kind_names(language)
    lines = [_("Case %(case)s", case=item.case_number or item.instance_id), kinds.get(item.kind, item.kind),
             item.description, _("Kept at: %(place)s", place=item.storage_place)]
    return pdf.label(item.identifier, lines, {"title": item.identifier})
