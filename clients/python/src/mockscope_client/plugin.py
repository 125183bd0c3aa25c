"""pytest plugin (entry point `pytest11: mockscope`): MockScope servers as fixtures.

Fixtures:
  mockscope          one server for the whole session: default fixtures, --speed 0
  mockscope_server   factory: mockscope_server("--scenario", "rate-limited", ...) starts a server
                     with these `mockscope serve` arguments; every server it started is stopped
                     at the end of the session (or earlier: `server.stop()`, or `with ... as s:`)

Configuration: the binary is --mockscope-bin, else $MOCKSCOPE_BIN, else `mockscope` on PATH;
a fixtures folder to serve instead of the server's default is --mockscope-fixtures, else
$MOCKSCOPE_FIXTURES.
"""

from __future__ import annotations

import os
from typing import Any, Callable, List, Optional

import pytest

from .server import MockScope, ServerStartError

_STARTED_KEY = pytest.StashKey[List[MockScope]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockscope", "MockScope (DashScope mock) server")
    group.addoption("--mockscope-bin", action="store", dest="mockscope_bin", default=None, metavar="PATH",
                    help="the mockscope binary (default: $MOCKSCOPE_BIN, else `mockscope` on PATH)")
    group.addoption("--mockscope-fixtures", action="store", dest="mockscope_fixtures", default=None, metavar="DIR",
                    help="fixtures folder the servers serve (default: $MOCKSCOPE_FIXTURES, else the server's default)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STARTED_KEY] = []
    config.addinivalue_line("markers", "mockscope: the test talks to a MockScope server")


def binary_option(config: pytest.Config) -> Optional[str]:
    """--mockscope-bin, else $MOCKSCOPE_BIN (None: look for `mockscope` on PATH)."""
    return config.getoption("mockscope_bin", default=None) or os.environ.get("MOCKSCOPE_BIN") or None


def fixtures_option(config: pytest.Config) -> Optional[str]:
    return config.getoption("mockscope_fixtures", default=None) or os.environ.get("MOCKSCOPE_FIXTURES") or None


@pytest.fixture(scope="session")
def mockscope_server(request: pytest.FixtureRequest) -> Callable[..., MockScope]:
    """Factory: `mockscope_server(*serve_args, label=..., **MockScope_kwargs)` starts a server
    and returns it running (raises ServerStartError when it does not start)."""
    config = request.config
    mine: List[MockScope] = []

    def start(*args: str, **kwargs: Any) -> MockScope:
        kwargs.setdefault("binary", binary_option(config))
        folder = fixtures_option(config)
        if folder and "fixtures" not in kwargs and "--fixtures" not in args:
            kwargs["fixtures"] = folder
        kwargs.setdefault("label", "mockscope " + " ".join(args) if args else "mockscope")
        server = MockScope(*args, **kwargs)
        mine.append(server)
        config.stash[_STARTED_KEY].append(server)
        return server.start()

    yield start
    for server in mine:
        server.stop()


@pytest.fixture(scope="session")
def mockscope(mockscope_server: Callable[..., MockScope]) -> MockScope:
    """One MockScope server for the session: the default fixtures, no delays (--speed 0).
    Its base URLs: `mockscope.compat_url` (openai SDK), `mockscope.native_url` (dashscope SDK)."""
    try:
        return mockscope_server("--speed", "0", label="mockscope")
    except ServerStartError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    started = item.config.stash.get(_STARTED_KEY, [])
    funcargs = getattr(item, "funcargs", {}) or {}
    used = [s for s in started if any(v is s for v in funcargs.values())]
    if "mockscope_server" in funcargs:
        used += [s for s in started if s not in used]
    for server in used:
        state = "running" if server.alive() else f"exited {server.returncode}"
        report.sections.append((f"mockscope {server.label} ({state}) log, last 100 lines", server.log_text(100)))
