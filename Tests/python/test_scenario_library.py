"""The scenario library (scenarios/*.yaml): every file is well formed, listed
in scenarios/README.md, loads with `mockscope serve --scenario NAME`, and does
what its description says to the real SDKs. (burst-429-then-recover, rpm-limit
and tpm-limit have their own files: test_fault_retries.py, test_fault_rate_limits.py.)"""

from __future__ import annotations

import json
import time

import openai
import pytest
import requests
import yaml
from dashscope.v2 import errors as v2errors

import expected as E
from fault_support import (
    ARREARAGE_MESSAGE, COMPAT_ERRORS, COMPAT_INSPECTION, COMPAT_OUTPUT_INSPECTION, NATIVE_ERRORS,
    NATIVE_INSPECTION,
    active_streams, ask_story, ask_who, collect, matched, native_story, native_who,
    openai_client, point_dashscope, reset_scenario, scenario_info, v2_client,
    wait_for_no_streams,
)
from mockscope_support import REPO_ROOT

SCENARIOS_DIR = REPO_ROOT / "scenarios"
LIBRARY = sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))
EXPECTED_LIBRARY = {
    "arrearage", "burst-429-then-recover", "content-filter", "content-filter-mid-stream",
    "drop-mid-stream", "flaky-5xx", "hang-until-timeout", "invalid-key", "malformed-chunk",
    "rpm-limit", "slow-first-token", "stall-mid-stream", "tpm-limit",
}
TIMEOUT_S = 1.0


def _load(name: str) -> dict:
    return yaml.safe_load((SCENARIOS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _server(scenario_server, name: str, *extra: str):
    srv = scenario_server(*extra, "--scenario", name)
    reset_scenario(srv, name)
    return srv


# --------------------------------------------------------------- the files
def test_library_is_complete():
    assert set(LIBRARY) == EXPECTED_LIBRARY


@pytest.mark.parametrize("name", LIBRARY)
def test_library_file_is_well_formed(name):
    doc = _load(name)
    assert doc.get("name") == name, "name must equal the file name"
    desc = doc.get("description")
    assert isinstance(desc, str) and desc.strip() and "\n" not in desc.strip()
    assert "match" not in doc, "library scenarios select every request"
    steps = doc.get("steps")
    assert isinstance(steps, list) and steps
    for i, step in enumerate(steps):
        assert isinstance(step.get("faults"), list), f"step {i} has no faults list"
        if i < len(steps) - 1:
            assert isinstance(step.get("times"), int), f"step {i} needs times (not the last)"


def test_readme_lists_every_scenario_once():
    text = (SCENARIOS_DIR / "README.md").read_text(encoding="utf-8")
    for name in LIBRARY:
        rows = [line for line in text.splitlines() if line.startswith(f"| `{name}` |")]
        assert len(rows) == 1, f"README.md has {len(rows)} rows for {name}"


@pytest.mark.parametrize("name", LIBRARY)
def test_library_scenario_loads(scenario_server, name):
    srv = _server(scenario_server, name)
    info = scenario_info(srv, name)
    assert info["active"] is True
    assert info["matched"] == 0


# ------------------------------------------------------------ behaviour
def test_flaky_5xx_is_seeded(scenario_server):
    srv = _server(scenario_server, "flaky-5xx", "--seed", "1")
    client = openai_client(srv, max_retries=0)

    def outcome():
        try:
            ask_who(client)
            return 200, None
        except openai.APIStatusError as e:
            return e.status_code, e.code

    first = [outcome() for _ in range(40)]
    assert {o[0] for o in first} <= {200, 500}, first
    assert 1 <= [o[0] for o in first].count(500) <= 15, first
    assert {code for status, code in first if status == 500} == {COMPAT_ERRORS[500][0]}
    assert matched(srv, "flaky-5xx") == 40
    reset_scenario(srv, "flaky-5xx")
    assert [outcome() for _ in range(40)] == first, "reset did not replay the same faults"


def test_slow_first_token(scenario_server):
    srv = _server(scenario_server, "slow-first-token")
    start = time.monotonic()
    stream = ask_story(openai_client(srv, timeout=5))
    first = time.monotonic() - start
    chunks = list(stream)
    assert 1.4 <= first < 4.0, f"first byte after {first:.2f} s"
    assert chunks[-1].choices[0].finish_reason == "stop"
    start = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        ask_who(openai_client(srv, max_retries=0, timeout=TIMEOUT_S))
    assert 0.8 <= time.monotonic() - start <= 3.0


def test_stall_mid_stream(scenario_server, monkeypatch):
    srv = _server(scenario_server, "stall-mid-stream")
    chunks, error = collect(ask_story(openai_client(srv, max_retries=2, timeout=TIMEOUT_S)))
    assert isinstance(error, openai.APITimeoutError), repr(error)
    assert len(chunks) == 3
    point_dashscope(monkeypatch, srv)
    responses, error = collect(native_story(timeout=TIMEOUT_S))
    assert type(error) is requests.exceptions.ConnectionError, repr(error)
    assert len(responses) == 3
    assert matched(srv, "stall-mid-stream") == 2, "a stalled stream was retried"
    wait_for_no_streams(srv, "after two stalled clients left")


def test_drop_mid_stream(scenario_server, monkeypatch, tmp_path):
    srv = _server(scenario_server, "drop-mid-stream")
    chunks, error = collect(ask_story(openai_client(srv, max_retries=2)))
    assert type(error) is openai.APIConnectionError, repr(error)
    assert len(chunks) == 3
    point_dashscope(monkeypatch, srv)
    responses, error = collect(native_story())
    assert type(error) is requests.exceptions.ChunkedEncodingError, repr(error)
    assert len(responses) == 3
    # dashscope v2: not wrapped (client-behaviour.md §2, dashscope/v2/transport/sse.py)
    import httpx

    stream = v2_client(srv, tmp_path).chat.completions.create(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True)
    pieces, error = collect(stream)
    assert isinstance(error, httpx.RemoteProtocolError), repr(error)
    assert len(pieces) == 3
    assert matched(srv, "drop-mid-stream") == 3
    wait_for_no_streams(srv, "after dropped streams")


def test_hang_until_timeout(scenario_server, monkeypatch):
    srv = _server(scenario_server, "hang-until-timeout")
    point_dashscope(monkeypatch, srv)
    start = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        native_who(timeout=TIMEOUT_S)
    assert 0.8 <= time.monotonic() - start <= 3.0
    assert matched(srv, "hang-until-timeout") == 1, "the 1.x API resent a timed-out request"
    wait_for_no_streams(srv, "after the client left a hang")
    r = requests.get(f"{srv.base}/__admin/status", timeout=2)
    assert r.status_code == 200
    assert active_streams(srv) == 0


def test_invalid_key(scenario_server, monkeypatch, tmp_path):
    srv = _server(scenario_server, "invalid-key")
    sent = []
    with pytest.raises(openai.AuthenticationError) as info:
        ask_who(openai_client(srv, max_retries=2, record=sent))
    code, message = COMPAT_ERRORS[401]
    assert (info.value.code, info.value.message) == (code, f"Error code: 401 - {message}")
    assert sent == ["0"], "a 401 was retried"
    point_dashscope(monkeypatch, srv)
    resp = native_who()
    assert (resp.status_code, resp.code, resp.message) == (401, *NATIVE_ERRORS[401])
    with pytest.raises(v2errors.AuthenticationError):
        v2_client(srv, tmp_path).chat.completions.create(
            model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    assert matched(srv, "invalid-key") == 3


def test_arrearage(scenario_server, monkeypatch, tmp_path):
    srv = _server(scenario_server, "arrearage")
    with pytest.raises(openai.BadRequestError) as info:
        ask_who(openai_client(srv))
    assert info.value.code == "Arrearage"
    assert info.value.message == f"Error code: 400 - {ARREARAGE_MESSAGE}"
    point_dashscope(monkeypatch, srv)
    resp = native_who()
    assert (resp.status_code, resp.code, resp.message) == (400, "Arrearage", ARREARAGE_MESSAGE)
    with pytest.raises(v2errors.PermissionDeniedError) as v2info:
        v2_client(srv, tmp_path).chat.completions.create(
            model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    assert (v2info.value.status_code, v2info.value.code) == (400, "Arrearage")


def test_content_filter(scenario_server, monkeypatch):
    srv = _server(scenario_server, "content-filter")
    with pytest.raises(openai.BadRequestError) as info:
        ask_who(openai_client(srv))
    code, message = COMPAT_INSPECTION
    assert (info.value.code, info.value.message) == (code, f"Error code: 400 - {message}")
    # a stream request is refused before any stream byte, the same way
    with pytest.raises(openai.BadRequestError):
        ask_story(openai_client(srv))
    point_dashscope(monkeypatch, srv)
    resp = native_who()
    assert (resp.status_code, resp.code, resp.message) == (400, *NATIVE_INSPECTION)


def test_content_filter_mid_stream(scenario_server, monkeypatch, tmp_path):
    srv = _server(scenario_server, "content-filter-mid-stream")
    chunks, error = collect(ask_story(openai_client(srv)))
    assert type(error) is openai.APIError, repr(error)
    assert len(chunks) == 2
    assert (error.code, error.message) == COMPAT_OUTPUT_INSPECTION
    point_dashscope(monkeypatch, srv)
    responses, error = collect(native_story())
    assert error is None, repr(error)
    assert [r.status_code for r in responses] == [200, 200, 400]
    assert (responses[-1].code, responses[-1].message) == NATIVE_INSPECTION
    # v2: any event with a code raises, status_code 200 (the HTTP status of the stream)
    stream = v2_client(srv, tmp_path).chat.completions.create(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True)
    pieces, error = collect(stream)
    assert isinstance(error, v2errors.ContentFilterError), repr(error)
    assert len(pieces) == 2
    assert (error.status_code, error.code) == (200, "DataInspectionFailed")


def test_malformed_chunk(scenario_server, monkeypatch, tmp_path):
    srv = _server(scenario_server, "malformed-chunk")
    chunks, error = collect(ask_story(openai_client(srv)))
    assert isinstance(error, json.JSONDecodeError), repr(error)
    assert len(chunks) == 2
    point_dashscope(monkeypatch, srv)
    responses, error = collect(native_story())
    assert error is None, repr(error)
    assert [r.status_code for r in responses][:3] == [200, 200, 400]
    assert responses[2].code == "Unknown"
    # v2: dashscope/v2/transport/sse.py:parse_event_data raises the base DashScopeError
    stream = v2_client(srv, tmp_path).chat.completions.create(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True)
    pieces, error = collect(stream)
    assert type(error) is v2errors.DashScopeError, repr(error)
    assert "malformed SSE payload" in error.message
    assert len(pieces) == 2
