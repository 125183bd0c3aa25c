"""`X-MockScope-Fault: http_error ...`: every catalog status surfaces in each SDK
as that SDK's own error, with the exact code and message; the gateway HTML
variant; and bad fault headers refused with a 400 that says what is wrong."""

from __future__ import annotations

import re

import openai
import pytest
import requests
from dashscope.v2 import errors as v2errors

import expected as E
from mockscope_support import assert_native_error_shape
from fault_support import (
    COMPAT_ERRORS, FAULT, NATIVE_ERRORS, ask_who, native_who, openai_client, point_dashscope,
    v2_client,
)

# openai 3.54.0: openai/_client.py:OpenAI._make_status_error (no subclass for 408/413).
OPENAI_CLASS = {
    400: openai.BadRequestError, 401: openai.AuthenticationError,
    403: openai.PermissionDeniedError, 404: openai.NotFoundError, 408: openai.APIStatusError,
    413: openai.APIStatusError, 429: openai.RateLimitError, 500: openai.InternalServerError,
    503: openai.InternalServerError, 504: openai.InternalServerError,
}
# dashscope 2.0.2 v2: dashscope/v2/errors.py:error_from_status (body code first, then status;
# InvalidParameter is BadRequestError even on a 404; RequestTimeOut has no class).
V2_CLASS = {
    400: v2errors.BadRequestError, 401: v2errors.AuthenticationError,
    403: v2errors.PermissionDeniedError, 404: v2errors.BadRequestError,
    408: v2errors.APIStatusError, 413: v2errors.RequestTooLargeError,
    429: v2errors.RateLimitError, 500: v2errors.InternalServerError,
    503: v2errors.ServiceUnavailableError, 504: v2errors.GatewayTimeoutError,
}
STATUSES = sorted(COMPAT_ERRORS)


@pytest.mark.parametrize("status", STATUSES)
def test_openai_status_error(fault_server, status):
    client = openai_client(fault_server, max_retries=0,
                           headers={FAULT: f"http_error status={status}"})
    with pytest.raises(openai.APIStatusError) as info:
        ask_who(client)
    e = info.value
    code, message = COMPAT_ERRORS[status]
    assert type(e) is OPENAI_CLASS[status], f"{status}: {type(e).__name__}: {e}"
    assert e.status_code == status
    assert e.code == code
    assert e.message == f"Error code: {status} - {message}"
    assert str(e) == e.message
    body = e.response.json()
    assert body["error"]["message"] == message
    assert e.request_id and e.request_id == body.get("request_id"), (
        f"x-request-id {e.request_id!r} is not the body's request_id {body.get('request_id')!r}")
    assert e.response.headers.get("content-type", "").startswith("application/json")


@pytest.mark.parametrize("status", STATUSES)
def test_dashscope_status_error(fault_server, monkeypatch, status):
    point_dashscope(monkeypatch, fault_server)
    resp = native_who(headers={FAULT: f"http_error status={status}"})
    code, message = NATIVE_ERRORS[status]
    assert resp.status_code == status
    assert resp.code == code
    assert resp.message == message
    assert resp.output is None
    assert resp.request_id and resp.request_id == resp.headers.get("x-request-id")


@pytest.mark.parametrize("status", STATUSES)
def test_dashscope_v2_status_error(fault_server, tmp_path, status):
    client = v2_client(fault_server, tmp_path, max_retries=0)
    client._transport.http_client.headers[FAULT] = f"http_error status={status}"
    with pytest.raises(v2errors.DashScopeError) as info:
        client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    e = info.value
    code, message = NATIVE_ERRORS[status]
    assert type(e) is V2_CLASS[status], f"{status}: {type(e).__name__}: {e}"
    assert (e.status_code, e.code, e.message) == (status, code, message)
    assert e.request_id and e.request_id == e.headers.get("x-request-id")


def test_openai_html_503(fault_server):
    """A gateway's HTML page: the body is raw text, no code (client-behaviour.md §4.2)."""
    client = openai_client(fault_server, max_retries=0,
                           headers={FAULT: "http_error status=503 format=html"})
    with pytest.raises(openai.InternalServerError) as info:
        ask_who(client)
    e = info.value
    assert e.status_code == 503
    assert e.response.headers.get("content-type", "").startswith("text/html")
    assert isinstance(e.body, str) and "<html" in e.body.lower(), e.body
    assert e.code is None
    assert e.message == "Error code: 503"


def test_dashscope_html_503(fault_server, monkeypatch):
    """client-behaviour.md §1.2: any other content type -> code "Unknown", raw text, no id."""
    point_dashscope(monkeypatch, fault_server)
    resp = native_who(headers={FAULT: "http_error status=503 format=html"})
    assert resp.status_code == 503
    assert resp.code == "Unknown"
    assert isinstance(resp.message, str) and "<html" in resp.message.lower(), resp.message
    assert resp.request_id == ""


def test_named_code_overrides_status_default(fault_server, monkeypatch):
    """`code=` picks the catalog entry; its status comes with it (arrearage: 400)."""
    client = openai_client(fault_server, headers={FAULT: "http_error code=rate_limit_tokens"})
    with pytest.raises(openai.RateLimitError) as info:
        ask_who(client)
    assert info.value.code == "insufficient_quota"
    point_dashscope(monkeypatch, fault_server)
    resp = native_who(headers={FAULT: "http_error code=rate_limit_tokens"})
    assert (resp.status_code, resp.code) == (429, "Throttling.AllocationQuota")


def test_custom_message_is_sent(fault_server):
    msg = "Range of input length should be [1, 129024]"
    client = openai_client(fault_server, headers={FAULT: f'http_error status=400 message="{msg}"'})
    with pytest.raises(openai.BadRequestError) as info:
        ask_who(client)
    assert info.value.message == f"Error code: 400 - {msg}"
    assert info.value.code == "invalid_parameter_error"


def test_retry_headers_only_when_asked(fault_server):
    """retry_after / should_retry add headers the real service never sends (faults.md)."""
    plain = openai_client(fault_server, headers={FAULT: "http_error status=429"})
    with pytest.raises(openai.RateLimitError) as info:
        ask_who(plain)
    for name in ("retry-after", "retry-after-ms", "x-should-retry"):
        assert name not in info.value.response.headers
    asked = openai_client(fault_server, headers={
        FAULT: "http_error status=429 retry_after=3 should_retry=false"})
    with pytest.raises(openai.RateLimitError) as info:
        ask_who(asked)
    assert info.value.response.headers.get("retry-after") == "3"
    assert info.value.response.headers.get("x-should-retry") == "false"


# ---------------------------------------------------------------- bad headers
BAD_FAULTS = [
    ("explode after_events=1", r"explode"),            # unknown kind
    ("http_error stauts=429", r"stauts"),              # unknown parameter
    ("latency ms=soon", r"\bms\b"),                    # bad value: names the parameter
    ("malformed_chunk after_events=2 mode=weird", r"mode|weird"),
    ("http_error status=429; drop after_events=x", r"after_events"),  # second of two
]


@pytest.mark.parametrize("header,names", BAD_FAULTS, ids=[b[0] for b in BAD_FAULTS])
def test_bad_fault_header_is_400(fault_server, header, names):
    r = requests.post(
        f"{fault_server.compat_url}/chat/completions", timeout=10,
        headers={"Authorization": f"Bearer {E.API_KEY}", FAULT: header},
        json={"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES},
    )
    assert r.status_code == 400, f"{header!r} -> {r.status_code}: {r.text[:300]}"
    err = r.json()["error"]
    assert err["code"] == "mockscope_bad_fault", err
    assert re.search(names, err["message"]), f"message does not name the problem: {err['message']!r}"


def test_bad_fault_header_through_openai_and_native(fault_server):
    client = openai_client(fault_server, max_retries=2, headers={FAULT: "explode"})
    with pytest.raises(openai.BadRequestError) as info:
        ask_who(client)
    assert info.value.code == "mockscope_bad_fault"
    r = requests.post(
        f"{fault_server.native_url}/services/aigc/text-generation/generation", timeout=10,
        headers={"Authorization": f"Bearer {E.API_KEY}", FAULT: "explode"},
        json={"model": E.WHO_ARE_YOU_MODEL, "input": {"messages": E.WHO_ARE_YOU_MESSAGES},
              "parameters": {"result_format": "message"}},
    )
    assert r.status_code == 400, r.text[:300]
    # native endpoints answer in the native shape ({"code","message","request_id"})
    body = assert_native_error_shape(r.json())
    assert body["code"].replace(".", "_").lower() in ("mockscope_bad_fault", "mockscope_badfault"), body
    assert "explode" in body["message"], body
