"""Tool choice under `--unmatched synthesize`, as DashScope's models behave: none / auto /
required / a named function / parallel calls, the tool that best fits the user's text, what
happens once a result is back (prose under auto, the finishing tool under required, never the
same call again), arguments from JSON-Schema and list-style parameters."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from synth_support import client, synth  # noqa: F401 (fixtures)


def tool(name, description, properties=None, required=()):
    parameters = {"type": "object", "properties": properties or {}, "required": list(required)}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


GET_TIME = tool("get_current_time", "Current time in a timezone", {"timezone": {"type": "string"}})
GET_WEATHER = tool("get_weather", "Current weather for a city",
                   {"location": {"type": "string", "description": "The city"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, ["location"])
SEARCH = tool("search_web", "Search the web for pages", {"query": {"type": "string"}, "top_k": {"type": "integer", "minimum": 1}},
              ["query"])
FINAL = tool("final_answer", "Give the final answer to the user", {"answer": {"type": "string"}}, ["answer"])
TOOLS = [GET_TIME, GET_WEATHER, SEARCH, FINAL]



def ask(client, text, tools=TOOLS, **kwargs):
    messages = kwargs.pop("messages", [{"role": "user", "content": text}])
    return client.chat.completions.create(model="qwen-plus", messages=messages, tools=tools, **kwargs).choices[0]


def arguments_of(call, tools=TOOLS):
    """The call's arguments, checked against the tool's parameter schema."""
    schema = next(t["function"]["parameters"] for t in tools if t["function"]["name"] == call.function.name)
    value = json.loads(call.function.arguments)
    Draft202012Validator(schema).validate(value)
    return value


def test_none_answers_in_prose(client):
    choice = ask(client, "What's the weather in Tokyo?", tool_choice="none")
    assert choice.finish_reason == "stop" and not choice.message.tool_calls and choice.message.content


@pytest.mark.parametrize("text,expected", [
    ("What's the weather in Tokyo?", "get_weather"),
    ("What time is it in Berlin?", "get_current_time"),
    ("Search the web for Swift structured concurrency", "search_web"),
    ("上海的天气怎么样？", "get_weather"),
])
@pytest.mark.parametrize("choice_value", ["auto", "required", None])
def test_the_best_fitting_tool_is_called(client, text, expected, choice_value):
    kwargs = {"tool_choice": choice_value} if choice_value else {}
    choice = ask(client, text, tools=TOOLS if "天气" not in text else
                 TOOLS[:1] + [tool("get_weather", "查询城市天气", {"location": {"type": "string"}}, ["location"])], **kwargs)
    assert choice.finish_reason == "tool_calls"
    assert [c.function.name for c in choice.message.tool_calls] == [expected]


def test_weather_in_tokyo_gets_location_tokyo(client):
    call = ask(client, "What's the weather in Tokyo in fahrenheit?").message.tool_calls[0]
    assert arguments_of(call) == {"location": "Tokyo", "unit": "fahrenheit"}


def test_a_named_function_is_called_whatever_the_text(client):
    choice = ask(client, "What's the weather in Tokyo?",
                 tool_choice={"type": "function", "function": {"name": "search_web"}})
    call = choice.message.tool_calls[0]
    assert call.function.name == "search_web"
    assert arguments_of(call)["query"] == "What's the weather in Tokyo?"


def test_parallel_calls_when_several_tools_fit(client):
    text = "What's the weather and the current time in Paris?"
    single = ask(client, text)
    assert len(single.message.tool_calls) == 1
    choice = ask(client, text, parallel_tool_calls=True)
    calls = choice.message.tool_calls
    assert [c.function.name for c in calls] == ["get_current_time", "get_weather"]
    assert len({c.id for c in calls}) == 2
    assert arguments_of(calls[1])["location"] == "Paris"

    stream = client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": text}],
                                            tools=TOOLS, parallel_tool_calls=True, stream=True)
    rebuilt = {}
    for chunk in stream:
        for delta in chunk.choices[0].delta.tool_calls or []:
            entry = rebuilt.setdefault(delta.index, {"id": "", "name": "", "arguments": ""})
            entry["id"] += delta.id or ""
            entry["name"] += (delta.function.name or "") if delta.function else ""
            entry["arguments"] += (delta.function.arguments or "") if delta.function else ""
    assert [rebuilt[i]["name"] for i in sorted(rebuilt)] == ["get_current_time", "get_weather"]
    assert [rebuilt[i]["id"] for i in sorted(rebuilt)] == [c.id for c in calls]
    assert [json.loads(rebuilt[i]["arguments"]) for i in sorted(rebuilt)] == [json.loads(c.function.arguments) for c in calls]


def after_a_result(client, **kwargs):
    messages = [{"role": "user", "content": "What's the weather in Tokyo?"}]
    first = ask(client, "", messages=messages, **kwargs)
    messages.append(first.message.model_dump(exclude_none=True))
    for call in first.message.tool_calls:
        messages.append({"role": "tool", "tool_call_id": call.id, "content": "Tokyo: sunny, 24 C"})
    return messages, ask(client, "", messages=messages, **kwargs)


def test_after_a_result_auto_answers_in_prose(client):
    _, choice = after_a_result(client, tool_choice="auto")
    assert choice.finish_reason == "stop" and not choice.message.tool_calls
    assert "Tokyo: sunny, 24 C" in choice.message.content


def test_after_a_result_required_calls_the_finishing_tool(client):
    _, choice = after_a_result(client, tool_choice="required")
    call = choice.message.tool_calls[0]
    assert call.function.name == "final_answer"
    assert "Tokyo: sunny, 24 C" in arguments_of(call)["answer"]


def test_required_without_a_finishing_tool_calls_the_only_tool_not_yet_called(client):
    tools = [GET_WEATHER, SEARCH]
    messages = [{"role": "user", "content": "What's the weather in Tokyo?"}]
    first = ask(client, "", tools=tools, messages=messages, tool_choice="required")
    assert first.message.tool_calls[0].function.name == "get_weather"
    messages += [first.message.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": first.message.tool_calls[0].id, "content": "sunny"}]
    second = ask(client, "", tools=tools, messages=messages, tool_choice="required")
    assert second.message.tool_calls[0].function.name == "search_web"


@pytest.mark.parametrize("choice_value", ["auto", "required", {"type": "function", "function": {"name": "get_weather"}}])
def test_an_agent_loop_ends_by_itself(client, choice_value):
    tools = [GET_WEATHER, SEARCH]
    messages = [{"role": "user", "content": "What's the weather in Tokyo?"}]
    seen = []
    for _ in range(6):
        choice = ask(client, "", tools=tools, messages=messages, tool_choice=choice_value)
        if not choice.message.tool_calls:
            assert choice.finish_reason == "stop"
            break
        key = [(c.function.name, c.function.arguments) for c in choice.message.tool_calls]
        assert key not in seen, "the same call is never made twice"
        seen.append(key)
        messages.append(choice.message.model_dump(exclude_none=True))
        messages += [{"role": "tool", "tool_call_id": c.id, "content": "done"} for c in choice.message.tool_calls]
    else:
        pytest.fail("the loop did not end")


def test_list_style_parameters_get_their_required_fields(client):
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city", "parameters": [
        {"name": "city", "type": "string", "description": "city name", "required": True},
        {"name": "days", "type": "int", "description": "forecast days", "required": True},
        {"name": "detailed", "type": "bool", "description": "more detail", "required": False}]}}]
    call = ask(client, "Weather in Tokyo for the next 3 days", tools=tools).message.tool_calls[0]
    value = json.loads(call.function.arguments)
    assert value["city"] == "Tokyo" and value["days"] == 3
    assert isinstance(value.get("detailed", False), bool)


def test_numbers_from_the_text_fill_numeric_arguments(client):
    tools = [tool("multiply", "Multiply two numbers", {"a": {"type": "number"}, "b": {"type": "number"}}, ["a", "b"])]
    call = ask(client, "What is 12 times 7.5?", tools=tools).message.tool_calls[0]
    assert json.loads(call.function.arguments) == {"a": 12, "b": 7.5}


def test_native_tool_call_through_the_dashscope_sdk(synth, monkeypatch):
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", synth.native_url)
    response = dashscope.Generation.call(api_key="sk-test", model="qwen-plus", result_format="message",
                                         messages=[{"role": "user", "content": "What's the weather in Tokyo?"}],
                                         tools=TOOLS, tool_choice="required")
    assert response.status_code == 200, response
    choice = response.output.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"])["location"] == "Tokyo"
