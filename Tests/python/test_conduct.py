"""The client conduct report (GET /__admin/conduct) and the helper that asserts on it
(MockScope.assert_good_conduct): a client that honours Retry-After passes; one that retries
at once and retries a 401 fails, with the failing checks' details in the AssertionError."""

from __future__ import annotations

import openai
import pytest
import requests

import expected as E
from mockscope_support import fault_headers, fingerprint

CHAT = "/compatible-mode/v1/chat/completions"
CASE = "X-Test-Case"
CHECKS = {"waited_retry_after", "backed_off", "no_retry_on_fatal", "bounded_attempts", "cancelled_stalls"}


@pytest.fixture(scope="module")
def conduct_server(mockscope_server):
    return mockscope_server("--speed", "0", label="conduct")


def client_of(report, key):
    found = [c for c in report["clients"] if c["api_key"] == fingerprint(key)]
    assert len(found) == 1, report
    return found[0]


def checks_of(report, key):
    return {c["name"]: c for c in client_of(report, key)["checks"]}


def test_a_client_that_honours_retry_after_passes(conduct_server):
    srv = conduct_server
    key = "sk-conduct-good-0001"
    burst = srv.scenario({
        "name": "conduct-burst-retry-after",
        "match": {"headers": {CASE: "conduct-good"}},
        "steps": [{"times": 2, "faults": ["http_error status=429 retry_after=1"]}, {"faults": []}],
    })
    client = openai.OpenAI(api_key=key, base_url=srv.compat_url, max_retries=3, timeout=10,
                           default_headers={CASE: "conduct-good"})
    completion = client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    assert completion.choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert burst.matched == 3
    entries = srv.wait_for_requests(3, api_key=key)
    assert [e["status"] for e in entries] == [429, 429, 200]
    # The journal's arrival times: each retry came at least the 1 s Retry-After after the 429.
    gaps = [b["clock_ms"] - a["clock_ms"] for a, b in zip(entries, entries[1:])]
    assert all(gap >= 1000 for gap in gaps), f"the SDK did not wait the 1 s Retry-After twice: gaps {gaps} ms"

    passed = srv.assert_good_conduct(api_key=key, checks=["waited_retry_after", "bounded_attempts"])
    assert passed["clients"][0]["verdict"] == "pass"
    srv.assert_good_conduct(api_key=key)  # and nothing failed
    report = srv.conduct()
    client_report = client_of(report, key)
    assert client_report["requests"] == 3 and client_report["retries"] == 2
    checks = checks_of(report, key)
    assert set(checks) == CHECKS
    assert checks["waited_retry_after"]["verdict"] == "pass"
    assert checks["no_retry_on_fatal"]["verdict"] == "not_seen"
    with pytest.raises(AssertionError, match="no_retry_on_fatal was not exercised"):
        srv.assert_good_conduct(api_key=key, checks=["no_retry_on_fatal"])
    burst.delete()


def test_a_client_that_stops_at_a_401_passes_no_retry_on_fatal(conduct_server):
    srv = conduct_server
    key = "sk-conduct-polite-0003"
    client = openai.OpenAI(api_key=key, base_url=srv.compat_url, max_retries=3, timeout=10,
                           default_headers=fault_headers("http_error status=401"))
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    srv.wait_for_requests(1, api_key=key)
    srv.assert_good_conduct(api_key=key, checks=["no_retry_on_fatal"])


def test_a_bad_client_fails_with_details(conduct_server):
    """Retries a 429 at once, three times, ignoring Retry-After; then retries a 401."""
    srv = conduct_server
    key = "sk-conduct-bad-0002"
    s = requests.Session()
    s.trust_env = False
    auth = {"Authorization": f"Bearer {key}"}
    body = {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES}
    for _ in range(3):
        r = s.post(srv.base + CHAT, json=body, timeout=10,
                   headers={**auth, **fault_headers("http_error status=429 retry_after=1")})
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
    other = {"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True}
    for _ in range(2):
        r = s.post(srv.base + CHAT, json=other, timeout=10, headers={**auth, **fault_headers("http_error status=401")})
        assert r.status_code == 401
    srv.wait_for_requests(5, api_key=key)

    with pytest.raises(AssertionError) as info:
        srv.assert_good_conduct(api_key=key)
    message = str(info.value)
    assert "waited_retry_after failed" in message and "asked for 1000 ms" in message, message
    assert "no_retry_on_fatal failed" in message and "HTTP 401" in message, message
    assert fingerprint(key) in message and key not in message

    with pytest.raises(AssertionError, match="no_retry_on_fatal"):
        srv.assert_good_conduct(api_key=key, checks=["no_retry_on_fatal"])
    with pytest.raises(AssertionError, match="waited_retry_after"):
        srv.assert_good_conduct(api_key=fingerprint(key), checks=["waited_retry_after"])
    report = srv.conduct()
    bad = client_of(report, key)
    assert bad["verdict"] == "fail" and bad["requests"] == 5 and bad["retries"] == 3
    checks = checks_of(report, key)
    assert checks["waited_retry_after"]["verdict"] == "fail"
    assert checks["no_retry_on_fatal"]["verdict"] == "fail"
    assert checks["bounded_attempts"]["verdict"] == "pass"
    # every client at once: the bad one makes it fail
    with pytest.raises(AssertionError, match=fingerprint(key)):
        srv.assert_good_conduct()


def test_asking_about_an_unknown_client_fails(conduct_server):
    with pytest.raises(AssertionError, match="no requests from API key"):
        conduct_server.assert_good_conduct(api_key="sk-never-used-anywhere")


def test_repeating_a_successful_request_is_not_a_retry(conduct_server):
    srv = conduct_server
    key = "sk-conduct-repeat-0004"
    s = requests.Session()
    s.trust_env = False
    body = {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES}
    for _ in range(8):
        assert s.post(srv.base + CHAT, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code == 200
    srv.wait_for_requests(8, api_key=key)
    assert client_of(srv.conduct(), key)["retries"] == 0
    srv.assert_good_conduct(api_key=key)
