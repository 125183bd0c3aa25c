"""API-key checking: a server started with --api-key sk-test-good."""

from __future__ import annotations

import dashscope
import openai
import pytest
import requests
from dashscope import Generation
from dashscope.v2 import Client
from dashscope.v2 import errors as v2_errors

import expected as E
from mockscope_support import assert_compat_error_shape, assert_native_error_shape

TIMEOUT = 60


@pytest.fixture
def ds_auth(auth_server, monkeypatch):
    monkeypatch.setattr(dashscope, "base_http_api_url", auth_server.native_url)
    monkeypatch.setattr(dashscope, "api_key", None)
    return auth_server


def _openai(server, key):
    return openai.OpenAI(api_key=key, base_url=server.compat_url, timeout=TIMEOUT)


def test_openai_wrong_key_is_authentication_error(auth_server):
    client = _openai(auth_server, E.BAD_API_KEY)
    with pytest.raises(openai.AuthenticationError) as info:
        client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    e = info.value
    assert e.status_code == 401
    assert e.code == "invalid_api_key"
    assert e.type == "invalid_request_error"
    assert e.request_id, "x-request-id header missing on the 401"
    assert e.message.startswith("Error code: 401 - ")


def test_openai_good_key_succeeds(auth_server):
    completion = _openai(auth_server, E.GOOD_API_KEY).chat.completions.create(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    assert completion.choices[0].message.content == E.WHO_ARE_YOU_CONTENT


def test_openai_wrong_key_on_models_list(auth_server):
    with pytest.raises(openai.AuthenticationError):
        _openai(auth_server, E.BAD_API_KEY).models.list()


def test_dashscope_wrong_key_returns_401_without_raising(ds_auth):
    resp = Generation.call(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES, result_format="message",
        api_key=E.BAD_API_KEY, request_timeout=TIMEOUT,
    )
    assert resp.status_code == 401
    assert resp.code == "InvalidApiKey"
    assert resp.message
    assert resp.request_id
    assert resp.output is None


def test_dashscope_wrong_key_on_a_stream(ds_auth):
    responses = list(Generation.call(
        model=E.QWQ_MODEL, messages=E.QWQ_DECIMAL_MESSAGES, result_format="message",
        stream=True, incremental_output=True, api_key=E.BAD_API_KEY, request_timeout=TIMEOUT,
    ))
    assert len(responses) == 1
    assert responses[0].status_code == 401
    assert responses[0].code == "InvalidApiKey"


def test_dashscope_good_key_succeeds(ds_auth):
    resp = Generation.call(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES, result_format="message",
        api_key=E.GOOD_API_KEY, request_timeout=TIMEOUT,
    )
    assert resp.status_code == 200, resp
    assert resp.output.choices[0].message.content == E.WHO_ARE_YOU_CONTENT


def test_v2_wrong_key_raises_authentication_error(auth_server, tmp_path):
    client = Client(api_key=E.BAD_API_KEY, base_url=auth_server.native_url, timeout=TIMEOUT,
                    config_path=tmp_path / "no-config.toml")
    with pytest.raises(v2_errors.AuthenticationError) as info:
        client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    assert info.value.status_code == 401
    assert info.value.code == "InvalidApiKey"
    assert info.value.request_id


def test_native_request_without_authorization_header(auth_server):
    response = requests.post(
        f"{auth_server.native_url}/services/aigc/text-generation/generation",
        json={"model": E.WHO_ARE_YOU_MODEL, "input": {"messages": E.WHO_ARE_YOU_MESSAGES},
              "parameters": {"result_format": "message"}},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    assert "application/json" in response.headers.get("content-type", "")
    body = assert_native_error_shape(response.json())
    assert body["code"] == "InvalidApiKey"
    assert response.headers.get("x-request-id") == body["request_id"]


def test_compat_request_without_authorization_header(auth_server):
    response = requests.post(
        f"{auth_server.compat_url}/chat/completions",
        json={"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    err = assert_compat_error_shape(response.json())
    assert err["code"] == "invalid_api_key"
    assert response.headers.get("x-request-id") == response.json()["request_id"]
