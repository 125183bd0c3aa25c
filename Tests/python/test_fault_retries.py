"""Scenario burst-429-then-recover (scenarios/burst-429-then-recover.yaml): the
first 2 matched requests get 429, then all succeed. What each client makes of
it (client-behaviour.md §0, §2, §4.3, checked in source):
- openai 3.54.0 retries 429 (openai/_base_client.py:BaseClient._should_retry)
  up to max_retries, sending x-stainless-retry-count = attempt number
  (BaseClient._build_headers), backing off ~0.4-0.5 s then ~0.75-1 s
  (_calculate_retry_timeout);
- dashscope.v2.Client retries 429 on non-stream calls, 2 retries by default
  (dashscope/v2/transport/http.py:SyncTransport.request);
- the dashscope 1.x API never retries on a status and never raises
  (api_entities/http_request.py:_send_with_retry, _handle_response).
"""

from __future__ import annotations

import openai
import pytest

import expected as E
from fault_support import (
    COMPAT_ERRORS, NATIVE_ERRORS, ask_who, matched, native_who, openai_client, point_dashscope,
    reset_scenario, v2_client,
)

NAME = "burst-429-then-recover"


@pytest.fixture
def burst(scenario_server):
    srv = scenario_server("--scenario", NAME)
    reset_scenario(srv, NAME)
    return srv


def test_openai_default_retries_recover(burst):
    sent = []
    client = openai_client(burst, max_retries=2, record=sent)
    last = burst.requests(limit=1)
    completion = ask_who(client)
    assert completion.choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert completion._request_id == E.WHO_ARE_YOU_REQUEST_ID
    assert sent == ["0", "1", "2"], sent
    assert matched(burst, NAME) == 3
    # The two backoffs, from the journal's arrival times: 0.5 s then 1 s, each less up to 25 %
    # jitter (no Retry-After on these 429s), and loosely bounded: under 5 s in all.
    attempts = burst.wait_for_requests(3, after=last[0]["id"] if last else None)
    assert [e["status"] for e in attempts] == [429, 429, 200], attempts
    first, second = (b["clock_ms"] - a["clock_ms"] for a, b in zip(attempts, attempts[1:]))
    assert first >= 375 and second >= 750, f"backoffs of {first:.0f} ms and {second:.0f} ms"
    assert first + second < 5000, f"two backoffs took {first + second:.0f} ms"


def test_openai_retries_run_out(burst):
    sent = []
    client = openai_client(burst, max_retries=1, record=sent)
    with pytest.raises(openai.RateLimitError) as info:
        ask_who(client)
    e = info.value
    code, message = COMPAT_ERRORS[429]
    assert e.status_code == 429
    assert e.code == "limit_requests" == code
    assert e.message == f"Error code: 429 - {message}"
    assert e.request_id and e.request_id == e.response.headers.get("x-request-id")
    assert e.request_id == e.response.json().get("request_id")
    assert sent == ["0", "1"], sent
    assert matched(burst, NAME) == 2
    # the burst is over: the next request is the scenario's 3rd and succeeds
    assert ask_who(openai_client(burst, max_retries=0)).choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert matched(burst, NAME) == 3


def test_openai_no_retries_sees_each_429(burst):
    client = openai_client(burst, max_retries=0)
    for _ in range(2):
        with pytest.raises(openai.RateLimitError):
            ask_who(client)
    assert ask_who(client).choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert matched(burst, NAME) == 3


def test_dashscope_429_shape_no_retry(burst, monkeypatch):
    point_dashscope(monkeypatch, burst)
    resp = native_who()
    code, message = NATIVE_ERRORS[429]
    assert resp.status_code == 429
    assert resp.code == "Throttling.RateQuota" == code
    assert resp.message == message
    assert resp.output is None
    assert resp.request_id and resp.request_id == resp.headers.get("x-request-id")
    assert matched(burst, NAME) == 1, "the 1.x API must not retry a 429"
    assert native_who().status_code == 429
    ok = native_who()
    assert ok.status_code == 200, (ok.code, ok.message)
    assert ok.output.choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert matched(burst, NAME) == 3


def test_dashscope_v2_default_retries_recover(burst, tmp_path):
    client = v2_client(burst, tmp_path)
    completion = client.chat.completions.create(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    assert completion.choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert matched(burst, NAME) == 3


def test_stream_request_429_is_retried_by_openai(burst):
    """A 429 arrives before any stream byte, so openai retries stream requests too."""
    sent = []
    chunks = list(openai_client(burst, max_retries=2, record=sent).chat.completions.create(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True))
    assert sent == ["0", "1", "2"]
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert matched(burst, NAME) == 3
