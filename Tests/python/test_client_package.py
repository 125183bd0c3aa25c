"""The mockscope Python package (clients/python): its pytest plugin as another suite would use
it (a separate pytest run on a tiny test file, no conftest; then with a conftest that sets the
plugin's `mockscope_defaults`), the MockScope class's helpers, `eventually`, and the admin token
on a non-loopback bind (contacted over 127.0.0.1 only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openai
import pytest
import requests

import expected as E
import mockscope_support
from mockscope_client import (
    AdminError, MockScope, ServerStartError, eventually, fault_headers, fingerprint, scenario_headers,
)

CHAT = "/compatible-mode/v1/chat/completions"

TINY_SUITE = textwrap.dedent('''
    import openai
    import requests

    from mockscope_client import fault_headers

    WHO = [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "你是谁？"}]


    def test_chat(mockscope):
        client = openai.OpenAI(api_key="sk-tiny", base_url=mockscope.compat_url, max_retries=0)
        completion = client.chat.completions.create(model="qwen-plus", messages=WHO)
        assert completion.choices[0].message.content == "我是来自阿里云的大规模语言模型，我叫通义千问。"
        [entry] = mockscope.wait_for_requests(1, path="/compatible-mode/v1/*")
        assert entry["fixture"] == "compat/qwen-plus/who-are-you"
        assert mockscope.settings()["speed"] == 0
        assert mockscope.native_url.endswith("/api/v1")


    def test_factory(mockscope_server, mockscope):
        srv = mockscope_server("--clock", "virtual", "--speed", "0")
        assert srv is not mockscope and srv.port != mockscope.port
        assert srv.advance_clock(1500) == {"mode": "virtual", "now_ms": 1500}
        r = requests.post(srv.compat_url + "/chat/completions", json={"model": "qwen-plus", "messages": WHO},
                          headers={"Authorization": "Bearer k", **fault_headers("http_error status=503")})
        assert r.status_code == 503


    def test_fails_on_purpose(mockscope):
        assert mockscope.count() == 99
''')


# Other plugins installed beside ours (each takes seconds to import, and none is used here).
QUIET_PLUGINS = ["-p", "no:langsmith_plugin", "-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio"]


def run_tiny_suite(tmp_path: Path, *args: str, binary_in_env: bool = True) -> subprocess.CompletedProcess:
    (tmp_path / "test_tiny.py").write_text(TINY_SUITE, encoding="utf-8")
    env = dict(os.environ)
    env.pop("MOCKSCOPE_FIXTURES", None)  # the plugin's default: the fixtures built into the binary
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("MOCKSCOPE_BIN", None)
    if binary_in_env:
        env["MOCKSCOPE_BIN"] = str(mockscope_support.server_binary())
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *QUIET_PLUGINS,
                           "test_tiny.py", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------------ the pytest plugin
def test_plugin_fixtures_in_another_suite(tmp_path):
    """No conftest, no -p: the plugin comes from the package's pytest11 entry point."""
    run = run_tiny_suite(tmp_path)
    out = run.stdout + run.stderr
    assert "1 failed, 2 passed" in out, out
    assert run.returncode == 1, out
    assert "test_fails_on_purpose" in out
    # a failing test that used the server gets the server's log in its report, and only that
    # server's: not the one test_factory started, although the factory is among its fixtures
    assert "mockscope mockscope (running) log" in out and "MockScope listening on http://127.0.0.1:" in out, out
    assert out.count("log, last 100 lines") == 1, out


def test_plugin_binary_from_the_command_line(tmp_path):
    run = run_tiny_suite(tmp_path, "--mockscope-bin", str(mockscope_support.server_binary()),
                         "-k", "not fails_on_purpose", binary_in_env=False)
    out = run.stdout + run.stderr
    assert run.returncode == 0 and "2 passed" in out, out


def test_plugin_says_what_is_missing(tmp_path):
    run = run_tiny_suite(tmp_path, "--mockscope-bin", str(tmp_path / "no-such-mockscope"), "-k", "test_chat",
                         binary_in_env=False)
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "MockScope binary not found or not executable" in out and "no-such-mockscope" in out, out


def test_plugin_is_registered_as_mockscope(tmp_path):
    run = run_tiny_suite(tmp_path, "--fixtures")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "mockscope [session scope]" in out and "mockscope_server [session scope]" in out, out
    assert "mockscope_defaults [session scope]" in out, out
    assert "mockscope_client/plugin.py" in out.replace(os.sep, "/"), out
    assert "--mockscope-bin" in run_tiny_suite(tmp_path, "--help").stdout
    run = run_tiny_suite(tmp_path, "-p", "no:mockscope", "--fixtures")
    assert "mockscope_server" not in run.stdout + run.stderr


DEFAULTS_CONFTEST = textwrap.dedent('''
    import pytest

    @pytest.fixture(scope="session")
    def mockscope_defaults():
        # a binary that does not exist: --mockscope-bin / $MOCKSCOPE_BIN must win over it
        return {"cwd": "served", "binary": "/no/such/mockscope", "startup_timeout": 20}
''')

DEFAULTS_SUITE = textwrap.dedent('''
    def test_defaults(mockscope, mockscope_server):
        assert [f["name"] for f in mockscope.fixtures()] == ["local/ping"]    # ./fixtures of cwd "served"
        other = mockscope_server("--speed", "0")
        assert [f["name"] for f in other.fixtures()] == ["local/ping"]
        assert other.startup_timeout == 20 and other.cwd == "served"
        named = mockscope_server("--speed", "0", cwd=".")                   # a call's own argument wins
        assert "local/ping" not in [f["name"] for f in named.fixtures()]
''')


def test_plugin_defaults_from_a_conftest(tmp_path):
    """A suite's conftest.py overrides `mockscope_defaults`: every server the plugin starts,
    the session's `mockscope` too, gets those arguments unless the call gives its own."""
    (tmp_path / "conftest.py").write_text(DEFAULTS_CONFTEST, encoding="utf-8")
    (tmp_path / "test_defaults.py").write_text(DEFAULTS_SUITE, encoding="utf-8")
    folder = tmp_path / "served" / "fixtures"
    folder.mkdir(parents=True)
    (folder / "ping.json").write_text(json.dumps({
        "mockscope": 1, "name": "local/ping", "request": {"method": "GET", "path": "/ping"},
        "response": {"status": 200, "json": {"pong": True}}}), encoding="utf-8")
    env = dict(os.environ)
    for name in ("MOCKSCOPE_FIXTURES", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    env["MOCKSCOPE_BIN"] = str(mockscope_support.server_binary())
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *QUIET_PLUGINS,
                          "test_defaults.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    assert run.returncode == 0 and "1 passed" in out, out


# ------------------------------------------------------------------ eventually
def test_eventually_returns_the_value_once_it_holds():
    calls = []

    def third_time():
        calls.append(1)
        return len(calls) if len(calls) >= 3 else 0

    assert eventually(third_time, timeout=5, interval=0.001) == 3
    # with `until`, the value returned is the condition's own
    calls.clear()
    assert eventually(lambda: calls.append(1) or len(calls), lambda n: n >= 2, timeout=5, interval=0.001) == 2


def test_eventually_says_what_it_awaited_and_what_it_saw_last():
    with pytest.raises(AssertionError) as info:
        eventually(lambda: 7, lambda n: n == 0, timeout=0.05, interval=0.01, message="the count to reach 0")
    text = str(info.value)
    assert "the count to reach 0" in text and "last seen: 7" in text and "waited 0.05 s" in text, text
    with pytest.raises(AssertionError) as info:
        eventually(lambda: {"activeStreams": 2}, lambda s: s["activeStreams"] == 0, timeout=0.05,
                   describe=lambda s: f"{s['activeStreams']} streams")
    assert "last seen: 2 streams" in str(info.value), str(info.value)


def test_eventually_treats_a_failed_assert_as_not_yet_and_other_errors_as_errors():
    seen = []

    def checked():
        seen.append(1)
        assert len(seen) >= 3, f"only {len(seen)} so far"
        return "ok"

    assert eventually(checked, timeout=5, interval=0.001) == "ok"
    with pytest.raises(AssertionError) as info:
        eventually(lambda: checked() and False, timeout=0.05)   # holds never: the last assert message shown
    assert "last seen: False" in str(info.value), str(info.value)
    with pytest.raises(AssertionError) as info:
        def never():
            assert False, "the journal is empty"
        eventually(never, timeout=0.05, message="an entry")
    assert "last seen: AssertionError: the journal is empty" in str(info.value), str(info.value)
    broken = []
    with pytest.raises(ZeroDivisionError):
        eventually(lambda: broken.append(1) or 1 / 0, timeout=5)
    assert len(broken) == 1, "an unexpected error was retried"


def test_eventually_is_bounded_and_tries_a_last_time_at_the_deadline():
    start = time.monotonic()
    calls = []
    with pytest.raises(AssertionError):
        eventually(lambda: calls.append(time.monotonic()), timeout=0.2, interval=0.05)
    assert calls[-1] - start >= 0.2, "no try at the deadline"
    assert len(calls) >= 2, "tried once only"
    assert eventually(lambda: True, timeout=0) is True     # timeout 0: one try


# ------------------------------------------------------------------ the MockScope class
def test_helpers_on_a_server_of_its_own():
    with MockScope("--speed", "0", "--clock", "virtual", binary=mockscope_support.server_binary(),
                   label="package helpers") as ms:
        assert ms.alive() and ms.base_url.startswith("http://127.0.0.1:")
        assert ms.health()["status"] == "ok"
        key = "sk-helper-0001"
        client = openai.OpenAI(api_key=key, base_url=ms.compat_url, max_retries=0, timeout=10)

        # scenario helpers: created from a dict, inactive, then activated, counted, reset
        sc = ms.scenario({"name": "helper-503", "match": {"headers": {"X-Test-Case": "helper"}},
                          "steps": [{"times": 1, "faults": ["http_error status=503"]}, {"faults": []}]},
                         active=False)
        assert sc.active is False and sc.matched == 0
        headers = {"X-Test-Case": "helper"}
        ask = lambda **kw: client.chat.completions.with_raw_response.create(  # noqa: E731
            model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES, extra_headers={**headers, **kw})
        assert ask().status_code == 200
        assert sc.matched == 0, "an inactive scenario counted a request"
        sc.activate()
        with pytest.raises(openai.InternalServerError):
            ask()
        assert ask().status_code == 200 and sc.matched == 2
        sc.reset()
        assert sc.matched == 0
        sc.deactivate()
        with pytest.raises(openai.InternalServerError):
            ask(**scenario_headers("helper-503"))  # picked per request although inactive
        assert ms.scenario("helper-503").name == "helper-503"
        assert any(s["name"] == "helper-503" for s in ms.scenarios())
        sc.delete()
        with pytest.raises(AdminError) as info:
            ms.scenario("helper-503")
        assert info.value.status_code == 404

        # faults, journal filters, fingerprint
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES,
                                           extra_headers=fault_headers("http_error status=429"))
        entries = ms.wait_for_requests(5, api_key=key)
        assert {e["api_key"] for e in entries} == {fingerprint(key)}
        assert ms.count(status=429) == 1 and ms.count(status=503) == 2
        assert ms.count(header=("X-Test-Case", "helper")) == 4
        assert ms.count(path="/compatible-mode/*", limit=2) == 2
        assert ms.requests(status=429)[0]["faults"] == ["http_error status=429"]
        ms.clear()
        assert ms.count() == 0
        with pytest.raises(AssertionError) as info:
            ms.wait_for_requests(1, timeout=0.1, api_key=key)
        assert "at least 1 journal entries matching {'api_key'" in str(info.value), str(info.value)
        assert "last seen: 0 entries (0 complete)" in str(info.value), str(info.value)

        # fixtures at runtime
        stub = ms.add_fixture({"name": "stub/ping", "request": {"method": "GET", "path": "/ping"},
                               "response": {"status": 200, "json": {"pong": True}}})
        assert stub["name"] == "stub/ping" and ms.fixture("stub/ping")["path"] == "/ping"
        assert requests.get(ms.base_url + "/ping", timeout=5).json() == {"pong": True}
        ms.remove_fixture("stub/ping")
        assert requests.get(ms.base_url + "/ping", timeout=5).status_code == 404
        assert ms.reload_fixtures() == len(ms.fixtures())

        # settings, clock, metrics, reset
        assert ms.update_settings(unmatched="synthesize")["unmatched"] == "synthesize"
        assert ms.advance_clock(60_000)["now_ms"] == 60_000 and ms.clock()["mode"] == "virtual"
        assert "mockscope_requests_total{" in ms.metrics()
        ms.reset()
        assert ms.settings()["unmatched"] == "error"
        process = ms.proc
    assert process.poll() == 0, "the context manager did not stop the server"
    assert not ms.alive() and ms.stop() == 0


def test_fault_headers_and_fingerprint():
    assert fault_headers("http_error status=429 retry_after=1") == {"X-MockScope-Fault": "http_error status=429 retry_after=1"}
    assert fault_headers("latency ms=5", "drop after_events=3") == {"X-MockScope-Fault": "latency ms=5; drop after_events=3"}
    with pytest.raises(ValueError):
        fault_headers()
    assert scenario_headers("a", "b") == {"X-MockScope-Scenario": "a,b"}
    assert fingerprint("sk-abc") == "key-25bb3315"


# ------------------------------------------------------------------ the port file
def test_the_port_file_holds_the_port_the_server_answers_on(tmp_path):
    """`serve --port-file PATH` writes the bound port and a newline, and nothing else beside it;
    the client reads it (its own temporary file when the arguments name none)."""
    given = tmp_path / "port"
    with MockScope("--speed", "0", "--port-file", str(given), binary=mockscope_support.server_binary(),
                   label="port file") as ms:
        text = given.read_text(encoding="ascii")
        assert text.endswith("\n") and text.strip().isdigit(), repr(text)
        port = int(text)
        assert port != 0 and ms.port == port and ms.port_file == given
        s = requests.Session()
        s.trust_env = False
        r = s.get(f"http://127.0.0.1:{port}/__admin/health", timeout=5)
        assert r.status_code == 200, r.text
        assert f"MockScope listening on http://127.0.0.1:{port}" in ms.log_text(), ms.log_text()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["port"]  # the temporary file was renamed
    assert given.read_text(encoding="ascii") == text  # left in place at exit

    with MockScope("--speed", "0", binary=mockscope_support.server_binary(), label="own port file") as ms:
        own = ms.port_file
        assert own is not None and own.read_text(encoding="ascii") == f"{ms.port}\n"
        assert ms.status()["status"] == "ok"
    assert not own.exists() and not own.parent.exists(), "the client's temporary folder was not removed"


def test_a_port_file_in_a_missing_folder_fails_at_start(tmp_path):
    missing = tmp_path / "no-such-folder" / "port"
    run = subprocess.run([str(mockscope_support.server_binary()), "serve", "--port", "0", "--speed", "0",
                          "--port-file", str(missing)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert f"--port-file {missing}: the folder {missing.parent} does not exist" in run.stderr, run.stderr
    assert "listening on" not in run.stdout, run.stdout
    assert not missing.parent.exists()
    help_text = subprocess.run([str(mockscope_support.server_binary()), "serve", "--help"],
                               capture_output=True, text=True, timeout=60).stdout
    assert "--port-file <path>" in help_text, help_text

    with pytest.raises(ServerStartError) as info:
        MockScope("--port-file", str(missing), binary=mockscope_support.server_binary(), label="missing folder").start()
    assert "exited with code 2" in str(info.value) and "does not exist" in str(info.value), str(info.value)


def test_a_server_that_cannot_start_says_why():
    with pytest.raises(ServerStartError) as info:
        MockScope("--speed", "fast", binary=mockscope_support.server_binary()).start()
    assert "exited with code" in str(info.value) and "--speed" in str(info.value)


# ------------------------------------------------------------------ the admin token
def test_a_non_loopback_bind_needs_an_admin_token():
    srv = MockScope("--host", "0.0.0.0", "--speed", "0", binary=mockscope_support.server_binary(), label="no token")
    with pytest.raises(ServerStartError) as info:
        srv.start()
    message = str(info.value)
    assert "exited with code 2" in message, message
    assert "binding 0.0.0.0 exposes the admin API" in message and "--admin-token" in message, message
    assert not srv.alive()


def test_with_an_admin_token_admin_routes_need_it_and_chat_routes_do_not():
    token = "T-admin-" + "4f1c9a"
    with MockScope("--host", "0.0.0.0", "--admin-token", token, "--speed", "0",
                   binary=mockscope_support.server_binary(), label="admin token") as srv:
        # the helper talks to it over loopback only, with the token it found in the arguments
        assert srv.base_url.startswith("http://127.0.0.1:"), srv.base_url
        assert srv.status()["status"] == "ok"
        s = requests.Session()
        s.trust_env = False
        admin = srv.admin_url
        for path in ("/status", "/requests", "/metrics", "/scenarios", "/fixtures", "/settings", "/conduct"):
            r = s.get(admin + path, timeout=5)
            assert r.status_code == 401 and "admin token" in r.json()["error"], (path, r.text)
        assert s.post(admin + "/reset", timeout=5).status_code == 401
        assert s.get(admin + "/status", headers={"X-MockScope-Admin-Token": "wrong"}, timeout=5).status_code == 401
        assert s.get(admin + "/status", headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
        assert s.get(admin + "/status", headers={"X-MockScope-Admin-Token": token}, timeout=5).status_code == 200
        assert s.get(admin + "/status", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 200

        body = {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES}
        r = s.post(srv.base_url + CHAT, json=body, headers={"Authorization": "Bearer sk-any"}, timeout=5)
        assert r.status_code == 200, r.text
        assert r.json()["choices"][0]["message"]["content"] == E.WHO_ARE_YOU_CONTENT
        r = s.post(srv.base_url + CHAT, json=body, timeout=5,
                   headers={"Authorization": "Bearer sk-any", "X-MockScope-Admin-Token": token})
        assert r.status_code == 200
        srv.wait_for_requests(2)
        assert token not in srv.admin("GET", "/requests").text, "the admin token reached the journal"
