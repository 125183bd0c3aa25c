"""The coding plan's base URL (`https://coding.dashscope.aliyuncs.com/v1`): chat completions and
the model list under plain `/v1`, the same compatible module as `/compatible-mode/v1`."""

from __future__ import annotations

import json
import openai
import pytest

from mockscope_support import REPO_ROOT

WHO = json.loads((REPO_ROOT / "fixtures/compat/qwen-plus/who-are-you.json").read_text())


def _client(url: str) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", base_url=url, timeout=30, max_retries=0)


def test_a_fixture_recorded_on_compatible_mode_answers_the_coding_plan_path(mockscope):
    """One recording answers both base URLs, byte for byte the same body."""
    body = WHO["request"]["body"]
    plain = _client(mockscope.compat_url).chat.completions.with_raw_response.create(**body)
    coding = _client(mockscope.coding_plan_url).chat.completions.with_raw_response.create(**body)
    assert coding.http_request.url.path == "/v1/chat/completions"
    assert coding.status_code == 200
    assert coding.content == plain.content
    assert coding.parse().choices[0].message.content == json.loads(WHO["response"]["body"])["choices"][0]["message"]["content"]


def test_synthesized_stream_and_tools_on_the_coding_plan_path(synth_server):
    client = _client(synth_server.coding_plan_url)
    chunks = list(client.chat.completions.create(
        model="qwen3-coder-plus", messages=[{"role": "user", "content": "Say hello"}], stream=True))
    assert chunks and chunks[-1].choices[0].finish_reason == "stop"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    tools = [{"type": "function", "function": {"name": "read_file", "description": "Read a file",
                                               "parameters": {"type": "object", "properties": {"path": {"type": "string"}},
                                                              "required": ["path"]}}}]
    answer = client.chat.completions.create(model="qwen3-coder-plus", tools=tools, tool_choice="required",
                                            messages=[{"role": "user", "content": "Read the file README.md"}])
    call = answer.choices[0].message.tool_calls[0]
    assert call.function.name == "read_file"
    assert isinstance(json.loads(call.function.arguments)["path"], str)


def test_refusals_on_the_coding_plan_path_are_compatible_modes(synth_server):
    client = _client(synth_server.coding_plan_url)
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model="qwen-plus", temperature=5, messages=[{"role": "user", "content": "hi"}])
    plain = _client(synth_server.compat_url)
    with pytest.raises(openai.BadRequestError) as same:
        plain.chat.completions.create(model="qwen-plus", temperature=5, messages=[{"role": "user", "content": "hi"}])
    assert refused.value.body == same.value.body
    assert "Temperature should be in" in refused.value.message
    # No key: compatible mode's 401 (an empty bearer, which the SDK itself would refuse to send).
    import requests
    r = requests.post(synth_server.coding_plan_url + "/chat/completions", timeout=10,
                      json={"model": "qwen-plus", "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_api_key"


def test_model_list_on_the_coding_plan_path(mockscope):
    """`/v1/models` is the same module (and fixture) as `/compatible-mode/v1/models`."""
    coding = _client(mockscope.coding_plan_url).models.with_raw_response.list()
    plain = _client(mockscope.compat_url).models.with_raw_response.list()
    assert coding.status_code == 200
    assert coding.content == plain.content
    assert [m.id for m in coding.parse().data]


def test_the_journal_names_the_path_the_client_used(synth_server):
    client = _client(synth_server.coding_plan_url)
    client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": "journal me"}])
    entries = [e for e in synth_server.requests(path="/v1/*") if "journal me" in json.dumps(e)]
    assert entries and entries[-1]["path"] == "/v1/chat/completions"
    assert entries[-1]["synthesized"] is True
