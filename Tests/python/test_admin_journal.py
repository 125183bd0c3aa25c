"""The request journal over the admin API (GET/DELETE /__admin/requests, /requests/count):
every filter, the ring's bound (--journal-size), and that no API key ever appears in it.

Requests are sent with plain `requests` so each one is exactly one journal entry."""

from __future__ import annotations

from typing import Dict, Optional

import pytest
import requests

import expected as E
from mockscope_support import eventually, fault_headers, fingerprint

CHAT = "/compatible-mode/v1/chat/completions"
NATIVE = "/api/v1/services/aigc/text-generation/generation"
KEY_A = "sk-journal-alpha-0001"
KEY_B = "sk-journal-bravo-0002"
SECRET_KEY = "sk-journal-secret-" + "9f8e7d6c5b4a3210"
CASE = "X-Test-Case"


def _session() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    return s


def chat(srv, key: Optional[str], body: dict, headers: Optional[Dict[str, str]] = None, stream: bool = False):
    h = dict(headers or {})
    if key is not None:
        h["Authorization"] = f"Bearer {key}"
    with _session() as s:
        r = s.post(srv.base + CHAT, json=body, headers=h, timeout=10, stream=stream)
        r.content  # read it all
        return r


def who(srv, key=KEY_A, headers=None):
    return chat(srv, key, {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES}, headers)


def native_who(srv, key=KEY_B, headers=None):
    body = {"model": E.WHO_ARE_YOU_MODEL, "input": {"messages": E.WHO_ARE_YOU_MESSAGES},
            "parameters": {"result_format": "message"}}
    with _session() as s:
        return s.post(srv.base + NATIVE, json=body, headers={"Authorization": f"Bearer {key}", **(headers or {})},
                      timeout=10)


@pytest.fixture(scope="module")
def journal_server(mockscope_server):
    """Its own server, so every entry in its journal was sent by this module."""
    return mockscope_server("--speed", "0", label="journal")


@pytest.fixture
def journal(journal_server):
    journal_server.clear()
    return journal_server


@pytest.fixture
def sent(journal):
    """Six exchanges of different kinds; returns their statuses in order."""
    statuses = [
        who(journal, KEY_A, {CASE: "one"}).status_code,                                      # 1 compat 200
        chat(journal, KEY_A, {"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True},
             {CASE: "two"}).status_code,                                                    # 2 compat stream 200
        native_who(journal, KEY_B, {CASE: "three"}).status_code,                             # 3 native 200
        chat(journal, KEY_B, {"model": "qwen-max", "messages": E.WHO_ARE_YOU_MESSAGES}).status_code,  # 4 no match 400
        who(journal, None).status_code,                                                      # 5 no key 401
        who(journal, KEY_A, fault_headers("http_error status=503")).status_code,             # 6 fault 503
    ]
    assert statuses == [200, 200, 200, 400, 401, 503], statuses
    journal.wait_for_requests(6)  # journaled at once; wait for their outcomes (bytes_sent, ...)
    return statuses


def ids(entries):
    return [e["id"] for e in entries]


def test_entries_record_each_exchange(journal, sent):
    entries = journal.requests()
    assert len(entries) == 6 and ids(entries) == sorted(ids(entries))
    first, story, native, miss, nokey, fault = entries
    assert (first["method"], first["path"], first["status"]) == ("POST", CHAT, 200)
    assert first["fixture"] == "compat/qwen-plus/who-are-you" and first["model"] == "qwen-plus"
    assert first["stream"] is False and story["stream"] is True
    assert first["bytes_sent"] > 0 and first["duration_ms"] >= 0 and first["client_went_away"] is False
    assert first["headers"][CASE.lower()] == "one"
    assert first["api_key"] == fingerprint(KEY_A) and native["api_key"] == fingerprint(KEY_B)
    assert story["fixture"] == "compat/qwen-turbo/tell-a-story.stream"
    assert native["path"] == NATIVE and native["fixture"] == "native/qwen-plus/who-are-you"
    assert miss["status"] == 400 and miss["fixture"] is None and "qwen-max" in (miss["near_miss"] or "")
    assert nokey["status"] == 401 and nokey["api_key"] is None and nokey["error"]
    assert fault["status"] == 503 and fault["faults"] == ["http_error status=503"]


def test_filter_by_path_exact_and_prefix(journal, sent):
    assert journal.count(path=CHAT) == 5
    assert journal.count(path="/compatible-mode/*") == 5
    assert journal.count(path="/api/*") == 1
    assert [e["path"] for e in journal.requests(path="/api/v1/*")] == [NATIVE]
    assert journal.count(path="/compatible-mode") == 0, "a path without * is exact, not a prefix"


def test_filter_by_header(journal, sent):
    two = journal.requests(header=f"{CASE}: two")
    assert len(two) == 1 and two[0]["stream"] is True
    assert journal.count(header=(CASE.lower(), "three")) == 1, "header names are case-insensitive"
    assert journal.count(header={CASE: "thre"}) == 0, "header values compare exactly"
    assert journal.count(header="X-MockScope-Fault: http_error status=503") == 1


def test_filter_by_fixture_and_model(journal, sent):
    # 1, and 6: a fault rewrites the answer, the entry still names the fixture that matched
    assert ids(journal.requests(fixture="compat/qwen-plus/who-are-you")) == [ids(journal.requests())[i] for i in (0, 5)]
    assert journal.count(fixture="native/qwen-plus/who-are-you") == 1
    assert journal.count(model="qwen-turbo") == 1
    assert journal.count(model="qwen-plus") == 3  # 1, 3 and 6 (5 was refused before its body was read)
    assert journal.count(model="qwen-max") == 1


def test_filter_by_api_key_fingerprint(journal, sent):
    a = journal.requests(api_key=fingerprint(KEY_A))
    assert len(a) == 3 and {e["api_key"] for e in a} == {fingerprint(KEY_A)}
    assert journal.count(api_key=KEY_B) == 2, "the helper fingerprints a raw key"
    # The server compares fingerprints: the raw key itself selects nothing.
    r = journal.admin("GET", "/requests/count", params={"api_key": KEY_A})
    assert r.status_code == 200 and r.json()["count"] == 0


def test_filter_by_status_method_after_and_limit(journal, sent):
    all_ids = ids(journal.requests())
    assert journal.count(status=200) == 3 and journal.count(status=400) == 1 and journal.count(status=503) == 1
    assert journal.count(method="post") == 6 and journal.count(method="GET") == 0
    assert ids(journal.requests(after=all_ids[3])) == all_ids[4:]
    assert ids(journal.requests(limit=2)) == all_ids[-2:], "limit keeps the newest"
    assert ids(journal.requests(status=200, limit=1)) == [all_ids[2]]
    page = journal.journal(limit=2)
    assert page["count"] == 2 and page["total"] >= 6


def test_filters_combine(journal, sent):
    assert journal.count(path=CHAT, api_key=KEY_A, status=200) == 2
    assert journal.count(path=CHAT, api_key=KEY_B, status=200) == 0


def test_bad_filters_are_refused(journal):
    for params, word in (({"limit": "0"}, "limit"), ({"status": "ok"}, "status"), ({"after": "x"}, "after"),
                         ({"header": "no-colon"}, "header"), ({"colour": "red"}, "unknown filter")):
        r = journal.admin("GET", "/requests", params=params)
        assert r.status_code == 400 and word in r.json()["error"], (params, r.text)


def test_clear_empties_it_and_ids_go_on(journal, sent):
    last = ids(journal.requests())[-1]
    total = journal.journal()["total"]
    journal.clear()
    assert journal.count() == 0 and journal.requests() == []
    who(journal)
    journal.wait_for_requests(1)
    after = journal.journal()
    assert after["count"] == 1 and after["requests"][0]["id"] == last + 1
    assert after["total"] == total + 1, "total counts every entry ever recorded"


def test_admin_requests_are_not_journaled(journal):
    journal.status()
    journal.fixtures()
    assert journal.count() == 0


def test_ring_keeps_only_the_newest(mockscope_server):
    srv = mockscope_server("--speed", "0", "--journal-size", "5", label="journal size 5")
    for i in range(8):
        assert who(srv, headers={CASE: f"ring-{i}"}).status_code == 200
    page = eventually(srv.journal, lambda p: p["total"] >= 8, describe=lambda p: f"total {p['total']}",
                      message="8 exchanges journaled")
    assert page["total"] == 8
    assert page["count"] == 5 and len(page["requests"]) == 5
    assert [e["headers"][CASE.lower()] for e in page["requests"]] == [f"ring-{i}" for i in range(3, 8)]
    assert ids(page["requests"]) == list(range(4, 9))
    assert srv.count() == 5 and srv.count(header=f"{CASE}: ring-0") == 0


def test_no_api_key_in_the_journal(journal):
    """The key never appears: not in the Authorization header, not in another key header, not in
    the body (`user` is no deciding field: the fixture still answers), not in the conduct report,
    not in the server's log."""
    body = {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES, "user": f"my key is {SECRET_KEY}"}
    r = chat(journal, SECRET_KEY, body, {"X-DashScope-ApiKey": SECRET_KEY, "X-Api-Key": SECRET_KEY})
    assert r.status_code == 200
    r = native_who(journal, SECRET_KEY, {"X-DashScope-Token": SECRET_KEY})
    assert r.status_code == 200
    r = chat(journal, SECRET_KEY, {"model": "qwen-max", "messages": E.WHO_ARE_YOU_MESSAGES})
    assert r.status_code == 400
    journal.wait_for_requests(3)
    raw = journal.admin("GET", "/requests").text
    assert journal.count() == 3
    assert SECRET_KEY not in raw
    assert SECRET_KEY[3:] not in raw and SECRET_KEY[-12:] not in raw, "a part of the key leaked"
    entry = journal.requests()[0]
    assert entry["fixture"] == "compat/qwen-plus/who-are-you"
    assert entry["headers"]["authorization"] == "Bearer REDACTED"
    assert entry["headers"]["x-dashscope-apikey"] == "REDACTED" and entry["headers"]["x-api-key"] == "REDACTED"
    assert "my key is REDACTED" in entry["body"]
    assert journal.requests()[1]["headers"]["x-dashscope-token"] == "REDACTED"
    assert {e["api_key"] for e in journal.requests()} == {fingerprint(SECRET_KEY)}
    assert SECRET_KEY not in journal.admin("GET", "/conduct").text
    assert SECRET_KEY not in journal.log_text(), "the key reached the server's log"


def test_no_api_key_in_a_near_miss(journal):
    body = {"model": E.WHO_ARE_YOU_MODEL, "messages": [{"role": "user", "content": f"my key is {SECRET_KEY}"}]}
    r = chat(journal, SECRET_KEY, body)
    assert r.status_code == 400  # no fixture for this question: a near miss
    entry = journal.wait_for_requests(1)[-1]
    assert SECRET_KEY not in entry["body"]
    assert SECRET_KEY not in (entry["near_miss"] or ""), "near_miss carries the key"
    assert SECRET_KEY not in journal.log_text(), "the near-miss log line carries the key"


def test_an_answer_read_is_already_journaled(journal):
    """No wait needed: the journal has the exchange before the client has its answer (the openai
    SDK reads the whole body before it returns). Its outcome follows within a moment."""
    import openai
    client = openai.OpenAI(api_key=KEY_A, base_url=journal.compat_url, timeout=10, max_retries=0)
    for n in range(1, 21):
        client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
        assert journal.count() == n, f"round {n}: the journal lags the answer"
    entries = journal.wait_for_requests(20)
    assert all(e["complete"] and e["bytes_sent"] > 0 for e in entries)
