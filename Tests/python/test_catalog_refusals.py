"""The model catalog's refusals (docs/protocol-notes.md, errors §1–§6; docs/model-catalog.md),
through the real SDKs: one table per protocol, each row a request the real service refuses and the
exact status, code and message it answers with; the request id must be the response's own. Plus
`--unknown-models reject`, `--models FILE`, a fixtures folder's `models.yaml`, a malformed models
file (a load error naming file and line), and Qwen3.5's thinking by default."""

from __future__ import annotations

import re
import subprocess
import textwrap

import pytest

import mockscope_support

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ALGO = "<400> InternalError.Algo.InvalidParameter: "
USER = [{"role": "user", "content": "hello there"}]
JSON_USER = [{"role": "user", "content": "answer in json please"}]
TOOLS = [{"type": "function", "function": {"name": "lookup", "description": "look a thing up",
                                            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}]
LONG = [{"role": "user", "content": "a" * 40000}]  # ~10,000 tokens at the synthesizer's 4 characters a token


@pytest.fixture(scope="module")
def synth(mockscope_server):
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", label="catalog")


@pytest.fixture(scope="module")
def strict(mockscope_server):
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", "--unknown-models", "reject", label="catalog-reject")


def openai_client(server):
    import openai
    return openai.OpenAI(api_key="sk-test", base_url=server.compat_url, timeout=30, max_retries=0)


# (id, create() keyword arguments, status, code, message)
COMPAT_REFUSALS = [
    ("thinking-non-stream", dict(model="qwen3-8b", messages=USER, extra_body={"enable_thinking": True}),
     400, "invalid_parameter_error", "parameter.enable_thinking must be set to false for non-streaming calls"),
    ("qwen3-open-source-thinks-by-default", dict(model="qwen3-32b", messages=USER),
     400, "invalid_parameter_error", "parameter.enable_thinking must be set to false for non-streaming calls"),
    ("stream-only", dict(model="qwq-plus", messages=USER),
     400, "invalid_parameter_error", "This model only support stream mode, please enable the stream parameter to access the model."),
    ("thinking-only-model-told-not-to", dict(model="qwen3-235b-a22b-thinking-2507", messages=USER, stream=True,
                                             extra_body={"enable_thinking": False}),
     400, "invalid_parameter_error", "The value of the enable_thinking parameter is restricted to True."),
    ("model-that-cannot-think", dict(model="qwen-max", messages=USER, stream=True, extra_body={"enable_thinking": True}),
     400, "invalid_parameter_error", "The model qwen-max does not support enable_thinking."),
    ("json-mode-without-the-word", dict(model="qwen-plus", messages=USER, response_format={"type": "json_object"}),
     400, "invalid_parameter_error",
     ALGO + "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."),
    ("json-mode-with-thinking", dict(model="qwen-plus", messages=JSON_USER, stream=True, response_format={"type": "json_object"},
                                     extra_body={"enable_thinking": True}),
     400, "invalid_parameter_error", ALGO + "Json mode response is not supported when enable_thinking is true"),
    ("tool-choice-required-thinking", dict(model="qwen3.5-plus", messages=USER, stream=True, tools=TOOLS, tool_choice="required"),
     400, "invalid_parameter_error",
     ALGO + "The tool_choice parameter does not support being set to required or object in thinking mode"),
    ("tool-choice-object-thinking", dict(model="qwen-plus", messages=USER, stream=True, tools=TOOLS,
                                         tool_choice={"type": "function", "function": {"name": "lookup"}},
                                         extra_body={"enable_thinking": True}),
     400, "invalid_parameter_error",
     ALGO + "The tool_choice parameter does not support being set to required or object in thinking mode"),
    ("tool-choice-unknown-string", dict(model="qwen-plus", messages=USER, tools=TOOLS, tool_choice="any"),
     400, "invalid_parameter_error", ALGO + 'tool_choice is one of the strings that should be ["none", "auto"]'),
    ("prompt-over-context", dict(model="qwen-mt-plus", messages=LONG),
     400, "invalid_parameter_error", ALGO + "Range of input length should be [1, 8192]"),
    ("max-tokens-over-output-limit", dict(model="qwen-max", messages=USER, max_tokens=8193),
     400, "invalid_parameter_error", ALGO + "Range of max_tokens should be [1, 8192]"),
    ("n-out-of-range", dict(model="qwen-plus", messages=USER, n=5),
     400, "invalid_parameter_error", ALGO + "Range of n should be [1, 4]"),
    ("seed-negative", dict(model="qwen-plus", messages=USER, seed=-1),
     400, "invalid_value", "-1 is lesser than the minimum of 0 - 'seed'"),
    ("seed-over-int32", dict(model="qwen-plus", messages=USER, seed=2 ** 31),
     400, "invalid_value", "2147483648 is greater than the maximum of 2147483647 - 'seed'"),
    ("temperature", dict(model="qwen-plus", messages=USER, temperature=2.0),
     400, "invalid_parameter_error", ALGO + "Temperature should be in [0.0, 2.0)"),
    ("top-p", dict(model="qwen-plus", messages=USER, top_p=0),
     400, "invalid_parameter_error", ALGO + "Range of top_p should be (0.0, 1.0]"),
    ("top-k", dict(model="qwen-plus", messages=USER, extra_body={"top_k": -1}),
     400, "invalid_parameter_error", ALGO + "Parameter top_k be greater than or equal to 0"),
    ("presence-penalty", dict(model="qwen-plus", messages=USER, presence_penalty=2.5),
     400, "invalid_parameter_error", ALGO + "Presence_penalty should be in [-2.0, 2.0]"),
    ("top-logprobs", dict(model="qwen-plus", messages=USER, logprobs=True, top_logprobs=6),
     400, "invalid_parameter_error", ALGO + "Range of top_logprobs should be [0, 5]"),
    ("response-format-unknown-type", dict(model="qwen-plus", messages=JSON_USER, response_format={"type": "xml"}),
     400, "invalid_parameter_error",
     ALGO + "Unknown format of response_format, response_format should be a dict, includes 'type' and an optional key "
     "'json_schema'. The response_format type from user is xml."),
    ("json-schema-invalid", dict(model="qwen-plus", messages=USER,
                                 response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {
                                     "type": "object", "properties": {"age": {"type": "int"}}}}}),
     400, "invalid_parameter_error",
     ALGO + 'response_format.json_schema.schema.properties.age.type: "int" is not a JSON Schema type '
     "(use one of array, boolean, integer, null, number, object, string)"),
    ("tool-parameters-not-a-schema", dict(model="qwen-plus", messages=USER,
                                          tools=[{"type": "function", "function": {"name": "f", "parameters": "none"}}]),
     400, "invalid_parameter_error", ALGO + "tools[0].function.parameters must be a JSON Schema object, not a string"),
]


@pytest.mark.parametrize("kwargs,status,code,message", [row[1:] for row in COMPAT_REFUSALS],
                         ids=[row[0] for row in COMPAT_REFUSALS])
def test_compatible_refusal(synth, kwargs, status, code, message):
    import openai
    with pytest.raises(openai.APIStatusError) as caught:
        result = openai_client(synth).chat.completions.create(**kwargs)
        if kwargs.get("stream"):
            list(result)
    error = caught.value
    assert error.status_code == status
    assert error.code == code
    assert error.body["message"] == message
    assert error.body["type"] == "invalid_request_error"
    body = error.response.json()
    assert error.request_id and body["request_id"] == error.request_id


NATIVE_REFUSALS = [
    ("thinking-non-stream", "text", dict(model="qwen3-8b", messages=USER, enable_thinking=True),
     400, "InvalidParameter", "parameter.enable_thinking must be set to false for non-streaming calls"),
    ("qwen3-open-source-thinks-by-default", "text", dict(model="qwen3-32b", messages=USER),
     400, "InvalidParameter", "parameter.enable_thinking must be set to false for non-streaming calls"),
    ("stream-only", "text", dict(model="qwq-plus", messages=USER),
     400, "InvalidParameter", "This model only support stream mode, please enable the stream parameter to access the model."),
    ("thinking-stream-not-incremental", "text", dict(model="qwen-plus", messages=USER, stream=True, enable_thinking=True),
     400, "InvalidParameter", 'The incremental_output parameter must be "true" when enable_thinking is true'),
    ("thinking-stream-text-format", "text", dict(model="qwen-plus", messages=USER, stream=True, incremental_output=True,
                                                 enable_thinking=True, result_format="text"),
     400, "InvalidParameter", 'The result_format parameter must be "message" when enable_thinking is true'),
    ("thinking-only-model-told-not-to", "text", dict(model="qwen3-235b-a22b-thinking-2507", messages=USER, stream=True,
                                                     incremental_output=True, enable_thinking=False),
     400, "InvalidParameter", "The value of the enable_thinking parameter is restricted to True."),
    ("model-that-cannot-think", "text", dict(model="qwen-max", messages=USER, stream=True, incremental_output=True,
                                             enable_thinking=True),
     400, "InvalidParameter.NotSupportEnableThinking", "The model qwen-max does not support enable_thinking."),
    ("multimodal-only-model-on-text-generation", "text", dict(model="qwen3.5-plus", messages=USER, enable_thinking=False),
     400, "InvalidParameter", "url error, please check url!"),
    ("text-model-on-multimodal-generation", "multimodal", dict(model="qwen-plus", messages=[{"role": "user", "content": [{"text": "hi"}]}]),
     400, "InvalidParameter", "url error, please check url!"),
    ("json-mode-without-the-word", "text", dict(model="qwen-plus", messages=USER, result_format="message",
                                                response_format={"type": "json_object"}),
     400, "InvalidParameter",
     "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."),
    ("json-mode-with-thinking", "text", dict(model="qwen-plus", messages=JSON_USER, stream=True, incremental_output=True,
                                             enable_thinking=True, response_format={"type": "json_object"}),
     400, "InvalidParameter", "Json mode response is not supported when enable_thinking is true"),
    ("tool-choice-required-thinking", "text", dict(model="qwen3-32b", messages=USER, stream=True, incremental_output=True,
                                                   tools=TOOLS, tool_choice="required"),
     400, "InvalidParameter", "The tool_choice parameter does not support being set to required or object in thinking mode"),
    ("tool-choice-unknown-string", "text", dict(model="qwen-plus", messages=USER, tools=TOOLS, tool_choice="any"),
     400, "InvalidParameter", 'tool_choice is one of the strings that should be ["none", "auto"]'),
    ("prompt-over-context", "text", dict(model="qwen-mt-plus", messages=LONG),
     400, "InvalidParameter", "Range of input length should be [1, 8192]"),
    ("max-tokens-over-output-limit", "text", dict(model="qwen-max", messages=USER, max_tokens=8193),
     400, "InvalidParameter", "Range of max_tokens should be [1, 8192]"),
    ("seed-negative", "text", dict(model="qwen-plus", messages=USER, seed=-1),
     400, "InvalidParameter", "Range of seed should be [0, 9223372036854775807]"),
    ("temperature", "text", dict(model="qwen-plus", messages=USER, temperature=2.5),
     400, "InvalidParameter", "Temperature should be in [0.0, 2.0)"),
    ("top-p", "text", dict(model="qwen-plus", messages=USER, top_p=1.5),
     400, "InvalidParameter", "Range of top_p should be (0.0, 1.0]"),
    ("top-k", "text", dict(model="qwen-plus", messages=USER, top_k=-3),
     400, "InvalidParameter", "Parameter top_k be greater than or equal to 0"),
    ("presence-penalty", "text", dict(model="qwen-plus", messages=USER, presence_penalty=-3),
     400, "InvalidParameter", "Presence_penalty should be in [-2.0, 2.0]"),
    ("n-out-of-range", "text", dict(model="qwen-plus", messages=USER, n=0),
     400, "InvalidParameter", "Range of n should be [1, 4]"),
    ("response-format-unknown-type", "text", dict(model="qwen-plus", messages=JSON_USER, response_format={"type": "yaml"}),
     400, "InvalidParameter",
     "Unknown format of response_format, response_format should be a dict, includes 'type' and an optional key "
     "'json_schema'. The response_format type from user is yaml."),
    ("tool-parameters-not-a-schema", "text", dict(model="qwen-plus", messages=USER,
                                                  tools=[{"type": "function", "function": {"name": "f", "parameters": 3}}]),
     400, "InvalidParameter", "tools[0].function.parameters must be a JSON Schema object, not a number"),
]


@pytest.mark.parametrize("kind,kwargs,status,code,message", [row[1:] for row in NATIVE_REFUSALS],
                         ids=[row[0] for row in NATIVE_REFUSALS])
def test_native_refusal(synth, monkeypatch, kind, kwargs, status, code, message):
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", synth.native_url)
    api = dashscope.MultiModalConversation if kind == "multimodal" else dashscope.Generation
    result = api.call(api_key="sk-test", **kwargs)
    if kwargs.get("stream"):
        result = next(iter(result))
    assert (result.status_code, result.code, result.message) == (status, code, message)
    assert UUID.fullmatch(result.request_id), result.request_id


# Each refused request, changed only where the rule says, is answered: the rules are not overbroad.
def test_compatible_requests_the_rules_allow_are_answered(synth):
    client = openai_client(synth)
    assert client.chat.completions.create(model="qwen-plus", messages=USER).choices[0].message.content
    assert client.chat.completions.create(model="qwen3.5-plus", messages=USER, extra_body={"enable_thinking": False}).choices
    assert client.chat.completions.create(model="qwen-plus", messages=JSON_USER, response_format={"type": "json_object"}).choices
    assert client.chat.completions.create(model="qwen-plus", messages=USER, tools=TOOLS, tool_choice="required").choices
    assert client.chat.completions.create(model="qwen-max", messages=USER, max_tokens=8192, n=4, seed=2 ** 31 - 1,
                                          temperature=1.99, top_p=1.0, presence_penalty=2.0).choices
    assert list(client.chat.completions.create(model="qwq-plus", messages=USER, stream=True))


def test_native_requests_the_rules_allow_are_answered(synth, monkeypatch):
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", synth.native_url)
    ok = dashscope.Generation.call(api_key="sk-test", model="qwen-plus", messages=USER, result_format="message")
    assert ok.status_code == 200
    events = list(dashscope.Generation.call(api_key="sk-test", model="qwen-plus", messages=USER, stream=True,
                                            incremental_output=True, enable_thinking=True, result_format="message"))
    assert all(event.status_code == 200 for event in events)
    assert any(event.output.choices[0].message.get("reasoning_content") for event in events)
    mm = dashscope.MultiModalConversation.call(api_key="sk-test", model="qwen3.5-plus", enable_thinking=False,
                                               messages=[{"role": "user", "content": [{"text": "hi"}]}])
    assert mm.status_code == 200
    assert dashscope.Generation.call(api_key="sk-test", model="qwen-plus", messages=USER, seed=2 ** 40).status_code == 200


def test_models_the_faq_lists_answer_non_stream_thinking_calls(synth):
    """The deep-thinking FAQ's models answer a thinking call that is not streamed (protocol-notes,
    models §1): qwen3.5-plus thinks by default, qwen-plus when asked."""
    client = openai_client(synth)
    by_default = client.chat.completions.create(model="qwen3.5-plus", messages=USER)
    assert by_default.choices[0].message.content and getattr(by_default.choices[0].message, "reasoning_content", None)
    asked = client.chat.completions.create(model="qwen-plus", messages=USER, extra_body={"enable_thinking": True})
    assert getattr(asked.choices[0].message, "reasoning_content", None)
    assert asked.usage.completion_tokens_details.reasoning_tokens > 0


def test_qwen35_thinks_by_default_unless_told_not_to(synth):
    client = openai_client(synth)
    chunks = list(client.chat.completions.create(model="qwen3.5-plus", messages=USER, stream=True))
    reasoning = "".join(getattr(c.choices[0].delta, "reasoning_content", None) or "" for c in chunks if c.choices)
    assert reasoning
    plain = client.chat.completions.create(model="qwen3.5-plus", messages=USER, extra_body={"enable_thinking": False})
    assert not getattr(plain.choices[0].message, "reasoning_content", None)
    older = list(client.chat.completions.create(model="qwen-plus", messages=USER, stream=True))
    assert not "".join(getattr(c.choices[0].delta, "reasoning_content", None) or "" for c in older if c.choices)


def test_unknown_models_are_accepted_by_default(synth):
    assert openai_client(synth).chat.completions.create(model="no-such-model", messages=USER).choices


def test_unknown_models_reject_compatible(strict):
    import openai
    with pytest.raises(openai.NotFoundError) as caught:
        openai_client(strict).chat.completions.create(model="no-such-model", messages=USER)
    error = caught.value
    assert (error.status_code, error.code) == (404, "model_not_found")
    assert error.body["message"] == "The model `no-such-model` does not exist or you do not have access to it."
    assert error.request_id and error.response.json()["request_id"] == error.request_id
    # A dated snapshot of a known model is known.
    assert openai_client(strict).chat.completions.create(model="qwen-plus-2025-07-28", messages=USER).choices


def test_unknown_models_reject_native(strict, monkeypatch):
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", strict.native_url)
    result = dashscope.Generation.call(api_key="sk-test", model="no-such-model", messages=USER)
    assert (result.status_code, result.code, result.message) == (400, "InvalidParameter", "Model not exist.")
    assert result.request_id


MODELS_FILE = """\
mockscope-models: 1
models:
  - name: team-model
    source: our own deployment notes
    endpoints: [compatible, text-generation]
    thinking: never
    context_window: 4096
    max_output: 100
    parameters:
      n: [1, 1]
  - name: team-thinker
    like: qwen-plus
    source: a copy of qwen-plus that always thinks
    thinking: always
"""


def test_models_file_extends_the_catalog(mockscope_server, tmp_path):
    path = tmp_path / "team-models.yaml"
    path.write_text(MODELS_FILE)
    server = mockscope_server("--speed", "0", "--unmatched", "synthesize", "--unknown-models", "reject",
                              "--models", str(path), label="catalog-models-file")
    import openai
    client = openai_client(server)
    assert client.chat.completions.create(model="team-model", messages=USER, max_tokens=100).choices
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="team-model", messages=USER, max_tokens=101)
    assert caught.value.body["message"] == ALGO + "Range of max_tokens should be [1, 100]"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="team-model", messages=USER, n=2)
    assert caught.value.body["message"] == ALGO + "Range of n should be [1, 1]"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="team-thinker", messages=USER, stream=True, extra_body={"enable_thinking": False})
    assert caught.value.body["message"] == "The value of the enable_thinking parameter is restricted to True."
    # The built-in rows are still there.
    assert client.chat.completions.create(model="qwen-max", messages=USER).choices


def test_fixtures_folder_models_yaml_extends_the_catalog(mockscope_server, tmp_path):
    (tmp_path / "models.yaml").write_text(MODELS_FILE)
    server = mockscope_server("--speed", "0", "--unmatched", "synthesize", "--unknown-models", "reject",
                              "--fixtures", str(tmp_path), label="catalog-folder")
    import openai
    client = openai_client(server)
    assert client.chat.completions.create(model="team-model", messages=USER).choices
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="other-model", messages=USER)


def test_malformed_models_file_fails_at_start_naming_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(textwrap.dedent("""\
        mockscope-models: 1
        models:
          - name: broken
            source: here
            endpoints: [compatible]
            thinking: sometimes
            context_window: 10
            max_output: 5
        """))
    done = subprocess.run([str(mockscope_support.server_binary()), "serve", "--port", "0", "--models", str(path)],
                          capture_output=True, text=True, timeout=60, cwd=str(tmp_path))
    assert done.returncode == 2, done
    assert f"{path}: line 6, column 15: `thinking: sometimes` is not one of never, optional, default-on, always" in done.stderr


def test_models_file_with_bad_yaml_names_the_position(tmp_path):
    path = tmp_path / "bad-syntax.yaml"
    path.write_text("models:\n  - name: [unclosed\n")
    done = subprocess.run([str(mockscope_support.server_binary()), "serve", "--port", "0", "--models", str(path)],
                          capture_output=True, text=True, timeout=60, cwd=str(tmp_path))
    assert done.returncode == 2, done
    assert f"{path}: line 3, column 1: not valid YAML" in done.stderr
