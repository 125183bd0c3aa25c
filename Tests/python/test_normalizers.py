"""Matching that survives volatile prompts: a fixture's `normalize` (built-in normalizers and
regexes, applied to both sides) and `messages` (the last turns only), the near-miss report that
names the normalizers that changed something, the loader's errors, and the recorder's
`--record-normalize`. Through the openai SDK against the real server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import openai
import pytest

from mockscope_support import server_binary
from record_upstream import Upstream

PATH = "/compatible-mode/v1/chat/completions"


def _fixture(name: str, conversation, answer: str, **request) -> dict:
    return {
        "mockscope": 1, "name": name,
        "request": {"method": "POST", "path": PATH, "body": {"model": "qwen-plus", "messages": conversation}, **request},
        "response": {"status": 200, "headers": {"content-type": "application/json"}, "json": {
            "id": "chatcmpl-" + name, "object": "chat.completion", "created": 1700000000, "model": "qwen-plus",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}},
    }


def _user(text: str) -> list:
    return [{"role": "user", "content": text}]


FIXTURES = [
    _fixture("volatile/builtins", _user(
        "Now is 2026-01-02T03:04:05Z (Fri, 02 Jan 2026 03:04:05 GMT, 01/02/2026 03:04). Trace 0123456789abcdef01, "
        "request 123e4567-e89b-12d3-a456-426614174000 at 1767322800123; the log is in /tmp/pytest-of-ci/run-7/log.txt."),
        "builtins ok", normalize=["datetime", "uuid", "hex_id", "unix_timestamp", "temp_path"]),
    _fixture("volatile/regex", _user("Summarise order #4711 for customer C-0042."), "regex ok",
             normalize=[{"pattern": r"#\d+", "replace": "#N"}, {"pattern": r"C-\d{4}", "replace": "C-XXXX"}]),
    _fixture("volatile/strict", _user("Strict prompt 2026-01-02"), "strict ok"),
    _fixture("session/last-turn", [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "first"},
                                   {"role": "assistant", "content": "a"}, {"role": "user", "content": "And the total?"}],
             "last turn ok", messages="last_turn"),
    _fixture("session/with-system", [{"role": "system", "content": "You are a calculator."},
                                     {"role": "user", "content": "2+2?"}],
             "with system ok", messages={"last": 1, "keep_system": True}),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory, mockscope_server):
    folder = tmp_path_factory.mktemp("normalizers")
    for fixture in FIXTURES:
        (folder / (fixture["name"].replace("/", "-") + ".json")).write_text(json.dumps(fixture))
    return mockscope_server("--fixtures", str(folder), "--speed", "0", label="normalizers")


def _ask(server, messages) -> str:
    client = openai.OpenAI(api_key="sk-test", base_url=server.compat_url, max_retries=0, timeout=30)
    return client.chat.completions.create(model="qwen-plus", messages=messages).choices[0].message.content


def test_builtin_normalizers_match_other_dates_ids_timestamps_and_temp_paths(server):
    prompt = ("Now is 2027-11-30T23:59:59.250+08:00 (Tue, 30 Nov 2027 23:59:59 +0800, 11/30/2027 23:59). Trace "
              "fedcba9876543210ab, request 9b2f6c1e-0d4a-4c1b-8e7f-112233445566 at 1800000000; "
              "the log is in /var/folders/xy/T/pytest-9/log.txt.")
    assert _ask(server, _user(prompt)) == "builtins ok"
    # Anything else still has to be equal.
    with pytest.raises(openai.BadRequestError) as missed:
        _ask(server, _user(prompt.replace("Trace", "Span")))
    assert "volatile/builtins" in str(missed.value)
    assert "after normalizing" in str(missed.value)


def test_user_regexes_apply_to_both_sides(server):
    assert _ask(server, _user("Summarise order #99 for customer C-1234.")) == "regex ok"
    with pytest.raises(openai.BadRequestError):
        _ask(server, _user("Summarise order 99 for customer C-1234."))


def test_a_fixture_without_normalizers_stays_strict(server):
    assert _ask(server, _user("Strict prompt 2026-01-02")) == "strict ok"
    with pytest.raises(openai.BadRequestError) as missed:
        _ask(server, _user("Strict prompt 2026-01-03"))
    # Only fixtures with normalizers say they normalized something.
    closest = str(missed.value).split("Closest: ")[1].split("). ")[0].split('; "')
    assert closest
    for candidate in closest:
        if "after normalizing" in candidate:
            assert candidate.lstrip('"').startswith("volatile/builtins"), candidate


def test_last_turn_matches_any_session_that_ends_the_same_way(server):
    long_session = [{"role": "system", "content": "Other system prompt"}, {"role": "user", "content": "x"},
                    {"role": "assistant", "content": "y"}, {"role": "user", "content": "z"},
                    {"role": "assistant", "content": "w"}, {"role": "user", "content": "And the total?"}]
    assert _ask(server, long_session) == "last turn ok"
    assert _ask(server, _user("And the total?")) == "last turn ok"
    with pytest.raises(openai.BadRequestError):
        _ask(server, long_session[:-1] + [{"role": "user", "content": "And the sum?"}])


def test_keep_system_compares_the_system_prompt_too(server):
    session = [{"role": "system", "content": "You are a calculator."}, {"role": "user", "content": "1+1?"},
               {"role": "assistant", "content": "2"}, {"role": "user", "content": "2+2?"}]
    assert _ask(server, session) == "with system ok"
    with pytest.raises(openai.BadRequestError):
        _ask(server, [{"role": "system", "content": "You are a poet."}] + session[1:])


@pytest.mark.parametrize("request_part, where", [
    ({"normalize": ["uuids"]}, "request.normalize[0]"),
    ({"normalize": [{"pattern": "(unclosed"}]}, "request.normalize[0].pattern"),
    ({"normalize": "uuid"}, "request.normalize"),
    ({"messages": {"last": 0}}, "request.messages.last"),
    ({"messages": "first_turn"}, "request.messages"),
])
def test_a_bad_normalizer_or_window_fails_at_load_with_where_and_what(tmp_path, request_part, where):
    (tmp_path / "bad.json").write_text(json.dumps(_fixture("bad", _user("hi"), "x", **request_part)))
    done = subprocess.run([str(server_binary()), "validate", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "bad.json" in done.stdout and where in done.stdout, done.stdout


def test_the_recorder_writes_normalizers_and_the_next_volatile_prompt_replays(tmp_path, mockscope_server):
    upstream = Upstream()
    try:
        rec = mockscope_server("--record", "new", "--upstream", upstream.base, "--record-to", str(tmp_path),
                               "--record-normalize", "uuid", "--record-normalize", "datetime", label="record-normalize")
        with httpx.Client(timeout=30, trust_env=False) as client:
            def send(text: str) -> httpx.Response:
                return client.post(rec.compat_url + "/chat/completions", headers={"Authorization": "Bearer sk-test"},
                                   json={"model": "qwen-plus", "messages": _user(text)})
            first = send("job 123e4567-e89b-12d3-a456-426614174000 started 2026-05-06T07:08:09Z")
            second = send("job 00000000-1111-2222-3333-444444444444 started 2027-01-01T00:00:00Z")
        assert first.status_code == second.status_code == 200
        assert second.json()["choices"][0]["message"]["content"] == first.json()["choices"][0]["message"]["content"]
        assert upstream.count == 1, "the second, volatile-only different, request was replayed"
        written = [json.loads(p.read_text()) for p in tmp_path.rglob("*.json")]
        assert [f["request"]["normalize"] for f in written] == [["uuid", "datetime"]]
    finally:
        upstream.stop()


def test_an_unknown_record_normalizer_is_refused(tmp_path):
    done = subprocess.run([str(server_binary()), "serve", "--port", "0", "--record", "new", "--upstream", "http://127.0.0.1:9",
                           "--record-to", str(tmp_path), "--record-normalize", "uuids"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "--record-normalize uuids: use one of" in done.stderr
