"""LangChain ChatTongyi (langchain-community 0.4.2 on langchain-core 1.7.2),
which drives the dashscope 1.x API, against MockScope's native protocol.

Source facts (langchain_community/chat_models/tongyi.py, llms/tongyi.py):
- ChatTongyi._invocation_params adds incremental_output=True to stream calls;
  `streaming=True` is needed for .stream() to send a stream request with
  langchain-core 1.7.2 (BaseChatModel._streaming_disabled);
- llms/tongyi.py:check_response raises ValueError for status 400 and 401 and
  requests.HTTPError for any other non-200; invoke retries with tenacity
  (_create_retry_decorator, retry_if_exception_type(HTTPError)), so a 401 is
  sent once; stream errors raised while iterating are never retried.
"""

from __future__ import annotations

import pytest
from langchain_community.chat_models.tongyi import ChatTongyi

import expected as E
from fault_support import matched, native_story, point_dashscope, reset_scenario


STORY_FIRST_PIECE = "从前，森林边住着一只小狐狸。它"  # event 1 of native/qwen-turbo/tell-a-story.stream-incremental


def _tongyi(model: str, **kwargs) -> ChatTongyi:
    return ChatTongyi(model=model, dashscope_api_key=E.API_KEY, max_retries=3,
                      model_kwargs={"request_timeout": 10}, **kwargs)


def test_chattongyi_stream_success(fault_server, monkeypatch):
    point_dashscope(monkeypatch, fault_server)
    want = "".join(r.output.choices[0].message.content or "" for r in native_story())
    assert len(want) > 20
    chunks = list(_tongyi(E.STORY_MODEL, streaming=True).stream(E.STORY_MESSAGES[0]["content"]))
    assert len(chunks) > 2, chunks
    assert "".join(c.content for c in chunks) == want


def test_chattongyi_invalid_key_is_value_error_not_retried(scenario_server, monkeypatch):
    srv = scenario_server("--scenario", "invalid-key")
    reset_scenario(srv, "invalid-key")
    point_dashscope(monkeypatch, srv)
    with pytest.raises(ValueError) as info:
        _tongyi(E.WHO_ARE_YOU_MODEL).invoke(
            [("system", E.WHO_ARE_YOU_MESSAGES[0]["content"]),
             ("human", E.WHO_ARE_YOU_MESSAGES[1]["content"])])
    text = str(info.value)
    assert "status_code: 401" in text and "code: InvalidApiKey" in text, text
    assert "message: Invalid API-key provided." in text, text
    assert matched(srv, "invalid-key") == 1, "ChatTongyi retried a 401"


def test_chattongyi_stream_content_filter_mid_stream(scenario_server, monkeypatch):
    """event:error on an HTTP-200 stream comes out of the 1.x API as status 400,
    so ChatTongyi raises ValueError, without retrying. It yields one chunk fewer
    than the events before the error: ChatTongyi._stream reads one response ahead
    (llms/tongyi.py:generate_with_last_element_mark) to mark the last chunk, and
    the held-back one is lost when the next response raises."""
    srv = scenario_server("--scenario", "content-filter-mid-stream")
    reset_scenario(srv, "content-filter-mid-stream")
    point_dashscope(monkeypatch, srv)
    got = []
    with pytest.raises(ValueError) as info:
        for chunk in _tongyi(E.STORY_MODEL, streaming=True).stream(E.STORY_MESSAGES[0]["content"]):
            got.append(chunk)
    assert "code: DataInspectionFailed" in str(info.value), str(info.value)
    assert [c.content for c in got] == [STORY_FIRST_PIECE]
    assert matched(srv, "content-filter-mid-stream") == 1
