#!/usr/bin/env python3
"""A hostile day: mixed hostile and normal traffic against one `mockscope serve`, then checks
that the server answers normal requests at its usual speed, that its RSS is back within 10 %
of where it started, and that the secret every hostile client carried is nowhere: not in the
journal, metrics, conduct report, fixtures listing, the log or the fixtures folder.

    bench/hostile_day.py [--minutes 10] [--hangs 10000] [--binary PATH]

Hostile traffic, all at once for --minutes: floods of large header blocks (431) and bodies over
the limit (413); slow readers of timed streams; clients that half-close after their request and
wait under a `latency` fault; --hangs connections held open on a `hang` fault; admin abuse
(scenarios with huge counts, clock jumps, bad JSON, fixture churn, journal queries). Normal
traffic runs beside it the whole time and is timed before, during and after.

Loopback only; every loop is bounded by the deadline. Prints one JSON line of figures; exit 1
when a check fails."""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "reliability"))
import relib  # noqa: E402

SECRET = "sk-hostile-day-4f0c9b2e"
CHAT = "/compatible-mode/v1/chat/completions"
WHO = {"model": "qwen-plus", "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                           {"role": "user", "content": "你是谁？"}]}


def raw(port: int, data: bytes, read: bool = True, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:
            return b""
        if not read:
            return b""
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and len(b"".join(chunks)) > 64 * 1024:
                    break
        except OSError:
            pass
        return b"".join(chunks)


def request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for name, value in (headers or {}).items():
        head += f"{name}: {value}\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def chat(extra: dict | None = None, secret_everywhere: bool = True) -> bytes:
    body = dict(WHO)
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}
    path = CHAT
    if secret_everywhere:
        body = dict(body, api_key=SECRET)
        headers["X-DashScope-ApiKey"] = SECRET
        path = CHAT + "?api_key=" + SECRET
    headers.update(extra or {})
    return request("POST", path, json.dumps(body).encode(), headers)


class Normal:
    """Keep-alive-free normal requests, timed."""

    def __init__(self, port: int):
        self.port = port
        self.latencies: list[tuple[float, float]] = []
        self.errors = 0

    def one(self) -> None:
        start = time.monotonic()
        answer = raw(self.port, chat(secret_everywhere=False))
        took = time.monotonic() - start
        if not answer.startswith(b"HTTP/1.1 200"):
            self.errors += 1
        self.latencies.append((start, took))

    def median_ms(self, since: float, until: float) -> float:
        window = [took for at, took in self.latencies if since <= at < until]
        return statistics.median(window) * 1000 if window else float("nan")


def hostile_loops(port: int, deadline: float, counters: dict, lock: threading.Lock) -> list[threading.Thread]:
    def count(name: str) -> None:
        with lock:
            counters[name] = counters.get(name, 0) + 1

    def headers_flood() -> None:
        while time.monotonic() < deadline:
            raw(port, request("POST", CHAT, b"{}", {"Authorization": f"Bearer {SECRET}", "X-Pad": "a" * 7500}))
            raw(port, request("GET", "/__admin/status", headers={"X-Pad": "b" * 100_000}))
            count("large_headers")

    def body_flood() -> None:
        body = b"x" * (9 * 1024 * 1024)
        while time.monotonic() < deadline:
            raw(port, request("POST", CHAT, body, {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}),
                timeout=10)
            count("large_bodies")

    def slow_readers() -> None:
        story = relib.story_body()
        while time.monotonic() < deadline:
            socks = []
            for _ in range(50):
                try:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                    sock.sendall(request("POST", "/api/v1/services/aigc/text-generation/generation", json.dumps(story).encode(),
                                         {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json",
                                          "X-DashScope-SSE": "enable"}))
                    socks.append(sock)
                except OSError:
                    pass
            end = min(deadline, time.monotonic() + 5)
            while time.monotonic() < end:
                for sock in socks:
                    try:
                        sock.setblocking(False)
                        sock.recv(1)
                    except OSError:
                        pass
                time.sleep(0.5)  # deliberate: a slow reader reads one byte per half second
            for sock in socks:
                sock.close()
            count("slow_reader_rounds")

    def half_closers() -> None:
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                    sock.sendall(chat({"X-MockScope-Fault": "latency ms=50"}))
                    sock.shutdown(socket.SHUT_WR)
                    data = sock.recv(65536)
                    if data.startswith(b"HTTP/1.1 200"):
                        count("half_close_answered")
                    else:
                        count("half_close_unanswered")
                        count("half_close_got " + (data[:12].decode(errors="replace") or "nothing"))
            except OSError:
                count("half_close_error")

    def admin_abuse() -> None:
        cases = [
            request("POST", "/__admin/scenarios", b"name: huge\nsteps:\n  - times: 9223372036854775807\n    faults: []\n",
                    {"Content-Type": "application/yaml", "Authorization": f"Bearer {SECRET}"}),
            request("POST", "/__admin/clock", b'{"advance_ms":1e308}', {"Content-Type": "application/json"}),
            request("POST", "/__admin/settings", b"{not json", {"Content-Type": "application/json"}),
            request("GET", "/__admin/requests?limit=999999999&path=" + "x" * 4000),
            request("GET", "/__admin/conduct"),
            request("GET", "/__admin/metrics"),
            request("POST", "/__admin/fixtures", json.dumps({
                "name": "hostile/stub", "request": {"method": "POST", "path": CHAT, "body": {"model": "stub", "api_key": SECRET}},
                "response": {"status": 200, "headers": {"content-type": "application/json"}, "json": {"ok": True}}}).encode(),
                {"Content-Type": "application/json"}),
            request("DELETE", "/__admin/fixtures/hostile/stub"),
            request("POST", "/__admin/settings", b"", {"Origin": "https://evil.example", "Content-Type": "text/plain"}),
        ]
        while time.monotonic() < deadline:
            for data in cases:
                raw(port, data)
                count("admin_abuse")

    workers = [headers_flood, body_flood, slow_readers, half_closers, admin_abuse]
    return [threading.Thread(target=w, daemon=True) for w in workers]


def hold_hangs(port: int, n: int, sockets: list) -> None:
    data = chat({"X-MockScope-Fault": "hang"}, secret_everywhere=True)
    for _ in range(n):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(data)
            sockets.append(sock)
        except OSError:
            break


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--hangs", type=int, default=10_000)
    parser.add_argument("--binary", default=None)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    fixtures = Path(tempfile.mkdtemp(prefix="hostile-day-"))
    (fixtures / "who.json").write_text((relib.REPO / "fixtures" / "compat" / "qwen-plus" / "who-are-you.json").read_text())
    (fixtures / "story.json").write_text((relib.REPO / "fixtures" / "native" / "qwen-turbo" / "tell-a-story.stream.json").read_text())
    if args.binary:
        os.environ["MOCKSCOPE_BIN"] = args.binary
    server = relib.Server("--fixtures", str(fixtures), "--log-level", "info", label="hostile-day").start()
    port = server.port
    normal = Normal(port)
    figures: dict = {"minutes": args.minutes, "hangs_asked": args.hangs}
    failures: list[str] = []
    try:
        # Warm up, then the baseline: normal traffic alone.
        for _ in range(500):
            normal.one()
        start_rss = server.rss_kb()
        base_from = time.monotonic()
        for _ in range(500):
            normal.one()
        base_until = time.monotonic()
        figures["rss_start_kb"] = start_rss

        hangs: list = []
        hold_hangs(port, args.hangs, hangs)
        figures["hangs_held"] = len(hangs)
        deadline = time.monotonic() + args.minutes * 60
        counters: dict = {}
        lock = threading.Lock()
        threads = hostile_loops(port, deadline, counters, lock)
        for thread in threads:
            thread.start()
        during_from = time.monotonic()
        while time.monotonic() < deadline:
            normal.one()
        during_until = time.monotonic()
        for thread in threads:
            thread.join(timeout=60)
        figures["rss_peak_during_kb"] = server.rss_kb()
        for sock in hangs:
            sock.close()
        figures["hostile"] = counters

        # Normal traffic again (enough to refill the journal's ring), then the checks.
        relib.wait_for(lambda: server.status().get("openRequests", 1) == 0, timeout=60)
        for _ in range(1500):
            normal.one()
        after_from = time.monotonic()
        for _ in range(500):
            normal.one()
        after_until = time.monotonic()
        # The server trims its heap when it has grown (every few seconds): wait for that, bounded.
        settle_from = time.monotonic()
        relib.wait_for(lambda: server.rss_kb() <= start_rss * 1.10, timeout=30)
        figures["rss_settle_s"] = round(time.monotonic() - settle_from, 1)
        end_rss = server.rss_kb()
        figures["rss_end_kb"] = end_rss
        figures["normal_ms"] = {"before": round(normal.median_ms(base_from, base_until), 2),
                                "during": round(normal.median_ms(during_from, during_until), 2),
                                "after": round(normal.median_ms(after_from, after_until), 2)}
        figures["normal_errors"] = normal.errors
        before, after = figures["normal_ms"]["before"], figures["normal_ms"]["after"]
        if not after <= before * 1.5 + 2:
            failures.append(f"normal requests slower after: {after} ms vs {before} ms")
        if end_rss > start_rss * 1.10:
            failures.append(f"RSS {end_rss} kB is more than 10 % over its start {start_rss} kB")
        if normal.errors:
            failures.append(f"{normal.errors} normal requests failed")
        if counters.get("half_close_unanswered", 0):
            failures.append(f"{counters['half_close_unanswered']} half-closing clients got no answer")

        # The secret is nowhere.
        places = {}
        for path in ("/__admin/requests?limit=100000", "/__admin/metrics", "/__admin/conduct", "/__admin/fixtures", "/__admin/status"):
            places[path] = raw(port, request("GET", path), timeout=30)
        places["log"] = (server.stdout() + server.stderr()).encode()
        for file in fixtures.rglob("*"):
            if file.is_file():
                places[str(file)] = file.read_bytes()
        leaks = [where for where, text in places.items() if SECRET.encode() in text]
        figures["secret_found_in"] = leaks
        if leaks:
            failures.append(f"the secret is in: {leaks}")
        if not server.healthy():
            failures.append("the server is not healthy at the end")
    finally:
        server.stop()
    figures["ok"] = not failures
    figures["failures"] = failures
    print(json.dumps(figures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
