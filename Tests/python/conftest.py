"""pytest fixtures that run the MockScope binary for the client suite.

The servers are run by the mockscope-pytest package (clients/python, installed by
requirements.txt): mockscope_support.MockScopeServer is its MockScope class started in the
repository root. Its pytest plugin is loaded too; the fixture `mockscope` below (a factory
of labelled servers) takes the place of the plugin's session server of the same name.

Environment:
  MOCKSCOPE_BIN       server binary (default <repo>/.build/debug/mockscope); the
                      plugin's --mockscope-bin option wins over it
  MOCKSCOPE_FIXTURES  fixtures folder to serve (default: the server's own default,
                      <repo>/fixtures, the server being started in the repo root)
"""

from __future__ import annotations

import os
import sys
from typing import Callable, List

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mockscope_support  # noqa: E402
from mockscope_support import MockScopeServer, ServerStartError  # noqa: E402

# Local servers only: never let a proxy setting route 127.0.0.1 traffic elsewhere.
for _var in ("NO_PROXY", "no_proxy"):
    _hosts = [h for h in os.environ.get(_var, "").split(",") if h]
    for _h in ("127.0.0.1", "localhost"):
        if _h not in _hosts:
            _hosts.append(_h)
    os.environ[_var] = ",".join(_hosts)
# The SDKs read these at import or construction time; the suite passes everything
# explicitly and must not pick up a developer's real settings.
for _var in ("DASHSCOPE_API_KEY", "DASHSCOPE_HTTP_BASE_URL", "DASHSCOPE_BASE_URL",
             "DASHSCOPE_WORKSPACE", "DASHSCOPE_PROTOCOL", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
    os.environ.pop(_var, None)

_SERVER_FIXTURES = ("server", "timed_server", "auth_server", "fault_server")


def pytest_configure(config):
    binary = config.getoption("mockscope_bin", default=None)
    if binary:
        mockscope_support.BINARY_OVERRIDE = binary


_started: List[MockScopeServer] = []


@pytest.fixture(scope="session")
def mockscope() -> Callable[..., MockScopeServer]:
    """Factory: mockscope("label", "--speed", "0", ...) starts
    `mockscope serve --port 0 <args>` and returns the running server; every
    server it started is stopped (SIGTERM, kill after 5 s) at session end."""
    mine: List[MockScopeServer] = []

    def start(label: str, *args: str) -> MockScopeServer:
        srv = MockScopeServer(label, args)
        _started.append(srv)
        mine.append(srv)
        try:
            return srv.start()
        except ServerStartError as e:
            pytest.fail(str(e), pytrace=False)

    yield start
    for srv in mine:
        srv.stop()


@pytest.fixture(scope="session")
def server(mockscope) -> MockScopeServer:
    """Content tests: no delays."""
    return mockscope("speed0", "--speed", "0")


@pytest.fixture(scope="session")
def timed_server(mockscope) -> MockScopeServer:
    """Timing tests: the default speed (1, recorded timing)."""
    return mockscope("speed1")


@pytest.fixture(scope="session")
def auth_server(mockscope) -> MockScopeServer:
    """Auth tests: only `Bearer sk-test-good` is accepted."""
    return mockscope("auth", "--speed", "0", "--api-key", "sk-test-good")


@pytest.fixture(scope="session")
def fault_server(mockscope) -> MockScopeServer:
    """Fault tests driven by the X-MockScope-Fault header: no delays, no scenario
    loaded (so hangs and stalls there never disturb the content tests' server)."""
    return mockscope("faults", "--speed", "0")


@pytest.fixture(scope="session")
def scenario_server(mockscope) -> Callable[..., MockScopeServer]:
    """Factory: scenario_server("--scenario", "rpm-limit", ...) returns a
    `--speed 0` server with these extra arguments, started once per session for
    each distinct argument list (tests reset its scenarios over the admin API)."""
    cache = {}

    def get(*args: str) -> MockScopeServer:
        if args not in cache:
            cache[args] = mockscope("scenario " + " ".join(args), "--speed", "0", *args)
        return cache[args]

    return get


@pytest.fixture
def native(server, monkeypatch):
    """The dashscope 1.x API pointed at the speed-0 server."""
    import dashscope

    monkeypatch.setattr(dashscope, "base_http_api_url", server.native_url)
    monkeypatch.setattr(dashscope, "api_key", None)
    return server


@pytest.fixture
def openai_client(server):
    import openai

    return openai.OpenAI(api_key="sk-test", base_url=server.compat_url, timeout=60)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        used = [n for n in _SERVER_FIXTURES if n in getattr(item, "fixturenames", ())]
        for srv in _started:
            if not used or any(item.funcargs.get(n) is srv for n in used):
                state = "running" if srv.alive() else f"exited {srv.proc.returncode if srv.proc else '?'}"
                report.sections.append(
                    (f"mockscope {srv.label} ({state}) log, last 200 lines", srv.log_text(200))
                )
