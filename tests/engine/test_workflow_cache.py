from engine.workflow_cache import WorkflowCache


def test_checkout_is_exclusive():
    cache = WorkflowCache()
    cache.checkin("a", 3, "wf3")
    assert cache.checkout("a", 3) == "wf3"
    assert cache.checkout("a", 3) is None


def test_an_older_reader_does_not_evict_a_newer_entry():
    cache = WorkflowCache()
    cache.checkin("a", 4, "wf4")
    assert cache.checkout("a", 3) is None
    assert cache.checkout("a", 4) == "wf4"


def test_a_stale_entry_is_dropped_by_a_newer_reader():
    cache = WorkflowCache()
    cache.checkin("a", 2, "wf2")
    assert cache.checkout("a", 5) is None
    assert cache.checkout("a", 2) is None


def test_capacity_evicts_the_least_recently_used():
    cache = WorkflowCache(capacity=2)
    cache.checkin("a", 1, "A")
    cache.checkin("b", 1, "B")
    cache.checkin("c", 1, "C")
    assert cache.checkout("a", 1) is None
    assert cache.checkout("b", 1) == "B" and cache.checkout("c", 1) == "C"


def test_zero_capacity_disables_the_cache():
    cache = WorkflowCache(capacity=0)
    cache.checkin("a", 1, "A")
    assert cache.checkout("a", 1) is None
