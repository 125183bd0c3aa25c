"""Per-test isolation on one shared server (issue 18, item 3; docs/admin-api.md, "Running tests
in parallel"): ONE MockScope started here, and a pytest-xdist run of isolation_cases/ with three
workers against it ($MOCKSCOPE_URL), each case in several copies that would collide without
X-MockScope-Test-Id. Then the shared journal is read back: every test's entries are its own,
and they came from more than one worker."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parent / "isolation_cases"
CASE_COUNT = 16  # case_isolation.py: four cases in three copies, the conduct case in four
CASES_BY_NAME = {
    "test_the_journal_shows_only_this_tests_requests",
    "test_a_times_1_scenario_429_fires_once_per_test",
    "test_a_rate_limit_of_2_per_minute_is_per_test",
    "test_an_answer_sequence_starts_at_its_first_answer_per_test",
    "test_the_conduct_report_judges_this_tests_requests_only",
}


@pytest.fixture(scope="module")
def shared(mockscope_server):
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", "--fixtures", str(CASES / "fixtures"),
                            "--scenario", str(CASES / "scenarios" / "isolation-once-429.yaml"), label="isolation")


def run_workers(server, *extra: str, env=None) -> subprocess.CompletedProcess:
    # Only the plugins the cases use: every worker loading every installed one (schemathesis,
    # hypothesis, langsmith, ...) took three times as long.
    env = {**os.environ, "MOCKSCOPE_URL": server.base_url, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
           **(env or {})}
    command = [sys.executable, "-m", "pytest", "-c", str(CASES / "pytest.ini"), "--rootdir", str(CASES),
               "-p", "no:cacheprovider", "-p", "xdist", "-p", "mockscope_client.plugin", "-n", "3", "-q", *extra, str(CASES)]
    return subprocess.run(command, env=env, cwd=CASES, capture_output=True, text=True, timeout=120)


def test_parallel_workers_share_one_server_without_seeing_each_other(shared):
    run = run_workers(shared)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert f"{CASE_COUNT} passed" in output, output
    assert "bringing up nodes" in output, output  # pytest-xdist's workers ran them

    entries = shared.requests()
    by_test = collections.defaultdict(list)
    for entry in entries:
        by_test[entry.get("test_id")].append(entry)
    assert None not in by_test, "a case request without X-MockScope-Test-Id"
    assert len(by_test) == CASE_COUNT, sorted(by_test)
    # Each test id names one test (its node id), and each test's requests came from one worker.
    workers = {test: {e["headers"].get("x-isolation-worker") for e in mine} for test, mine in by_test.items()}
    assert all(len(w) == 1 for w in workers.values()), workers
    assert len(set().union(*workers.values())) >= 2, f"every case ran in one worker: {workers}"
    assert all("case_isolation.py::" in test for test in by_test), sorted(by_test)


def test_the_cases_fail_when_the_tests_share_one_scope(shared):
    """The control: the same cases with no test id, querying the whole server (every test in its
    one scope). Each case must fail in some copy, or it would prove nothing."""
    run = run_workers(shared, "-rf", env={"ISOLATION_SHARED_SCOPE": "1"})
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    failed = {line.split("::")[1].split("[")[0] for line in run.stdout.splitlines() if line.startswith("FAILED ")}
    assert failed == CASES_BY_NAME, output


def test_mockscope_test_is_this_tests_view_of_the_session_server(mockscope_test, request):
    from openai import OpenAI

    assert mockscope_test.test_id == request.node.nodeid
    client = OpenAI(api_key="sk-test", base_url=mockscope_test.compat_url, default_headers=mockscope_test.headers)
    client.chat.completions.create(model="qwen-plus", messages=[{"role": "system", "content": "You are a helpful assistant."},
                                                                {"role": "user", "content": "你是谁？"}])
    [entry] = mockscope_test.wait_for_requests(1)
    assert entry["test_id"] == request.node.nodeid and entry["fixture"] == "compat/qwen-plus/who-are-you"
    assert mockscope_test.server.count(test_id="someone-else") == 0
    assert mockscope_test.reset() == {"reset": True, "test_id": request.node.nodeid}
    assert mockscope_test.count() == 0


def test_a_long_or_non_ascii_test_name_is_sent_as_a_hash():
    from mockscope_client import id_for_test

    assert id_for_test("tests/test_a.py::test_b[x-1]") == "tests/test_a.py::test_b[x-1]"
    for name in ("tests/test_a.py::test_b[讲个故事]", "t" * 201):
        hashed = id_for_test(name)
        assert hashed.startswith("t-") and len(hashed) == 34 and hashed == id_for_test(name)
    assert id_for_test("a" * 201) != id_for_test("b" * 201)


def test_a_test_id_the_server_cannot_use_is_the_protocols_400(shared):
    import requests

    answer = requests.post(shared.compat_url + "/chat/completions", timeout=10,
                           headers={"Authorization": "Bearer sk-test", "X-MockScope-Test-Id": "x" * 257},
                           json={"model": "qwen-plus", "messages": [{"role": "user", "content": "hi"}]})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "mockscope_bad_fault" and "X-MockScope-Test-Id: at most 256 bytes" in error["message"]
