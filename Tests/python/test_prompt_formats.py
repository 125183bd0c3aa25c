"""Calling formats described in the prompt (no `tools` sent), synthesized by `--unmatched
synthesize`: Qwen/Hermes `<tool_call>` blocks, ReAct text and `[[ ## field ## ]]` markers,
through the openai SDK (and the dashscope SDK for the native protocol), whole and streamed."""

from __future__ import annotations

import json
import re

import pytest

from framework_support import REACT_TEMPLATE

HERMES_SYSTEM = """You are a helpful assistant.

# Tools

You may call one or more functions to assist with the user query.

You are provided with function signatures within <tools></tools> XML tags:
<tools>
{"type": "function", "function": {"name": "get_weather", "description": "Weather of a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}}, "required": ["city", "days"]}}}
{"type": "function", "function": {"name": "get_time", "description": "Current time", "parameters": {"type": "object", "properties": {}}}}
</tools>

For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
<tool_call>
{"name": <function-name>, "arguments": <args-json-object>}
</tool_call>"""

# The ReAct template rendered with two tools; `{scratchpad}` stays for each test to fill.
REACT_PROMPT = REACT_TEMPLATE.format(
    tools="get_weather(city: str) -> str - Look up the weather of a city.\nget_time() -> str - The current time.",
    tool_names="get_weather, get_time", input="What is the weather in Tokyo?", agent_scratchpad="{scratchpad}")

FIELD_SYSTEM = """Your input fields are:
1. `question` (str):
Your output fields are:
1. `reasoning` (str):
2. `count` (int): how many
3. `sure` (bool):
4. `tags` (list[str]):
5. `mood` (Literal['calm', 'busy']):
All interactions will be structured in the following way, with the appropriate values filled in.

[[ ## question ## ]]
{question}

[[ ## reasoning ## ]]
{reasoning}

[[ ## count ## ]]
{count}        # note: the value you produce must be a single int value

[[ ## sure ## ]]
{sure}        # note: the value you produce must be True or False

[[ ## tags ## ]]
{tags}        # note: the value you produce must adhere to the JSON schema: {"type": "array", "items": {"type": "string"}}

[[ ## mood ## ]]
{mood}        # note: the value you produce must exactly match (no extra characters) one of: calm; busy

[[ ## completed ## ]]
In adhering to this structure, your objective is:
        Count the things."""


def _text(client, messages, stream=False, **extra):
    """The answer's content (joined from the deltas when streamed) and its finish reason."""
    if not stream:
        answer = client.chat.completions.create(model="qwen-plus", messages=messages, **extra)
        return answer.choices[0].message.content, answer.choices[0].finish_reason
    text, finish = "", None
    for chunk in client.chat.completions.create(model="qwen-plus", messages=messages, stream=True, **extra):
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    return text, finish


@pytest.fixture
def client(synth_server):
    import openai
    return openai.OpenAI(api_key="sk-test", base_url=synth_server.compat_url, timeout=30, max_retries=0)


def _tool_call(text):
    match = re.fullmatch(r"<tool_call>\n(.*)\n</tool_call>", text, re.S)
    assert match, text
    return json.loads(match.group(1))


@pytest.mark.parametrize("stream", [False, True])
def test_hermes_tool_call_then_prose_after_the_tool_response(client, stream):
    messages = [{"role": "system", "content": HERMES_SYSTEM}, {"role": "user", "content": "What's the weather in Paris?"}]
    text, finish = _text(client, messages, stream)
    assert finish == "stop"
    call = _tool_call(text)
    assert call["name"] == "get_weather"
    assert isinstance(call["arguments"]["city"], str) and call["arguments"]["city"]
    assert isinstance(call["arguments"]["days"], int) and call["arguments"]["days"] >= 1
    # The same request gives the same text, streamed or whole.
    assert _text(client, messages, not stream)[0] == text

    messages += [{"role": "assistant", "content": text},
                 {"role": "user", "content": "<tool_response>\nParis: rain, 14°C\n</tool_response>"}]
    answer, finish = _text(client, messages, stream)
    assert finish == "stop"
    assert "<tool_call>" not in answer and "Paris: rain, 14°C" in answer


def test_hermes_native_protocol_through_dashscope(synth_server, monkeypatch):
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", synth_server.native_url)
    messages = [{"role": "system", "content": HERMES_SYSTEM}, {"role": "user", "content": "东京天气如何？"}]
    response = dashscope.Generation.call(model="qwen-plus", api_key="sk-test", messages=messages, result_format="message")
    assert response.status_code == 200, response
    text = response.output.choices[0].message.content
    call = _tool_call(text)
    assert call["name"] == "get_weather" and call["arguments"]["city"] == "杭州市"

    pieces = list(dashscope.Generation.call(model="qwen-plus", api_key="sk-test", messages=messages, result_format="message",
                                            stream=True, incremental_output=True))
    assert len(pieces) > 2 and "".join(p.output.choices[0].message.content for p in pieces) == text

    messages += [{"role": "assistant", "content": text}, {"role": "tool", "content": "东京：晴，22°C"}]
    response = dashscope.Generation.call(model="qwen-plus", api_key="sk-test", messages=messages, result_format="message")
    assert "东京：晴，22°C" in response.output.choices[0].message.content
    assert "<tool_call>" not in response.output.choices[0].message.content


@pytest.mark.parametrize("stream", [False, True])
def test_react_action_then_final_answer_after_the_observation(client, stream):
    prompt = REACT_PROMPT.format(scratchpad="")
    text, finish = _text(client, [{"role": "user", "content": prompt}], stream, stop=["\nObservation"])
    assert finish == "stop"
    action = re.search(r"Action: (.*)\nAction Input: (.*)$", text)
    assert action, text
    assert action.group(1) == "get_weather" and "Tokyo" in action.group(2)
    assert "Observation" not in text and "Final Answer" not in text

    scratchpad = " " + text + "\nObservation: Tokyo: sunny, 25°C\nThought: "
    text, finish = _text(client, [{"role": "user", "content": REACT_PROMPT.format(scratchpad=scratchpad)}], stream,
                         stop=["\nObservation"])
    assert finish == "stop"
    assert "Action:" not in text
    final = re.search(r"Final Answer: (.*)", text, re.S)
    assert final and "Tokyo: sunny, 25°C" in final.group(1), text


def test_stop_strings_end_the_text_before_them(client):
    prompt = REACT_PROMPT.format(scratchpad="")
    whole, _ = _text(client, [{"role": "user", "content": prompt}])
    assert "\nAction Input:" in whole
    cut, finish = _text(client, [{"role": "user", "content": prompt}], stop="\nAction Input:")
    assert finish == "stop"
    assert cut == whole[:whole.index("\nAction Input:")]
    streamed, _ = _text(client, [{"role": "user", "content": prompt}], True, stop=["zzz", "\nAction Input:"])
    assert streamed == cut


@pytest.mark.parametrize("stream", [False, True])
def test_field_markers_give_each_output_field_a_value_of_its_type(client, stream):
    messages = [{"role": "system", "content": FIELD_SYSTEM},
                {"role": "user", "content": "[[ ## question ## ]]\nHow many cats are on the roof?\n\n"
                                            "Respond with the corresponding output fields, starting with the field "
                                            "`[[ ## reasoning ## ]]`, then `[[ ## count ## ]]` (must be formatted as a valid "
                                            "Python int), and then ending with the marker for `[[ ## completed ## ]]`."}]
    text, finish = _text(client, messages, stream)
    assert finish == "stop"
    assert text.rstrip().endswith("[[ ## completed ## ]]")
    sections = dict(re.findall(r"\[\[ ## (\w+) ## \]\]\n(.*?)\n\n", text, re.S))
    assert list(sections) == ["reasoning", "count", "sure", "tags", "mood"], text
    assert sections["reasoning"]
    assert int(sections["count"]) >= 1
    assert sections["sure"] in ("True", "False")
    tags = json.loads(sections["tags"])
    assert isinstance(tags, list) and all(isinstance(t, str) for t in tags)
    assert sections["mood"] in ("calm", "busy")
    assert _text(client, messages, not stream)[0] == text


def test_a_prompt_without_a_format_still_gets_prose(client):
    text, _ = _text(client, [{"role": "system", "content": "Be brief. Use <b> tags."}, {"role": "user", "content": "hi"}])
    assert text.startswith("MockScope synthesized this answer")
