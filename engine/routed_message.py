"""Message catches that take the platform's routing as given."""

from __future__ import annotations

from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessageEventDefinition


class RoutedMessage(SpiffMessageEventDefinition):
    """A message catch that trusts the platform's routing: SpiffWorkflow would recompute the
    correlation from the payload when catching (and fail when the payload does not repeat the
    correlation values); which case a message belongs to was already decided by the index."""

    def catch(self, my_task, event=None) -> None:
        if event is not None:
            self.update_internal_data(my_task, event)
        my_task._set_internal_data(event_fired=True)


def route_by_index(spec, subprocess_specs: dict) -> None:
    for one_spec in [spec, *subprocess_specs.values()]:
        for task_spec in one_spec.task_specs.values():
            event = getattr(task_spec, "event_definition", None)
            for definition in [event, *(getattr(event, "event_definitions", None) or [])]:
                if type(definition) is SpiffMessageEventDefinition:
                    definition.__class__ = RoutedMessage
