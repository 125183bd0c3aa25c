"""Answer sequences (issue 15, item 6): a polling session recorded through MockScope against an
upstream that answers PENDING, RUNNING, SUCCEEDED to the same GET is kept as one fixture with
three answers, and replays them in order (then the last repeats); the journal says which answer
was served, and POST /__admin/reset starts the sequence again. docs/fixture-format.md."""

from __future__ import annotations

import json
from pathlib import Path

import dashscope
import pytest
import requests
from dashscope import ImageSynthesis

from mockscope_support import eventually
from record_upstream import Upstream

KEY = "sk-test-sequence-key"
TASK = "0385dc79-5ff8-4d82-bcb6-000000000001"
TASKS_PATH = f"/api/v1/tasks/{TASK}"


@pytest.fixture
def upstream():
    up = Upstream()
    yield up
    up.stop()


@pytest.fixture
def native(monkeypatch):
    def point(server):
        monkeypatch.setattr(dashscope, "base_http_api_url", server.native_url)
    return point


def statuses(count: int):
    return [ImageSynthesis.fetch(TASK, api_key=KEY).output.task_status for _ in range(count)]


def sequence_files(folder: Path):
    found = []
    for path in folder.rglob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["request"]["path"] == TASKS_PATH:
            found.append(document)
    return found


def test_a_recorded_polling_session_replays_in_order(mockscope_server, upstream, native, tmp_path):
    folder = tmp_path / "recorded"
    recorder = mockscope_server("--record", "all", "--upstream", upstream.base, "--record-to", str(folder), label="seq-record")
    native(recorder)
    assert statuses(3) == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert upstream.polls[TASK] == 3

    def written():
        files = sequence_files(folder)
        return files[0] if len(files) == 1 and len(files[0].get("responses", [])) == 3 else None
    document = eventually(written, lambda d: d is not None, timeout=10, message="one fixture holding the three answers")
    assert document["after_last"] == "repeat" and "response" not in document
    assert [json.loads(r["body"])["output"]["task_status"] for r in document["responses"]] == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert KEY not in json.dumps(document)

    replay = mockscope_server("--speed", "0", "--fixtures", str(folder), label="seq-replay")
    native(replay)
    assert statuses(4) == ["PENDING", "RUNNING", "SUCCEEDED", "SUCCEEDED"]
    entries = replay.requests(path=TASKS_PATH)
    assert [e["sequence_index"] for e in entries] == [0, 1, 2, 2]
    assert len({e["fixture"] for e in entries}) == 1
    assert upstream.polls[TASK] == 3, "replay never goes upstream"

    # The SDK's own polling loop (sleeps 1 s between polls) after a reset: from PENDING again.
    requests.post(replay.admin_url + "/reset", timeout=10).raise_for_status()
    finished = ImageSynthesis.wait(TASK, api_key=KEY)
    assert finished.output.task_status == "SUCCEEDED"
    assert [e["sequence_index"] for e in replay.requests(path=TASKS_PATH)] == [0, 1, 2]


def sequence_fixture(after_last: str) -> dict:
    answers = [{"status": 200, "headers": {"content-type": "application/json"},
                "json": {"request_id": f"r{i}", "output": {"task_id": "t", "task_status": status}}}
               for i, status in enumerate(["PENDING", "SUCCEEDED"])]
    return {"mockscope": 1, "name": f"seq-{after_last}", "request": {"method": "GET", "path": f"/api/v1/tasks/{after_last}"},
            "responses": answers, "after_last": after_last}


def test_after_last_cycle_and_error(mockscope_server, tmp_path):
    for mode in ("cycle", "error"):
        (tmp_path / f"{mode}.json").write_text(json.dumps(sequence_fixture(mode)), encoding="utf-8")
    server = mockscope_server("--speed", "0", "--fixtures", str(tmp_path), label="seq-modes")
    auth = {"Authorization": "Bearer k"}

    def poll(mode):
        response = requests.get(f"{server.native_url}/tasks/{mode}", headers=auth, timeout=10)
        return response.status_code, response.json().get("output", {}).get("task_status") or response.json().get("code")
    assert [poll("cycle") for _ in range(3)] == [(200, "PENDING"), (200, "SUCCEEDED"), (200, "PENDING")]
    assert [poll("error") for _ in range(2)] == [(200, "PENDING"), (200, "SUCCEEDED")]
    exhausted = requests.get(f"{server.native_url}/tasks/error", headers=auth, timeout=10)
    assert exhausted.status_code == 400 and exhausted.json()["code"] == "MockScope.NoMatch"
    assert "seq-error has served all its 2 answers" in exhausted.json()["message"]
    requests.post(server.admin_url + "/reset", timeout=10).raise_for_status()
    assert poll("error") == (200, "PENDING")
