"""Run a `mockscope serve` child process and drive it over its admin API."""

from __future__ import annotations

import collections
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

import requests

from .bundled import bundled_binary, find_binary
from .errors import MockScopeError, ServerStartError, UnsupportedPlatformError

__all__ = [
    "MockScope",
    "Scenario",
    "TestScope",
    "id_for_test",
    "MockScopeError",
    "ServerStartError",
    "AdminError",
    "fault_headers",
    "scenario_headers",
    "fingerprint",
    "find_binary",
    "bundled_binary",
    "UnsupportedPlatformError",
    "eventually",
    "FAULT_HEADER",
    "SCENARIO_HEADER",
    "SPEED_HEADER",
    "ADMIN_TOKEN_HEADER",
    "TEST_ID_HEADER",
]

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
class Scenario:
    """One scenario on a running server (see docs/scenarios.md): its state and its routes. With
    a `test_id` (from `TestScope.scenario`), `info`, `matched` and `reset` are that test's own
    progress through it; activating, deactivating and deleting act on the server's scenario."""

    def __init__(self, server: "MockScope", name: str, test_id: Optional[str] = None):
        self.server = server
        self.name = name
        self.test_id = test_id

    def __repr__(self) -> str:
        return f"Scenario({self.name!r})" if self.test_id is None else f"Scenario({self.name!r}, test_id={self.test_id!r})"

    @property
    def _path(self) -> str:
        return "/scenarios/" + requests.utils.quote(self.name, safe="")

    def info(self) -> Dict[str, Any]:
        """GET /__admin/scenarios/{name}: definition, `active`, `matched`."""
        return self.server.admin_json("GET", self._path, params=_test_params(self.test_id))

    @property
    def matched(self) -> int:
        """Requests this scenario selected since it was created or last reset."""
        return int(self.info()["matched"])

    @property
    def active(self) -> bool:
        return bool(self.info()["active"])

    def activate(self) -> Dict[str, Any]:
        return self.server.admin_json("POST", self._path + "/activate")

    def deactivate(self) -> Dict[str, Any]:
        return self.server.admin_json("POST", self._path + "/deactivate")

    def reset(self) -> Dict[str, Any]:
        """Count back to 0, window start to now, generator back to its seed (with a test id: that
        test's progress only)."""
        return self.server.admin_json("POST", self._path + "/reset", params=_test_params(self.test_id))

    def delete(self) -> None:
        self.server.admin_json("DELETE", self._path)

    def headers(self) -> Dict[str, str]:
        """`{"X-MockScope-Scenario": name}`: apply it to one request even when inactive."""
        return scenario_headers(self.name)


# ---------------------------------------------------------------- the server
class MockScope:
    """A `mockscope serve` child process on a free loopback port.

        with MockScope("--speed", "0") as ms:
            client = OpenAI(api_key="sk-test", base_url=ms.compat_url)
            ...
            assert ms.count(path="/compatible-mode/v1/*") == 1

    `args` are passed to `mockscope serve` (`--port 0` is added unless a port is given, and
    `--port-file` into a temporary folder unless one is given: the server writes the port it
    bound there). stdout and stderr are drained for the whole life of the process into a
    bounded log (`log_text()`), so the pipes never fill.
    """

    def __init__(self, *args: str, binary: Union[str, os.PathLike, None] = None,
                 fixtures: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]], None] = None,
                 label: str = "mockscope", cwd: Union[str, os.PathLike, None] = None,
                 env: Optional[Mapping[str, str]] = None, admin_token: Optional[str] = None,
                 startup_timeout: float = 30.0, stop_timeout: float = 5.0):
        self.label = label
        self.extra_args: List[str] = [str(a) for a in args]
        if fixtures is not None:
            folders = [fixtures] if isinstance(fixtures, (str, os.PathLike)) else list(fixtures)
            prefix: List[str] = []
            for folder in folders:
                prefix += ["--fixtures", str(folder)]
            self.extra_args = prefix + self.extra_args
        self.binary = binary
        self.cwd = None if cwd is None else str(cwd)
        self.env = None if env is None else dict(env)
        self.admin_token = admin_token if admin_token is not None else _option_value(self.extra_args, "--admin-token")
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.base: Optional[str] = None
        self.proc: Optional[subprocess.Popen] = None
        self.port_file: Optional[Path] = None
        self._port_dir: Optional[str] = None
        self._log: collections.deque = collections.deque(maxlen=_LOG_LINES_KEPT)
        self._lock = threading.Lock()
        self._threads: List[threading.Thread] = []
        self._sessions = threading.local()
        self.attached = False

    @classmethod
    def attach(cls, base_url: str, admin_token: Optional[str] = None, label: str = "attached") -> "MockScope":
        """A handle on a server that is already running (started by someone else: a CI step, the
        process that runs pytest-xdist's workers), at `base_url` (`http://127.0.0.1:PORT`).
        `start` and `stop` do nothing to it; everything else works as on a started one."""
        server = cls(label=label, admin_token=admin_token)
        server.base = base_url.rstrip("/")
        server.attached = True
        return server

    def __repr__(self) -> str:
        state = "attached" if self.attached else "running" if self.alive() else "stopped"
        return f"<MockScope {self.label} {self.base or '(not started)'} {state}>"

    # ------------------------------------------------------------------ URLs
    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (no trailing slash)."""
        if self.base is None:
            raise MockScopeError(f"mockscope ({self.label}) is not running")
        return self.base

    @property
    def compat_url(self) -> str:
        """For the openai SDK's `base_url` (OpenAI-compatible mode: `client.chat.completions` and
        `client.responses` alike)."""
        return f"{self.base_url}/compatible-mode/v1"

    @property
    def coding_plan_url(self) -> str:
        """For an OpenAI client pointed at the coding plan's base URL (`.../v1`): chat
        completions and the model list, the same as `compat_url` serves them."""
        return f"{self.base_url}/v1"

    @property
    def anthropic_url(self) -> str:
        """For the anthropic SDK's `base_url` (the Anthropic-compatible Messages API): the SDK
        appends `/v1/messages`."""
        return f"{self.base_url}/apps/anthropic"

    @property
    def native_url(self) -> str:
        """For the dashscope SDK's `base_http_api_url` (native protocol)."""
        return f"{self.base_url}/api/v1"

    @property
    def admin_url(self) -> str:
        return f"{self.base_url}/__admin"

    @property
    def admin_status_url(self) -> str:
        return f"{self.base_url}/__admin/status"

    @property
    def host_port(self) -> Tuple[str, int]:
        m = re.match(r"http://(\[[^\]]+\]|[^/:]+):(\d+)", self.base or "")
        if not m:
            raise ValueError(f"cannot parse host/port from {self.base!r}")
        return m.group(1).strip("[]"), int(m.group(2))

    @property
    def port(self) -> int:
        return self.host_port[1]

    # ------------------------------------------------------------- lifecycle
    def command(self) -> List[str]:
        """The command line `start()` runs (without the `--port-file` it adds)."""
        cmd = [str(find_binary(self.binary)), "serve"]
        if _option_value(self.extra_args, "--port") is None:
            cmd += ["--port", "0"]
        return cmd + self.extra_args

    def start(self) -> "MockScope":
        """Starts the process, waits for the port it writes to its `--port-file`, then until it
        answers GET /__admin/health."""
        if self.attached:
            return self
        if self.proc is not None:
            raise MockScopeError(f"mockscope ({self.label}) was already started")
        cmd = self.command()
        find_binary(cmd[0])  # a clear ServerStartError when it is missing
        given = _option_value(self.extra_args, "--port-file")
        if given is None:
            self._port_dir = tempfile.mkdtemp(prefix="mockscope-")
            self.port_file = Path(self._port_dir) / "port"
            cmd += ["--port-file", str(self.port_file)]
        else:  # the caller's own: a file left by an earlier run must not be read as this one's port
            self.port_file = Path(self.cwd or ".") / given
            self.port_file.unlink(missing_ok=True)
        self._append("client", "$ " + " ".join(cmd))
        env = None
        if self.env is not None:
            env = dict(os.environ)
            env.update(self.env)
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name, stream in (("stdout", self.proc.stdout), ("stderr", self.proc.stderr)):
            t = threading.Thread(target=self._drain, args=(name, stream), daemon=True,
                                 name=f"mockscope-{self.label}-{name}")
            t.start()
            self._threads.append(t)
        deadline = time.monotonic() + self.startup_timeout
        why = self._wait_port(deadline)
        if why is None:
            why = self._wait_healthy(deadline)
        if why is not None:
            self.stop()
            raise ServerStartError(f"mockscope ({self.label}) {why}.\n--- server log ---\n{self.log_text()}")
        return self

    def _wait_port(self, deadline: float) -> Optional[str]:
        """None once the port file holds a port (before `deadline`; `self.base` is then set),
        else why not. The server writes it atomically, once bound: it is absent or whole."""
        assert self.proc is not None and self.port_file is not None
        proc, port_file = self.proc, self.port_file

        def port() -> Optional[int]:
            if proc.poll() is not None:
                return -1
            try:
                text = port_file.read_text(encoding="ascii")
            except OSError:  # not written yet
                return None
            return int(text) if text.endswith("\n") and text.strip().isdigit() else None

        try:
            found = eventually(port, lambda p: p is not None, timeout=max(0.0, deadline - time.monotonic()),
                               interval=0.02, message=f"the port in {port_file}")
        except AssertionError:
            return f"wrote no port to {port_file} within {self.startup_timeout:.0f} s"
        if found == -1:
            for t in self._threads:  # its last words (the reason) are in the log once the pipes close
                t.join(2)
            return f"exited with code {proc.returncode}"
        self.base = _loopback_url(_option_value(self.extra_args, "--host") or "127.0.0.1", found)
        return None

    def _wait_healthy(self, deadline: float) -> Optional[str]:
        """None once GET /__admin/health answers 200 (before `deadline`), else why not."""
        class Exited(Exception):
            pass

        def health() -> Union[requests.Response, str]:
            if self.proc is not None and self.proc.poll() is not None:
                raise Exited()
            try:
                return self.admin("GET", "/health", timeout=2)
            except requests.RequestException as e:
                return str(e)

        try:
            eventually(health, lambda r: isinstance(r, requests.Response) and r.status_code == 200,
                       timeout=max(0.0, deadline - time.monotonic()), interval=0.05,
                       message="GET /__admin/health to answer 200",
                       describe=lambda r: f"HTTP {r.status_code}: {r.text[:200]}" if isinstance(r, requests.Response) else r)
        except Exited:
            return f"exited with code {self.proc.returncode} before it was ready"
        except AssertionError as e:
            return f"did not answer GET /__admin/health with 200 within {self.startup_timeout:.0f} s ({e})"
        return None

    def _drain(self, name: str, stream) -> None:
        for raw in iter(stream.readline, b""):
            self._append(name, raw.decode("utf-8", "replace").rstrip("\r\n"))

    def _append(self, name: str, line: str) -> None:
        with self._lock:
            self._log.append(f"[{time.strftime('%H:%M:%S')} {name}] {line}")

    def log_text(self, last: Optional[int] = None) -> str:
        """The server's stdout and stderr so far (the last `last` lines)."""
        with self._lock:
            lines = list(self._log)
        if last is not None:
            lines = lines[-last:]
        return "\n".join(lines)

    def alive(self) -> bool:
        """The child process is running (an attached server: it answers its health check)."""
        if self.attached:
            try:
                return self.admin("GET", "/health", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        return self.proc is not None and self.proc.poll() is None

    @property
    def returncode(self) -> Optional[int]:
        return None if self.proc is None else self.proc.poll()

    def stop(self) -> Optional[int]:
        """SIGTERM (open streams are ended first), SIGKILL after `stop_timeout`; returns the exit
        code. Stopping a stopped server does nothing."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                self._append("client", f"no exit {self.stop_timeout:.0f} s after SIGTERM: killing")
                self.proc.kill()
                self.proc.wait()
            for t in self._threads:
                t.join(2)
            self._append("client", f"exit code {self.proc.returncode}")
        if self._port_dir is not None:
            shutil.rmtree(self._port_dir, ignore_errors=True)
            self._port_dir = None
        return self.proc.returncode

    def __enter__(self) -> "MockScope":
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------- admin API
    def _session(self) -> requests.Session:
        session = getattr(self._sessions, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # a loopback server: never through a proxy
            self._sessions.session = session
        return session

    def admin(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request to `/__admin{path}` (with the admin token when there is one); the raw
        response, whatever its status."""
        kwargs.setdefault("timeout", _ADMIN_TIMEOUT_S)
        if self.admin_token is not None:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault(ADMIN_TOKEN_HEADER, self.admin_token)
            kwargs["headers"] = headers
        return self._session().request(method, f"{self.admin_url}{path}", **kwargs)

    def admin_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Like `admin`, but raises AdminError unless the status is 2xx; returns the JSON."""
        r = self.admin(method, path, **kwargs)
        if not 200 <= r.status_code < 300:
            raise AdminError(method, path, r)
        return r.json() if r.content else None

    def health(self) -> Dict[str, Any]:
        return self.admin_json("GET", "/health")

    def status(self) -> Dict[str, Any]:
        """`{"status":"ok","activeStreams":N,"openRequests":N,"fixtures":N,"scenarios":N}`"""
        return self.admin_json("GET", "/status")

    def settings(self) -> Dict[str, Any]:
        return self.admin_json("GET", "/settings")

    def update_settings(self, **changes: Any) -> Dict[str, Any]:
        """`update_settings(speed=0, unmatched="synthesize")`; returns the new settings."""
        return self.admin_json("PATCH", "/settings", json=changes)

    def reset(self, test_id: Optional[str] = None) -> Dict[str, Any]:
        """Everything back as started: journal cleared, scenarios reset, rate limits cleared,
        settings restored, fixtures reloaded (runtime additions dropped). With a `test_id`: only
        that test's journal entries, scenario progress, rate-limit windows and sequence positions."""
        return self.admin_json("POST", "/reset", params=_test_params(test_id))

    def metrics(self) -> str:
        """GET /__admin/metrics: the Prometheus text exposition."""
        r = self.admin("GET", "/metrics")
        if r.status_code != 200:
            raise AdminError("GET", "/metrics", r)
        return r.text

    # --------------------------------------------------------------- journal
    @staticmethod
    def journal_query(path: Optional[str] = None, method: Optional[str] = None, model: Optional[str] = None,
                      fixture: Optional[str] = None, header: Union[str, Tuple[str, str], Mapping[str, str], None] = None,
                      api_key: Optional[str] = None, status: Optional[int] = None, after: Optional[int] = None,
                      limit: Optional[int] = None, test_id: Optional[str] = None) -> List[Tuple[str, str]]:
        """The query parameters of /__admin/requests for these filters. `path` is exact or a prefix
        ending in `*`; `header` is "Name: value", (name, value) or {name: value}; `api_key` is a
        raw key (fingerprinted here) or a fingerprint `key-xxxxxxxx`; `test_id` only the requests
        that sent that `X-MockScope-Test-Id`."""
        params: List[Tuple[str, str]] = []
        for name, value in (("path", path), ("method", method), ("model", model), ("fixture", fixture)):
            if value is not None:
                params.append((name, str(value)))
        if header is not None:
            if isinstance(header, Mapping):
                if len(header) != 1:
                    raise ValueError("header filter: give exactly one header")
                header = next(iter(header.items()))
            if isinstance(header, tuple):
                header = f"{header[0]}: {header[1]}"
            params.append(("header", header))
        if api_key is not None:
            params.append(("api_key", _key_name(api_key)))
        for name, value in (("status", status), ("after", after), ("limit", limit)):
            if value is not None:
                params.append((name, str(int(value))))
        if test_id is not None:
            params.append(("test_id", test_id))
        return params

    def journal(self, **filters: Any) -> Dict[str, Any]:
        """GET /__admin/requests: `{"count", "total", "requests": [...]}` (see `requests`)."""
        return self.admin_json("GET", "/requests", params=self.journal_query(**filters))

    def requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """The journal's entries that match every filter given, oldest first: path, method,
        model, fixture, header, api_key, status, test_id, after (an id), limit (the newest N)."""
        return self.journal(**filters)["requests"]

    def count(self, **filters: Any) -> int:
        """GET /__admin/requests/count with the same filters as `requests`."""
        return int(self.admin_json("GET", "/requests/count", params=self.journal_query(**filters))["count"])

    def wait_for_requests(self, n: int, timeout: float = 5.0, complete: bool = True,
                          **filters: Any) -> List[Dict[str, Any]]:
        """Waits until at least `n` journal entries match the filters and, with `complete=True`,
        every one of them has finished (`bytes_sent`, `duration_ms`, `client_went_away` filled in);
        returns those entries. An exchange is journaled before its first byte is sent, so the
        journal never lags an answer the client has read; its completion can lag by a moment.
        Raises AssertionError (from `eventually`) when that does not happen within `timeout` s."""
        def settled(entries: List[Dict[str, Any]]) -> bool:
            return len(entries) >= n and (not complete or all(e.get("complete", True) for e in entries))

        def describe(entries: List[Dict[str, Any]]) -> str:
            done = sum(1 for e in entries if e.get("complete", True))
            return f"{len(entries)} entries ({done} complete)"

        return eventually(lambda: self.requests(**filters), settled, timeout=timeout, describe=describe,
                          message=f"at least {n} journal entries matching {filters or 'no filter'}"
                                  + (", all complete" if complete else ""))

    def clear(self, test_id: Optional[str] = None) -> None:
        """DELETE /__admin/requests: empty the journal (with a `test_id`: that test's entries only)."""
        self.admin_json("DELETE", "/requests", params=_test_params(test_id))

    # -------------------------------------------------------------- fixtures
    def fixtures(self) -> List[Dict[str, Any]]:
        return self.admin_json("GET", "/fixtures")["fixtures"]

    def fixture(self, name: str) -> Dict[str, Any]:
        return self.admin_json("GET", "/fixtures/" + requests.utils.quote(name, safe="/"))

    def add_fixture(self, document: Mapping[str, Any]) -> Dict[str, Any]:
        """POST /__admin/fixtures with a fixture document (docs/fixture-format.md); `"mockscope": 1`
        is added when missing. Returns the fixture's summary (its `name` among it). A runtime
        fixture lasts until it is removed, the fixtures are reloaded or the server is reset."""
        document = dict(document)
        document.setdefault("mockscope", 1)
        return self.admin_json("POST", "/fixtures", json=document)

    def remove_fixture(self, name: str) -> None:
        self.admin_json("DELETE", "/fixtures/" + requests.utils.quote(name, safe="/"))

    def reload_fixtures(self) -> int:
        return int(self.admin_json("POST", "/fixtures/reload")["fixtures"])

    # ------------------------------------------------------------- scenarios
    def scenarios(self) -> List[Dict[str, Any]]:
        return self.admin_json("GET", "/scenarios")["scenarios"]

    def scenario(self, scenario: Union[str, Mapping[str, Any]], active: bool = True) -> Scenario:
        """A handle on a scenario: by name (it must exist), or created (or replaced) from a dict
        with the YAML's fields (`name`, `description`, `match`, `seed`, `steps`), active unless
        `active=False`."""
        if isinstance(scenario, Mapping):
            return self.create_scenario(scenario, active=active)
        handle = Scenario(self, scenario)
        handle.info()  # raises AdminError (404) when there is none
        return handle

    def create_scenario(self, definition: Mapping[str, Any], active: bool = True) -> Scenario:
        body = dict(definition)
        body.setdefault("active", active)
        created = self.admin_json("POST", "/scenarios", json=body)
        return Scenario(self, created["name"])

    def reset_scenarios(self) -> None:
        self.admin_json("POST", "/scenarios/reset")

    @staticmethod
    def fault_headers(*faults: str) -> Dict[str, str]:
        return fault_headers(*faults)

    # ----------------------------------------------------------------- clock
    def clock(self) -> Dict[str, Any]:
        """`{"mode": "real"|"virtual", "now_ms": N}`"""
        return self.admin_json("GET", "/clock")

    def advance_clock(self, ms: float) -> Dict[str, Any]:
        """Moves a virtual clock (server started with `--clock virtual`) by `ms`."""
        return self.admin_json("POST", "/clock", json={"advance_ms": ms})

    # --------------------------------------------------------------- conduct
    def conduct(self, test_id: Optional[str] = None) -> Dict[str, Any]:
        """GET /__admin/conduct: per API key (fingerprint), a verdict on the client's manners
        (with a `test_id`: judged on that test's requests only)."""
        return self.admin_json("GET", "/conduct", params=_test_params(test_id))

    def for_test(self, test: Any) -> "TestScope":
        """One test's view of this server: `test` is an id, a pytest `request` or item (its node
        id names it, through `id_for_test`)."""
        node = getattr(test, "node", test)
        name = test if isinstance(test, str) else getattr(node, "nodeid", None)
        if not isinstance(name, str):
            raise TypeError(f"for_test needs a test id or a pytest request/item, not {type(test).__name__}")
        return TestScope(self, id_for_test(name))

    def assert_good_conduct(self, api_key: Optional[str] = None, checks: Optional[Iterable[str]] = None,
                            test_id: Optional[str] = None) -> Dict[str, Any]:
        """Raises AssertionError, with every failing check's detail, unless the client behaved.

        api_key: the raw key (or its fingerprint) of the client to judge; None: every client.
        checks: names to require (`waited_retry_after`, `backed_off`, `no_retry_on_fatal`,
        `bounded_attempts`, `cancelled_stalls`): each must have passed; a check that nothing
        exercised (`not_seen`) fails too. None: any check that failed fails; not_seen is fine.
        test_id: judge only that test's requests.
        Returns the judged clients."""
        report = self.conduct(test_id=test_id)
        clients = report.get("clients", [])
        if api_key is not None:
            key = _key_name(api_key)
            clients = [c for c in clients if c.get("api_key") == key]
            if not clients:
                seen = ", ".join(c.get("api_key", "?") for c in report.get("clients", [])) or "none"
                raise AssertionError(f"conduct: no requests from API key {key} in the journal (clients seen: {seen})")
        elif not clients:
            raise AssertionError("conduct: the journal has no requests to judge")
        wanted = None if checks is None else [checks] if isinstance(checks, str) else list(checks)
        problems: List[str] = []
        for client in clients:
            by_name = {c["name"]: c for c in client.get("checks", [])}
            if wanted is None:
                problems += [f"{client['api_key']}: {c['name']} failed: {c['detail']}"
                             for c in client.get("checks", []) if c.get("verdict") == "fail"]
                continue
            for name in wanted:
                check = by_name.get(name)
                if check is None:
                    problems.append(f"{client['api_key']}: no check named {name!r} (known: {', '.join(by_name)})")
                elif check.get("verdict") == "not_seen":
                    problems.append(f"{client['api_key']}: {name} was not exercised: {check['detail']}")
                elif check.get("verdict") != "pass":
                    problems.append(f"{client['api_key']}: {name} failed: {check['detail']}")
        if problems:
            raise AssertionError("client conduct:\n  " + "\n  ".join(problems))
        return {"clients": clients}


# ---------------------------------------------------------------- one test's view
class TestScope:
    """One test's view of a shared server (`MockScope.for_test`, the plugin's `mockscope_test`).
    Its clients send `headers` (`{"X-MockScope-Test-Id": id}`): then the journal, scenario
    progress, rate-limit windows, answer-sequence positions and conduct report are the test's own,
    and tests running in parallel (pytest-xdist workers) share one server without seeing each
    other. The queries here see only this test's requests.

        client = OpenAI(api_key="sk-test", base_url=scope.compat_url, default_headers=scope.headers)
        dashscope.Generation.call(..., headers=scope.headers)
        assert scope.count(status=429) == 1
    """

    __test__ = False  # not a pytest test class

    def __init__(self, server: MockScope, test_id: str):
        self.server = server
        self.test_id = test_id

    def __repr__(self) -> str:
        return f"<TestScope {self.test_id!r} on {self.server!r}>"

    @property
    def headers(self) -> Dict[str, str]:
        """Pass as `default_headers=` (openai, anthropic), `headers=` (dashscope, requests)."""
        return {TEST_ID_HEADER: self.test_id}

    def __getattr__(self, name: str) -> Any:
        # The server's URLs and everything not scoped (fixtures, settings, clock) as they are.
        if name in ("base_url", "compat_url", "coding_plan_url", "anthropic_url", "native_url", "admin_url",
                    "fixtures", "fixture", "add_fixture", "remove_fixture", "settings", "update_settings",
                    "clock", "advance_clock", "status", "health", "metrics"):
            return getattr(self.server, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def journal(self, **filters: Any) -> Dict[str, Any]:
        return self.server.journal(test_id=self.test_id, **filters)

    def requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """This test's journal entries (`MockScope.requests`' filters)."""
        return self.server.requests(test_id=self.test_id, **filters)

    def count(self, **filters: Any) -> int:
        return self.server.count(test_id=self.test_id, **filters)

    def wait_for_requests(self, n: int, timeout: float = 5.0, complete: bool = True, **filters: Any) -> List[Dict[str, Any]]:
        return self.server.wait_for_requests(n, timeout=timeout, complete=complete, test_id=self.test_id, **filters)

    def clear(self) -> None:
        """Forgets this test's journal entries."""
        self.server.clear(test_id=self.test_id)

    def reset(self) -> Dict[str, Any]:
        """Forgets this test's journal entries, scenario progress, rate-limit windows and
        sequence positions; the server's own state and other tests' stay."""
        return self.server.reset(test_id=self.test_id)

    def conduct(self) -> Dict[str, Any]:
        return self.server.conduct(test_id=self.test_id)

    def assert_good_conduct(self, api_key: Optional[str] = None, checks: Optional[Iterable[str]] = None) -> Dict[str, Any]:
        return self.server.assert_good_conduct(api_key=api_key, checks=checks, test_id=self.test_id)

    def scenario(self, name: str) -> Scenario:
        """The scenario as this test sees it (`matched` and `reset` are its own progress)."""
        handle = Scenario(self.server, name, test_id=self.test_id)
        handle.info()  # raises AdminError (404) when there is none
        return handle
