"""mockscope_client: run MockScope (a DashScope / Qwen mock) from Python tests.

    from mockscope_client import MockScope, fault_headers

    with MockScope("--speed", "0") as ms:
        client = OpenAI(api_key="sk-test", base_url=ms.compat_url)
        client.chat.completions.create(..., extra_headers=fault_headers("http_error status=429"))
        assert ms.count(status=429) == 1

`eventually(condition, ...)` waits on a condition (a journal entry complete, a gauge back to 0)
with a bounded timeout instead of a sleep.

The pytest plugin (registered as `mockscope`) adds the fixtures `mockscope` (one server for
the session, default fixtures, --speed 0), `mockscope_server` (a factory) and
`mockscope_defaults` (the factory's default arguments, for a conftest.py to override).
"""

from .server import (
    ADMIN_TOKEN_HEADER,
    FAULT_HEADER,
    SCENARIO_HEADER,
    SPEED_HEADER,
    AdminError,
    MockScope,
    MockScopeError,
    Scenario,
    ServerStartError,
    UnsupportedPlatformError,
    bundled_binary,
    eventually,
    fault_headers,
    find_binary,
    fingerprint,
    scenario_headers,
)

from .server import __all__  # noqa: F401  (the one list of public names lives in server.py)

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("mockscope")  # the Swift constant, through setup.py
except PackageNotFoundError:  # imported from a tree that is not installed
    __version__ = "unknown"
