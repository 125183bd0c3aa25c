"""`--unmatched synthesize`: deterministic, protocol-correct answers for any prompt, checked
through the real SDKs — including a two-round agent loop."""

from __future__ import annotations

import json

import pytest
from synth_support import client, ds, synth  # noqa: F401 (fixtures)

TOOLS = [
    {"type": "function", "function": {"name": "get_current_time", "description": "现在几点", "parameters": {}}},
    {"type": "function", "function": {
        "name": "get_current_weather", "description": "查询天气",
        "parameters": {"type": "object",
                       "properties": {"location": {"type": "string"},
                                      "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                       "required": ["location", "unit"]}}},
]



def test_agent_loop_calls_the_tool_then_answers_its_result(client):
    messages = [{"role": "user", "content": "上海现在天气怎么样？"}]
    first = client.chat.completions.create(model="qwen-plus", messages=messages, tools=TOOLS,
                                           tool_choice={"type": "function", "function": {"name": "get_current_weather"}})
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_current_weather"
    args = json.loads(call.function.arguments)
    assert set(args) >= {"location", "unit"} and args["unit"] == "celsius"
    assert call.id.startswith("call_")

    messages.append(choice.message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": "上海：晴，22°C"})
    second = client.chat.completions.create(model="qwen-plus", messages=messages, tools=TOOLS)
    assert second.choices[0].finish_reason == "stop"
    assert not second.choices[0].message.tool_calls
    assert second.choices[0].message.content


def test_without_tool_choice_the_first_tool_is_called(client):
    answer = client.chat.completions.create(model="qwen-plus", tools=TOOLS,
                                            messages=[{"role": "user", "content": "what time is it"}])
    assert answer.choices[0].message.tool_calls[0].function.name == "get_current_time"


def test_thinking_stream_reasons_first_and_reports_usage(client):
    stream = client.chat.completions.create(
        model="qwq-plus", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "1+1 等于几？"}])
    phases, reasoning, content, usage = [], "", "", None
    for chunk in stream:
        if not chunk.choices:
            usage = chunk.usage
            continue
        delta = chunk.choices[0].delta
        r = getattr(delta, "reasoning_content", None)
        if r:
            reasoning += r
            phases.append("r")
        if delta.content:
            content += delta.content
            phases.append("c")
    assert reasoning and content
    assert phases == sorted(phases, key=lambda p: p == "c"), "reasoning must come before content"
    assert usage is not None and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_answers_are_deterministic_and_follow_the_prompt(client):
    def ask(text):
        return client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": text}]).choices[0].message.content
    assert ask("tell me about owls") == ask("tell me about owls")
    assert ask("tell me about owls") != ask("tell me about cats")


def test_native_stream_incremental_and_cumulative_agree(ds):
    messages = [{"role": "user", "content": "写一句关于春天的话"}]
    pieces = [r.output.choices[0].message.content for r in ds.Generation.call(
        api_key="sk-test", model="qwen-plus", messages=messages, result_format="message",
        stream=True, incremental_output=True)]
    cumulative = [r.output.choices[0].message.content for r in ds.Generation.call(
        api_key="sk-test", model="qwen-plus", messages=messages, result_format="message", stream=True)]
    assert len(pieces) > 1
    assert cumulative[-1] == "".join(pieces)
    assert all(cumulative[i + 1].startswith(cumulative[i]) for i in range(len(cumulative) - 1))


def test_native_text_format_and_apps(ds):
    response = ds.Generation.call(api_key="sk-test", model="qwen-turbo", prompt="hello there")
    assert response.status_code == 200
    assert response.output.text and response.output.finish_reason == "stop"
    assert response.usage.input_tokens > 0

    app = ds.Application.call(api_key="sk-test", app_id="synthapp", prompt="你好")
    assert app.status_code == 200
    assert app.output.text and len(app.output.session_id) == 32
