"""The Responses API (`/compatible-mode/v1/responses`) through the openai SDK as pinned:
create (text, a thinking model, a tool loop), both streaming helpers, the stored responses
(retrieve, delete, input items, a `previous_response_id` chain, `store: false`, expiry on the
virtual clock), the errors as DashScope sends them on this path (a rate limit as a 200 `failed`
Response), the doc-shaped events fault, and the legacy path."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

KEY = "sk-test"
TEXT_MODEL = "qwen-plus"          # thinks only when asked (catalog: optional)
THINKING_MODEL = "qwen3.6-plus"   # thinks unless told not to (catalog: default-on)
WEATHER_TOOL = {
    "type": "function", "name": "get_weather", "description": "Get the current weather of a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def client(server, **kwargs) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url=server.compat_url, timeout=30, max_retries=0, **kwargs)


def post(server, body, path="/compatible-mode/v1/responses", headers=None) -> httpx.Response:
    with httpx.Client(timeout=30, trust_env=False) as http:
        return http.post(server.base_url + path, json=body,
                         headers={"Authorization": f"Bearer {KEY}", **(headers or {})})


def sse_events(raw: bytes):
    """(id, event, data) of each event of a DashScope-framed stream; checks the framing."""
    text = raw.decode("utf-8")
    assert text.endswith("\n\n") and "\n\n\n" not in text, "exactly one blank line between events"
    events = []
    for block in text[:-2].split("\n\n"):
        lines = block.split("\n")
        assert lines[0].startswith("id:") and lines[1].startswith("event:"), block
        assert lines[2] == ":HTTP_STATUS/200" and lines[3].startswith("data:") and len(lines) == 4, block
        events.append((int(lines[0][3:]), lines[1][6:], json.loads(lines[3][5:])))
    return events


@pytest.fixture(scope="module")
def synth(mockscope_server):
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", label="responses synthesize")


@pytest.fixture(scope="module")
def virtual(mockscope_server):
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", "--clock", "virtual",
                            "--responses-store-size", "3", label="responses virtual clock")


# ------------------------------------------------------------------ create
def test_create_text(synth):
    response = client(synth).responses.create(model=TEXT_MODEL, input="What is MockScope?")
    assert response.status == "completed" and response.object == "response"
    assert response.id.startswith("resp_")
    assert response._request_id and response.id == "resp_" + response._request_id
    assert [item.type for item in response.output] == ["message"]
    assert response.output[0].id.startswith("msg_") and response.output[0].status == "completed"
    assert response.output_text.startswith('MockScope synthesized this answer to "What is MockScope?"')
    usage = response.usage
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens > 0
    assert usage.input_tokens_details.cached_tokens == 0 and usage.output_tokens_details.reasoning_tokens == 0
    # The same request, the same answer (only the ids that follow the request id differ).
    again = client(synth).responses.create(model=TEXT_MODEL, input="What is MockScope?")
    assert again.output_text == response.output_text and again.output[0].id == response.output[0].id
    assert again.id != response.id


def test_create_with_a_thinking_model_has_a_reasoning_item(synth):
    response = client(synth).responses.create(model=THINKING_MODEL, input="Why is the sky blue?")
    assert [item.type for item in response.output] == ["reasoning", "message"]
    reasoning = response.output[0]
    assert reasoning.summary[0].type == "summary_text" and "Why is the sky blue?" in reasoning.summary[0].text
    assert response.usage.output_tokens_details.reasoning_tokens > 0
    # reasoning.effort "none" turns it off.
    plain = client(synth).responses.create(model=THINKING_MODEL, input="Why is the sky blue?", reasoning={"effort": "none"})
    assert [item.type for item in plain.output] == ["message"]


def test_a_tool_loop_with_function_call_output(synth):
    c = client(synth)
    question = [{"role": "user", "content": "What is the weather in Tokyo?"}]
    first = c.responses.create(model=TEXT_MODEL, input=question, tools=[WEATHER_TOOL], tool_choice="required")
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "get_weather" and calls[0].status == "completed"
    assert calls[0].call_id.startswith("call_") and json.loads(calls[0].arguments)["city"]
    assert first.tool_choice == "required" and first.tools[0].name == "get_weather"
    # The whole history sent back (as the Agents SDK does), with the call's output.
    history = question + [calls[0].model_dump(exclude_none=True),
                          {"type": "function_call_output", "call_id": calls[0].call_id, "output": "Tokyo: sunny, 25 degrees"}]
    second = c.responses.create(model=TEXT_MODEL, input=history, tools=[WEATHER_TOOL])
    assert "Tokyo: sunny, 25 degrees" in second.output_text and "get_weather" in second.output_text


def test_stream_helper_and_raw_stream(synth):
    c = client(synth)
    with c.responses.stream(model=TEXT_MODEL, input="Tell me a story") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert len(deltas) > 2 and "".join(deltas) == final.output_text
    assert final.status == "completed" and final.usage.total_tokens > 0

    events = list(c.responses.create(model=TEXT_MODEL, input="Tell me a story", stream=True))
    kinds = [event.type for event in events]
    assert kinds[:5] == ["response.created", "response.in_progress", "response.output_item.added",
                         "response.content_part.added", "response.output_text.delta"]
    assert kinds[-5:] == ["response.output_text.done", "response.content_part.done", "response.output_item.done",
                          "response.completed"][-4:] or kinds[-4:] == ["response.output_text.done", "response.content_part.done",
                                                                      "response.output_item.done", "response.completed"]
    assert [event.sequence_number for event in events] == list(range(len(events)))
    assert events[-1].response.output_text == final.output_text
    assert len({event.response.id for event in events if hasattr(event, "response")}) == 1


def test_stream_bytes_are_dashscope_framed(synth):
    with httpx.Client(timeout=30, trust_env=False) as http:
        r = http.post(synth.compat_url + "/responses", json={"model": THINKING_MODEL, "input": "hi", "stream": True},
                      headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.content)
    assert [number for number, _, _ in events] == list(range(1, len(events) + 1))
    assert all(name == data["type"] and data["sequence_number"] == number - 1 for number, name, data in events)
    kinds = [name for _, name, _ in events]
    assert kinds[2] == "response.output_item.added" and events[2][2]["item"]["type"] == "reasoning"
    assert "response.reasoning_text.delta" in kinds and "response.reasoning_text.done" in kinds
    assert events[0][2]["response"]["status"] == "queued" and kinds[-1] == "response.completed"
    assert "[DONE]" not in r.text


def test_streamed_function_call_events(synth, mockscope_server):
    body = {"model": TEXT_MODEL, "input": "What is the weather in Tokyo?", "tools": [WEATHER_TOOL],
            "tool_choice": "required", "stream": True}
    kinds = [name for _, name, _ in sse_events(post(synth, body).content)]
    assert "response.custom_tool_call_input.delta" in kinds and "response.custom_tool_call_input.done" in kinds
    openai_style = mockscope_server("--speed", "0", "--unmatched", "synthesize",
                                    "--responses-function-call-events", "function_call_arguments", label="responses fc events")
    with client(openai_style).responses.stream(model=TEXT_MODEL, input="What is the weather in Tokyo?",
                                               tools=[WEATHER_TOOL], tool_choice="required") as stream:
        argument_deltas = [event for event in stream if event.type == "response.function_call_arguments.delta"]
        final = stream.get_final_response()
    call = final.output[0]
    assert call.type == "function_call" and argument_deltas[-1].snapshot == call.arguments


def test_max_output_tokens_stops_the_answer_as_incomplete(synth):
    c = client(synth)
    full = c.responses.create(model=TEXT_MODEL, input="Tell me everything about MockScope")
    assert full.usage.output_tokens > 16
    cut = c.responses.create(model=TEXT_MODEL, input="Tell me everything about MockScope", max_output_tokens=16)
    assert cut.status == "incomplete" and cut.incomplete_details.reason == "max_output_tokens"
    assert cut.usage.output_tokens <= 16 and cut.output[0].status == "incomplete"
    assert cut.output_text and full.output_text.startswith(cut.output_text) and cut.output_text != full.output_text
    events = list(c.responses.create(model=TEXT_MODEL, input="Tell me everything about MockScope", max_output_tokens=16, stream=True))
    assert events[-1].type == "response.incomplete" and events[-1].response.output_text == cut.output_text


# ------------------------------------------------------------------ state
def test_retrieve_delete_and_input_items(synth):
    c = client(synth)
    created = c.responses.create(model=TEXT_MODEL, input="Remember this")
    fetched = c.responses.retrieve(created.id)
    assert fetched.model_dump() == created.model_dump()
    items = list(c.responses.input_items.list(created.id))
    assert [(item.type, item.role, item.content[0].text) for item in items] == [("message", "user", "Remember this")]
    assert c.responses.delete(created.id) is None
    with pytest.raises(openai.NotFoundError) as raised:
        c.responses.retrieve(created.id)
    assert raised.value.type == "InvalidParameter" and f"Response with id '{created.id}' not found." in str(raised.value)
    with pytest.raises(openai.NotFoundError):
        c.responses.delete(created.id)
    with pytest.raises(openai.NotFoundError):
        c.responses.input_items.list("resp_00000000-0000-4000-8000-000000000000")


def test_a_previous_response_id_chain(synth):
    c = client(synth)
    first = c.responses.create(model=TEXT_MODEL, input="My name is Ada.")
    second = c.responses.create(model=TEXT_MODEL, input="What is my name?", previous_response_id=first.id)
    third = c.responses.create(model=TEXT_MODEL, input="And again?", previous_response_id=second.id)
    # The whole conversation, oldest first: user, assistant, user, assistant, user.
    items = list(c.responses.input_items.list(third.id, order="asc"))
    assert [item.role for item in items] == ["user", "assistant", "user", "assistant", "user"]
    assert items[0].content[0].text == "My name is Ada." and items[-1].content[0].text == "And again?"
    assert items[1].content[0].text == first.output_text
    newest_first = list(c.responses.input_items.list(third.id))
    assert [item.id for item in newest_first] == [item.id for item in reversed(items)]
    page = c.responses.input_items.list(third.id, limit=2, order="asc")
    assert [item.id for item in page.data] == [item.id for item in items[:2]] and page.has_more
    assert [item.id for item in page.iter_pages().__next__().data] == [item.id for item in items[:2]]
    # The chain changes the answer: the history is part of what it is made from.
    alone = c.responses.create(model=TEXT_MODEL, input="What is my name?")
    assert alone.output_text != second.output_text or alone.usage.input_tokens < second.usage.input_tokens


def test_store_false_keeps_nothing(synth):
    c = client(synth)
    unstored = c.responses.create(model=TEXT_MODEL, input="Forget this", store=False)
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(unstored.id)
    with pytest.raises(openai.BadRequestError) as raised:
        c.responses.create(model=TEXT_MODEL, input="next", previous_response_id=unstored.id)
    assert raised.value.code == "InvalidParameter"
    assert f"Previous response with id '{unstored.id}' not found." in raised.value.message


def test_stored_responses_expire_on_the_virtual_clock_and_the_store_is_bounded(virtual):
    c = client(virtual)
    kept = c.responses.create(model=TEXT_MODEL, input="Keep me a week")
    virtual.admin_json("POST", "/clock", json={"advance_ms": 7 * 24 * 3600 * 1000 - 1000})
    assert c.responses.retrieve(kept.id).id == kept.id
    virtual.admin_json("POST", "/clock", json={"advance_ms": 1000})
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(kept.id)
    with pytest.raises(openai.BadRequestError):
        c.responses.create(model=TEXT_MODEL, input="next", previous_response_id=kept.id)
    # --responses-store-size 3: a fourth response pushes the oldest out.
    ids = [c.responses.create(model=TEXT_MODEL, input=f"number {n}").id for n in range(4)]
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(ids[0])
    assert [c.responses.retrieve(i).id for i in ids[1:]] == ids[1:]
    # POST /__admin/reset empties the store.
    virtual.reset()
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(ids[-1])


# ------------------------------------------------------------------ errors
def test_bad_requests_get_this_paths_errors(synth):
    c = client(synth)
    with pytest.raises(openai.BadRequestError) as missing_model:
        c.responses.create(model="", input="hi")
    assert missing_model.value.code == "InvalidParameter"
    assert missing_model.value.message == "Error code: 400 - [400] missing_required_parameter: Missing required parameter: 'model'."
    body = missing_model.value.body
    assert list(body) == ["request_id", "code", "message"] and body["request_id"] == missing_model.value.request_id

    cases = [
        ({"model": TEXT_MODEL}, "Missing required parameter: 'input'."),
        ({"model": TEXT_MODEL, "input": 7}, "Invalid type for 'input'"),
        ({"model": TEXT_MODEL, "input": ["hi"]}, "Invalid type for 'input[0]'"),
        ({"model": TEXT_MODEL, "input": [{"type": "telepathy"}]}, "Invalid value for 'input[0].type': 'telepathy'."),
        ({"model": TEXT_MODEL, "input": [{"role": "robot", "content": "x"}]}, "Invalid value for 'input[0].role'"),
        ({"model": TEXT_MODEL, "input": [{"role": "user"}]}, "Missing required parameter: 'input[0].content'."),
        ({"model": TEXT_MODEL, "input": [{"type": "function_call", "name": "f", "arguments": "{}"}]},
         "Missing required parameter: 'input[0].call_id'."),
        ({"model": TEXT_MODEL, "input": [{"role": "user", "content": "hi"},
                                         {"type": "function_call_output", "call_id": "call_x", "output": "1"}]},
         "No tool call found for function call output with call_id call_x."),
        ({"model": TEXT_MODEL, "input": "hi", "max_output_tokens": 8}, "Expected a value >= 16"),
        ({"model": TEXT_MODEL, "input": "hi", "previous_response_id": "resp_nope"},
         "Previous response with id 'resp_nope' not found."),
    ]
    for body, words in cases:
        r = post(synth, body)
        assert r.status_code == 400, (body, r.text)
        error = r.json()
        assert list(error) == ["request_id", "code", "message"] and error["code"] == "InvalidParameter", error
        assert words in error["message"] and error["message"].startswith("[400] "), (body, error)
    # The chat checks this path shares name the request's own fields.
    bad_tool = dict(WEATHER_TOOL, parameters={"type": "object", "properties": "nope"})
    r = post(synth, {"model": TEXT_MODEL, "input": "hi", "tools": [{"type": "web_search"}, bad_tool]})
    assert r.status_code == 400 and "tools[1].parameters" in r.json()["message"], r.text
    with httpx.Client(timeout=30, trust_env=False) as http:
        r = http.post(synth.compat_url + "/responses", content=b"{not json",
                      headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"
    with httpx.Client(timeout=30, trust_env=False) as http:
        assert http.get(synth.compat_url + "/responses", headers={"Authorization": f"Bearer {KEY}"}).status_code == 400
        assert http.post(synth.compat_url + "/responses", json={}).status_code == 401


def test_ignored_parameters_are_accepted(synth):
    # DashScope processes only what its page lists; text.format, include, truncation, background... are ignored.
    body = {"model": TEXT_MODEL, "input": "hi", "text": {"format": {"type": "json_schema", "name": "x", "schema": {"type": "object"}}},
            "include": ["reasoning.encrypted_content"], "truncation": "auto", "background": False, "metadata": {"a": "b"},
            "user": "u1", "top_logprobs": 2}
    r = post(synth, body)
    assert r.status_code == 200, r.text
    text = r.json()["output"][0]["content"][0]["text"]
    assert text.startswith("MockScope synthesized")  # prose: text.format was not honoured


def test_text_format_is_honoured_when_asked(mockscope_server):
    server = mockscope_server("--speed", "0", "--unmatched", "synthesize", "--responses-honour-text-format", label="responses text.format")
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": False}
    response = client(server).responses.create(model=TEXT_MODEL, input="Weather in Tokyo",
                                               text={"format": {"type": "json_schema", "name": "w", "schema": schema}})
    assert set(json.loads(response.output_text)) == {"city"}


def test_unknown_model_when_models_are_checked(mockscope_server):
    server = mockscope_server("--speed", "0", "--unmatched", "synthesize", "--unknown-models", "reject", label="responses reject")
    with pytest.raises(openai.BadRequestError) as raised:
        client(server).responses.create(model="qwen-imaginary", input="hi")
    assert raised.value.code == "InvalidParameter" and list(raised.value.body) == ["request_id", "code", "message"]


def test_a_rate_limit_is_a_200_failed_response(synth):
    limited = client(synth, default_headers={"X-MockScope-Fault": "http_error status=429"})
    response = limited.responses.create(model=TEXT_MODEL, input="hi")
    assert response.status == "failed" and response.output == [] and response.output_text == ""
    assert response.error.code == "server_error"
    assert response.error.message == "Operation model request rate limit exceeded, please try again later."
    assert response.id == "resp_" + response._request_id
    # The rate-limit fault too, and in a stream: response.created then response.failed.
    window = client(synth, default_headers={"X-MockScope-Fault": "rate_limit rpm=1 scope=global"})
    assert window.responses.create(model="qwen-turbo", input="one").status == "completed"
    assert window.responses.create(model="qwen-turbo", input="two").status == "failed"
    events = list(window.responses.create(model="qwen-turbo", input="three", stream=True))
    assert [event.type for event in events] == ["response.created", "response.failed"]
    assert events[1].response.error.code == "server_error"


def test_mid_stream_error_is_error_then_response_failed(synth):
    faulty = client(synth, default_headers={"X-MockScope-Fault": "stream_error after_events=4"})
    events = list(faulty.responses.create(model=TEXT_MODEL, input="hi", stream=True))
    assert [event.type for event in events][-2:] == ["error", "response.failed"]
    assert events[-2].code == "DataInspectionFailed" and events[-1].response.status == "failed"
    assert [event.sequence_number for event in events] == list(range(len(events)))
    with pytest.raises(RuntimeError, match="response.completed"):
        with faulty.responses.stream(model=TEXT_MODEL, input="hi") as stream:
            for _ in stream:
                pass
            stream.get_final_response()


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # the doc's `text` part is not in the SDK's types
def test_doc_shaped_events_fault_breaks_the_stream_helper(synth):
    doc = client(synth, default_headers={"X-MockScope-Fault": "doc_shaped_events"})
    raw = list(doc.responses.create(model=TEXT_MODEL, input="hi", stream=True))  # raw iteration reads them
    assert raw[-1].type == "response.completed" and raw[-1].response.output is None
    with pytest.raises(TypeError):
        with doc.responses.stream(model=TEXT_MODEL, input="hi") as stream:
            for _ in stream:
                pass
    # Without the fault the helper is content (the default bytes are well-formed).
    with client(synth).responses.stream(model=TEXT_MODEL, input="hi") as stream:
        assert stream.get_final_response().status == "completed"


def test_the_legacy_path_answers_the_same(synth):
    legacy = openai.OpenAI(api_key=KEY, base_url=synth.base_url + "/api/v2/apps/protocols/compatible-mode/v1", max_retries=0)
    response = legacy.responses.create(model=TEXT_MODEL, input="What is MockScope?")
    current = client(synth).responses.create(model=TEXT_MODEL, input="What is MockScope?")
    assert response.output_text == current.output_text
    assert legacy.responses.retrieve(response.id).id == response.id


def test_journal_and_metrics_name_the_module(synth):
    c = client(synth)
    created = c.responses.create(model=TEXT_MODEL, input="journal me")
    c.responses.retrieve(created.id)
    metrics = synth.metrics()
    assert 'path="/compatible-mode/v1/responses/{response_id}"' in metrics
    assert created.id not in metrics
    entries = synth.requests(path="/compatible-mode/v1/responses")
    assert entries and entries[-1]["model"] == TEXT_MODEL


# ------------------------------------------------------------------ the OpenAI Agents SDK
def _agents_model(server):
    from agents import OpenAIResponsesModel
    from openai import AsyncOpenAI

    async_client = AsyncOpenAI(base_url=server.compat_url, api_key=KEY, max_retries=0, timeout=30)
    return OpenAIResponsesModel(model=TEXT_MODEL, openai_client=async_client)


def _weather_agent(server, weather):
    from agents import Agent, function_tool, set_tracing_disabled

    set_tracing_disabled(True)

    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather of a city."""
        return weather.function(city)

    return Agent(name="weather", instructions="Answer with the tool.", model=_agents_model(server), tools=[get_weather])


def test_agents_sdk_on_its_default_responses_model_calls_the_tool(synth):
    from agents import Runner

    from framework_support import QUESTION, WEATHER_RESULT, WeatherTool

    weather = WeatherTool()
    result = Runner.run_sync(_weather_agent(synth, weather), QUESTION, max_turns=4)
    assert len(weather.calls) == 1
    assert WEATHER_RESULT in result.final_output
    assert result.last_response_id and result.last_response_id.startswith("resp_")


def test_agents_sdk_streamed_run_calls_the_tool(synth):
    import asyncio

    from agents import Runner

    from framework_support import QUESTION, WEATHER_RESULT, WeatherTool

    weather = WeatherTool()

    async def run():
        result = Runner.run_streamed(_weather_agent(synth, weather), QUESTION, max_turns=4)
        kinds = [event.type async for event in result.stream_events()]
        return result, kinds

    result, kinds = asyncio.run(run())
    assert len(weather.calls) == 1 and kinds.count("raw_response_event") > 4
    assert WEATHER_RESULT in result.final_output


# ------------------------------------------------------------------ recording and replay
def _raw(server, body):
    with httpx.Client(timeout=30, trust_env=False) as http:
        r = http.post(server.compat_url + "/responses", json=body, headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 200, r.text
    return r.content


def test_a_recorded_exchange_replays_byte_for_byte(mockscope_server, tmp_path):
    upstream = mockscope_server("--speed", "0", "--unmatched", "synthesize", label="responses upstream")
    folder = tmp_path / "recorded"
    recorder = mockscope_server("--record", "new", "--upstream", upstream.base_url, "--record-to", str(folder),
                                label="responses recorder")
    streamed = {"model": THINKING_MODEL, "input": "Record this stream", "stream": True}
    whole = {"model": TEXT_MODEL, "input": "Record this answer"}
    recorded_stream = _raw(recorder, streamed)
    recorded_whole = _raw(recorder, whole)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json"))
    assert [f.rsplit("/", 1)[0] for f in files] == [f"responses/{TEXT_MODEL}", f"responses/{THINKING_MODEL}"], files
    document = json.loads(next(folder.rglob(f"responses/{THINKING_MODEL}/*.json")).read_text(encoding="utf-8"))
    assert "event:response.created" in json.dumps(document, ensure_ascii=False)

    replay = mockscope_server("--speed", "0", "--fixtures", str(folder), label="responses replay")
    assert _raw(replay, streamed) == recorded_stream
    assert _raw(replay, whole) == recorded_whole
    # The SDK reads the replayed stream as it read the recorded one.
    with client(replay).responses.stream(model=THINKING_MODEL, input="Record this stream") as stream:
        final = stream.get_final_response()
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert sse_events(recorded_stream)[-1][2]["response"]["output"][1]["content"][0]["text"] == final.output_text


# ------------------------------------------------------------------ the other fault kinds, in this protocol's framing
def test_every_stream_fault_kind_in_this_protocols_framing(synth):
    body = {"model": TEXT_MODEL, "input": "Tell me a story", "stream": True}
    # malformed_chunk keeps the frame's id:/event: lines and breaks its data.
    r = post(synth, body, headers={"X-MockScope-Fault": "malformed_chunk after_events=3"})
    blocks = r.text[:-2].split("\n\n")
    assert blocks[3].startswith("id:4\nevent:response.content_part.added\n:HTTP_STATUS/200\ndata:<html>"), blocks[3]
    with pytest.raises(json.JSONDecodeError):
        list(client(synth, default_headers={"X-MockScope-Fault": "malformed_chunk after_events=3"})
             .responses.create(model=TEXT_MODEL, input="Tell me a story", stream=True))
    # Past the end: a copy of the last event, renumbered both ways, then broken.
    r = post(synth, body, headers={"X-MockScope-Fault": "malformed_chunk after_events=999 mode=no_terminator"})
    whole = sse_events(post(synth, body).content)
    assert r.text.endswith("\n") and not r.text.endswith("\n\n")
    assert r.text.rsplit("\n\n", 1)[1].startswith(f"id:{len(whole) + 1}\nevent:response.completed\n")
    assert f'"sequence_number":{len(whole)}' in r.text.rsplit("\n\n", 1)[1]
    # drop: the connection is cut; the SDK raises.
    with pytest.raises(openai.APIConnectionError):
        list(client(synth, default_headers={"X-MockScope-Fault": "drop after_events=3"})
             .responses.create(model=TEXT_MODEL, input="Tell me a story", stream=True))
    # http_error: the native-shaped body with its status (not a 429: no failed Response).
    with pytest.raises(openai.InternalServerError) as raised:
        client(synth, default_headers={"X-MockScope-Fault": "http_error status=500"}).responses.create(model=TEXT_MODEL, input="hi")
    assert raised.value.code == "InternalError" and list(raised.value.body) == ["request_id", "code", "message"]
    r = post(synth, body, headers={"X-MockScope-Fault": "http_error status=503 format=sse"})
    assert r.status_code == 503 and r.text.startswith("id:1\nevent:error\n:HTTP_STATUS/503\ndata:{")
