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
`mockscope_defaults` (the factory's default arguments, for a conftest.py to override) and
`mockscope_test` (the running test's own view of the `mockscope` server: `TestScope`).
"""

from .bundled import bundled_binary, find_binary
from .errors import MockScopeError, ServerStartError, UnsupportedPlatformError

# The rest comes from .server (which needs `requests`) on first use, so that the `mockscope`
# command (launcher.py) starts without importing it.
_FROM_SERVER = {"__all__", "ADMIN_TOKEN_HEADER", "FAULT_HEADER", "SCENARIO_HEADER", "SPEED_HEADER", "TEST_ID_HEADER",
                "AdminError", "MockScope", "Scenario", "TestScope", "eventually", "fault_headers", "fingerprint",
                "scenario_headers", "id_for_test"}


def __getattr__(name: str):
    if name in _FROM_SERVER:
        from . import server

        return getattr(server, name)
    if name == "__version__":  # the Swift constant, through setup.py
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("mockscope")
        except PackageNotFoundError:  # imported from a tree that is not installed
            return "unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
