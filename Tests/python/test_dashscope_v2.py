"""The dashscope 2.0.2 `dashscope.v2.Client` (protocol "native", the default)
against MockScope. Its native requests are the same exchanges as fixtures E and
B: non-stream {"result_format":"message"}; stream adds X-DashScope-SSE: enable
and incremental_output: true."""

from __future__ import annotations

import pytest
from dashscope.v2 import Client

import expected as E
from mockscope_support import fixture_request_id


@pytest.fixture
def v2(mockscope, tmp_path):
    # config_path: a file that does not exist, so no ~/.dashscope/config.toml is read.
    return Client(
        api_key=E.API_KEY, base_url=mockscope.native_url, timeout=60,
        config_path=tmp_path / "no-config.toml",
    )


def test_v2_non_stream_who_are_you(v2):
    completion = v2.chat.completions.create(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES,
    )
    assert not completion.is_error, completion
    assert completion.choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert completion.choices[0].finish_reason == "stop"
    assert completion.request_id == fixture_request_id("native/qwen-plus/who-are-you")
    assert completion.usage is not None


def test_v2_stream_decimal_compare(v2):
    stream = v2.chat.completions.create(
        model=E.QWQ_MODEL, messages=E.QWQ_DECIMAL_MESSAGES, stream=True,
    )
    chunks = list(stream)
    assert len(chunks) > 2
    reasoning = "".join(c.delta.reasoning_content or "" for c in chunks if c.delta)
    content = "".join(c.delta.content or "" for c in chunks if c.delta)
    assert reasoning == E.QWQ_DECIMAL_REASONING
    assert content == E.QWQ_DECIMAL_ANSWER
    want = fixture_request_id("native/qwq-plus/decimal-compare.stream")
    assert {c.request_id for c in chunks} == {want}
    assert chunks[-1].choices[0].finish_reason == "stop"
