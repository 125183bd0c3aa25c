"""pytest plugin (entry point `pytest11: mockscope`): MockScope servers as fixtures.

Fixtures:
  mockscope          one server for the whole session: default fixtures, --speed 0
  mockscope_server   factory: mockscope_server("--scenario", "rate-limited", ...) starts a server
                     with these `mockscope serve` arguments; every server it started is stopped
                     at the end of the session (or earlier: `server.stop()`, or `with ... as s:`)
  mockscope_test     this test's own view of `mockscope` (a TestScope): pass `.headers` to its
                     clients (`default_headers=` for openai/anthropic, `headers=` for dashscope
                     and requests); its journal, count, wait and conduct queries see only the
                     test's requests, and its scenario progress, rate-limit windows and sequence
                     positions are its own (reset when the test starts): parallel tests
                     (pytest-xdist workers) share one server without seeing each other
  mockscope_defaults the MockScope keyword arguments every server started by the plugin gets
                     unless the call gives its own (default: none); a suite overrides this
                     fixture in its conftest.py, e.g. to start the servers in its own folder:
                         @pytest.fixture(scope="session")
                         def mockscope_defaults():
                             return {"cwd": ROOT, "startup_timeout": 60}

Configuration: the binary is --mockscope-bin, else $MOCKSCOPE_BIN, else the server bundled in the
wheel, else `mockscope` on PATH;
a fixtures folder to serve instead of the server's default is --mockscope-fixtures, else
$MOCKSCOPE_FIXTURES. With --mockscope-url, else $MOCKSCOPE_URL (`http://127.0.0.1:PORT`),
`mockscope` is that running server instead of one it starts: start one server, then run
`MOCKSCOPE_URL=... pytest -n 4` and every worker shares it.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional

import pytest

from .server import MockScope, ServerStartError, TestScope

_STARTED_KEY = pytest.StashKey[List[MockScope]]()
_FIRST_STARTED_BY_TEST_KEY = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockscope", "MockScope (DashScope mock) server")
    group.addoption("--mockscope-bin", action="store", dest="mockscope_bin", default=None, metavar="PATH",
                    help="the mockscope binary (default: $MOCKSCOPE_BIN, else the bundled server, else `mockscope` on PATH)")
    group.addoption("--mockscope-fixtures", action="store", dest="mockscope_fixtures", default=None, metavar="DIR",
                    help="fixtures folder the servers serve (default: $MOCKSCOPE_FIXTURES, else the server's default)")
    group.addoption("--mockscope-url", action="store", dest="mockscope_url", default=None, metavar="URL",
                    help="a running server the `mockscope` fixture uses instead of starting one (default: $MOCKSCOPE_URL)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STARTED_KEY] = []
    config.addinivalue_line("markers", "mockscope: the test talks to a MockScope server")


def binary_option(config: pytest.Config) -> Optional[str]:
    """--mockscope-bin, else $MOCKSCOPE_BIN (None: the bundled server, else `mockscope` on PATH)."""
    return config.getoption("mockscope_bin", default=None) or os.environ.get("MOCKSCOPE_BIN") or None


def url_option(config: pytest.Config) -> Optional[str]:
    """--mockscope-url, else $MOCKSCOPE_URL: a running server to share (None: start one)."""
    return config.getoption("mockscope_url", default=None) or os.environ.get("MOCKSCOPE_URL") or None


def fixtures_option(config: pytest.Config) -> Optional[str]:
    return config.getoption("mockscope_fixtures", default=None) or os.environ.get("MOCKSCOPE_FIXTURES") or None


@pytest.fixture(scope="session")
def mockscope_defaults() -> Dict[str, Any]:
    """MockScope keyword arguments (`cwd`, `binary`, `startup_timeout`, `env`, ...) that every
    server the plugin starts gets unless the call gives its own. None by default: override this
    fixture in a conftest.py. --mockscope-bin / $MOCKSCOPE_BIN still win over a `binary` here,
    --mockscope-fixtures / $MOCKSCOPE_FIXTURES over `fixtures`."""
    return {}


@pytest.fixture(scope="session")
def mockscope_server(request: pytest.FixtureRequest, mockscope_defaults: Dict[str, Any]) -> Callable[..., MockScope]:
    """Factory: `mockscope_server(*serve_args, label=..., **MockScope_kwargs)` starts a server
    and returns it running (raises ServerStartError when it does not start). Keyword arguments
    not given come from `mockscope_defaults`."""
    config = request.config
    mine: List[MockScope] = []

    def start(*args: str, **kwargs: Any) -> MockScope:
        given = kwargs
        kwargs = {**mockscope_defaults, **given}
        if "binary" not in given:
            kwargs["binary"] = binary_option(config) or mockscope_defaults.get("binary")
        if "--fixtures" in args and "fixtures" not in given:
            kwargs.pop("fixtures", None)  # the call names its folders: no default one beside them
        folder = fixtures_option(config)
        if folder and "fixtures" not in given and "--fixtures" not in args:
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
def mockscope(request: pytest.FixtureRequest, mockscope_server: Callable[..., MockScope],
              mockscope_defaults: Dict[str, Any]) -> MockScope:
    """One MockScope server for the session: the default fixtures, no delays (--speed 0); or,
    with --mockscope-url / $MOCKSCOPE_URL, the server running there (shared by every worker).
    Its base URLs: `mockscope.compat_url` (openai SDK), `mockscope.native_url` (dashscope SDK),
    `mockscope.anthropic_url` (anthropic SDK)."""
    url = url_option(request.config)
    if url:
        server = MockScope.attach(url, admin_token=mockscope_defaults.get("admin_token"), label="mockscope")
        if not server.alive():
            pytest.fail(f"no MockScope answers GET {server.admin_url}/health ({url} from --mockscope-url / $MOCKSCOPE_URL)",
                        pytrace=False)
        return server
    try:
        return mockscope_server("--speed", "0", label="mockscope")
    except ServerStartError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture
def mockscope_test(request: pytest.FixtureRequest, mockscope: MockScope) -> TestScope:
    """This test's own view of `mockscope`, named by its node id (`id_for_test`), reset as the
    test starts (a rerun starts clean too)."""
    scope = mockscope.for_test(request)
    scope.reset()
    return scope


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_FIRST_STARTED_BY_TEST_KEY] = len(item.config.stash.get(_STARTED_KEY, []))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """A failing test gets the log of each server it used: one of its fixtures' values, or one
    started while it ran (its own or a fixture's); a test that reached the factory only through
    a fixture of its own that returns no server (a cache of servers, say) gets every one."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    started = item.config.stash.get(_STARTED_KEY, [])
    funcargs = getattr(item, "funcargs", {}) or {}
    used = [s for s in started if any(v is s for v in funcargs.values())]
    used += [s for s in started[item.stash.get(_FIRST_STARTED_BY_TEST_KEY, len(started)):] if s not in used]
    if not used and "mockscope_server" in funcargs:
        used = list(started)
    for server in used:
        state = "running" if server.alive() else f"exited {server.returncode}"
        report.sections.append((f"mockscope {server.label} ({state}) log, last 100 lines", server.log_text(100)))
