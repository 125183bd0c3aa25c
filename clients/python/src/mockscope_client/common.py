"""Constants and helpers shared by the server runner and its admin-API methods."""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

import requests

from .errors import MockScopeError

FAULT_HEADER = "X-MockScope-Fault"
SCENARIO_HEADER = "X-MockScope-Scenario"
SPEED_HEADER = "X-MockScope-Speed"
ADMIN_TOKEN_HEADER = "X-MockScope-Admin-Token"
TEST_ID_HEADER = "X-MockScope-Test-Id"

_FINGERPRINT_RE = re.compile(r"^key-[0-9a-f]{8}$")
_LOG_LINES_KEPT = 5000
_ADMIN_TIMEOUT_S = 10.0
_SHOWN_CHARS = 500
_TEST_ID_MAX = 200  # the server takes up to 256 bytes of printable ASCII

T = TypeVar("T")


class AdminError(MockScopeError):
    """An admin route answered with a status outside 2xx."""

    def __init__(self, method: str, path: str, response: requests.Response):
        self.method = method
        self.path = path
        self.response = response
        self.status_code = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        self.body = body
        detail = body.get("error") if isinstance(body, dict) and "error" in body else response.text[:500]
        super().__init__(f"{method} /__admin{path} -> HTTP {response.status_code}: {detail}")


# ---------------------------------------------------------------- waiting on a condition
def eventually(condition: Callable[[], T], until: Optional[Callable[[T], Any]] = None, *,
               timeout: float = 5.0, interval: float = 0.01, message: Optional[str] = None,
               describe: Optional[Callable[[T], str]] = None,
               retry_on: Tuple[Type[BaseException], ...] = (AssertionError,)) -> T:
    """Polls `condition()` until it holds and returns its value; raises AssertionError, saying
    what was awaited and the last value seen, when it does not hold within `timeout` seconds.

        eventually(lambda: ms.status()["activeStreams"] == 0, message="no stream open")
        entries = eventually(ms.requests, lambda es: len(es) >= 2, message="two exchanges journaled")

    Without `until` the condition holds when its value is truthy; with `until`, when
    `until(value)` is (the value returned and shown is then the condition's own, a count or a
    status, not a bare False). A call that raises one of `retry_on` (AssertionError: a check
    written with asserts) has not held yet, and its message is the last value seen; any other
    exception propagates at once. The condition is tried at once, then every `interval`
    seconds, and a last time at the deadline. `message` names what is awaited (default: the
    condition's name); `describe(value)` how the last value is shown (default: its repr, cut
    at 500 characters).
    """
    what = message or getattr(condition, "__qualname__", None) or repr(condition)
    show = describe or (lambda v: _cut(repr(v)))
    deadline = time.monotonic() + timeout
    tries = 0
    while True:
        tries += 1
        try:
            value = condition()
            held = until(value) if until is not None else value
        except retry_on as e:
            last = f"{type(e).__name__}: {_cut(str(e))}" if str(e) else type(e).__name__
        else:
            if held:
                return value
            last = show(value)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"waited {timeout:g} s ({tries} tries) for {what}; last seen: {last}")
        time.sleep(min(interval, remaining))  # the poll interval: the wait itself is on the condition


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + f"... ({len(text)} characters)"


# ---------------------------------------------------------------- small helpers
def fault_headers(*faults: str) -> Dict[str, str]:
    """`{"X-MockScope-Fault": ...}` for faults in the header syntax (docs/faults.md), joined with `; `.

    >>> fault_headers("http_error status=429 retry_after=1")
    {'X-MockScope-Fault': 'http_error status=429 retry_after=1'}
    """
    parts = [f.strip() for f in faults if f and f.strip()]
    if not parts:
        raise ValueError("fault_headers needs at least one fault, e.g. 'http_error status=429'")
    return {FAULT_HEADER: "; ".join(parts)}


def scenario_headers(*names: str) -> Dict[str, str]:
    """`{"X-MockScope-Scenario": "a,b"}`: apply these scenarios (active or not) to one request."""
    if not names:
        raise ValueError("scenario_headers needs at least one scenario name")
    return {SCENARIO_HEADER: ",".join(names)}


def fingerprint(api_key: str) -> str:
    """The journal's and the conduct report's name for an API key: `key-` and the first 8 hex
    digits of its FNV-1a 64-bit hash (the server never keeps the key itself)."""
    value = 0xCBF29CE484222325
    for byte in api_key.encode("utf-8"):
        value ^= byte
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "key-" + format(value, "016x")[:8]


def id_for_test(name: str) -> str:
    """The `X-MockScope-Test-Id` for a test's name (a pytest node id, say): the name itself when
    it is printable ASCII of at most 200 characters, else `t-` and 32 hex digits of its SHA-256
    (the same name always gives the same id)."""
    if len(name) <= _TEST_ID_MAX and all(" " <= c <= "~" for c in name) and name:
        return name
    return "t-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:32]


def _test_params(test_id: Optional[str]) -> Dict[str, str]:
    return {} if test_id is None else {"test_id": test_id}


def _key_name(api_key: str) -> str:
    """A fingerprint as given, or the fingerprint of a raw key."""
    return api_key if _FINGERPRINT_RE.match(api_key) else fingerprint(api_key)


def _loopback_url(host: str, port: int) -> str:
    """`http://HOST:PORT` for a server bound to `host` (`--host`), with an any-address bind
    (0.0.0.0, ::) replaced by loopback: the helper talks to its server over loopback only."""
    host = host.strip("[]")
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host in ("::", "0:0:0:0:0:0:0:0"):
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _option_value(args: Sequence[str], name: str) -> Optional[str]:
    """The value of `--name V` or `--name=V` in args (the last one)."""
    found = None
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(name + "="):
            found = arg[len(name) + 1:]
    return found


# ---------------------------------------------------------------- scenario handle
