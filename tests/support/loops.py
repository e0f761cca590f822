"""Processes that loop, for the long-case tests, the stored-state fixture script and the benchmark."""

from __future__ import annotations

from tests.support.bpmn_builder import ProcessBuilder


def three_task_loop(process_id: str = "loop", lane: str | None = "Clerk") -> str:
    """start → a → b → c → "again?": back to a while `rounds < limit`, else the end event `done`.

    Task c carries the round counter (`rounds`), so the data shows how many rounds ran.
    """
    p = ProcessBuilder(process_id, name="Three-task loop")
    p.start()
    p.user_task("a", "A", lane=lane)
    p.user_task("b", "B", lane=lane)
    p.user_task("c", "C", lane=lane)
    p.exclusive("again", default="flow_again_done")
    p.end("done")
    p.chain("start", "a", "b", "c", "again")
    p.flow("again", "a", condition="rounds < limit")
    p.flow("again", "done", flow_id="flow_again_done")
    return p.xml()


def parallel_loop(process_id: str = "parallel_loop", lane: str | None = "Clerk") -> str:
    """A loop of one task (`act`) inside one branch of a parallel region, while the other branch
    waits for one task (`expert`) at the join; then `sign` and the end.

    start → fork → { act ⟲ while acts < limit ; expert } → join → sign → end
    """
    p = ProcessBuilder(process_id, name="Loop inside a parallel region")
    p.start()
    p.parallel("fork")
    p.user_task("act", "Act", lane=lane)
    p.exclusive("more", default="flow_more_join")
    p.user_task("expert", "Expert", lane=lane)
    p.parallel("join")
    p.user_task("sign", "Sign", lane=lane)
    p.end()
    p.chain("start", "fork")
    p.flow("fork", "act")
    p.flow("fork", "expert")
    p.chain("act", "more")
    p.flow("more", "act", condition="acts < limit")
    p.flow("more", "join", flow_id="flow_more_join")
    p.flow("expert", "join")
    p.chain("join", "sign", "end")
    return p.xml()


def fork_join_loop(process_id: str = "fork_join_loop", lane: str | None = "Clerk") -> str:
    """Each round: a, then b and c in parallel, joined; again while `rounds < limit` (c counts)."""
    p = ProcessBuilder(process_id, name="Parallel pair in a loop")
    p.start()
    p.user_task("a", "A", lane=lane)
    p.parallel("fork")
    p.user_task("b", "B", lane=lane)
    p.user_task("c", "C", lane=lane)
    p.parallel("join")
    p.exclusive("again", default="flow_again_done")
    p.end("done")
    p.chain("start", "a", "fork")
    p.flow("fork", "b")
    p.flow("fork", "c")
    p.flow("b", "join")
    p.flow("c", "join")
    p.chain("join", "again")
    p.flow("again", "a", condition="rounds < limit")
    p.flow("again", "done", flow_id="flow_again_done")
    return p.xml()


def boundary_loop(process_id: str = "boundary_loop", lane: str | None = "Clerk") -> str:
    """Each round: a (with an interrupting one-week boundary timer leading to `late`), b, c."""
    p = ProcessBuilder(process_id, name="Loop with a deadline on each round")
    p.start()
    p.user_task("a", "A", lane=lane)
    p.boundary_timer("week", "a", '"P7D"')
    p.user_task("late", "Late", lane=lane)
    p.end("late_end")
    p.user_task("b", "B", lane=lane)
    p.user_task("c", "C", lane=lane)
    p.exclusive("again", default="flow_again_done")
    p.end("done")
    p.chain("start", "a", "b", "c", "again")
    p.chain("week", "late", "late_end")
    p.flow("again", "a", condition="rounds < limit")
    p.flow("again", "done", flow_id="flow_again_done")
    return p.xml()


def call_loop(process_id: str = "call_loop", called: str = "call_loop_round", lane: str | None = "Clerk") -> tuple[str, str]:
    """Each round calls a subprocess of three tasks (a, b, c); (parent xml, called xml)."""
    sub = ProcessBuilder(called, name="One round")
    sub.start()
    sub.user_task("a", "A", lane=lane)
    sub.user_task("b", "B", lane=lane)
    sub.user_task("c", "C", lane=lane)
    sub.end()
    sub.chain("start", "a", "b", "c", "end")
    p = ProcessBuilder(process_id, name="Loop of calls")
    p.start()
    p.call_activity("round", called)
    p.exclusive("again", default="flow_again_done")
    p.end("done")
    p.chain("start", "round", "again")
    p.flow("again", "round", condition="rounds < limit")
    p.flow("again", "done", flow_id="flow_again_done")
    return p.xml(), sub.xml()


def multi_instance_loop(process_id: str = "mi_loop", lane: str | None = "Clerk") -> str:
    """Each round: a, b, a script run three times, c."""
    p = ProcessBuilder(process_id, name="Loop with a multi-instance script")
    p.start()
    p.user_task("a", "A", lane=lane)
    p.user_task("b", "B", lane=lane)
    p.multi_instance_script("each", "seen = True", "3", sequential=True)
    p.user_task("c", "C", lane=lane)
    p.exclusive("again", default="flow_again_done")
    p.end("done")
    p.chain("start", "a", "b", "each", "c", "again")
    p.flow("again", "a", condition="rounds < limit")
    p.flow("again", "done", flow_id="flow_again_done")
    return p.xml()
