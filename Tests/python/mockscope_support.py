"""Helpers for the MockScope client suite: how the suite runs the server binary (the
mockscope Python package's plugin and MockScope class, clients/python, with the options
below), waiting on the server's state, finding fixtures by name, and small assertion
utilities shared by the test files."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]

try:
    from mockscope_client import MockScope, ServerStartError, eventually, fault_headers, fingerprint  # noqa: F401
except ImportError:  # not installed (pip install -e ./clients/python): use it from the tree
    sys.path.insert(0, str(REPO_ROOT / "clients" / "python" / "src"))
    from mockscope_client import MockScope, ServerStartError, eventually, fault_headers, fingerprint  # noqa: F401

DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "mockscope"

STARTUP_TIMEOUT_S = float(os.environ.get("MOCKSCOPE_STARTUP_TIMEOUT", "30"))
STOP_GRACE_S = 5.0

# Set by conftest from the plugin's --mockscope-bin and --mockscope-fixtures options.
BINARY_OVERRIDE: Optional[str] = None
FIXTURES_OVERRIDE: Optional[str] = None


def server_binary() -> Path:
    """--mockscope-bin, else $MOCKSCOPE_BIN, else the debug build in this repository."""
    return Path(BINARY_OVERRIDE or os.environ.get("MOCKSCOPE_BIN") or str(DEFAULT_BIN))


def fixtures_dir() -> Path:
    """The fixtures folder the servers serve: the repo's default one unless --mockscope-fixtures
    or MOCKSCOPE_FIXTURES names another (the plugin then passes it with --fixtures)."""
    return Path(FIXTURES_OVERRIDE or os.environ.get("MOCKSCOPE_FIXTURES") or str(REPO_ROOT / "fixtures"))


def server_options() -> Dict[str, Any]:
    """The MockScope keyword arguments of every server the suite starts (conftest hands them to
    the plugin as `mockscope_defaults`): the suite's binary, started in the repository root, so
    that it serves ./fixtures and knows ./scenarios."""
    return {"binary": server_binary(), "cwd": REPO_ROOT,
            "startup_timeout": STARTUP_TIMEOUT_S, "stop_timeout": STOP_GRACE_S}


def active_streams(server) -> int:
    """GET /__admin/status: the streams the server has open."""
    status = server.status()
    assert "activeStreams" in status, status
    return status["activeStreams"]


def wait_for_no_streams(server, when: str, timeout: float = 5.0) -> None:
    """Waits until the server has no stream open (activeStreams 0), `when` saying at what point
    of the test (for the failure)."""
    eventually(lambda: active_streams(server), lambda n: n == 0, timeout=timeout,
               message=f"activeStreams to be 0 {when}")


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


def arrival_times(reads, events) -> List[float]:
    """Given timed reads [(t, bytes)] of a stream and the fixture's events, the time at which
    each event had fully arrived."""
    boundaries, total = [], 0
    for event in events:
        total += len(event["data"].encode("utf-8"))
        boundaries.append(total)
    times, got, k = [], 0, 0
    for t, piece in reads:
        got += len(piece)
        while k < len(boundaries) and boundaries[k] <= got:
            times.append(t)
            k += 1
    return times


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
