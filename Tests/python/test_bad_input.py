"""Malformed or invalid requests, sent with plain `requests` (and one through openai)."""

from __future__ import annotations

import json

import openai
import pytest
import requests

import expected as E
from mockscope_support import assert_compat_error_shape, assert_native_error_shape

TIMEOUT = 30
AUTH = {"Authorization": f"Bearer {E.API_KEY}"}
JSON_HEADERS = {**AUTH, "Content-Type": "application/json"}
MALFORMED = b'{"model": "qwen-plus", "messages": [{"role": "user", "content": "hi"}'


def _native_generation(server):
    return f"{server.native_url}/services/aigc/text-generation/generation"


def _json(response):
    try:
        return response.json()
    except ValueError:
        pytest.fail(f"body is not JSON (status {response.status_code}): {response.text[:300]!r}")


def test_compat_malformed_json(mockscope):
    r = requests.post(f"{mockscope.compat_url}/chat/completions", data=MALFORMED,
                      headers=JSON_HEADERS, timeout=TIMEOUT)
    assert r.status_code == 400
    assert "application/json" in r.headers.get("content-type", "")
    body = _json(r)
    assert_compat_error_shape(body)
    assert r.headers.get("x-request-id") == body["request_id"]


def test_native_malformed_json(mockscope):
    r = requests.post(_native_generation(mockscope), data=MALFORMED,
                      headers=JSON_HEADERS, timeout=TIMEOUT)
    assert r.status_code == 400
    assert "application/json" in r.headers.get("content-type", "")
    body = assert_native_error_shape(_json(r))
    assert r.headers.get("x-request-id") == body["request_id"]


def test_native_stream_malformed_json(mockscope):
    """A stream request that fails validation: 400, as a JSON error body or as one
    native `event:error` frame (dashscope-native.md 8.3)."""
    r = requests.post(_native_generation(mockscope), data=MALFORMED,
                      headers={**JSON_HEADERS, "X-DashScope-SSE": "enable"}, timeout=TIMEOUT)
    assert r.status_code == 400
    if "text/event-stream" in r.headers.get("content-type", ""):
        assert "event:error" in r.text, r.text
        data = [line[5:] for line in r.text.splitlines() if line.startswith("data:")]
        assert len(data) == 1, r.text
        assert_native_error_shape(json.loads(data[0]))
    else:
        assert_native_error_shape(_json(r))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_compat_unknown_path_is_404(mockscope, method):
    r = requests.request(method, f"{mockscope.compat_url}/no-such-endpoint", json={},
                         headers=AUTH, timeout=TIMEOUT)
    assert r.status_code == 404


def test_compat_get_on_chat_completions(mockscope):
    # The error-code page files a wrong method under 400-InvalidParameter:
    # "Request method 'GET' is not supported." (docs/protocol-notes.md, errors §4).
    r = requests.get(f"{mockscope.compat_url}/chat/completions", headers=AUTH, timeout=TIMEOUT)
    assert r.status_code == 400, r.status_code
    body = assert_compat_error_shape(_json(r))
    assert body["message"] == "Request method 'GET' is not supported."


def test_native_missing_model(mockscope):
    r = requests.post(
        _native_generation(mockscope),
        json={"input": {"messages": [{"role": "user", "content": "hi"}]}, "parameters": {}},
        headers=JSON_HEADERS, timeout=TIMEOUT,
    )
    assert r.status_code == 400
    body = assert_native_error_shape(_json(r))
    assert body["code"] == "BadRequest.EmptyModel"


def test_compat_missing_model(mockscope):
    r = requests.post(f"{mockscope.compat_url}/chat/completions",
                      json={"messages": [{"role": "user", "content": "hi"}]},
                      headers=JSON_HEADERS, timeout=TIMEOUT)
    assert r.status_code == 400
    assert_compat_error_shape(_json(r))


def test_qwq_non_stream_is_rejected(openai_client):
    """QwQ models only stream (seed 004): a non-stream call is a 400."""
    with pytest.raises(openai.BadRequestError) as info:
        openai_client.chat.completions.create(model=E.QWQ_MODEL, messages=E.QWQ_DECIMAL_MESSAGES)
    assert info.value.status_code == 400
    assert "only support stream mode" in info.value.message
    assert info.value.request_id


def _who_with_padding(srv, pad: int):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    body = json.dumps({"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES})
    try:
        conn.request("POST", "/compatible-mode/v1/chat/completions", body=body,
                     headers={"Authorization": "Bearer sk-test", "Content-Type": "application/json", "X-Pad": "p" * pad})
        return conn.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        return "closed"
    finally:
        conn.close()


def test_connection_memory_bounds_the_header_block(mockscope_server):
    """--connection-memory (default 8 KiB): a 6 KB header block is served, a 12 KB one refused
    with 431 (or a close); with 32 KiB a 20 KB one is served."""
    default = mockscope_server("--speed", "0", label="header limit default")
    assert _who_with_padding(default, 6000) == 200
    assert _who_with_padding(default, 12000) in (431, 413, 400, "closed")
    assert default.status()["status"] == "ok" and _who_with_padding(default, 100) == 200
    roomy = mockscope_server("--speed", "0", "--connection-memory", "32768", label="header limit 32k")
    assert _who_with_padding(roomy, 20000) == 200
