def test_linear_process_runs_to_completion(api, deployed):
    started = api.start("linear", business_key="CASE-1")
    assert started.status_code == 201, started.json
    instance_id = started.json["id"]
    for expected in ("task_1", "task_2", "task_3"):
        tasks = api.ready_tasks(instance_id, as_user="clerk")
        assert [t["element_id"] for t in tasks] == [expected]
        done = api.complete(tasks[0]["id"], {"step": expected}, as_user="clerk")
        assert done.status_code == 200, done.json
        assert done.json["state"] == "completed"
    instance = api.get(f"/api/v1/process-instances/{instance_id}")
    assert instance.status_code == 200
    assert instance.json["status"] == "completed"
    assert instance.json["data"]["step"] == "task_3"
    assert instance.json["ready_tasks"] == []
