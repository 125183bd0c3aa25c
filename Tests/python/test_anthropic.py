"""The Anthropic-compatible Messages API (`/apps/anthropic/v1/messages`) through the official
`anthropic` SDK (docs/protocols/anthropic.md; wire facts in docs/protocol-notes.md, anthropic §1-§9
and the "anthropic" section): messages.create and messages.stream on synthesized answers, the
SDK's retries on 429/529 counted in the journal, its typed errors, fixtures with a near miss in
the protocol's shape, stream faults in Anthropic framing, tokens-per-minute charged from
`output_tokens`, and a recorded-then-replayed stream compared byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import anthropic
import httpx
import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families

from mockscope_support import fingerprint

KEY = "sk-anthropic-test"
MODEL = "qwen-plus"
WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather in a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@pytest.fixture
def synth(mockscope_server):
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", label="anthropic synthesize")


def client(srv, **kwargs) -> anthropic.Anthropic:
    kwargs.setdefault("max_retries", 0)
    return anthropic.Anthropic(api_key=KEY, base_url=srv.anthropic_url, timeout=20, **kwargs)


def raw(srv, body: dict, headers: Dict[str, str] | None = None) -> httpx.Response:
    with httpx.Client(timeout=20, trust_env=False) as http:
        return http.post(srv.anthropic_url + "/v1/messages", json=body,
                         headers={"x-api-key": KEY, **(headers or {})})


def sse_events(text: str) -> List[tuple]:
    """(event name, data object) per event of a named-event stream."""
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        assert lines[0].startswith("event: ") and lines[1].startswith("data: "), block
        events.append((lines[0][len("event: "):], json.loads(lines[1][len("data: "):])))
    return events


# ------------------------------------------------------------------ messages.create
def test_create_text_is_a_message_and_deterministic(synth):
    c = client(synth)
    ask = dict(model=MODEL, max_tokens=512, messages=[{"role": "user", "content": "Hello there"}])
    first = c.messages.create(**ask)
    assert first.type == "message" and first.role == "assistant" and first.model == MODEL
    assert first.id.startswith("msg_")
    assert [b.type for b in first.content] == ["text"]
    assert "Hello there" in first.content[0].text
    assert first.stop_reason == "end_turn" and first.stop_sequence is None
    assert first.usage.input_tokens > 0 and first.usage.output_tokens > 0
    assert first.usage.cache_read_input_tokens == 0
    second = c.messages.create(**ask)
    assert second.content[0].text == first.content[0].text and second.usage == first.usage


def test_system_as_string_or_blocks_is_the_same_prompt(synth):
    c = client(synth)
    ask = dict(model=MODEL, max_tokens=512, messages=[{"role": "user", "content": "What is MockScope?"}])
    as_string = c.messages.create(system="You are terse.", **ask)
    as_blocks = c.messages.create(system=[{"type": "text", "text": "You are terse."}], **ask)
    without = c.messages.create(**ask)
    assert as_string.content[0].text == as_blocks.content[0].text
    assert as_string.usage.input_tokens == as_blocks.usage.input_tokens > without.usage.input_tokens


def test_tools_loop_with_tool_result(synth):
    c = client(synth)
    question = {"role": "user", "content": "What is the weather in Paris?"}
    call = c.messages.create(model=MODEL, max_tokens=512, tools=[WEATHER], messages=[question])
    assert call.stop_reason == "tool_use"
    use = [b for b in call.content if b.type == "tool_use"]
    assert len(use) == 1 and use[0].name == "get_weather"
    assert isinstance(use[0].input, dict) and isinstance(use[0].input["city"], str)
    answer = c.messages.create(model=MODEL, max_tokens=512, tools=[WEATHER], messages=[
        question,
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in call.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use[0].id, "content": "Sunny, 21 C"}]},
    ])
    assert answer.stop_reason == "end_turn"
    assert "get_weather" in answer.content[-1].text and "Sunny, 21 C" in answer.content[-1].text


def test_thinking_gives_a_thinking_block_with_an_empty_signature(synth):
    c = client(synth)
    message = c.messages.create(model=MODEL, max_tokens=512, thinking={"type": "enabled", "budget_tokens": 1024},
                                messages=[{"role": "user", "content": "Why is the sky blue?"}])
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].thinking and message.content[0].signature == ""


def test_max_tokens_cuts_the_text(synth):
    message = client(synth).messages.create(model=MODEL, max_tokens=5, messages=[{"role": "user", "content": "Tell me a story"}])
    assert message.stop_reason == "max_tokens"
    assert message.usage.output_tokens <= 5


def test_output_config_format_follows_the_schema_and_needs_the_word_json(synth):
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"],
              "additionalProperties": False}
    body = {"model": MODEL, "max_tokens": 256, "output_config": {"format": {"type": "json_schema", "schema": schema}},
            "messages": [{"role": "user", "content": "Reply in JSON: what is 2+2?"}]}
    ok = raw(synth, body)
    assert ok.status_code == 200, ok.text
    assert set(json.loads(ok.json()["content"][0]["text"])) == {"answer"}
    body["messages"][0]["content"] = "What is 2+2?"
    refused = raw(synth, body)
    assert refused.status_code == 400
    assert refused.json()["error"]["type"] == "invalid_request_error"
    assert "must contain the word 'json'" in refused.json()["error"]["message"]


# ------------------------------------------------------------------ messages.stream
def test_stream_text_helpers(synth):
    c = client(synth)
    ask = dict(model=MODEL, max_tokens=512, messages=[{"role": "user", "content": "Stream me something"}])
    whole = c.messages.create(**ask)
    with c.messages.stream(**ask) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == whole.content[0].text == final.content[0].text
    assert final.stop_reason == "end_turn" and final.usage.output_tokens == whole.usage.output_tokens


def test_stream_tool_use_input_json(synth):
    c = client(synth)
    ask = dict(model=MODEL, max_tokens=512, tools=[WEATHER], messages=[{"role": "user", "content": "Weather in Oslo?"}])
    whole = c.messages.create(**ask)
    with c.messages.stream(**ask) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert "input_json" in kinds
    assert final.stop_reason == "tool_use"
    assert final.content[-1].input == whole.content[-1].input and final.content[-1].id == whole.content[-1].id


def test_stream_thinking(synth):
    c = client(synth)
    ask = dict(model=MODEL, max_tokens=512, thinking={"type": "enabled", "budget_tokens": 1024},
               messages=[{"role": "user", "content": "Think about tea"}])
    whole = c.messages.create(**ask)
    with c.messages.stream(**ask) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert "thinking" in kinds and "signature" in kinds
    assert final.content[0].thinking == whole.content[0].thinking and final.content[0].signature == ""


def test_stream_framing_names_every_event(synth):
    answer = raw(synth, {"model": MODEL, "max_tokens": 256, "stream": True,
                         "messages": [{"role": "user", "content": "framing"}]})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
    events = sse_events(answer.text)
    assert all(name == data["type"] for name, data in events)
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"] and "[DONE]" not in answer.text
    assert events[0][1]["message"]["usage"] == {"input_tokens": events[-2][1]["usage"]["input_tokens"], "output_tokens": 0}


# ------------------------------------------------------------------ auth and errors
def test_auth_by_x_api_key_or_bearer_and_no_version_needed(synth):
    body = {"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
    assert raw(synth, body).status_code == 200
    with httpx.Client(timeout=20, trust_env=False) as http:
        bearer = http.post(synth.anthropic_url + "/v1/messages", json=body, headers={"Authorization": "Bearer " + KEY})
        none = http.post(synth.anthropic_url + "/v1/messages", json=body)
    assert bearer.status_code == 200
    assert none.status_code == 401
    assert none.json() == {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
    entries = synth.requests(path="/apps/anthropic/v1/messages", limit=3)
    assert fingerprint(KEY) in [e["api_key"] for e in entries]
    # Metrics label the path and status as for every protocol (the synthesized answers: no fixture).
    counts = {tuple(sorted(sample.labels.items())): sample.value
              for family in text_string_to_metric_families(synth.metrics()) for sample in family.samples
              if sample.name == "mockscope_requests_total" and sample.labels.get("path") == "/apps/anthropic/v1/messages"}
    assert sorted(dict(labels)["status"] for labels in counts) == ["200", "401"], counts
    assert sum(counts.values()) == 3


def test_sdk_errors_are_typed(mockscope_server):
    srv = mockscope_server("--speed", "0", "--unmatched", "synthesize", "--api-key", KEY, label="anthropic keys")
    with pytest.raises(anthropic.AuthenticationError) as bad_key:
        anthropic.Anthropic(api_key="sk-wrong", base_url=srv.anthropic_url, max_retries=0).messages.create(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi"}])
    assert bad_key.value.type == "authentication_error"
    c = client(srv)
    with pytest.raises(anthropic.BadRequestError) as no_max:
        c.messages.create(model=MODEL, max_tokens=anthropic.omit, messages=[{"role": "user", "content": "hi"}])
    assert no_max.value.type == "invalid_request_error" and no_max.value.api_message == "max_tokens: Field required"
    with pytest.raises(anthropic.BadRequestError) as stray:
        c.messages.create(model=MODEL, max_tokens=64, messages=[
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_nope", "content": "x"}]}])
    assert "toolu_nope" in stray.value.api_message and "corresponding `tool_use`" in stray.value.api_message
    with pytest.raises(anthropic.BadRequestError) as unknown_block:
        c.messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": [{"type": "hologram"}]}])
    assert "messages.0.content.0" in unknown_block.value.api_message
    with pytest.raises(anthropic.NotFoundError):
        c.models.list()
    with pytest.raises(anthropic.NotFoundError):
        c.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "hi"}])


# ------------------------------------------------------------------ retries and conduct
@pytest.mark.parametrize("status,error", [(429, anthropic.RateLimitError), (529, anthropic.OverloadedError)])
def test_sdk_retries_429_and_529(synth, status, error):
    c = client(synth, max_retries=2, default_headers=synth.fault_headers(f"http_error status={status} retry_after_ms=20"))
    before = synth.count(path="/apps/anthropic/v1/messages", status=status)
    with pytest.raises(error) as info:
        c.messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "retry me"}])
    assert info.value.status_code == status
    assert info.value.type == ("rate_limit_error" if status == 429 else "overloaded_error")
    attempts = synth.wait_for_requests(before + 3, path="/apps/anthropic/v1/messages", status=status)[before:]
    assert len(attempts) == 3
    sent = [{k.lower(): v for k, v in (e["headers"].items() if isinstance(e["headers"], dict) else e["headers"])}
            .get("x-stainless-retry-count") for e in attempts]
    assert sent == ["0", "1", "2"], sent


def test_sdk_recovers_after_a_burst_and_conduct_passes(synth):
    synth.scenario({"name": "anthropic-burst", "steps": [
        {"times": 2, "faults": ["http_error status=429 retry_after_ms=30"]}, {"faults": []}]})
    message = client(synth, max_retries=2).messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "burst"}])
    assert message.stop_reason == "end_turn"
    entries = synth.wait_for_requests(3, path="/apps/anthropic/v1/messages")
    assert [e["status"] for e in entries[-3:]] == [429, 429, 200]
    report = synth.assert_good_conduct(api_key=KEY, checks=["waited_retry_after"])
    assert report


# ------------------------------------------------------------------ stream faults
def stream_body(text: str = "fault me") -> dict:
    return {"model": MODEL, "max_tokens": 256, "stream": True, "messages": [{"role": "user", "content": text}]}


def test_mid_stream_error_is_an_error_event(synth):
    answer = raw(synth, stream_body(), synth.fault_headers("stream_error after_events=3 code=service_unavailable"))
    assert answer.status_code == 200
    events = sse_events(answer.text)
    assert [name for name, _ in events] == ["message_start", "content_block_start", "ping", "error"]
    assert events[-1][1] == {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    c = client(synth, default_headers=synth.fault_headers("stream_error after_events=3 code=service_unavailable"))
    with pytest.raises(anthropic.APIStatusError) as info:
        with c.messages.stream(**{k: v for k, v in stream_body().items() if k != "stream"}) as stream:
            for _ in stream:
                pass
    assert info.value.type == "overloaded_error"


def test_malformed_event_keeps_its_event_line(synth):
    answer = raw(synth, stream_body(), synth.fault_headers("malformed_chunk after_events=1"))
    broken = answer.text.split("\n\n")[1]
    assert broken.startswith("event: content_block_start\ndata: ") and "{" not in broken.split("data: ", 1)[1][:1]


@pytest.mark.parametrize("fault", ["drop after_events=2", "stall after_events=2 ms=50"])
def test_cut_streams_end_the_sdk_stream_with_an_error(synth, fault):
    c = client(synth, default_headers=synth.fault_headers(fault))
    seen = []
    # A stream cut mid-way reaches the caller as the transport's error (the SDK does not wrap it).
    with pytest.raises(httpx2.RemoteProtocolError):
        with c.messages.stream(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": "cut"}]) as stream:
            for event in stream:
                seen.append(event.type)
            stream.get_final_message()
    assert seen[:1] == ["message_start"] and "message_stop" not in seen


# ------------------------------------------------------------------ fixtures and rate limits
FIXTURE_ANSWER = ("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_fixture\",\"type\":\"message\","
                  "\"role\":\"assistant\",\"model\":\"qwen-plus\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                  "\"usage\":{\"input_tokens\":5,\"output_tokens\":0}}}\n\n"
                  "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                  "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"From the fixture.\"}}\n\n"
                  "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                  "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                  "\"usage\":{\"input_tokens\":5,\"output_tokens\":400,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}\n\n"
                  "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")


@pytest.fixture
def with_fixture(mockscope_server):
    srv = mockscope_server("--speed", "0", label="anthropic fixtures")
    srv.add_fixture({
        "mockscope": 1, "name": "anthropic/qwen-plus/fixture-hello",
        "request": {"method": "POST", "path": "/apps/anthropic/v1/messages", "ignore": ["max_tokens"],
                    "body": {"model": MODEL, "max_tokens": 100, "stream": True,
                             "messages": [{"role": "user", "content": "hello fixture"}]}},
        "response": {"status": 200, "headers": {"content-type": "text/event-stream;charset=UTF-8"},
                     "events": [{"at": 10 * i, "data": part + "\n\n"} for i, part in enumerate(FIXTURE_ANSWER.split("\n\n")[:-1])]},
    })
    return srv


def test_fixture_matches_with_an_ignored_path_and_a_near_miss_in_anthropic_shape(with_fixture):
    c = client(with_fixture)
    with c.messages.stream(model=MODEL, max_tokens=999, messages=[{"role": "user", "content": "hello fixture"}]) as stream:
        assert "".join(stream.text_stream) == "From the fixture."
    with pytest.raises(anthropic.BadRequestError) as miss:
        with c.messages.stream(model=MODEL, max_tokens=999, messages=[{"role": "user", "content": "hello fixturz"}]) as stream:
            stream.get_final_message()
    assert miss.value.type == "invalid_request_error"
    assert "anthropic/qwen-plus/fixture-hello" in miss.value.api_message and "messages.0.content" in miss.value.api_message


def test_tokens_per_minute_are_charged_from_output_tokens(with_fixture):
    # 400 output tokens a call: a tpm of 600 admits the first call and refuses the second.
    c = client(with_fixture, default_headers=with_fixture.fault_headers("rate_limit tpm=600"))
    ask = dict(model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "hello fixture"}])
    with c.messages.stream(**ask) as stream:
        stream.get_final_message()
    with pytest.raises(anthropic.RateLimitError) as info:
        with c.messages.stream(**ask) as stream:
            stream.get_final_message()
    assert info.value.type == "rate_limit_error"


# ------------------------------------------------------------------ record and replay
def test_recorded_stream_replays_byte_for_byte(mockscope_server, tmp_path: Path):
    upstream = mockscope_server("--speed", "0", "--unmatched", "synthesize", label="anthropic upstream")
    folder = tmp_path / "recorded"
    recorder = mockscope_server("--record", "new", "--upstream", upstream.base_url, "--record-to", str(folder),
                                label="anthropic recorder")
    body = stream_body("record this exchange")
    recorded = raw(recorder, body)
    assert recorded.status_code == 200
    # The SDK through the recorder too (a second, non-stream recording).
    client(recorder).messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "and this"}])
    files = sorted(p for p in folder.rglob("*.json") if not p.name.startswith("."))
    assert len(files) == 2 and all(p.relative_to(folder).parts[0] == "anthropic" for p in files), files
    assert KEY not in "".join(p.read_text(encoding="utf-8") for p in files)
    replay = mockscope_server("--speed", "0", "--fixtures", str(folder), label="anthropic replay")
    replayed = raw(replay, body)
    assert replayed.content == recorded.content
    assert "event: message_start\n" in replayed.text and "event: message_stop\n" in replayed.text
    again = client(replay).messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "and this"}])
    assert again.content[0].text.startswith("MockScope synthesized")
