"""The service operations of the `decision_publication` process: each acts on its calling case
only (the case comes from the call context, never from a parameter)."""

from __future__ import annotations

from engine.errors import N_, EngineError
from engine.service_registry import current_call


def _instance_id() -> str:
    call = current_call.get()
    if call is None or call.instance_id is None:
        raise EngineError(N_("this operation runs only as a step of a case"))
    return call.instance_id


def attach_decision(engine, params: dict, _data: dict) -> dict:
    from webapp.publication.service import PublicationService

    return PublicationService(engine).attach(_instance_id(), params.get("upload_key"))


def publish_decision(engine, _params: dict, _data: dict) -> dict:
    from webapp.publication.service import PublicationService

    return PublicationService(engine).publish(_instance_id())
