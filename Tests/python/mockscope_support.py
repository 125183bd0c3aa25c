"""Helpers for the MockScope client suite: running the server binary, finding
fixtures by name, and small assertion utilities shared by the test files."""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "mockscope"
LISTEN_RE = re.compile(r"listening on (http://\S+)")

STARTUP_TIMEOUT_S = float(os.environ.get("MOCKSCOPE_STARTUP_TIMEOUT", "30"))
STOP_GRACE_S = 5.0
LOG_LINES_KEPT = 5000


def server_binary() -> Path:
    return Path(os.environ.get("MOCKSCOPE_BIN", str(DEFAULT_BIN)))


def fixtures_dir() -> Path:
    """The fixtures folder the server serves (the repo's default one unless
    MOCKSCOPE_FIXTURES names another; then it is passed with --fixtures)."""
    return Path(os.environ.get("MOCKSCOPE_FIXTURES", str(REPO_ROOT / "fixtures")))


class ServerStartError(RuntimeError):
    pass


class MockScopeServer:
    """One `mockscope serve --port 0 ...` child process.

    stdout and stderr are drained by two threads for the whole life of the
    process (so the pipes never fill) and kept in a bounded log that a failing
    test prints."""

    def __init__(self, label: str, extra_args: Sequence[str] = ()):
        self.label = label
        self.extra_args = list(extra_args)
        self.base: Optional[str] = None
        self.proc: Optional[subprocess.Popen] = None
        self._log: collections.deque = collections.deque(maxlen=LOG_LINES_KEPT)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._threads: List[threading.Thread] = []
        self._eof = 0

    # ------------------------------------------------------------------ URLs
    @property
    def compat_url(self) -> str:
        return f"{self.base}/compatible-mode/v1"

    @property
    def native_url(self) -> str:
        return f"{self.base}/api/v1"

    @property
    def admin_status_url(self) -> str:
        return f"{self.base}/__admin/status"

    @property
    def host_port(self):
        m = re.match(r"http://([^/:]+):(\d+)", self.base or "")
        if not m:
            raise ValueError(f"cannot parse host/port from {self.base!r}")
        return m.group(1), int(m.group(2))

    # ------------------------------------------------------------- lifecycle
    def command(self) -> List[str]:
        cmd = [str(server_binary()), "serve", "--port", "0"]
        if "MOCKSCOPE_FIXTURES" in os.environ:
            cmd += ["--fixtures", str(fixtures_dir())]
        return cmd + self.extra_args

    def start(self) -> "MockScopeServer":
        binary = server_binary()
        if not binary.is_file() or not os.access(binary, os.X_OK):
            raise ServerStartError(
                f"MockScope binary not found or not executable: {binary} "
                "(build it first, or point MOCKSCOPE_BIN at it)"
            )
        cmd = self.command()
        self._append("suite", "$ " + " ".join(cmd))
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(REPO_ROOT),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name, stream in (("stdout", self.proc.stdout), ("stderr", self.proc.stderr)):
            t = threading.Thread(
                target=self._drain, args=(name, stream), daemon=True,
                name=f"mockscope-{self.label}-{name}",
            )
            t.start()
            self._threads.append(t)
        self._ready.wait(STARTUP_TIMEOUT_S)
        if self.base is None:
            code = self.proc.poll()
            self.stop()
            why = (
                f"exited with code {code}" if code is not None
                else f"printed no 'listening on http://...' line within {STARTUP_TIMEOUT_S:.0f} s"
            )
            raise ServerStartError(
                f"mockscope ({self.label}) {why}.\n--- server log ---\n{self.log_text()}"
            )
        return self

    def _drain(self, name: str, stream) -> None:
        try:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                self._append(name, line)
                if self.base is None:
                    m = LISTEN_RE.search(line)
                    if m:
                        self.base = m.group(1).rstrip("/")
                        self._ready.set()
        finally:
            with self._lock:
                self._eof += 1
                if self._eof == 2:
                    self._ready.set()  # process gone: stop waiting for the line

    def _append(self, name: str, line: str) -> None:
        with self._lock:
            self._log.append(f"[{time.strftime('%H:%M:%S')} {name}] {line}")

    def log_text(self, last: Optional[int] = None) -> str:
        with self._lock:
            lines = list(self._log)
        if last is not None:
            lines = lines[-last:]
        return "\n".join(lines)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> Optional[int]:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self._append("suite", f"no exit {STOP_GRACE_S:.0f} s after SIGTERM: killing")
                self.proc.kill()
                self.proc.wait()
        for t in self._threads:
            t.join(2)
        self._append("suite", f"exit code {self.proc.returncode}")
        return self.proc.returncode


# --------------------------------------------------------------- fixtures
_FIXTURE_INDEX: Optional[Dict[str, Path]] = None


def _fixture_index() -> Dict[str, Path]:
    global _FIXTURE_INDEX
    if _FIXTURE_INDEX is None:
        index: Dict[str, Path] = {}
        root = fixtures_dir()
        for path in sorted(root.rglob("*.json")) if root.is_dir() else []:
            if path.name.startswith(".") or path.name.endswith(".tmp"):
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(data, dict) or data.get("mockscope") != 1:
                continue
            name = data.get("name") or path.relative_to(root).with_suffix("").as_posix()
            index.setdefault(name, path)
        _FIXTURE_INDEX = index
    return _FIXTURE_INDEX


def load_fixture(name: str) -> Dict[str, Any]:
    """The fixture JSON whose name (explicit, or its path) is `name`."""
    path = _fixture_index().get(name)
    assert path is not None, (
        f"fixture {name!r} not found under {fixtures_dir()} "
        f"({len(_fixture_index())} fixtures indexed)"
    )
    return json.loads(path.read_text(encoding="utf-8"))


def fixture_request_id(name: str) -> str:
    """The request id a fixture answers with: its x-request-id header, else the
    request_id in its body (or in its first streamed event)."""
    fx = load_fixture(name)
    resp = fx["response"]
    for key, value in (resp.get("headers") or {}).items():
        if key.lower() == "x-request-id" and value:
            return value
    body = resp.get("json")
    if body is None and isinstance(resp.get("body"), str):
        try:
            body = json.loads(resp["body"])
        except ValueError:
            body = None
    if isinstance(body, dict) and body.get("request_id"):
        return body["request_id"]
    for event in resp.get("events") or []:
        for line in event.get("data", "").splitlines():
            if line.startswith("data:"):
                try:
                    payload = json.loads(line[5:].strip())
                except ValueError:
                    continue
                if isinstance(payload, dict) and payload.get("request_id"):
                    return payload["request_id"]
    raise AssertionError(f"fixture {name!r} carries no request id")


STORY_FIXTURE = "compat/qwen-turbo/tell-a-story.stream"
STORY_FIXTURE_FILE = "compat/qwen-turbo/tell-a-story.stream.json"


def story_events() -> List[Dict[str, Any]]:
    """The recorded events of the compat story fixture (G), read from the
    fixture file at test time."""
    path = fixtures_dir() / STORY_FIXTURE_FILE
    if path.is_file():
        fx = json.loads(path.read_text(encoding="utf-8"))
    else:
        fx = load_fixture(STORY_FIXTURE)
    events = fx["response"]["events"]
    assert len(events) >= 3, "the story fixture needs several events to test timing"
    return events


# ---------------------------------------------------------- assertions
def assert_subset(expected: Any, actual: Any, path: str = "$") -> None:
    """Every member of `expected` is in `actual` with an equal value (objects
    member-wise and recursively, lists element-wise with equal length)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}.{key}: missing (expected {value!r})"
            assert_subset(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), (
            f"{path}: expected {len(expected)} elements, got {len(actual)}: {actual!r}"
        )
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_subset(e, a, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: expected {expected!r}, got {actual!r}"


def assert_compat_error_shape(body: Any) -> Dict[str, Any]:
    """{"error":{"message","type","param","code"},"request_id"}"""
    assert isinstance(body, dict), f"error body is not a JSON object: {body!r}"
    err = body.get("error")
    assert isinstance(err, dict), f"no 'error' object in {body!r}"
    for key in ("message", "type", "param", "code"):
        assert key in err, f"error.{key} missing in {body!r}"
    assert isinstance(err["message"], str) and err["message"], body
    assert isinstance(body.get("request_id"), str) and body["request_id"], (
        f"no request_id in {body!r}"
    )
    return err


def assert_native_error_shape(body: Any) -> Dict[str, Any]:
    """{"code","message","request_id"}"""
    assert isinstance(body, dict), f"error body is not a JSON object: {body!r}"
    for key in ("code", "message", "request_id"):
        assert isinstance(body.get(key), str) and body[key], f"'{key}' missing or empty in {body!r}"
    assert "output" not in body, f"an error body carries output: {body!r}"
    return body


def fixture_name_in(name: str, text: str) -> bool:
    """`name` appears in `text` as a whole fixture name (not as the prefix of a
    longer one such as name + "-usage")."""
    return re.search(re.escape(name) + r"(?![\w/-]|\.\w)", text or "") is not None
