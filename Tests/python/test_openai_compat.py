"""The openai SDK (3.54.0) against MockScope's OpenAI-compatible mode."""

from __future__ import annotations

import math

import pytest

import expected as E
from mockscope_support import assert_subset, fixture_request_id


def _split_stream(chunks):
    """(reasoning, content) of a compat chat stream, asserting the two phases
    are kept apart: no chunk carries both, and no reasoning follows content."""
    reasoning, content = [], []
    for i, chunk in enumerate(chunks):
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        r = getattr(delta, "reasoning_content", None)
        c = delta.content
        assert not (r and c), f"chunk {i} carries both reasoning_content and content: {chunk}"
        if r:
            assert not content, f"chunk {i}: reasoning_content after the answer started"
            reasoning.append(r)
        if c:
            content.append(c)
    return "".join(reasoning), "".join(content)


def test_decimal_compare_stream_reasoning_then_answer(openai_client):
    """Fixture A: compat/qwq-plus/decimal-compare.stream"""
    stream = openai_client.chat.completions.create(
        model=E.QWQ_MODEL, messages=E.QWQ_DECIMAL_MESSAGES, stream=True,
    )
    request_id = stream.response.headers.get("x-request-id")
    chunks = list(stream)
    assert len(chunks) > 2
    assert all(c.choices for c in chunks), "a chunk with empty choices without include_usage"
    assert all(c.usage is None for c in chunks), "usage sent without include_usage"

    reasoning, content = _split_stream(chunks)
    assert reasoning == E.QWQ_DECIMAL_REASONING
    assert content == E.QWQ_DECIMAL_ANSWER

    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1, "chunks of one stream carry different ids"
    assert request_id == fixture_request_id("compat/qwq-plus/decimal-compare.stream")
    assert chunks[0].id == "chatcmpl-" + request_id


def test_decimal_compare_stream_with_usage(openai_client):
    """Fixture A, .stream-usage variant: stream_options.include_usage."""
    stream = openai_client.chat.completions.create(
        model=E.QWQ_MODEL, messages=E.QWQ_DECIMAL_MESSAGES, stream=True,
        stream_options={"include_usage": True},
    )
    request_id = stream.response.headers.get("x-request-id")
    chunks = list(stream)
    last = chunks[-1]
    assert last.choices == [], f"last chunk should be the usage chunk, got {last}"
    assert last.usage is not None
    assert last.usage.prompt_tokens > 0 and last.usage.completion_tokens > 0
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    assert all(c.choices for c in chunks[:-1]), "empty choices before the usage chunk"
    assert all(c.usage is None for c in chunks[:-1])

    reasoning, content = _split_stream(chunks)
    assert reasoning == E.QWQ_DECIMAL_REASONING
    assert content == E.QWQ_DECIMAL_ANSWER
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert request_id == fixture_request_id("compat/qwq-plus/decimal-compare.stream-usage")


def test_who_are_you_non_stream_matches_seed(openai_client):
    """Fixture C: compat/qwen-plus/who-are-you, the seed's model_dump_json()."""
    completion = openai_client.chat.completions.create(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES,
    )
    assert_subset(E.WHO_ARE_YOU_COMPLETION, completion.model_dump())
    assert completion._request_id == E.WHO_ARE_YOU_REQUEST_ID
    assert completion.id == "chatcmpl-" + completion._request_id
    assert completion.choices[0].message.content == E.WHO_ARE_YOU_CONTENT


def test_four_cities_weather_tool_calls_stream(openai_client):
    """Fixture D: parallel tool calls reassembled by index, as the seed program does."""
    stream = openai_client.chat.completions.create(
        model=E.QWQ_MODEL, messages=E.WEATHER_MESSAGES, tools=E.WEATHER_TOOLS,
        parallel_tool_calls=True, stream=True,
    )
    request_id = stream.response.headers.get("x-request-id")
    chunks = list(stream)
    reasoning, answer = "", ""
    tool_info = []
    for chunk in chunks:
        assert chunk.choices, "empty choices without include_usage"
        delta = chunk.choices[0].delta
        r = getattr(delta, "reasoning_content", None)
        if r:
            assert not tool_info, "reasoning after the tool calls started"
            reasoning += r
        if delta.content:
            answer += delta.content
        for tool_call in delta.tool_calls or []:
            index = tool_call.index
            while len(tool_info) <= index:
                tool_info.append({})
            if tool_call.id:
                tool_info[index]["id"] = tool_info[index].get("id", "") + tool_call.id
            if tool_call.function and tool_call.function.name:
                tool_info[index]["name"] = tool_info[index].get("name", "") + tool_call.function.name
            if tool_call.function and tool_call.function.arguments:
                tool_info[index]["arguments"] = (
                    tool_info[index].get("arguments", "") + tool_call.function.arguments
                )
            if tool_call.type is not None:
                assert tool_call.type == "function"
    assert tool_info == E.WEATHER_TOOL_CALLS
    assert reasoning == E.WEATHER_REASONING
    assert answer == ""
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    assert request_id == fixture_request_id("compat/qwq-plus/four-cities-weather.stream")


def test_tell_a_story_stream(openai_client):
    """Fixture G: plain (non-thinking) stream; the text is compared with the
    native twins in test_dashscope_native.py."""
    stream = openai_client.chat.completions.create(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True,
    )
    request_id = stream.response.headers.get("x-request-id")
    chunks = list(stream)
    assert len(chunks) > 2
    assert all(c.choices for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert len(text) > 20
    assert not any(getattr(c.choices[0].delta, "reasoning_content", None) for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert request_id == fixture_request_id("compat/qwen-turbo/tell-a-story.stream")


def test_models_list(openai_client):
    """compat/models"""
    ids = [m.id for m in openai_client.models.list()]
    assert "qwen-plus" in ids
    assert len(ids) == len(set(ids))


def test_embeddings_short_text(openai_client):
    """compat/text-embedding-v4/short-text"""
    result = openai_client.embeddings.create(
        model=E.EMBEDDING_MODEL, input=E.EMBEDDING_INPUT,
        dimensions=E.EMBEDDING_DIMENSIONS, encoding_format="float",
    )
    assert len(result.data) == 1
    vector = result.data[0].embedding
    assert len(vector) == E.EMBEDDING_DIMENSIONS
    assert all(isinstance(x, float) and math.isfinite(x) for x in vector)
    assert any(x != 0.0 for x in vector)
    assert result.data[0].index == 0
    assert result.model == E.EMBEDDING_MODEL
    assert result.usage.prompt_tokens > 0


@pytest.mark.parametrize("stream", [False, True])
def test_same_request_twice_gives_same_answer(openai_client, stream):
    """Replay is deterministic: two identical requests, identical answers."""
    def ask():
        if stream:
            chunks = list(openai_client.chat.completions.create(
                model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True))
            return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        return openai_client.chat.completions.create(
            model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES).choices[0].message.content

    assert ask() == ask()
