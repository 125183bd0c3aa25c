"""Synthesized answers at the edges of the synthesizer's ASCII fast paths (issue 16, target 3):
a `"\\r\\n"` pair is one character, white space runs fold to one space, ASCII and non-ASCII text
find the same names. Each value follows the rules in docs/synthesis.md."""

from __future__ import annotations

import json

from synth_support import client, synth  # noqa: F401 (fixtures)

WEATHER = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city", "parameters": {
    "type": "object", "properties": {"destinationCity": {"type": "string"}}, "required": ["destinationCity"]}}}]


def test_a_crlf_pair_is_one_character_of_the_prompt(client):
    # 12 × "x\r\n" is 24 characters: 24 × 3 twelfths = 6 tokens, plus the template's 10.
    answer = client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": "x\r\n" * 12}])
    assert answer.usage.prompt_tokens == 16
    # The echoed question is the text on one line: each run of white space is one space.
    assert '"' + " ".join(["x"] * 12) + '"' in answer.choices[0].message.content


def test_the_echo_is_cut_at_sixty_characters_with_an_ellipsis(client):
    text = "word  \t " * 20  # "word word ..." on one line is 99 characters
    content = client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": text}]).choices[0].message.content
    assert '"' + ("word " * 12)[:60] + '…"' in content


def test_stream_pieces_are_eight_characters_and_add_up_to_the_answer(client):
    messages = [{"role": "user", "content": "Tell me about Paris\r\nin spring"}]
    whole = client.chat.completions.create(model="qwen-plus", messages=messages).choices[0].message.content
    pieces = [chunk.choices[0].delta.content for chunk in
              client.chat.completions.create(model="qwen-plus", messages=messages, stream=True)
              if chunk.choices and chunk.choices[0].delta.content]
    assert "".join(pieces) == whole
    assert all(len(piece) == 8 for piece in pieces[:-1]) and 0 < len(pieces[-1]) <= 8


def test_a_camel_case_city_field_gets_the_city_from_ascii_and_from_accented_text(client):
    for text, city in [("What is the weather in Paris?", "Paris"), ("Café weather in Zürich, then Tokyo?", "Tokyo")]:
        answer = client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": text}], tools=WEATHER)
        call = answer.choices[0].message.tool_calls[0]
        assert json.loads(call.function.arguments) == {"destinationCity": city}
