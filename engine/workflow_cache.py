"""Live workflows kept between requests, so a completion need not deserialize the instance.

A workflow is checked out exclusively: the thread that takes it removes it from the cache, and
puts it back only after its transaction committed, tagged with the new lock version. Another
thread (or a stale entry after another process changed the instance) finds no matching entry and
loads from the database, so a cached workflow is never served stale nor mutated by two threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class WorkflowCache:
    def __init__(self, capacity: int = 2000) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()

    def checkout(self, instance_id: str, lock_version: int):
        """The cached workflow at exactly `lock_version`, removed from the cache, or None.

        An entry newer than the caller's version stays: the caller read a stale row and will
        lose its race anyway, and must not throw away the winner's fresh workflow.
        """
        with self._lock:
            entry = self._entries.get(instance_id)
            if entry is None or entry[0] > lock_version:
                return None
            del self._entries[instance_id]
        return entry[1] if entry[0] == lock_version else None

    def checkin(self, instance_id: str, lock_version: int, workflow) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._entries[instance_id] = (lock_version, workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def discard(self, instance_id: str) -> None:
        with self._lock:
            self._entries.pop(instance_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
