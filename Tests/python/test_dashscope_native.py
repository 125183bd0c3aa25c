"""The dashscope 2.0.2 package's 1.x-style API (Generation, MultiModalConversation,
Application) and plain `requests` against MockScope's native protocol."""

from __future__ import annotations

import openai
import pytest
import requests
from dashscope import Application, Generation, MultiModalConversation

import expected as E
from mockscope_support import fixture_request_id

TIMEOUT = 60  # request_timeout for the SDK (its default is 300 s)


def _message(resp):
    return resp.output.choices[0].message


def _assert_ok(resp):
    assert resp.status_code == 200, f"status {resp.status_code}: {resp.code} {resp.message}"


def _assert_request_ids(responses, fixture_name):
    """Every response of one call carries the fixture's request id, which is
    also the x-request-id header (ApplicationResponse keeps no headers)."""
    want = fixture_request_id(fixture_name)
    for r in responses:
        assert r.request_id == want
    headers = responses[0].get("headers")
    if headers is not None:
        assert headers.get("x-request-id") == want


def _compat_story(server) -> str:
    client = openai.OpenAI(api_key=E.API_KEY, base_url=server.compat_url, timeout=60)
    chunks = client.chat.completions.create(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True)
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


# ------------------------------------------------------------------ non-stream
def test_who_are_you_message_format(native):
    """Fixture E: native/qwen-plus/who-are-you (result_format=message)."""
    resp = Generation.call(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES,
        result_format="message", api_key=E.API_KEY, request_timeout=TIMEOUT,
    )
    _assert_ok(resp)
    msg = _message(resp)
    assert msg.role == "assistant"
    assert msg.content == E.WHO_ARE_YOU_CONTENT
    assert resp.output.choices[0].finish_reason == "stop"
    assert resp.output.text is None
    assert resp.usage.input_tokens > 0 and resp.usage.output_tokens > 0
    assert resp.code in ("", None)
    _assert_request_ids([resp], "native/qwen-plus/who-are-you")


def test_nlp_intro_text_format_and_compat_twin(native):
    """Fixture F: native/qwen-turbo/nlp-intro, text format as seed 003 calls it;
    compat/qwen-turbo/nlp-intro must give the same text."""
    resp = Generation.call(
        model=E.NLP_MODEL, messages=E.NLP_MESSAGES, api_key=E.API_KEY,
        request_timeout=TIMEOUT,
    )
    _assert_ok(resp)
    text = resp.output.text
    assert isinstance(text, str) and len(text) > 20
    assert resp.output.finish_reason == "stop"
    assert resp.output.choices is None
    assert resp.usage.input_tokens > 0 and resp.usage.output_tokens > 0
    _assert_request_ids([resp], "native/qwen-turbo/nlp-intro")

    client = openai.OpenAI(api_key=E.API_KEY, base_url=native.compat_url, timeout=60)
    twin = client.chat.completions.create(model=E.NLP_MODEL, messages=E.NLP_MESSAGES)
    assert twin.choices[0].message.content == text
    assert twin.choices[0].finish_reason == "stop"


# ---------------------------------------------------------------------- stream
def test_decimal_compare_incremental_stream(native):
    """Fixture B: qwq reasoning then answer, incremental."""
    responses = list(Generation.call(
        model=E.QWQ_MODEL, messages=E.QWQ_DECIMAL_MESSAGES, result_format="message",
        stream=True, incremental_output=True, api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    assert len(responses) > 2
    reasoning, content = [], []
    for i, r in enumerate(responses):
        _assert_ok(r)
        msg = _message(r)
        rc = msg.get("reasoning_content") or ""
        c = msg.content or ""
        assert not (rc and c), f"event {i} carries both reasoning_content and content"
        if rc:
            assert not content, f"event {i}: reasoning after the answer started"
            reasoning.append(rc)
        if c:
            content.append(c)
    assert "".join(reasoning) == E.QWQ_DECIMAL_REASONING
    assert "".join(content) == E.QWQ_DECIMAL_ANSWER
    finish = [r.output.choices[0].finish_reason for r in responses]
    assert finish[-1] == "stop"
    assert all(f == "null" for f in finish[:-1]), f"intermediate finish_reason must be the string 'null': {finish}"
    assert all(r.usage.output_tokens > 0 for r in responses)
    _assert_request_ids(responses, "native/qwq-plus/decimal-compare.stream")


def test_story_cumulative_without_incremental_argument(native):
    """Fixture H: stream=True and no incremental_output argument at all -> the
    server streams cumulative text (the SDK adds nothing)."""
    responses = list(Generation.call(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, result_format="message",
        stream=True, api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    assert len(responses) > 2
    previous = ""
    for i, r in enumerate(responses):
        _assert_ok(r)
        text = _message(r).content or ""
        assert text.startswith(previous), f"event {i} does not extend event {i - 1}"
        previous = text
    lengths = {len(_message(r).content or "") for r in responses}
    assert len(lengths) > 2, "cumulative text should grow over several events"
    assert responses[-1].output.choices[0].finish_reason == "stop"
    assert previous == _compat_story(native)
    _assert_request_ids(responses, "native/qwen-turbo/tell-a-story.stream")


def test_story_incremental(native):
    """Fixture H, .stream-incremental: pieces concatenate to the same story."""
    responses = list(Generation.call(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, result_format="message",
        stream=True, incremental_output=True, api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    assert len(responses) > 2
    for r in responses:
        _assert_ok(r)
    story = "".join(_message(r).content or "" for r in responses)
    assert story == _compat_story(native)
    assert responses[-1].output.choices[0].finish_reason == "stop"
    _assert_request_ids(responses, "native/qwen-turbo/tell-a-story.stream-incremental")


def test_story_sdk_merges_when_incremental_false(native):
    """incremental_output=False: the SDK asks for incremental output and merges it
    itself (client-behaviour.md 1.5) -> cumulative view of the same story."""
    responses = list(Generation.call(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, result_format="message",
        stream=True, incremental_output=False, api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    for r in responses:
        _assert_ok(r)
    texts = [_message(r).content or "" for r in responses]
    for a, b in zip(texts, texts[1:]):
        assert b.startswith(a)
    assert texts[-1] == _compat_story(native)


def test_four_cities_weather_native_tool_calls(native):
    """Fixture I: native tool-call stream, fragments reassembled by index."""
    responses = list(Generation.call(
        model=E.QWQ_MODEL, messages=E.WEATHER_MESSAGES, tools=E.WEATHER_TOOLS,
        parallel_tool_calls=True, result_format="message", stream=True,
        incremental_output=True, api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    reasoning = ""
    tool_info = []
    for r in responses:
        _assert_ok(r)
        msg = _message(r)
        reasoning += msg.get("reasoning_content") or ""
        for call in msg.get("tool_calls") or []:
            index = call["index"]
            while len(tool_info) <= index:
                tool_info.append({})
            slot = tool_info[index]
            if call.get("id"):
                slot["id"] = slot.get("id", "") + call["id"]
            function = call.get("function") or {}
            if function.get("name"):
                slot["name"] = slot.get("name", "") + function["name"]
            if function.get("arguments"):
                slot["arguments"] = slot.get("arguments", "") + function["arguments"]
    assert tool_info == E.WEATHER_TOOL_CALLS
    assert reasoning == E.WEATHER_REASONING
    assert responses[-1].output.choices[0].finish_reason == "tool_calls"
    _assert_request_ids(responses, "native/qwq-plus/four-cities-weather.stream")


# ------------------------------------------------------------------ multimodal
def test_bicycles_multimodal(native):
    """native/qwen-vl-plus/bicycles"""
    resp = MultiModalConversation.call(
        model=E.VL_MODEL, messages=E.VL_MESSAGES, api_key=E.API_KEY,
        request_timeout=TIMEOUT,
    )
    _assert_ok(resp)
    assert _message(resp).content == E.VL_CONTENT
    assert resp.output.choices[0].finish_reason == "stop"
    assert resp.usage.input_tokens > 0
    _assert_request_ids([resp], "native/qwen-vl-plus/bicycles")


def test_bicycles_multimodal_incremental_stream(native):
    """native/qwen-vl-plus/bicycles.stream-incremental"""
    responses = list(MultiModalConversation.call(
        model=E.VL_MODEL, messages=E.VL_MESSAGES, stream=True, incremental_output=True,
        api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    assert len(responses) > 1
    pieces = []
    for r in responses:
        _assert_ok(r)
        content = _message(r).content
        assert isinstance(content, list), f"multimodal content must be a list of parts: {content!r}"
        pieces.extend(part["text"] for part in content if "text" in part)
    assert "".join(pieces) == E.VL_ANSWER
    assert responses[-1].output.choices[0].finish_reason == "stop"
    _assert_request_ids(responses, "native/qwen-vl-plus/bicycles.stream-incremental")


# ------------------------------------------------------------------------ apps
def test_app_stream_incremental(native):
    """apps/weather-app/today.stream via Application.call."""
    responses = list(Application.call(
        app_id=E.APP_ID, prompt=E.APP_PROMPT, stream=True, incremental_output=True,
        api_key=E.API_KEY, request_timeout=TIMEOUT,
    ))
    assert len(responses) > 1
    for r in responses:
        _assert_ok(r)
    assert "".join(r.output.text or "" for r in responses) == E.APP_TEXT
    assert responses[-1].output.finish_reason == "stop"
    session_ids = {r.output.session_id for r in responses}
    assert len(session_ids) == 1 and all(session_ids)
    _assert_request_ids(responses, "apps/weather-app/today.stream")


def test_app_completion_with_requests_as_in_seed(native):
    """apps/weather-app/today: the seed-004 program, verbatim apart from the URL and key."""
    endpoint = f"{native.native_url}/apps/{E.APP_ID}/completion"
    headers = {"Authorization": f"Bearer {E.API_KEY}", "Content-Type": "application/json"}
    response = requests.post(endpoint, headers=headers, json=E.APP_PAYLOAD, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    result = response.json()
    assert result["output"]["text"] == E.APP_TEXT
    assert result["output"]["finish_reason"] == E.APP_FINISH_REASON
    assert isinstance(result["output"]["session_id"], str) and result["output"]["session_id"]
    assert result["usage"]["models"] == E.APP_USAGE_MODELS
    assert result["request_id"] == response.headers["x-request-id"]
    assert result["request_id"] == fixture_request_id("apps/weather-app/today")
    assert "code" not in result or not result["code"]
