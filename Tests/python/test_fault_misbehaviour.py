"""Misbehaviour faults (docs/faults.md "Model misbehaviour"): the failures an agent meets from a
real model, through real clients. The openai SDK (compatible chat, whole and streamed, and the
Responses API), the dashscope SDK (native), the anthropic SDK, LangChain's reaction to broken
tool arguments; on synthesized, replayed and forwarded (record mode) answers; from the header,
a scenario and the client package's `fault_headers`."""

from __future__ import annotations

import json

import anthropic
import httpx
import jsonschema
import openai
import pytest

from mockscope_client import fault_headers
from mockscope_support import eventually
from record_upstream import TOOL_ARGUMENTS, Upstream
from synth_support import client, ds, synth  # noqa: F401  (pytest fixtures)

QUESTION = "What is the weather in Tokyo for 3 days?"
SCHEMA = {"type": "object", "properties": {"location": {"type": "string"}, "days": {"type": "integer"}},
          "required": ["location", "days"]}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather forecast.",
                                           "parameters": SCHEMA}}]
OFFERED = {"get_weather"}
MESSAGES = [{"role": "user", "content": QUESTION}]


def _calls(c, fault, *, stream=False, **extra):
    """(tool calls as (id, name, arguments), finish_reason) of one compatible-mode answer."""
    kwargs = dict(model="qwen-plus", messages=MESSAGES, tools=TOOLS, extra_headers=fault_headers(fault), **extra)
    if not stream:
        choice = c.chat.completions.create(**kwargs).choices[0]
        calls = [(t.id, t.function.name, t.function.arguments) for t in choice.message.tool_calls or []]
        return calls, choice.finish_reason
    calls: dict = {}
    finish = None
    for chunk in c.chat.completions.create(stream=True, **kwargs):
        for choice in chunk.choices:
            for part in choice.delta.tool_calls or []:
                entry = calls.setdefault(part.index, ["", "", ""])
                entry[0] = entry[0] or part.id or ""
                entry[1] = entry[1] or (part.function.name if part.function else "") or ""
                entry[2] += (part.function.arguments if part.function else "") or ""
            finish = choice.finish_reason or finish
    return [tuple(calls[i]) for i in sorted(calls)], finish


# ------------------------------------------------------------ compatible mode, openai SDK
@pytest.mark.parametrize("stream", [False, True])
def test_truncated_arguments_make_the_agents_json_loads_fail(client, stream):
    (good_id, name, good), = _calls(client, "latency ms=0", stream=stream)[0]
    assert json.loads(good) == {"location": "Tokyo", "days": 3}
    calls, finish = _calls(client, "bad_tool_arguments", stream=stream)
    (call_id, call_name, arguments), = calls
    assert (call_id, call_name, finish) == (good_id, name, "tool_calls")
    assert good.startswith(arguments) and arguments != good
    with pytest.raises(json.JSONDecodeError):
        json.loads(arguments)


@pytest.mark.parametrize("stream", [False, True])
def test_wrong_type_and_missing_required_arguments_fail_the_tools_schema(client, stream):
    (_, _, wrong), = _calls(client, "bad_tool_arguments mode=wrong_type", stream=stream)[0]
    (_, _, missing), = _calls(client, "bad_tool_arguments mode=missing_required", stream=stream)[0]
    assert json.loads(wrong)["days"] == 3 and not isinstance(json.loads(wrong)["location"], str)
    assert json.loads(missing) == {"days": 3}
    for arguments in (wrong, missing):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(json.loads(arguments), SCHEMA)


@pytest.mark.parametrize("stream", [False, True])
def test_a_call_to_a_tool_that_was_not_offered(client, stream):
    (_, name, arguments), = _calls(client, "unknown_tool", stream=stream)[0]
    assert name not in OFFERED and name == "get_weather_v2" and json.loads(arguments)["location"] == "Tokyo"
    (_, named, _), = _calls(client, "unknown_tool name=rm_rf", stream=stream)[0]
    assert named == "rm_rf"


@pytest.mark.parametrize("stream", [False, True])
def test_duplicate_tool_call_ids(client, stream):
    calls, finish = _calls(client, "duplicate_tool_ids", stream=stream)
    assert len(calls) == 2 and calls[0][0] == calls[1][0] and finish == "tool_calls"


@pytest.mark.parametrize("stream", [False, True])
def test_length_in_the_middle_of_a_tool_call(client, stream):
    calls, finish = _calls(client, "cut_at_length where=tool_call", stream=stream)
    (_, _, arguments), = calls
    assert finish == "length"
    with pytest.raises(json.JSONDecodeError):
        json.loads(arguments)


def _content(c, fault, *, stream=False, **kwargs):
    """(content, reasoning, finish_reason, completion tokens) of one compatible-mode answer."""
    kwargs.setdefault("messages", [{"role": "user", "content": "Tell me a story"}])
    kwargs = dict(model="qwen-plus", extra_headers=fault_headers(fault), **kwargs)
    if not stream:
        response = c.chat.completions.create(**kwargs)
        message = response.choices[0].message
        return (message.content, getattr(message, "reasoning_content", None) or "", response.choices[0].finish_reason,
                response.usage.completion_tokens)
    content, reasoning, finish, tokens = "", "", None, None
    for chunk in c.chat.completions.create(stream=True, stream_options={"include_usage": True}, **kwargs):
        if chunk.usage:
            tokens = chunk.usage.completion_tokens
        for choice in chunk.choices:
            content += choice.delta.content or ""
            reasoning += getattr(choice.delta, "reasoning_content", None) or ""
            finish = choice.finish_reason or finish
    return content, reasoning, finish, tokens


JSON_MODE = dict(response_format={"type": "json_object"},
                 messages=[{"role": "user", "content": 'Describe a film as JSON with "title" and "year".'}])


@pytest.mark.parametrize("stream", [False, True])
def test_length_in_the_middle_of_json_mode_output(client, stream):
    whole, _, _, _ = _content(client, "latency ms=0", stream=stream, **JSON_MODE)
    assert set(json.loads(whole)) == {"title", "year"}
    cut, _, finish, _ = _content(client, "cut_at_length where=json", stream=stream, **JSON_MODE)
    assert finish == "length" and whole.startswith(cut) and cut != whole
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)


@pytest.mark.parametrize("stream", [False, True])
def test_an_empty_answer_and_a_refusal(client, stream):
    assert _content(client, "empty_answer", stream=stream)[:3] == ("", "", "stop")
    text, _, finish, _ = _content(client, "refusal", stream=stream)
    assert (text, finish) == ("I'm sorry, but I can't help with that request.", "stop")
    assert _content(client, 'refusal message="I cannot do that."', stream=stream)[0] == "I cannot do that."
    # The tools offered are not called when the model declines.
    assert _calls(client, "refusal", stream=stream) == ([], "stop")


@pytest.mark.parametrize("stream", [False, True])
def test_reasoning_that_never_reaches_an_answer(client, stream):
    content, reasoning, finish, tokens = _content(client, "endless_reasoning", stream=stream, max_tokens=64,
                                                  extra_body={"enable_thinking": True})
    assert (content, finish, tokens) == ("", "length", 64)
    assert reasoning.count("let me reconsider") >= 3


@pytest.mark.parametrize("mode", ["trailing_comma", "fenced", "prose", "single_quotes"])
def test_invalid_json_in_json_mode(client, mode):
    text, _, finish, _ = _content(client, f"invalid_json mode={mode}", **JSON_MODE)
    assert finish == "stop" and text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


@pytest.mark.parametrize("mode", ["missing_required", "wrong_type"])
def test_a_structured_output_that_violates_its_schema(client, mode):
    schema = {"type": "object", "properties": {"title": {"type": "string"}, "year": {"type": "integer"}},
              "required": ["title", "year"], "additionalProperties": False}
    fmt = {"type": "json_schema", "json_schema": {"name": "film", "schema": schema, "strict": True}}
    good, _, _, _ = _content(client, "latency ms=0", response_format=fmt, messages=JSON_MODE["messages"])
    jsonschema.validate(json.loads(good), schema)
    bad, _, _, _ = _content(client, f"schema_violation mode={mode}", response_format=fmt, messages=JSON_MODE["messages"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(bad), schema)


def test_the_same_request_gives_the_same_bytes(synth):
    body = {"model": "qwen-plus", "messages": MESSAGES, "tools": TOOLS, "stream": True}
    headers = {"Authorization": "Bearer sk-test", "X-Request-Id": "", **fault_headers("bad_tool_arguments; duplicate_tool_ids")}
    with httpx.Client(timeout=30, trust_env=False) as http:
        first, second = (http.post(synth.compat_url + "/chat/completions", json=body, headers=headers) for _ in range(2))
    strip = lambda r: r.text.replace(r.headers["x-request-id"], "ID")  # noqa: E731  (the per-request id aside)
    assert first.status_code == 200 and strip(first) == strip(second)


def test_a_bad_fault_parameter_is_a_400_that_says_what_to_fix(client):
    with pytest.raises(openai.BadRequestError) as raised:
        _calls(client, "bad_tool_arguments mode=half")
    assert "truncated, wrong_type, missing_required" in str(raised.value)


# ------------------------------------------------------------ replayed (the default fixtures)
def test_a_replayed_recording_gets_the_fault(mockscope):
    """compat/qwq-plus/four-cities-weather.stream: four recorded parallel calls."""
    c = openai.OpenAI(api_key="sk-test", base_url=mockscope.compat_url, timeout=30, max_retries=0)
    from mockscope_support import load_fixture
    request = load_fixture("compat/qwq-plus/four-cities-weather.stream")["request"]["body"]
    kwargs = {k: v for k, v in request.items() if k != "stream"}
    def calls(fault):
        found: dict = {}
        for chunk in c.chat.completions.create(stream=True, extra_headers=fault_headers(fault), **kwargs):
            for choice in chunk.choices:
                for part in choice.delta.tool_calls or []:
                    entry = found.setdefault(part.index, ["", ""])
                    entry[0] = entry[0] or part.id or ""
                    entry[1] += (part.function.arguments if part.function else "") or ""
        return [tuple(found[i]) for i in sorted(found)]
    recorded = calls("latency ms=0")
    assert len(recorded) == 4 and all(json.loads(a)["location"] for _, a in recorded)
    broken = calls("bad_tool_arguments")
    assert [i for i, _ in broken] == [i for i, _ in recorded]
    for (_, good), (_, bad) in zip(recorded, broken):
        assert good.startswith(bad) and bad != good
    duplicated = calls("duplicate_tool_ids")
    assert len({i for i, _ in duplicated}) == 1 and len(duplicated) == 4
    assert mockscope.requests()[-1]["fixture"] == "compat/qwq-plus/four-cities-weather.stream"


# ------------------------------------------------------------ forwarded (record mode)
@pytest.fixture
def recorder(tmp_path, mockscope_server):
    upstream = Upstream()
    server = mockscope_server("--record", "all", "--upstream", upstream.base, "--record-to", str(tmp_path / "rec"),
                              "--speed", "0", label="record-misbehaviour")
    server.folder = tmp_path / "rec"
    server.upstream = upstream
    yield server
    upstream.stop()


@pytest.mark.parametrize("stream", [False, True])
def test_a_forwarded_answer_is_rewritten_for_the_client_and_recorded_as_sent(recorder, mockscope_server, stream):
    c = openai.OpenAI(api_key="sk-test-forward", base_url=recorder.compat_url, timeout=30, max_retries=0)
    content = f"forwarded stream={stream}"
    kwargs = dict(model="test-tools", messages=[{"role": "user", "content": content}], tools=TOOLS,
                  extra_headers=fault_headers("bad_tool_arguments"))
    if stream:
        arguments = "".join(part.function.arguments or ""
                            for chunk in c.chat.completions.create(stream=True, **kwargs)
                            for choice in chunk.choices for part in choice.delta.tool_calls or [])
    else:
        arguments = c.chat.completions.create(**kwargs).choices[0].message.tool_calls[0].function.arguments
    assert TOOL_ARGUMENTS.startswith(arguments) and arguments != TOOL_ARGUMENTS
    fixture = json.loads(eventually(lambda: sorted(recorder.folder.rglob("*.json")), until=bool, timeout=10)[0].read_text())
    recorded = fixture["response"]
    if stream:
        chunks = [json.loads(e["data"].strip()[len("data: "):]) for e in recorded["events"] if "[DONE]" not in e["data"]]
        upstream_arguments = "".join(part["function"]["arguments"] for chunk in chunks
                                     for part in chunk["choices"][0]["delta"].get("tool_calls") or [])
    else:
        body = recorded["body"] if isinstance(recorded["body"], dict) else json.loads(recorded["body"])
        upstream_arguments = body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert upstream_arguments == TOOL_ARGUMENTS  # the upstream's own arguments, whole
    def entry():
        found = [e for e in recorder.requests(model="test-tools") if e.get("recording") not in (None, "pending")]
        return found[-1] if found else None
    done = eventually(entry, until=bool, timeout=10)
    assert done["recording"].startswith("recorded the upstream's bytes") and done["faults"] == ["bad_tool_arguments mode=truncated"]
    assert recorder.upstream.count == 1

    # The recording replayed: whole without a fault, broken again with it.
    replay = mockscope_server("--speed", "0", "--fixtures", str(recorder.folder), label="replay-misbehaviour")
    again = openai.OpenAI(api_key="sk-test-forward", base_url=replay.compat_url, timeout=30, max_retries=0)
    def replayed(fault):
        kwargs["extra_headers"] = fault_headers(fault)
        if stream:
            return "".join(part.function.arguments or "" for chunk in again.chat.completions.create(stream=True, **kwargs)
                           for choice in chunk.choices for part in choice.delta.tool_calls or [])
        return again.chat.completions.create(**kwargs).choices[0].message.tool_calls[0].function.arguments
    assert replayed("latency ms=0") == TOOL_ARGUMENTS
    assert replayed("bad_tool_arguments") == arguments
    assert replay.requests()[-1]["fixture"]


# ------------------------------------------------------------ native, dashscope SDK
NATIVE_TOOLS = TOOLS


@pytest.mark.parametrize("stream", [False, True])
def test_native_truncated_arguments_and_length(ds, stream):
    def call(fault):
        kwargs = dict(model="qwen-plus", messages=MESSAGES, tools=NATIVE_TOOLS, result_format="message", api_key="sk-test",
                      headers=fault_headers(fault))
        if not stream:
            response = ds.Generation.call(**kwargs)
            assert response.status_code == 200, response
            choice = response.output.choices[0]
            return choice.message.tool_calls[0]["function"]["arguments"], choice.finish_reason
        arguments, finish = "", None
        for response in ds.Generation.call(stream=True, incremental_output=True, **kwargs):
            assert response.status_code == 200, response
            choice = response.output.choices[0]
            for part in choice.message.get("tool_calls") or []:
                arguments += part.get("function", {}).get("arguments", "")
            finish = choice.finish_reason if choice.finish_reason not in (None, "null") else finish
        return arguments, finish
    good, finish = call("latency ms=0")
    assert json.loads(good) == {"location": "Tokyo", "days": 3} and finish == "tool_calls"
    bad, finish = call("bad_tool_arguments")
    assert finish == "tool_calls" and good.startswith(bad) and bad != good
    cut, finish = call("cut_at_length")
    assert finish == "length"
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)


def test_native_refusal_and_endless_reasoning(ds):
    response = ds.Generation.call(model="qwen-plus", prompt="Tell me a story", api_key="sk-test", headers=fault_headers("refusal"))
    assert (response.output.text, response.output.finish_reason) == ("I'm sorry, but I can't help with that request.", "stop")
    thinking = ds.Generation.call(model="qwen-plus", messages=[{"role": "user", "content": "Tell me a story"}], api_key="sk-test",
                                  result_format="message", max_tokens=50, headers=fault_headers("endless_reasoning"))
    choice = thinking.output.choices[0]
    assert (choice.message.content, choice.finish_reason) == ("", "length")
    assert choice.message.reasoning_content and thinking.usage.output_tokens == 50


# ------------------------------------------------------------ Anthropic, anthropic SDK
ANTHROPIC_TOOLS = [{"name": "get_weather", "description": "Get the weather forecast.", "input_schema": SCHEMA}]


def _anthropic(synth):
    return anthropic.Anthropic(api_key="sk-test", base_url=synth.anthropic_url, timeout=20, max_retries=0)


def test_anthropic_stop_reason_max_tokens_unknown_tool_and_refusal(synth):
    a = _anthropic(synth)
    kwargs = dict(model="qwen-plus", max_tokens=200, messages=MESSAGES, tools=ANTHROPIC_TOOLS)
    good = a.messages.create(**kwargs)
    assert good.stop_reason == "tool_use" and good.content[0].input == {"location": "Tokyo", "days": 3}
    cut = a.messages.create(extra_headers=fault_headers("cut_at_length"), **kwargs)
    assert cut.stop_reason == "max_tokens"
    unknown = a.messages.create(extra_headers=fault_headers("unknown_tool"), **kwargs)
    assert unknown.content[0].name == "get_weather_v2"
    missing = a.messages.create(extra_headers=fault_headers("bad_tool_arguments mode=missing_required"), **kwargs)
    assert missing.content[0].input == {"days": 3}
    refused = a.messages.create(extra_headers=fault_headers("refusal"), **kwargs)
    assert refused.stop_reason == "end_turn" and [b.type for b in refused.content] == ["text"]
    thinking = a.messages.create(model="qwen-plus", max_tokens=40, messages=[{"role": "user", "content": "Tell me a story"}],
                                 extra_headers=fault_headers("endless_reasoning"))
    assert thinking.stop_reason == "max_tokens" and [b.type for b in thinking.content] == ["thinking"]


def test_anthropic_streamed_truncated_input_json(synth):
    a = _anthropic(synth)
    kwargs = dict(model="qwen-plus", max_tokens=200, messages=MESSAGES, tools=ANTHROPIC_TOOLS, stream=True)
    partial = "".join(e.delta.partial_json for e in a.messages.create(extra_headers=fault_headers("bad_tool_arguments"), **kwargs)
                      if e.type == "content_block_delta" and e.delta.type == "input_json_delta")
    assert partial and '{"location": "Tokyo", "days": 3}'.startswith(partial)
    with pytest.raises(json.JSONDecodeError):
        json.loads(partial)
    stop = [e.delta.stop_reason for e in a.messages.create(extra_headers=fault_headers("cut_at_length"), **kwargs)
            if e.type == "message_delta"]
    assert stop == ["max_tokens"]


# ------------------------------------------------------------ Responses API, openai SDK
RESPONSES_TOOLS = [{"type": "function", "name": "get_weather", "description": "Get the weather forecast.", "parameters": SCHEMA}]


def test_responses_incomplete_in_the_middle_of_a_call_and_bad_arguments(synth):
    c = openai.OpenAI(api_key="sk-test", base_url=synth.compat_url, timeout=30, max_retries=0)
    kwargs = dict(model="qwen-plus", input=QUESTION, tools=RESPONSES_TOOLS)
    good = c.responses.create(**kwargs)
    assert json.loads(good.output[0].arguments) == {"location": "Tokyo", "days": 3}
    cut = c.responses.create(extra_headers=fault_headers("cut_at_length"), **kwargs)
    assert cut.status == "incomplete" and cut.incomplete_details.reason == "max_output_tokens"
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.output[0].arguments)
    events = list(c.responses.create(stream=True, extra_headers=fault_headers("duplicate_tool_ids"), **kwargs))
    final = events[-1].response
    assert events[-1].type == "response.completed"
    assert [item.type for item in final.output] == ["function_call"] * 2 and final.output[0].call_id == final.output[1].call_id
    wrong = c.responses.create(extra_headers=fault_headers("bad_tool_arguments mode=wrong_type"), **kwargs)
    assert not isinstance(json.loads(wrong.output[0].arguments)["location"], str)


# ------------------------------------------------------------ scenarios and a framework
def test_a_scenario_step_with_a_seeded_chance(synth):
    """A step's `chance` with a seed: some answers broken, some not, the same ones every run."""
    c = openai.OpenAI(api_key="sk-test", base_url=synth.compat_url, timeout=30, max_retries=0)

    def run():
        scenario = synth.create_scenario({"name": "flaky-tools", "seed": 7, "match": {"model": "qwen-plus"},
                                          "steps": [{"chance": 0.5, "faults": ["bad_tool_arguments"]}]})
        try:
            outcomes = []
            for _ in range(12):
                arguments = c.chat.completions.create(model="qwen-plus", messages=MESSAGES, tools=TOOLS
                                                      ).choices[0].message.tool_calls[0].function.arguments
                try:
                    json.loads(arguments)
                    outcomes.append(True)
                except json.JSONDecodeError:
                    outcomes.append(False)
            return outcomes
        finally:
            scenario.delete()

    first = run()
    assert set(first) == {True, False}, f"a seeded chance of 0.5 should break some calls and leave others: {first}"
    assert run() == first


def test_langchain_puts_broken_arguments_in_invalid_tool_calls(synth):
    from langchain_openai import ChatOpenAI
    model = ChatOpenAI(model="qwen-plus", base_url=synth.compat_url, api_key="sk-test", max_retries=0, timeout=30,
                       default_headers=fault_headers("bad_tool_arguments"))
    message = model.bind_tools(TOOLS).invoke(QUESTION)
    assert message.tool_calls == []
    invalid, = message.invalid_tool_calls
    assert invalid["name"] == "get_weather" and invalid["args"] and invalid["error"]
