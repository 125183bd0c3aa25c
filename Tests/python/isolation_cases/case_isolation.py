"""Per-test isolation on one shared server (issue 18, item 3), run by test_isolation.py with
pytest-xdist workers (-n 3) against ONE MockScope. Every case runs in three copies, and every
copy uses the same API key and model: without X-MockScope-Test-Id they would share one journal,
one scenario count, one rate-limit window, one sequence position and one conduct report, and
all but the first copy to run would fail."""

from __future__ import annotations

import dashscope
import openai
import pytest
from openai import OpenAI

KEY = "sk-isolation-shared"
COPIES = [0, 1, 2]
SCENARIO = "isolation-once-429"


def chat_client(scope, headers) -> OpenAI:
    return OpenAI(api_key=KEY, base_url=scope.compat_url, default_headers=headers, max_retries=0)


def ask(client: OpenAI, text: str, **kwargs) -> str:
    answer = client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": text}], **kwargs)
    return answer.choices[0].message.content


@pytest.mark.parametrize("copy", COPIES)
def test_the_journal_shows_only_this_tests_requests(scope, headers, copy):
    client = chat_client(scope, headers)
    for n in range(3):
        ask(client, f"journal case, copy {copy}, request {n}")
    mine = scope.wait_for_requests(3)
    assert len(mine) == 3, [e["body"] for e in mine]
    assert {e.get("test_id") for e in mine} == {getattr(scope, "test_id", None)}
    assert [f"request {n}" in e["body"] and f"copy {copy}," in e["body"] for n, e in enumerate(mine)] == [True] * 3
    assert scope.count() == 3


@pytest.mark.parametrize("copy", COPIES)
def test_a_times_1_scenario_429_fires_once_per_test(scope, headers, copy):
    client = chat_client(scope, {**headers, "X-Test-Case": "once-429"})
    with pytest.raises(openai.RateLimitError):
        ask(client, f"scenario case, copy {copy}")
    assert ask(client, f"scenario case, copy {copy}")
    assert [e["status"] for e in scope.wait_for_requests(2)] == [429, 200]
    assert scope.scenario(SCENARIO).matched == 2


@pytest.mark.parametrize("copy", COPIES)
def test_a_rate_limit_of_2_per_minute_is_per_test(scope, headers, copy):
    dashscope.base_http_api_url = scope.native_url
    limited = {**headers, "X-MockScope-Fault": "rate_limit rpm=2"}
    statuses = [dashscope.Generation.call(model="qwen-plus", messages=[{"role": "user", "content": f"rate case {copy}/{n}"}],
                                          result_format="message", api_key=KEY, headers=limited).status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize("copy", COPIES)
def test_an_answer_sequence_starts_at_its_first_answer_per_test(scope, headers, copy):
    client = chat_client(scope, headers)
    assert [ask(client, "next answer, please") for _ in range(3)] == ["first", "second", "third"]
    assert [e["sequence_index"] for e in scope.wait_for_requests(3)] == [0, 1, 2]


@pytest.mark.parametrize("manners", ["polite", "rude"])
@pytest.mark.parametrize("copy", [0, 1])
def test_the_conduct_report_judges_this_tests_requests_only(scope, headers, manners, copy):
    client = chat_client(scope, headers)
    if manners == "rude":
        # Asked to wait a second, it retries at once: waited_retry_after fails, for this test only.
        with pytest.raises(openai.RateLimitError):
            ask(client, "conduct case", extra_headers={"X-MockScope-Fault": "http_error status=429 retry_after=1"})
        ask(client, "conduct case")
    else:
        ask(client, f"conduct case, polite {copy}, first")
        ask(client, f"conduct case, polite {copy}, second")
    scope.wait_for_requests(2)
    clients = scope.conduct()["clients"]
    assert [(c["requests"], c["verdict"]) for c in clients] == [(2, "fail" if manners == "rude" else "pass")]
    checks = {c["name"]: c["verdict"] for c in clients[0]["checks"]}
    assert checks["waited_retry_after"] == ("fail" if manners == "rude" else "not_seen")
