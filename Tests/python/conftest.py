"""pytest fixtures that run the MockScope binary for the client suite.

The servers are run by the mockscope Python package (clients/python, installed by
requirements.txt) through its own pytest plugin: the plugin's `mockscope` (the session's
speed-0 server on the default fixtures) and `mockscope_server` (a factory of servers with other
arguments) are used as they are; the suite only sets the plugin's `mockscope_defaults` (its
binary, started in the repository root: mockscope_support.server_options) and adds the
labelled servers below. A failing test gets the log of each server it used (the plugin's report).

Environment:
  MOCKSCOPE_BIN       server binary (default <repo>/.build/debug/mockscope); the
                      plugin's --mockscope-bin option wins over it
  MOCKSCOPE_FIXTURES  fixtures folder to serve (default: the server's own default,
                      <repo>/fixtures, the server being started in the repo root); the
                      plugin's --mockscope-fixtures option wins over it
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Dict

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mockscope_support  # noqa: E402
from mockscope_support import MockScope  # noqa: E402

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


def pytest_configure(config):
    binary = config.getoption("mockscope_bin", default=None)
    if binary:
        mockscope_support.BINARY_OVERRIDE = binary
    fixtures = config.getoption("mockscope_fixtures", default=None)
    if fixtures:
        mockscope_support.FIXTURES_OVERRIDE = fixtures


@pytest.fixture(scope="session")
def mockscope_defaults() -> Dict[str, Any]:
    """The plugin's defaults for every server it starts here (the plugin's `mockscope` too)."""
    return mockscope_support.server_options()


@pytest.fixture(scope="session")
def timed_server(mockscope_server) -> MockScope:
    """Timing tests: the default speed (1, recorded timing)."""
    return mockscope_server(label="speed1")


@pytest.fixture(scope="session")
def auth_server(mockscope_server) -> MockScope:
    """Auth tests: only `Bearer sk-test-good` is accepted."""
    return mockscope_server("--speed", "0", "--api-key", "sk-test-good", label="auth")


@pytest.fixture(scope="session")
def fault_server(mockscope_server) -> MockScope:
    """Fault tests driven by the X-MockScope-Fault header: no delays, no scenario
    loaded (so hangs and stalls there never disturb the content tests' server)."""
    return mockscope_server("--speed", "0", label="faults")


@pytest.fixture(scope="session")
def synth_server(mockscope_server) -> MockScope:
    """`--unmatched synthesize` at speed 0: what agent frameworks are pointed at."""
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", label="synthesize")


@pytest.fixture(scope="session")
def scenario_server(mockscope_server) -> Callable[..., MockScope]:
    """Factory: scenario_server("--scenario", "rpm-limit", ...) returns a
    `--speed 0` server with these extra arguments, started once per session for
    each distinct argument list (tests reset its scenarios over the admin API)."""
    cache = {}

    def get(*args: str) -> MockScope:
        if args not in cache:
            cache[args] = mockscope_server("--speed", "0", *args, label="scenario " + " ".join(args))
        return cache[args]

    return get


@pytest.fixture
def native(mockscope, monkeypatch):
    """The dashscope 1.x API pointed at the plugin's speed-0 server."""
    import dashscope

    monkeypatch.setattr(dashscope, "base_http_api_url", mockscope.native_url)
    monkeypatch.setattr(dashscope, "api_key", None)
    return mockscope


@pytest.fixture
def openai_client(mockscope):
    import openai

    return openai.OpenAI(api_key="sk-test", base_url=mockscope.compat_url, timeout=60)
