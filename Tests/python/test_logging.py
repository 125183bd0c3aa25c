"""The per-request log line as users run it (`mockscope serve`, standard error to a file): complete,
in text or JSON, written by a timer rather than one write per request, and all there after SIGTERM."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

from mockscope_client import eventually

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))

from relib import CHAT_PATH, Server  # noqa: E402

AUTH = {"Authorization": "Bearer sk-logging", "Content-Type": "application/json"}
WHO = {"model": "qwen-plus", "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                          {"role": "user", "content": "你是谁？"}]}


def writes_so_far(srv: Server) -> int:
    """write(2)-like syscalls the server made (/proc/PID/io `syscw`; sockets are sent with send(2))."""
    for line in Path(f"/proc/{srv.pid}/io").read_text().splitlines():
        if line.startswith("syscw:"):
            return int(line.split()[1])
    raise AssertionError("no syscw in /proc/PID/io")


def complete_lines(srv: Server) -> list[str]:
    """Standard error's lines so far, without a last one still being written."""
    text = srv.stderr()
    return text[:text.rfind("\n") + 1].splitlines()


def lines_with(srv: Server, text: str) -> list[str]:
    return [line for line in complete_lines(srv) if text in line]


def test_text_lines_are_complete_and_not_one_write_each():
    # A flush every 200 ms: however slow the machine, 300 requests make far fewer writes than
    # lines (at the default 10 ms, a loaded machine taking over 0.6 s for them made 60 or more).
    with Server("--log-flush-ms", "200", label="log-text") as srv:
        body = json.dumps(WHO).encode()
        before = writes_so_far(srv)
        for _ in range(300):
            status, _, _ = srv.request("POST", CHAT_PATH, body, AUTH)
            assert status == 200
        lines = eventually(lambda: lines_with(srv, f"POST {CHAT_PATH} 200"), lambda found: len(found) >= 300,
                           timeout=10, message="300 log lines")
        writes = writes_so_far(srv) - before
        assert writes < 60, f"{writes} writes for 300 requests: the log is not buffered"
        line = lines[-1]
        assert " info mockscope: [MockScope] POST " in line, line
        assert " fixture=compat/qwen-plus/who-are-you " in line, line
        assert line.split(" bytes=")[1].isdigit(), line
        assert "ms bytes=" in line, line


def test_json_lines_parse_and_carry_the_fields():
    with Server("--log-format", "json", "--unmatched", "synthesize", label="log-json") as srv:
        srv.request("POST", CHAT_PATH, json.dumps(WHO).encode(), AUTH)
        srv.request("POST", CHAT_PATH, json.dumps({"model": "qwen-plus", "messages": [{"role": "user", "content": "hi"}]}).encode(),
                    dict(AUTH, **{"X-MockScope-Fault": "latency ms=1"}))
        srv.request("POST", CHAT_PATH, b"{not json", AUTH)
        records = eventually(lambda: [json.loads(line) for line in complete_lines(srv) if line.startswith("{")],
                             lambda rows: len([r for r in rows if "status" in r]) >= 3, timeout=10, message="three exchange lines")
        exchanges = [r for r in records if "status" in r]
        # Lines follow completion, which need not be the order the requests were sent in.
        first = next(r for r in exchanges if r.get("fixture"))
        second = next(r for r in exchanges if r.get("faults"))
        third = next(r for r in exchanges if r["status"] == 400)
        assert first["fixture"] == "compat/qwen-plus/who-are-you" and first["status"] == 200 and first["method"] == "POST"
        assert first["path"] == CHAT_PATH and first["level"] == "info" and isinstance(first["ms"], float) and first["bytes"] > 0
        assert second.get("synthesized") is True and second["faults"] == ["latency ms=1"]
        assert third["status"] == 400 and "error" in third
        assert all(r["time"][:4].isdigit() for r in records)


def test_every_line_is_written_before_exit_on_sigterm():
    with Server("--log-flush-ms", "10000", label="log-exit") as srv:
        body = json.dumps(WHO).encode()
        for _ in range(50):
            srv.request("POST", CHAT_PATH, body, AUTH)
        # The flush timer is 10 s: the lines are still in memory, and SIGTERM must write them.
        assert len(lines_with(srv, f"POST {CHAT_PATH} 200")) < 50
        assert srv.stop(signal.SIGTERM) == 0
        assert len(lines_with(srv, f"POST {CHAT_PATH} 200")) == 50


def test_bad_log_options_are_refused():
    import subprocess
    import relib
    for args, message in ((["--log-format", "xml"], "--log-format"), (["--log-flush-ms", "0"], "--log-flush-ms"),
                          (["--log-buffer-bytes", "10"], "--log-buffer-bytes")):
        run = subprocess.run([str(relib.binary()), "serve", "--port", "0"] + args, capture_output=True, text=True,
                             timeout=60, stdin=subprocess.DEVNULL)
        assert run.returncode != 0 and message in run.stderr, (args, run.stderr)
