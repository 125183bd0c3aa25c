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

from .common import *  # noqa: F401,F403 (re-exported: `mockscope_client.server.X` stays valid)
from .common import _LOG_LINES_KEPT, _loopback_url, _option_value
from .admin import AdminMethods, Scenario, TestScope


class MockScope(AdminMethods):
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
