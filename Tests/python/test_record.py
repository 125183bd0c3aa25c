"""The recorder: `mockscope serve --record MODE --upstream URL` and `mockscope record`.

Two upstreams: a second MockScope replaying the default fixtures (real SDK traffic,
recorded timing), and a small Python upstream (record_upstream.py) that counts
requests, echoes what it got, cuts a stream mid-way and answers 429."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Dict, List

import dashscope
import httpx
import openai
import pytest
from dashscope import Application, Generation

import expected as E
from mockscope_support import (
    REPO_ROOT, MockScope, arrival_times, eventually, server_binary, server_options, story_events,
)
from record_upstream import RATE_LIMIT_BODY, Upstream

# A long fake key that does not look like a real one (dashes: no 24 alphanumerics after "sk-").
FAKE_KEY = "sk-test-" + "0" * 4 + "-fakekeyvalue"
TENANT_SECRET = "tenant-" + "secret-value-4711"
HEADER_SECRET = "hdr-" + "secret-value-0815"
GAP_TOLERANCE_S = 0.015
TIMEOUT = 60


# ------------------------------------------------------------------ helpers
@pytest.fixture
def upstream():
    up = Upstream()
    yield up
    up.stop()


class RecordCommand(MockScope):
    """`mockscope record --port 0 ...` (the plugin's factory runs `serve`): the test starts and
    stops it itself, with the suite's server options."""

    def __init__(self, *args: str, label: str):
        super().__init__(*args, label=label, **server_options())

    def command(self) -> List[str]:
        return [str(server_binary()), "record", "--port", "0"] + self.extra_args


def recorder(mockscope_server, label: str, upstream_base: str, folder: Path, *extra: str, mode: str = "new") -> MockScope:
    return mockscope_server("--record", mode, "--upstream", upstream_base, "--record-to", str(folder), *extra, label=label)


def fixture_files(folder: Path) -> List[Path]:
    """The fixture files the loader would read (no hidden or temporary ones)."""
    return sorted(p for p in folder.rglob("*.json")
                  if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def every_file(folder: Path) -> List[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def chat(base: str, model: str, content: str = "hello there", *, key: str = FAKE_KEY, stream: bool = False,
         headers: Dict[str, str] | None = None, params=None, extra: dict | None = None) -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": content}], **(extra or {})}
    if stream:
        body["stream"] = True
    with httpx.Client(timeout=30, trust_env=False) as client:
        return client.post(f"{base}/compatible-mode/v1/chat/completions", json=body, params=params,
                           headers={"Authorization": f"Bearer {key}", **(headers or {})})


# ------------------------------------------------- the SDKs, recorded and replayed
def sdk_answers(srv: MockScope) -> Dict[str, object]:
    """What the SDKs make of a few default exchanges (streams and whole answers,
    both protocols, an app)."""
    client = openai.OpenAI(api_key=FAKE_KEY, base_url=srv.compat_url, timeout=TIMEOUT, max_retries=0)
    out: Dict[str, object] = {}
    stream = client.chat.completions.create(model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True)
    out["compat story"] = [c.choices[0].delta.content for c in stream if c.choices]
    completion = client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES)
    out["compat who"] = (completion.id, completion.choices[0].message.content, completion.usage.total_tokens)

    old = dashscope.base_http_api_url
    dashscope.base_http_api_url = srv.native_url
    try:
        resp = Generation.call(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES, result_format="message",
                               api_key=FAKE_KEY, request_timeout=TIMEOUT)
        assert resp.status_code == 200, resp
        out["native who"] = (resp.request_id, resp.output.choices[0].message.content)
        responses = list(Generation.call(model=E.STORY_MODEL, messages=E.STORY_MESSAGES, result_format="message",
                                         stream=True, incremental_output=True, api_key=FAKE_KEY, request_timeout=TIMEOUT))
        assert all(r.status_code == 200 for r in responses), responses
        out["native story"] = [r.output.choices[0].message.content for r in responses]
        apps = list(Application.call(app_id=E.APP_ID, prompt=E.APP_PROMPT, stream=True, incremental_output=True,
                                     api_key=FAKE_KEY, request_timeout=TIMEOUT))
        assert all(r.status_code == 200 for r in apps), apps
        out["app"] = "".join(r.output.text or "" for r in apps)
    finally:
        dashscope.base_http_api_url = old
    return out


def story_arrivals(srv: MockScope, events) -> List[float]:
    """Streams the compat story with httpx; the time each event had fully arrived."""
    body = {"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True}
    reads = []
    with httpx.Client(timeout=30, trust_env=False) as client:
        with client.stream("POST", f"{srv.compat_url}/chat/completions", json=body,
                           headers={"Authorization": f"Bearer {FAKE_KEY}"}) as response:
            assert response.status_code == 200
            for piece in response.iter_raw():
                reads.append((time.perf_counter(), piece))
    data = b"".join(p for _, p in reads)
    assert data == "".join(e["data"] for e in events).encode("utf-8")
    return arrival_times(reads, events)


def test_sdks_get_the_same_through_the_recorder_and_from_its_replay(mockscope_server, tmp_path):
    upstream = mockscope_server(label="rec upstream (default fixtures, speed 1)")
    folder = tmp_path / "recorded"
    rec = recorder(mockscope_server, "rec new", upstream.base, folder)

    direct = sdk_answers(upstream)
    through = sdk_answers(rec)
    assert through == direct
    assert "".join(direct["compat story"][1:]) != ""
    files = fixture_files(folder)
    assert len(files) == 5, [str(f) for f in files]
    # Names keep CJK words readable (slug of the last user text) and carry 16 hex of a hash.
    names = {f.relative_to(folder).as_posix().rsplit("-", 1)[0] for f in files}
    assert names == {"compat/qwen-turbo/讲个故事", "compat/qwen-plus/你是谁", "native/qwen-plus/你是谁",
                     "native/qwen-turbo/讲个故事", f"apps/{E.APP_ID}/请告诉我今天的天气如何"}, names
    hashes = {f.stem.rsplit("-", 1)[1] for f in files}
    assert all(len(h) == 16 and all(c in "0123456789abcdef" for c in h) for h in hashes), hashes

    # A server that knows only the recorded folder answers the SDKs the same way.
    replay = mockscope_server("--fixtures", str(folder), label="rec replay")
    assert sdk_answers(replay) == direct

    # ... with the original timing: every gap within 15 ms of the default fixture's.
    original = story_events()
    recorded = [f for f in files if f.relative_to(folder).as_posix().startswith("compat/qwen-turbo/")]
    document = json.loads(recorded[0].read_text(encoding="utf-8"))
    assert document["metadata"]["timing"] == "recorded"
    assert [e["data"] for e in document["response"]["events"]] == [e["data"] for e in original]
    off = []
    for _ in range(2):  # one noisy measurement is forgiven
        times = story_arrivals(replay, original)
        off = [f"gap {i - 1}->{i}: original {(original[i]['at'] - original[i - 1]['at']):.1f} ms, "
               f"replayed {(times[i] - times[i - 1]) * 1000:.1f} ms"
               for i in range(1, len(original))
               if abs((times[i] - times[i - 1]) - (original[i]["at"] - original[i - 1]["at"]) / 1000) > GAP_TOLERANCE_S]
        if not off:
            break
    assert not off, off


# ------------------------------------------------------------------ forwarding
def test_the_request_goes_upstream_as_the_client_sent_it(mockscope_server, upstream, tmp_path):
    rec = recorder(mockscope_server, "rec forward", upstream.base, tmp_path / "fx", mode="all")
    raw = json.dumps({"model": "test-echo", "messages": [{"role": "user", "content": "héllo"}], "temperature": 0.5},
                     ensure_ascii=False, separators=(", ", ": ")).encode("utf-8")
    with httpx.Client(timeout=30, trust_env=False) as client:
        response = client.post(f"{rec.base}/compatible-mode/v1/chat/completions?a=1&b=two%20words&a=3", content=raw,
                               headers={"Authorization": f"Bearer {FAKE_KEY}", "Content-Type": "application/json",
                                        "X-Custom": "kept", "X-MockScope-Speed": "0", "Accept-Encoding": "gzip"})
    assert response.status_code == 200, response.text
    got = response.json()
    headers = {k.lower(): v for k, v in got["headers"]}
    assert got["method"] == "POST"
    assert got["path"] == "/compatible-mode/v1/chat/completions"
    assert sorted(map(tuple, got["query"])) == [("a", "1"), ("a", "3"), ("b", "two words")]
    assert got["body"].encode("utf-8") == raw                       # byte for byte
    assert headers["authorization"] == f"Bearer {FAKE_KEY}"         # the real key goes upstream
    assert headers["x-custom"] == "kept"
    assert headers["content-type"] == "application/json"
    assert headers["host"] == upstream.base.split("//")[1]
    assert headers["accept-encoding"] == "identity"
    assert "x-mockscope-speed" not in headers
    assert upstream.count == 1

    # A GET with no body, and the non-JSON answer passes through unchanged.
    with httpx.Client(timeout=30, trust_env=False) as client:
        response = client.get(f"{rec.base}/compatible-mode/v1/echo", params={"x": "1"},
                              headers={"Authorization": f"Bearer {FAKE_KEY}"})
    assert response.status_code == 200
    assert response.json()["method"] == "GET" and response.json()["body"] == ""


def test_an_unreachable_upstream_is_a_502_and_records_nothing(mockscope_server, tmp_path):
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path / "fx"
    rec = recorder(mockscope_server, "rec unreachable", f"http://127.0.0.1:{port}", folder)
    response = chat(rec.base, "anything")
    assert response.status_code == 502
    assert response.json()["error"]["message"].startswith("MockScope (recording) got no answer from the upstream")
    assert every_file(folder) == []


# ------------------------------------------------------------------ record modes
def test_record_modes(mockscope_server, upstream, tmp_path):
    # new: what matches replays, the rest goes upstream once and is recorded
    new = tmp_path / "new"
    rec = recorder(mockscope_server, "rec mode new", upstream.base, new, mode="new")
    first = chat(rec.base, "m1", "one")
    assert first.status_code == 200 and upstream.count == 1
    again = chat(rec.base, "m1", "one")
    assert again.json() == first.json() and upstream.count == 1      # replayed
    other = chat(rec.base, "m1", "two")
    assert other.json()["choices"][0]["message"]["content"] == "you said: two" and upstream.count == 2
    assert len(fixture_files(new)) == 2
    rec.stop()

    # none: replay only, even with an upstream given
    replay = mockscope_server("--record", "none", "--upstream", upstream.base, "--fixtures", str(new), label="rec mode none")
    assert chat(replay.base, "m1", "one").json() == first.json()
    assert chat(replay.base, "m1", "three").status_code == 400        # no match, not forwarded
    assert upstream.count == 2
    replay.stop()

    # all: always forwarded, the file overwritten (one file per request)
    everything = tmp_path / "all"
    rec = recorder(mockscope_server, "rec mode all", upstream.base, everything, mode="all")
    chat(rec.base, "m1", "one")
    chat(rec.base, "m1", "one")
    assert upstream.count == 4
    files = fixture_files(everything)
    assert len(files) == 1
    assert every_file(everything) == files                             # no temporary file left
    rec.stop()

    # once: an empty folder records everything (like all) ...
    once = tmp_path / "once"
    rec = recorder(mockscope_server, "rec mode once (empty)", upstream.base, once, mode="once")
    assert "once (resolved: all)" in rec.log_text()
    chat(rec.base, "m1", "one")
    chat(rec.base, "m1", "one")
    assert upstream.count == 6
    assert len(fixture_files(once)) == 1
    rec.stop()
    # ... a folder that has fixtures only replays
    rec = recorder(mockscope_server, "rec mode once (recorded)", upstream.base, once, mode="once")
    assert "once (resolved: none)" in rec.log_text()
    assert chat(rec.base, "m1", "one").json() == first.json()
    assert chat(rec.base, "m1", "four").status_code == 400
    assert upstream.count == 6
    rec.stop()


def test_record_command_is_serve_record_new(mockscope_server, upstream, tmp_path):
    folder = tmp_path / "fx"
    srv = RecordCommand("--upstream", upstream.base, "--record-to", str(folder), label="rec command").start()
    try:
        chat(srv.base, "m1", "one")
        chat(srv.base, "m1", "one")
        assert upstream.count == 1
        assert len(fixture_files(folder)) == 1
        assert "recording: new" in srv.log_text()
    finally:
        srv.stop()
    help_text = subprocess.run([str(server_binary()), "record", "--help"], capture_output=True, text=True).stdout
    assert "serve --record new" in help_text


def test_a_record_mode_without_an_upstream_is_refused():
    for args in (["serve", "--record", "new"], ["serve", "--record", "all", "--port", "0"], ["record", "--port", "0"]):
        done = subprocess.run([str(server_binary()), *args], capture_output=True, text=True, timeout=30, cwd=str(REPO_ROOT))
        assert done.returncode != 0, args
        assert "--upstream URL or --region" in done.stderr, done.stderr
    done = subprocess.run([str(server_binary()), "serve", "--record", "new", "--upstream", "ftp://x"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "http:// or https://" in done.stderr


# ------------------------------------------------------------------ secrets
def test_no_secret_reaches_a_fixture_or_the_log(mockscope_server, upstream, tmp_path):
    folder = tmp_path / "fx"
    rec = recorder(mockscope_server, "rec secrets", upstream.base, folder, "--redact", "X-Tenant", "--redact", "tenant_secret",
                   mode="all")
    secret_headers = {"X-DashScope-ApiKey": FAKE_KEY, "X-Api-Key": FAKE_KEY, "Cookie": f"session={FAKE_KEY}",
                      "X-Tenant": HEADER_SECRET, "X-DashScope-SSE": "enable"}
    extra = {"api_key": FAKE_KEY, "metadata": {"nested": [{"password": FAKE_KEY, "tenant_secret": TENANT_SECRET}]}}
    params = {"api_key": FAKE_KEY, "token": FAKE_KEY, "signature": FAKE_KEY, "keep": "me"}
    # The key inside a message is scrubbed too (that request then cannot replay: its text changed).
    for model, content, stream in (("test-secret", "plain words", False), ("test-secret-stream", f"my key is {FAKE_KEY}", True),
                                   ("test-echo", f"my key is {FAKE_KEY}", False)):
        response = chat(rec.base, model, content, stream=stream, headers=secret_headers, params=params, extra=extra)
        assert response.status_code == 200
        assert FAKE_KEY in response.text                                  # the client gets the real answer
    assert upstream.count == 3
    files = every_file(folder)
    assert len(fixture_files(folder)) == 3 and files == fixture_files(folder)
    for secret in (FAKE_KEY, TENANT_SECRET, HEADER_SECRET):
        for path in files:
            assert secret.encode() not in path.read_bytes(), f"{secret} written to {path}"
            assert secret not in str(path)
        assert secret not in rec.log_text(), f"{secret} in the recorder's log"
    assert "recorded POST /compatible-mode/v1/chat/completions?api_key=REDACTED" in rec.log_text()
    secret_doc = next(json.loads(p.read_text()) for p in files
                      if json.loads(p.read_text())["request"]["body"]["model"] == "test-secret")
    assert secret_doc["request"]["body"]["api_key"] == "REDACTED"
    assert secret_doc["request"]["body"]["metadata"]["nested"][0]["tenant_secret"] == "REDACTED"
    assert secret_doc["request"]["query"] == {"keep": "me"}
    assert {k.lower(): v for k, v in secret_doc["response"]["headers"].items()}["set-cookie"] == "REDACTED"
    assert "REDACTED" in secret_doc["response"]["body"]
    rec.stop()

    # What was recorded with a placeholder still replays for the request with the real key.
    replay = mockscope_server("--fixtures", str(folder), label="rec secrets replay")
    response = chat(replay.base, "test-secret", "plain words", headers=secret_headers, params=params, extra=extra)
    assert response.status_code == 200
    assert response.json()["api_key"] == "REDACTED"
    assert upstream.count == 3


# ------------------------------------------------------------------ interruptions
def _stream_until_cut(base: str, model: str = "test-die") -> bytes:
    got = b""
    with httpx.Client(timeout=30, trust_env=False) as client:
        with pytest.raises(httpx.HTTPError):
            with client.stream("POST", f"{base}/compatible-mode/v1/chat/completions",
                               json={"model": model, "messages": [{"role": "user", "content": "go"}], "stream": True},
                               headers={"Authorization": f"Bearer {FAKE_KEY}"}) as response:
                assert response.status_code == 200
                for piece in response.iter_raw():
                    got += piece
    return got


def test_an_interrupted_upstream_leaves_no_fixture(mockscope_server, upstream, tmp_path):
    folder = tmp_path / "fx"
    rec = recorder(mockscope_server, "rec interrupted", upstream.base, folder)
    got = _stream_until_cut(rec.base)
    assert got == b'data: {"n":1}\n\ndata: {"n":2}\n\n'                 # passed through until the cut
    eventually(lambda: "not recorded" in rec.log_text(), message="the recorder's log line 'not recorded'",
               describe=lambda _: "no such line:\n" + rec.log_text(5))
    assert every_file(folder) == []
    # A complete stream right after is recorded (the recorder is fine).
    assert chat(rec.base, "test-stream", "go", stream=True).status_code == 200
    eventually(lambda: fixture_files(folder), lambda files: len(files) == 1, message="one fixture file recorded")


def test_keep_partial_writes_a_partial_fixture_that_replay_ignores(mockscope_server, upstream, tmp_path):
    folder = tmp_path / "fx"
    rec = recorder(mockscope_server, "rec keep-partial", upstream.base, folder, "--keep-partial")
    _stream_until_cut(rec.base)
    [path] = eventually(lambda: fixture_files(folder), lambda files: len(files) == 1,
                        message="one (partial) fixture file recorded")
    assert path.name.endswith(".partial.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["metadata"]["partial"] is True
    assert [e["data"] for e in document["response"]["events"]] == ['data: {"n":1}\n\n', 'data: {"n":2}\n\n']
    # new mode: the partial recording does not count as a match, so the request goes upstream again
    before = upstream.count
    _stream_until_cut(rec.base)
    assert upstream.count == before + 1
    rec.stop()

    replay = mockscope_server("--fixtures", str(folder), label="rec partial replay")
    with httpx.Client(timeout=30, trust_env=False) as client:
        status = client.get(f"{replay.base}/__admin/status").json()
    assert status["fixtures"] == 0
    response = chat(replay.base, "test-die", "go", stream=True)
    assert response.status_code == 400


# ------------------------------------------------------------------ upstream errors
def test_an_upstream_429_is_recorded_and_replayed_with_body_and_headers(mockscope_server, upstream, tmp_path):
    folder = tmp_path / "fx"
    rec = recorder(mockscope_server, "rec 429", upstream.base, folder)

    def rate_limited(srv):
        client = openai.OpenAI(api_key=FAKE_KEY, base_url=srv.compat_url, timeout=TIMEOUT, max_retries=0)
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model="test-429", messages=[{"role": "user", "content": "hi"}])
        return caught.value

    live = rate_limited(rec)
    assert live.code == "limit_requests"
    assert live.body == RATE_LIMIT_BODY["error"]
    assert live.response.headers["x-test-limit"] == "rpm=1"
    files = fixture_files(folder)
    assert len(files) == 1
    document = json.loads(files[0].read_text(encoding="utf-8"))
    assert document["response"]["status"] == 429
    assert json.loads(document["response"]["body"]) == RATE_LIMIT_BODY
    assert upstream.count == 1
    rec.stop()

    replay = mockscope_server("--fixtures", str(folder), label="rec 429 replay")
    replayed = rate_limited(replay)
    assert replayed.code == live.code
    assert replayed.body == live.body
    assert replayed.request_id == RATE_LIMIT_BODY["request_id"]
    assert replayed.response.headers["x-test-limit"] == "rpm=1"
    assert upstream.count == 1
