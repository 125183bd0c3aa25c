"""Faults on forwarded traffic (record modes): a fault that answers (an error, a rate limit's 429)
keeps the request from being forwarded; a fault that breaks a stream changes only the client's
copy, and the recorder saves the upstream's own bytes; the journal says which."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from mockscope_support import eventually
from record_upstream import Upstream

KEY = "sk-test-0000-recordfaults"
UPSTREAM_EVENTS = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: {"n":3}\n\n', "data: [DONE]\n\n"]


@pytest.fixture
def upstream():
    up = Upstream()
    yield up
    up.stop()


@pytest.fixture
def recorder(upstream, tmp_path, mockscope_server):
    server = mockscope_server("--record", "all", "--upstream", upstream.base, "--record-to", str(tmp_path / "rec"),
                              "--speed", "0", label="record-faults")
    server.folder = tmp_path / "rec"
    return server


def _post(server, model: str, fault: str | None, *, stream: bool = True, content: str = "hello"):
    headers = {"Authorization": f"Bearer {KEY}"}
    if fault:
        headers["X-MockScope-Fault"] = fault
    body = {"model": model, "messages": [{"role": "user", "content": content}], "stream": stream}
    return httpx.Client(timeout=30, trust_env=False), body, headers


def _stream_text(server, model: str, fault: str | None, content: str = "hello"):
    """(status, text received, error or None) of a streamed request."""
    client, body, headers = _post(server, model, fault, content=content)
    received = b""
    with client:
        try:
            with client.stream("POST", server.compat_url + "/chat/completions", json=body, headers=headers) as r:
                for chunk in r.iter_raw():
                    received += chunk
                return r.status_code, received.decode(), None
        except httpx.HTTPError as error:
            return 200, received.decode(), error


def _recorded(server) -> list:
    """Each recorded fixture's events (joined), once the recorder has written them."""
    files = eventually(lambda: sorted(server.folder.rglob("*.json")), until=bool, timeout=10)
    return [json.loads(p.read_text()) for p in files]


def _journal_recording(server, model: str) -> str:
    def entry():
        entries = [e for e in server.requests(model=model) if e.get("recording") not in (None, "pending")]
        return entries[-1]["recording"] if entries else None
    return eventually(entry, until=bool, timeout=10)


def test_stream_error_changes_the_clients_copy_and_the_upstreams_bytes_are_recorded(recorder, upstream):
    status, text, error = _stream_text(recorder, "test-stream", "stream_error after_events=1")
    assert (status, error) == (200, None)
    assert text.startswith(UPSTREAM_EVENTS[0])
    assert '"error"' in text and "[DONE]" not in text and '"n":2' not in text
    fixture, = _recorded(recorder)
    assert [e["data"] for e in fixture["response"]["events"]] == UPSTREAM_EVENTS
    assert upstream.count == 1
    recording = _journal_recording(recorder, "test-stream")
    assert recording.startswith("recorded the upstream's bytes") and "client's copy" in recording
    entry = recorder.requests(model="test-stream")[-1]
    assert entry["forwarded"] is True and entry["faults"] == ["stream_error after_events=1 code=data_inspection_failed"]


def test_http_error_and_a_rate_limit_answer_without_forwarding(recorder, upstream):
    client, body, headers = _post(recorder, "test-stream", "http_error status=429", stream=False)
    with client:
        r = client.post(recorder.compat_url + "/chat/completions", json=body, headers=headers)
    assert r.status_code == 429 and r.json()["error"]["code"] == "limit_requests"
    assert upstream.count == 0
    assert not list(recorder.folder.rglob("*.json")) if recorder.folder.exists() else True
    entry = recorder.requests(model="test-stream")[-1]
    assert entry["forwarded"] is False and "recording" not in entry
    # A rate limit: the first request goes upstream, the second is refused before it.
    client, body, headers = _post(recorder, "test-echo", "rate_limit rpm=1", stream=False)
    with client:
        first = client.post(recorder.compat_url + "/chat/completions", json=body, headers=headers)
        second = client.post(recorder.compat_url + "/chat/completions", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (200, 429)
    assert upstream.count == 1


def test_stall_and_drop_cut_the_clients_copy_the_recording_is_whole(recorder, upstream):
    status, text, error = _stream_text(recorder, "test-stream", "stall after_events=2 ms=50", content="stalled")
    assert text == "".join(UPSTREAM_EVENTS[:2])
    assert isinstance(error, httpx.RemoteProtocolError), error
    status, text, error = _stream_text(recorder, "test-stream", "drop after_events=1", content="dropped")
    assert text == UPSTREAM_EVENTS[0]
    assert isinstance(error, httpx.RemoteProtocolError), error
    recorded = eventually(lambda: _recorded(recorder), until=lambda f: len(f) == 2, timeout=10)
    for fixture in recorded:
        assert [e["data"] for e in fixture["response"]["events"]] == UPSTREAM_EVENTS
    assert upstream.count == 2


def test_malformed_chunk_rewrites_one_event_and_the_rest_go_on(recorder):
    status, text, error = _stream_text(recorder, "test-stream", "malformed_chunk after_events=1")
    assert error is None
    events = [e + "\n\n" for e in text.split("\n\n") if e]
    assert events[0] == UPSTREAM_EVENTS[0]
    assert "502 Bad Gateway" in events[1]
    assert events[2:] == UPSTREAM_EVENTS[2:]
    fixture, = _recorded(recorder)
    assert [e["data"] for e in fixture["response"]["events"]] == UPSTREAM_EVENTS


def test_a_byte_cut_of_a_whole_answer(recorder):
    client, body, headers = _post(recorder, "test-echo", "stall after_bytes=10 ms=20", stream=False)
    got = b""
    with client:
        with pytest.raises(httpx.HTTPError):
            with client.stream("POST", recorder.compat_url + "/chat/completions", json=body, headers=headers) as r:
                for chunk in r.iter_raw():
                    got += chunk
    assert len(got) == 10
    fixture, = _recorded(recorder)
    assert json.loads(fixture["response"]["body"])["path"] == "/compatible-mode/v1/chat/completions"


def test_scenario_faults_apply_to_forwarded_traffic(recorder, upstream):
    recorder.create_scenario({"name": "cut-live", "match": {"model": "test-stream"},
                              "steps": [{"faults": ["stream_error after_events=2"]}]})
    status, text, error = _stream_text(recorder, "test-stream", None)
    assert text.startswith("".join(UPSTREAM_EVENTS[:2])) and '"error"' in text
    assert recorder.requests(model="test-stream")[-1]["scenarios"] == ["cut-live"]
    fixture, = _recorded(recorder)
    assert [e["data"] for e in fixture["response"]["events"]] == UPSTREAM_EVENTS
