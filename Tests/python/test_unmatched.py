"""Requests no fixture matches: HTTP 400 in the protocol's own error shape, naming
the closest fixture and the first field that differed."""

from __future__ import annotations

import openai
import pytest
from dashscope import Generation

import expected as E
from mockscope_support import fixture_name_in

TIMEOUT = 60
NEAR_MISS_MESSAGES = [{"role": "user", "content": E.QWQ_DECIMAL_NEAR_MISS_QUESTION}]


def test_openai_near_miss_names_closest_fixture(openai_client):
    with pytest.raises(openai.BadRequestError) as info:
        openai_client.chat.completions.create(
            model=E.QWQ_MODEL, messages=NEAR_MISS_MESSAGES, stream=True)
    e = info.value
    assert e.status_code == 400
    assert e.code == "mockscope_no_match"
    assert fixture_name_in("compat/qwq-plus/decimal-compare.stream", e.message), e.message
    assert "messages.0.content" in e.message, e.message
    assert e.request_id


def test_openai_near_miss_non_stream(openai_client):
    with pytest.raises(openai.BadRequestError) as info:
        openai_client.chat.completions.create(
            model=E.WHO_ARE_YOU_MODEL,
            messages=[E.WHO_ARE_YOU_MESSAGES[0], {"role": "user", "content": "你是谁"}])
    e = info.value
    assert e.code == "mockscope_no_match"
    assert fixture_name_in("compat/qwen-plus/who-are-you", e.message), e.message
    assert "messages.1.content" in e.message, e.message


def test_native_stream_near_miss(native):
    responses = list(Generation.call(
        model=E.QWQ_MODEL, messages=NEAR_MISS_MESSAGES, result_format="message",
        stream=True, incremental_output=True, api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    assert len(responses) == 1
    resp = responses[0]
    assert resp.status_code == 400
    assert resp.code == "MockScope.NoMatch"
    assert fixture_name_in("native/qwq-plus/decimal-compare.stream", resp.message), resp.message
    assert "messages.0.content" in resp.message, resp.message
    assert resp.request_id


def test_native_non_stream_near_miss(native):
    resp = Generation.call(
        model=E.WHO_ARE_YOU_MODEL,
        messages=[E.WHO_ARE_YOU_MESSAGES[0], {"role": "user", "content": "你是谁"}],
        result_format="message", api_key=E.API_KEY, request_timeout=TIMEOUT,
    )
    assert resp.status_code == 400
    assert resp.code == "MockScope.NoMatch"
    assert fixture_name_in("native/qwen-plus/who-are-you", resp.message), resp.message
    assert "messages.1.content" in resp.message, resp.message
