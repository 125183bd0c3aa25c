"""Shared by the reliability tests and scripts (Tests/reliability/*.py, Tests/python/test_reliability.py):
start the real `mockscope` binary on a loopback port with its stdout/stderr in files, read its
RSS and open fds from /proc, talk to it over raw sockets and plain HTTP. Standard library only,
so every script runs with the system python3.

The binary: $MOCKSCOPE_BIN, else <repo>/.build/debug/mockscope."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import atexit
import shutil
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"

CHAT_PATH = "/compatible-mode/v1/chat/completions"
NATIVE_PATH = "/api/v1/services/aigc/text-generation/generation"
API_KEY = "sk-reliability"

# Bodies the default fixtures answer (fixtures/compat/...).
WHO_BODY = {"model": "qwen-plus", "messages": [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "你是谁？"}]}
STORY_FIXTURE = REPO / "fixtures" / "compat" / "qwen-turbo" / "tell-a-story.stream.json"


# Every server's log files live below one folder per process, removed at exit unless
# RELIABILITY_KEEP_LOGS is set (then its path is printed).
_LOG_ROOT = Path(tempfile.mkdtemp(prefix="mockscope-reliability-"))


def _cleanup_logs() -> None:
    if os.environ.get("RELIABILITY_KEEP_LOGS"):
        print(f"reliability logs kept in {_LOG_ROOT}")
    else:
        shutil.rmtree(_LOG_ROOT, ignore_errors=True)


atexit.register(_cleanup_logs)


def binary() -> Path:
    return Path(os.environ.get("MOCKSCOPE_BIN") or REPO / ".build" / "debug" / "mockscope")


def fixture_body(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["request"]["body"]


def story_body() -> dict:
    return fixture_body(STORY_FIXTURE)


def chat_request(body: dict, headers: Optional[Dict[str, str]] = None, path: str = CHAT_PATH,
                 keep_alive: bool = True) -> bytes:
    """A complete HTTP/1.1 request for a JSON body, as bytes."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}", f"Authorization: Bearer {API_KEY}",
             "Content-Type: application/json", f"Content-Length: {len(data)}"]
    if not keep_alive:
        lines.append("Connection: close")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + data


class Server:
    """One `mockscope serve` child process (port 0 unless given) with its output in files."""

    def __init__(self, *args: str, cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None,
                 command: str = "serve", label: str = "mockscope", admin_token: Optional[str] = None):
        self.args = [str(a) for a in args]
        self.cwd = Path(cwd) if cwd else REPO
        self.env = env
        self.command = command
        self.label = label
        self.admin_token = admin_token
        if admin_token is None and "--admin-token" in self.args:
            self.admin_token = self.args[self.args.index("--admin-token") + 1]
        self.dir = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=_LOG_ROOT))
        self.stdout_path = self.dir / "stdout.log"
        self.stderr_path = self.dir / "stderr.log"
        self.proc: Optional[subprocess.Popen] = None
        self.port = 0
        self.host = HOST

    # lifecycle
    def cmd(self) -> List[str]:
        cmd = [str(binary()), self.command]
        if "--port" not in self.args:
            cmd += ["--port", "0"]
        return cmd + self.args

    def start(self, timeout: float = 30.0) -> "Server":
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.cmd(), cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"listening on http://(\[[^\]]+\]|[^/:\s]+):(\d+)", self.stdout())
            if m:
                self.host = m.group(1).strip("[]")
                if self.host in ("0.0.0.0", "::"):
                    self.host = HOST
                self.port = int(m.group(2))
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode}:\n{self.log_text()}")
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError(f"{self.label} printed no 'listening on' line in {timeout} s:\n{self.log_text()}")
        while time.monotonic() < deadline:
            if self.healthy(timeout=2):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.label} never answered /__admin/health:\n{self.log_text()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> Optional[int]:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for f in (getattr(self, "_out", None), getattr(self, "_err", None)):
            if f:
                f.close()
        return self.proc.returncode

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # output
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace") if self.stdout_path.exists() else ""

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace") if self.stderr_path.exists() else ""

    def log_text(self, last: int = 60) -> str:
        lines = (self.stdout() + self.stderr()).splitlines()
        return "\n".join(lines[-last:])

    # /proc
    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/task"))

    # HTTP
    def request(self, method: str, path: str, body: Optional[bytes] = None,
                headers: Optional[Dict[str, str]] = None, timeout: float = 10.0) -> Tuple[int, Dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = dict(headers or {})
        if self.admin_token and path.startswith("/__admin") and not any(k.lower() in ("authorization", "x-mockscope-admin-token") for k in headers):
            headers["X-MockScope-Admin-Token"] = self.admin_token
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body=None, headers: Optional[Dict[str, str]] = None,
             timeout: float = 10.0):
        data = None if body is None else json.dumps(body).encode("utf-8")
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        status, _, raw = self.request(method, path, data, h, timeout)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw

    def healthy(self, timeout: float = 5.0) -> bool:
        try:
            status, _, _ = self.request("GET", "/__admin/health", timeout=timeout)
            return status == 200
        except (OSError, http.client.HTTPException):
            return False

    def status(self) -> dict:
        code, body = self.json("GET", "/__admin/status")
        assert code == 200, body
        return body

    def wait_streams_zero(self, timeout: float = 30.0) -> int:
        """Polls /__admin/status until activeStreams is 0; returns the last value seen."""
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            last = self.status()["activeStreams"]
            if last == 0:
                return 0
            time.sleep(0.1)
        return last

    def connect(self, timeout: float = 10.0) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=timeout)


def recv_all(sock: socket.socket, timeout: float = 5.0, limit: int = 1 << 22) -> Tuple[bytes, str]:
    """Reads until the peer closes, the timeout passes, or `limit` bytes; says which."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return data, "timeout"
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data, "timeout"
        except ConnectionResetError:
            return data, "reset"
        if not chunk:
            return data, "closed"
        data += chunk
    return data, "limit"


def read_response(sock: socket.socket, timeout: float = 10.0) -> Tuple[Optional[int], Dict[str, str], bytes, str]:
    """Reads one HTTP response (Content-Length, chunked or until close). Returns
    (status or None, headers, body, how it ended: complete|closed|reset|timeout)."""
    sock.settimeout(timeout)
    buf = b""
    deadline = time.monotonic() + timeout

    def more() -> str:
        nonlocal buf
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return "timeout"
        except ConnectionResetError:
            return "reset"
        if not chunk:
            return "closed"
        buf += chunk
        return ""

    while b"\r\n\r\n" not in buf:
        why = more()
        if why:
            return None, {}, buf, why
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    status = int(m.group(1)) if m else None
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    buf = rest
    if status is not None and (status in (204, 304) or 100 <= status < 200):
        return status, headers, b"", "complete"
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(buf) < n:
            why = more()
            if why:
                return status, headers, buf, why
        return status, headers, buf[:n], "complete"
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = b""
        while True:
            while b"\r\n" not in buf:
                why = more()
                if why:
                    return status, headers, body, why
            size_line, buf = buf.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                return status, headers, body, "complete"
            while len(buf) < size + 2:
                why = more()
                if why:
                    return status, headers, body + buf, why
            body += buf[:size]
            buf = buf[size + 2:]
    while True:
        why = more()
        if why:
            return status, headers, buf, ("complete" if why == "closed" else why)


def wait_for(predicate, timeout: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


def tcp_sockets():
    """Every TCP socket of this machine as (table, local hex address, local port, state hex),
    from /proc/net/tcp and /proc/net/tcp6."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hexport = fields[1].rsplit(":", 1)
            yield table, address, int(hexport, 16), fields[3]


def open_server_connections(port: int) -> int:
    """Server-side TCP connections on `port` that are not over yet: accepted or still waiting in
    the listen queue, including CLOSE_WAIT (the client left, the server has not closed).
    TIME_WAIT and LISTEN do not count."""
    return sum(1 for _, _, local, state in tcp_sockets() if local == port and state not in ("0A", "06"))


def listening_addresses(port: int):
    """(address, port) pairs of LISTEN sockets on `port`."""
    found = []
    for table, address, local, state in tcp_sockets():
        if state != "0A" or local != port:
            continue
        if table.endswith("tcp"):
            found.append((socket.inet_ntoa(bytes.fromhex(address)[::-1]), port))
        else:
            raw = bytes.fromhex(address)
            words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
            found.append((socket.inet_ntop(socket.AF_INET6, words), port))
    return found


def settle(server: Server, baseline_fds: int, timeout: float = 20.0) -> int:
    """Waits until the fd count is back to the baseline (+2 for a health check in flight) and no
    more than 2 connections to the server's port are open (a connection still in the listen
    queue has no fd yet, so fds alone could look settled too early); returns the last fd count."""
    def settled(fds: int) -> bool:
        return fds <= baseline_fds + 2 and open_server_connections(server.port) <= 2
    last = server.fds()
    deadline = time.monotonic() + timeout
    while not settled(last) and time.monotonic() < deadline:
        time.sleep(0.2)
        last = server.fds()
    return last


def write_result(name: str, figures: dict) -> None:
    """Appends one JSON line of figures to $RELIABILITY_RESULTS (default .build-rel/reliability-results.jsonl)."""
    path = Path(os.environ.get("RELIABILITY_RESULTS", REPO / ".build-rel" / "reliability-results.jsonl"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"test": name, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **figures}) + "\n")
