"""Structured output under `--unmatched synthesize`: `response_format` json_schema answers are
instances of the schema (checked by the jsonschema library with its FormatChecker, and by
Pydantic for the Pydantic-generated rows), whole and streamed, in both protocols; json_object
answers are JSON objects with keys from the prompt."""

from __future__ import annotations

import json

import pytest
from jsonschema import validators

from structured_schemas import Weather, Person, Event, all_schemas
from synth_support import client, ds, synth  # noqa: F401 (fixtures)

SCHEMAS = all_schemas()
PROMPT = "Fill in the record for Jane Doe, 34, from Tokyo on 2025-06-01. Reply in JSON."



def check(schema, text, model=None):
    """The answer parses, validates against the schema (formats too), and loads into the model."""
    value = json.loads(text)
    validator_class = validators.validator_for(schema, default=validators.Draft202012Validator)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    assert not errors, f"{text} fails its schema: {errors}"
    if model is not None:
        model.model_validate_json(text)
    return value


def schema_format(name, schema):
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


@pytest.mark.parametrize("name,schema,model", SCHEMAS, ids=[row[0] for row in SCHEMAS])
def test_compatible_answer_is_an_instance_whole_and_streamed(client, name, schema, model):
    messages = [{"role": "user", "content": PROMPT}]
    whole = client.chat.completions.create(model="qwen-plus", messages=messages,
                                           response_format=schema_format(name, schema))
    choice = whole.choices[0]
    assert choice.finish_reason == "stop" and not choice.message.tool_calls
    assert getattr(choice.message, "reasoning_content", None) is None
    check(schema, choice.message.content, model)
    assert whole.usage.completion_tokens > 0

    stream = client.chat.completions.create(model="qwen-plus", messages=messages, stream=True,
                                            stream_options={"include_usage": True},
                                            response_format=schema_format(name, schema))
    pieces, finish, usage = [], None, None
    for chunk in stream:
        if not chunk.choices:
            usage = chunk.usage
            continue
        if chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        finish = chunk.choices[0].finish_reason or finish
    assert "".join(pieces) == choice.message.content, "the stream carries the same JSON"
    assert len(pieces) > 1 or len(choice.message.content) <= 8
    assert finish == "stop"
    assert usage.completion_tokens == whole.usage.completion_tokens


@pytest.mark.parametrize("name,schema,model", SCHEMAS, ids=[row[0] for row in SCHEMAS])
def test_native_answer_is_an_instance(ds, name, schema, model):
    response = ds.Generation.call(api_key="sk-test", model="qwen-plus", result_format="message",
                                  messages=[{"role": "user", "content": PROMPT}],
                                  response_format=schema_format(name, schema))
    assert response.status_code == 200, response
    choice = response.output.choices[0]
    assert choice.finish_reason == "stop"
    check(schema, choice.message.content, model)
    assert response.usage.output_tokens > 0


def test_native_stream_reassembles_to_the_same_instance(ds):
    schema = Person.model_json_schema()
    kwargs = dict(api_key="sk-test", model="qwen-plus", result_format="message",
                  messages=[{"role": "user", "content": PROMPT}], response_format=schema_format("Person", schema))
    whole = ds.Generation.call(**kwargs).output.choices[0].message.content
    pieces = [r.output.choices[0].message.content for r in ds.Generation.call(stream=True, incremental_output=True, **kwargs)]
    assert len(pieces) > 1 and "".join(pieces) == whole
    check(schema, whole, Person)


def test_answers_are_deterministic_and_follow_the_user_text(client):
    def ask(text):
        return client.chat.completions.create(
            model="qwen-plus", messages=[{"role": "user", "content": text}],
            response_format=schema_format("Weather", Weather.model_json_schema())).choices[0].message.content
    first = ask("What's the weather in Tokyo in fahrenheit? Answer as JSON.")
    assert first == ask("What's the weather in Tokyo in fahrenheit? Answer as JSON.")
    weather = Weather.model_validate_json(first)
    assert weather.location == "Tokyo" and weather.unit == "fahrenheit"
    assert Weather.model_validate_json(ask("Weather in Paris, as JSON")).location == "Paris"


def test_values_come_from_the_prompt(client):
    answer = client.chat.completions.create(
        model="qwen-plus", messages=[{"role": "user", "content": "Schedule a meeting on 2025-09-12 about budget. JSON please."}],
        response_format=schema_format("Event", Event.model_json_schema())).choices[0].message.content
    event = Event.model_validate_json(answer)
    assert event.day.isoformat() == "2025-09-12" and event.start.date().isoformat() == "2025-09-12"


def test_parse_round_trip_with_a_pydantic_model(client):
    completion = client.chat.completions.parse(
        model="qwen-plus", messages=[{"role": "user", "content": "Extract the person: Jane Doe, jane@example.org, json"}],
        response_format=Person)
    person = completion.choices[0].message.parsed
    assert isinstance(person, Person)
    assert person.email == "jane@example.org"
    assert person.name == "Jane Doe"


def test_json_object_uses_the_example_in_the_prompt(client):
    system = 'Answer in JSON like {"city": "...", "population": 0, "landmarks": ["..."], "capital": false}.'
    answer = client.chat.completions.create(
        model="qwen-plus", response_format={"type": "json_object"},
        messages=[{"role": "system", "content": system}, {"role": "user", "content": "Tell me about Paris"}])
    value = json.loads(answer.choices[0].message.content)
    assert set(value) == {"city", "population", "landmarks", "capital"}
    assert value["city"] == "Paris"
    assert isinstance(value["population"], int) and isinstance(value["capital"], bool)
    assert isinstance(value["landmarks"], list) and all(isinstance(x, str) for x in value["landmarks"])


def test_json_object_uses_the_fields_the_prompt_names(client):
    answer = client.chat.completions.create(
        model="qwen-plus", response_format={"type": "json_object"},
        messages=[{"role": "user", "content": "Return a JSON object with keys `title`, `author` and `year` for a famous novel."}])
    value = json.loads(answer.choices[0].message.content)
    assert list(value) == ["title", "author", "year"]
    assert isinstance(value["year"], int)


def test_json_object_without_named_fields_is_a_small_object(ds):
    response = ds.Generation.call(api_key="sk-test", model="qwen-plus", result_format="message",
                                  messages=[{"role": "user", "content": "Say hello in json"}],
                                  response_format={"type": "json_object"})
    value = json.loads(response.output.choices[0].message.content)
    assert isinstance(value, dict) and value["question"] == "Say hello in json" and value["answer"]
