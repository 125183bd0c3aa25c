"""Transport faults from the `X-MockScope-Fault` header: hang, stall, drop,
malformed chunk and in-stream errors, as each SDK experiences them, and the
server freeing the connection once the client has gone.

What each SDK raises was read in its source (see the report in the PR):
- openai 3.54.0, openai/_streaming.py:Stream._iter_events wraps httpx2
  TimeoutException -> APITimeoutError and RequestError (RemoteProtocolError)
  -> APIConnectionError; Stream.__stream__ calls ServerSentEvent.json(), a bare
  json.loads, so a non-JSON data line raises json.JSONDecodeError unwrapped;
  a chunk with an "error" object raises the base APIError(message=error.message).
- dashscope 1.x, dashscope/api_entities/http_request.py:_send_with_retry resends
  only on requests' ConnectionError before a response (ReadTimeout is not one);
  requests/models.py:Response.iter_content turns urllib3 ReadTimeoutError into
  requests.ConnectionError and ProtocolError into ChunkedEncodingError;
  HttpRequest._handle_response yields status 400 / code "Unknown" for a data line
  that is not JSON and goes on; common/utils.py:_handle_stream reports an
  event:error frame as status 400 and stops.
"""

from __future__ import annotations

import json
import time

import openai
import pytest
import requests

import expected as E
from fault_support import (
    COMPAT_OUTPUT_INSPECTION, FAULT, NATIVE_INSPECTION, active_streams, ask_story, ask_who, collect,
    native_story, native_who, openai_client, point_dashscope, wait_for_no_streams,
)
from mockscope_support import eventually

TIMEOUT_S = 1.0
COMPAT_STORY_CHUNKS = 14   # data events before [DONE] in compat/qwen-turbo/tell-a-story.stream
NATIVE_STORY_EVENTS = 12   # events of native/qwen-turbo/tell-a-story.stream-incremental


def _assert_timely(elapsed: float) -> None:
    assert 0.8 <= elapsed <= 3.0, f"the {TIMEOUT_S:.0f} s timeout fired after {elapsed:.2f} s"


def _assert_server_healthy(server) -> None:
    """Right after a client gave up: status and a normal answer, quickly."""
    start = time.monotonic()
    completion = ask_who(openai_client(server, timeout=5))
    assert completion.choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert time.monotonic() - start < 2.0


HANG_LOG_WORDS = ("faults=[hang]", "client-went-away")


def _log_count(server, words) -> int:
    return sum(all(w in line for w in words) for line in server.log_text().splitlines())


def _wait_for_log(server, words, before: int, within_s: float = 2.0) -> None:
    """The server logs the hung exchange as finished (client gone) soon after the
    client left: one more log line holding all `words` within `within_s`."""
    eventually(lambda: _log_count(server, words), lambda n: n > before, timeout=within_s,
               message=f"a new log line with {words} after the client left (there were {before})",
               describe=lambda n: f"{n} such lines; the log's last lines:\n" + server.log_text(10))


# ------------------------------------------------------------------------ hang
def test_openai_hang_times_out_and_server_recovers(fault_server):
    wait_for_no_streams(fault_server, "before the test")
    client = openai_client(fault_server, max_retries=0, timeout=TIMEOUT_S, headers={FAULT: "hang"})
    logged = _log_count(fault_server, HANG_LOG_WORDS)
    start = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        ask_who(client)
    _assert_timely(time.monotonic() - start)
    wait_for_no_streams(fault_server, "after the client timed out on a hang")
    _wait_for_log(fault_server, HANG_LOG_WORDS, logged)
    _assert_server_healthy(fault_server)


def test_dashscope_hang_read_timeout(fault_server, monkeypatch):
    point_dashscope(monkeypatch, fault_server)
    logged = _log_count(fault_server, HANG_LOG_WORDS)
    start = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        native_who(timeout=TIMEOUT_S, headers={FAULT: "hang"})
    _assert_timely(time.monotonic() - start)
    wait_for_no_streams(fault_server, "after the dashscope client timed out on a hang")
    _wait_for_log(fault_server, HANG_LOG_WORDS, logged)
    _assert_server_healthy(fault_server)


# ----------------------------------------------------------------------- stall
def test_openai_stall_mid_stream(fault_server):
    wait_for_no_streams(fault_server, "before the test")
    client = openai_client(fault_server, max_retries=0, timeout=TIMEOUT_S,
                           headers={FAULT: "stall after_events=2"})
    start = time.monotonic()
    stream = iter(ask_story(client))
    chunks = [next(stream), next(stream)]
    during = active_streams(fault_server)   # the stalled stream is open right now
    more, error = collect(stream)
    elapsed = time.monotonic() - start
    assert during == 1, f"activeStreams was {during} during a stall"
    assert isinstance(error, openai.APITimeoutError), repr(error)
    assert more == [], f"got {len(more)} chunks after the stall point"
    assert chunks[0].choices[0].delta.role == "assistant"
    _assert_timely(elapsed)
    wait_for_no_streams(fault_server, "after the client timed out on a stall")


def test_dashscope_stall_mid_stream(fault_server, monkeypatch):
    point_dashscope(monkeypatch, fault_server)
    start = time.monotonic()
    responses, error = collect(native_story(timeout=TIMEOUT_S, headers={FAULT: "stall after_events=2"}))
    elapsed = time.monotonic() - start
    assert type(error) is requests.exceptions.ConnectionError, repr(error)
    assert "timed out" in str(error).lower(), str(error)
    assert [r.status_code for r in responses] == [200, 200]
    _assert_timely(elapsed)
    wait_for_no_streams(fault_server, "after the dashscope client timed out on a stall")


def test_stall_with_ms_then_closes_without_terminator(fault_server):
    """`stall after_events=2 ms=300`: then the connection closes with no
    terminating chunk, which openai sees as a dropped connection."""
    fault = "stall after_events=2 ms=300"
    client = openai_client(fault_server, max_retries=0, timeout=5, headers={FAULT: fault})
    chunks, error = collect(ask_story(client))
    assert len(chunks) == 2
    assert type(error) is openai.APIConnectionError, repr(error)   # exactly: not the 5 s timeout
    # The journal: the server held the stream the 300 ms (10 ms allowed for the scheduler's
    # wake-up), then closed it itself.
    entry = fault_server.wait_for_requests(1, header=(FAULT, fault))[-1]
    assert entry["faults"] == [fault], entry
    assert entry["duration_ms"] >= 290 and entry["client_went_away"] is False, entry


# ------------------------------------------------------------------------ drop
def test_openai_drop_mid_stream(fault_server):
    sent = []
    client = openai_client(fault_server, max_retries=2, record=sent,
                           headers={FAULT: "drop after_events=3"})
    chunks, error = collect(ask_story(client))
    assert type(error) is openai.APIConnectionError, repr(error)
    assert len(chunks) == 3
    assert sent == ["0"], f"a stream that had started was retried: {sent}"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.choices[0].finish_reason is None for c in chunks)
    wait_for_no_streams(fault_server, "after a dropped stream")


def test_dashscope_drop_mid_stream(fault_server, monkeypatch):
    point_dashscope(monkeypatch, fault_server)
    responses, error = collect(native_story(headers={FAULT: "drop after_events=3"}))
    assert type(error) is requests.exceptions.ChunkedEncodingError, repr(error)
    assert [r.status_code for r in responses] == [200, 200, 200]


def test_openai_reset_mid_stream(fault_server):
    client = openai_client(fault_server, headers={FAULT: "reset after_events=3"})
    chunks, error = collect(ask_story(client))
    assert type(error) is openai.APIConnectionError, repr(error)
    assert len(chunks) == 3


def test_openai_drop_non_stream_after_bytes(fault_server):
    """A whole answer cut after 20 bytes: a truncated body, never a success."""
    client = openai_client(fault_server, max_retries=0, headers={FAULT: "drop after_bytes=20"})
    with pytest.raises(openai.APIConnectionError):
        ask_who(client)


# ------------------------------------------------------------- malformed chunk
def test_openai_malformed_chunk(fault_server):
    client = openai_client(fault_server, headers={FAULT: "malformed_chunk after_events=2"})
    chunks, error = collect(ask_story(client))
    assert isinstance(error, json.JSONDecodeError), repr(error)
    assert len(chunks) == 2


def test_dashscope_malformed_chunk_then_rest(fault_server, monkeypatch):
    point_dashscope(monkeypatch, fault_server)
    responses, error = collect(native_story(headers={FAULT: "malformed_chunk after_events=2"}))
    assert error is None, repr(error)
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 200, 400] + [200] * (NATIVE_STORY_EVENTS - 3), statuses
    assert responses[2].code == "Unknown"
    assert isinstance(responses[2].message, str) and responses[2].message


def test_openai_malformed_truncated(fault_server):
    client = openai_client(fault_server,
                           headers={FAULT: "malformed_chunk after_events=2 mode=truncated"})
    chunks, error = collect(ask_story(client))
    assert isinstance(error, json.JSONDecodeError), repr(error)
    assert len(chunks) == 2


# ---------------------------------------------------------------- stream_error
def test_openai_stream_error(fault_server):
    client = openai_client(fault_server, headers={
        FAULT: "stream_error after_events=2 code=data_inspection_failed"})
    chunks, error = collect(ask_story(client))
    assert type(error) is openai.APIError, repr(error)
    assert len(chunks) == 2
    code, message = COMPAT_OUTPUT_INSPECTION
    assert error.message == message
    assert error.code == code
    assert isinstance(error.body, dict) and error.body.get("code") == code


def test_dashscope_stream_error(fault_server, monkeypatch):
    point_dashscope(monkeypatch, fault_server)
    responses, error = collect(native_story(headers={
        FAULT: "stream_error after_events=2 code=data_inspection_failed"}))
    assert error is None, repr(error)
    assert [r.status_code for r in responses] == [200, 200, 400]
    code, message = NATIVE_INSPECTION
    assert (responses[-1].code, responses[-1].message) == (code, message)
    assert responses[-1].output is None


def test_stream_error_custom_message(fault_server):
    client = openai_client(fault_server, headers={
        FAULT: 'stream_error after_events=1 code=data_inspection_failed '
               'message="Output data may contain inappropriate content."'})
    chunks, error = collect(ask_story(client))
    assert type(error) is openai.APIError, repr(error)
    assert len(chunks) == 1
    assert error.message == "Output data may contain inappropriate content."


# --------------------------------------------------------------- latency etc.
def test_latency_delays_status_line(fault_server):
    client = openai_client(fault_server, timeout=5, headers={FAULT: "latency ms=600"})
    start = time.monotonic()
    stream = ask_story(client)
    first = time.monotonic() - start
    chunks = list(stream)
    assert 0.55 <= first < 3.0, f"headers after {first:.2f} s"
    assert len(chunks) == COMPAT_STORY_CHUNKS


def test_composed_faults_apply_in_order(fault_server):
    """`latency ms=400; drop after_events=3`: both, on one response."""
    client = openai_client(fault_server, timeout=5,
                           headers={FAULT: "latency ms=400; drop after_events=3"})
    start = time.monotonic()
    chunks, error = collect(ask_story(client))
    assert time.monotonic() - start >= 0.35
    assert type(error) is openai.APIConnectionError, repr(error)
    assert len(chunks) == 3
