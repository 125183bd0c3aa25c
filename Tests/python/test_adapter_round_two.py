"""Round two (RELIABILITY.md), the adapter's findings over real sockets against the binary.

Finding 10: `slow_chunks bytes_per_second=1` cut every event into one-byte pieces in the plan,
one array per byte: 2.9 MB per exchange of the 44 KB decimal-compare stream, 100 clients +300 MB.
Now the plan keeps the events whole with the rate, and the adapter sends what is due."""

from __future__ import annotations

import socket
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
import relib  # noqa: E402

DECIMAL = relib.REPO / "fixtures" / "compat" / "qwq-plus" / "decimal-compare.stream.json"


def test_paced_streams_keep_memory_bounded():
    clients = 100
    request = relib.chat_request(relib.fixture_body(DECIMAL), {"X-MockScope-Fault": "slow_chunks bytes_per_second=1"})
    with relib.Server("--speed", "0", "--log-level", "error", label="paced") as server:
        # Warm up: the fixture's first use, the journal's first pages.
        warm = socket.create_connection((relib.HOST, server.port), timeout=10)
        warm.sendall(request)
        assert warm.recv(12).startswith(b"HTTP/1.1 200")
        warm.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        warm.close()
        relib.wait_for(lambda: server.status()["activeStreams"] == 0, timeout=10)
        before = server.rss_kb()
        socks = []
        try:
            for _ in range(clients):
                s = socket.create_connection((relib.HOST, server.port), timeout=10)
                s.sendall(request)
                socks.append(s)
            relib.wait_for(lambda: server.status()["activeStreams"] == clients, timeout=20)
            started = time.monotonic()
            grown_mb = (server.rss_kb() - before) / 1024
            # Paced: after a second or so each client has its head and a byte or two of the body,
            # not the 44 KB. Not a wait for anything: the window in which at most that may arrive.
            time.sleep(1.0)
            received = []
            for s in socks:
                s.settimeout(0.5)
                data = b""
                try:
                    while len(data) < 65536:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                        if b"\r\n\r\n" in data and len(data) > 2048:
                            break
                        s.settimeout(0.05)
                except socket.timeout:
                    pass
                received.append(data)
            elapsed = time.monotonic() - started
        finally:
            for s in socks:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
        relib.write_result("paced_streams_memory", {"clients": clients, "rss_growth_mb": round(grown_mb, 1)})
        assert grown_mb < 40, f"RSS grew {grown_mb:.1f} MB for {clients} paced streams (before the fix: ~300 MB)"
        for data in received:
            head, sep, body = data.partition(b"\r\n\r\n")
            assert sep and head.startswith(b"HTTP/1.1 200"), data[:200]
            # Chunked framing: "1\r\nX\r\n" per byte. At 1 B/s, about elapsed + 1 bytes so far.
            payload = body.count(b"\r\n") // 2
            assert 1 <= payload <= elapsed + 3, f"{payload} body bytes in {elapsed:.1f} s at 1 B/s"
