"""Legal terms in models: timers computed from case dates, and `due_at` of a task inside a phase
(a subprocess) whose boundary timer carries the deadline."""

from datetime import UTC, datetime

from tests.support.bpmn_builder import NS, ProcessBuilder


def decision_process() -> str:
    p = ProcessBuilder("appeal_window")
    p.start()
    p.user_task("appeal", "Lodge an appeal", lane="Clerk")
    p.boundary_timer("window_closed", "appeal", "months(1, decided_on)", kind="timeDate")
    p.user_task("enforce", "Decision in force: enforce", lane="Clerk")
    p.end("appealed")
    p.end("enforced")
    p.chain("start", "appeal", "appealed")
    p.chain("window_closed", "enforce", "enforced")
    return p.xml()


def fire(api) -> int:
    with api.app.app_context():
        return api.engine().timers.fire_due()


def test_a_month_term_from_a_case_date_ends_on_the_next_working_day(api, clock):
    assert api.deploy({"appeal_window.bpmn": decision_process()}).status_code == 201
    clock.set(datetime(2027, 2, 1, 9, tzinfo=UTC))
    instance_id = api.start("appeal_window", data={"decided_on": "2027-01-31"}).json["id"]
    [task] = api.ready_tasks(instance_id)
    # 31 Jan + 1 month = 28 Feb 2027, a Sunday: the term ends at 24:00 Riga time on Monday 1 March.
    assert task["due_at"] == "2027-03-01T22:00:00+00:00"
    clock.set(datetime(2027, 3, 1, 21, 59, tzinfo=UTC))
    assert fire(api) == 0
    clock.set(datetime(2027, 3, 1, 22, 0, tzinfo=UTC))
    assert fire(api) == 1
    assert [t["element_id"] for t in api.ready_tasks(instance_id)] == ["enforce"]


def phase_process() -> str:
    """A registration phase (a subprocess with two steps) that must end within 10 days of receipt."""
    inner = (
        '<bpmn:subProcess id="registration" name="Registration">'
        '<bpmn:incoming>f_start</bpmn:incoming><bpmn:outgoing>f_done</bpmn:outgoing>'
        '<bpmn:startEvent id="r_start"><bpmn:outgoing>r1</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:userTask id="check" name="Check the file"><bpmn:incoming>r1</bpmn:incoming><bpmn:outgoing>r2</bpmn:outgoing></bpmn:userTask>'
        '<bpmn:userTask id="register" name="Register"><bpmn:incoming>r2</bpmn:incoming><bpmn:outgoing>r3</bpmn:outgoing></bpmn:userTask>'
        '<bpmn:endEvent id="r_end"><bpmn:incoming>r3</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="r1" sourceRef="r_start" targetRef="check"/>'
        '<bpmn:sequenceFlow id="r2" sourceRef="check" targetRef="register"/>'
        '<bpmn:sequenceFlow id="r3" sourceRef="register" targetRef="r_end"/>'
        '</bpmn:subProcess>'
    )
    body = (
        '<bpmn:process id="phased" isExecutable="true">'
        '<bpmn:startEvent id="start"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>'
        f"{inner}"
        '<bpmn:boundaryEvent id="late" attachedToRef="registration" cancelActivity="true">'
        '<bpmn:outgoing>f_late</bpmn:outgoing><bpmn:timerEventDefinition>'
        '<bpmn:timeDate>days(10, received_on)</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
        '<bpmn:endEvent id="done"><bpmn:incoming>f_done</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:endEvent id="overdue"><bpmn:incoming>f_late</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="registration"/>'
        '<bpmn:sequenceFlow id="f_done" sourceRef="registration" targetRef="done"/>'
        '<bpmn:sequenceFlow id="f_late" sourceRef="late" targetRef="overdue"/>'
        '</bpmn:process>'
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="defs_phased">{body}</bpmn:definitions>\n'


def test_a_task_inside_a_phase_shows_the_phases_deadline(api, clock):
    response = api.deploy({"phased.bpmn": phase_process()})
    assert response.status_code == 201, response.json
    instance_id = api.start("phased", data={"received_on": "2027-11-08"}).json["id"]
    [check] = api.ready_tasks(instance_id)
    # 8 Nov + 10 days = 18 November, a holiday in 2027 (a Thursday): the phase ends on Friday 19th.
    assert check["element_id"] == "check" and check["due_at"] == "2027-11-19T22:00:00+00:00"
    assert api.complete(check["id"]).status_code == 200
    [register] = api.ready_tasks(instance_id)
    assert register["element_id"] == "register" and register["due_at"] == "2027-11-19T22:00:00+00:00"
    clock.set(datetime(2027, 11, 19, 22, tzinfo=UTC))
    assert fire(api) == 1
    instance = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert instance["status"] == "completed" and instance["ready_tasks"] == []


def test_a_task_without_any_deadline_has_no_due_date(api):
    p = ProcessBuilder("plain")
    p.start()
    p.user_task("work", "Work", lane="Clerk")
    p.end()
    p.chain("start", "work", "end")
    assert api.deploy({"plain.bpmn": p.xml()}).status_code == 201
    [task] = api.ready_tasks(api.start("plain").json["id"])
    assert task["due_at"] is None


def test_while_a_phase_runs_the_case_shows_the_data_of_its_latest_task(api, clock):
    """The outer workflow's last task is the one that entered the phase; the case's data (and so a
    task's form data and instructions) must come from the phase's own latest task."""
    assert api.deploy({"phased.bpmn": phase_process()}).status_code == 201
    instance_id = api.start("phased", data={"received_on": "2027-11-08"}).json["id"]
    [check] = api.ready_tasks(instance_id)
    assert api.complete(check["id"], {"file_complete": True}).status_code == 200
    data = api.get(f"/api/v1/process-instances/{instance_id}").json["data"]
    assert data == {"received_on": "2027-11-08", "file_complete": True}
