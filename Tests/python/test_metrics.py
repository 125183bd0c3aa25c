"""GET /__admin/metrics, read with the Prometheus text parser (prometheus-client): request
counts by path, status and fixture; faults fired by kind; bytes sent; the active-streams gauge;
the match-duration histogram."""

from __future__ import annotations

from typing import Dict, FrozenSet, Tuple

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

import expected as E
from mockscope_support import eventually, fault_headers

CHAT = "/compatible-mode/v1/chat/completions"
NATIVE = "/api/v1/services/aigc/text-generation/generation"
WHO = "compat/qwen-plus/who-are-you"
NATIVE_WHO = "native/qwen-plus/who-are-you"
AUTH = {"Authorization": f"Bearer {E.API_KEY}"}

Samples = Dict[Tuple[str, FrozenSet[Tuple[str, str]]], float]


def scrape(srv) -> Tuple[Dict[str, str], Samples]:
    """The metric families' types and every sample, keyed by (sample name, labels)."""
    r = srv.admin("GET", "/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain"), r.headers
    types: Dict[str, str] = {}
    samples: Samples = {}
    for family in text_string_to_metric_families(r.text):
        types[family.name] = family.type
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return types, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests_total(samples: Samples, path: str, status: int, fixture: str) -> float:
    return value(samples, "mockscope_requests_total", path=path, status=str(status), fixture=fixture)


def post(srv, path: str, body: dict, headers=None, stream: bool = False) -> requests.Response:
    with requests.Session() as s:
        s.trust_env = False
        r = s.post(srv.base + path, json=body, headers={**AUTH, **(headers or {})}, timeout=10, stream=stream)
        r.content
        return r


def settle(srv, total: int, timeout: float = 5.0) -> None:
    """Waits until the server has finished `total` exchanges in all. An exchange is journaled when
    its answer is decided and completed (metrics counted first) a moment after the client has
    read the answer: wait for the journal's entries to be complete before reading metrics."""
    eventually(srv.journal, lambda page: page["total"] >= total and all(e["complete"] for e in page["requests"]),
               timeout=timeout, message=f"the server to finish {total} exchanges in all",
               describe=lambda page: f"{page['total']} journaled, "
                                     f"{sum(1 for e in page['requests'] if not e['complete'])} of them not complete")


def who(srv, headers=None):
    return post(srv, CHAT, {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES}, headers)


def native_who(srv):
    return post(srv, NATIVE, {"model": E.WHO_ARE_YOU_MODEL, "input": {"messages": E.WHO_ARE_YOU_MESSAGES},
                              "parameters": {"result_format": "message"}})


@pytest.fixture(scope="module")
def metrics_server(mockscope_server):
    """Its own server: its counters count only what this module sends."""
    return mockscope_server("--speed", "0", label="metrics")


def test_families_and_types(metrics_server):
    types, samples = scrape(metrics_server)
    assert types["mockscope_active_streams"] == "gauge"
    assert types["mockscope_open_requests"] == "gauge"
    assert types["mockscope_bytes_sent"] == "counter"
    assert types["mockscope_match_duration_seconds"] == "histogram"
    assert value(samples, "mockscope_active_streams") == 0


def test_requests_by_path_status_and_fixture(metrics_server):
    srv = metrics_server
    _, before = scrape(srv)
    total_before = srv.journal()["total"]
    for _ in range(3):
        assert who(srv).status_code == 200
    for _ in range(2):
        assert native_who(srv).status_code == 200
    assert post(srv, CHAT, {"model": "qwen-max", "messages": E.WHO_ARE_YOU_MESSAGES}).status_code == 400
    assert post(srv, CHAT, {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES},
                {"Authorization": ""}).status_code == 401
    with requests.Session() as s:
        s.trust_env = False
        assert s.get(srv.base + "/no/such/path", timeout=10).status_code == 404
    settle(srv, total_before + 8)
    _, after = scrape(srv)

    def grew(path, status, fixture):
        return requests_total(after, path, status, fixture) - requests_total(before, path, status, fixture)

    assert grew(CHAT, 200, WHO) == 3
    assert grew(NATIVE, 200, NATIVE_WHO) == 2
    assert grew(CHAT, 400, "(none)") == 1
    assert grew(CHAT, 401, "(none)") == 1
    assert grew("other", 404, "(none)") == 1
    every = sum(v for (name, _), v in after.items() if name == "mockscope_requests_total")
    assert every == srv.journal()["total"], "requests_total counts every journaled exchange"


def test_bytes_sent_match_the_journal(mockscope_server):
    srv = mockscope_server("--speed", "0", label="metrics bytes")
    who(srv)
    post(srv, CHAT, {"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True})
    entries = srv.wait_for_requests(2)
    _, samples = scrape(srv)
    assert value(samples, "mockscope_bytes_sent_total") == sum(e["bytes_sent"] for e in entries) > 0


def test_faults_by_kind(metrics_server):
    srv = metrics_server
    _, before = scrape(srv)
    n = srv.journal()["total"]
    assert who(srv, fault_headers("latency ms=1", "http_error status=500")).status_code == 500
    assert who(srv, fault_headers("http_error status=429")).status_code == 429
    settle(srv, n + 2)
    _, after = scrape(srv)

    def grew(kind):
        return value(after, "mockscope_faults_total", kind=kind) - value(before, "mockscope_faults_total", kind=kind)

    assert grew("latency") == 1
    assert grew("http_error") == 2
    assert grew("drop") == 0
    assert requests_total(after, CHAT, 500, WHO) - requests_total(before, CHAT, 500, WHO) == 1


def test_match_duration_histogram_counts_each_request(metrics_server):
    srv = metrics_server
    _, before = scrape(srv)
    n = srv.journal()["total"]
    who(srv)
    native_who(srv)
    settle(srv, n + 2)
    _, after = scrape(srv)
    count = "mockscope_match_duration_seconds_count"
    assert value(after, count) - value(before, count) == 2
    assert value(after, "mockscope_match_duration_seconds_sum") > value(before, "mockscope_match_duration_seconds_sum")
    assert value(after, "mockscope_match_duration_seconds_bucket", le="+Inf") == value(after, count)


def test_active_streams_gauge_during_a_stream(mockscope_server):
    """At speed 1 the story stream lasts about 0.9 s: the gauge is 1 while it is open, 0 after."""
    srv = mockscope_server(label="metrics speed1")
    body = {"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True}
    with requests.Session() as s:
        s.trust_env = False
        with s.post(srv.compat_url + "/chat/completions", json=body, headers=AUTH, stream=True, timeout=10) as r:
            assert r.status_code == 200
            lines = r.iter_lines()
            first = next(line for line in lines if line)
            assert first.startswith(b"data:")
            _, during = scrape(srv)
            assert value(during, "mockscope_active_streams") == 1
            rest = [line for line in lines if line]
            assert rest[-1] == b"data: [DONE]"
    eventually(lambda: value(scrape(srv)[1], "mockscope_active_streams"), lambda gauge: gauge == 0,
               message="the mockscope_active_streams gauge back to 0 after the stream ended")
