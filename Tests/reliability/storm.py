#!/usr/bin/env python3
"""Disconnect storm: N clients that vanish mid-stream.

Each client opens a connection, asks for a streamed fixture at recorded speed (speed 1), reads
the status line and the first SSE event, then goes away: half of them with a normal close
(FIN), half with a TCP reset (SO_LINGER 0). Clients run in waves of --concurrency. Afterwards
the server's activeStreams must come back to 0, its open fds to the baseline and its RSS near
the baseline; every client must have seen a 200 and a first event (nothing lost).

    Tests/reliability/storm.py [--clients 10000] [--concurrency 500] [--rss-slack-mb 40]
                               [--port PORT --pid PID]   # an already running server
Without --port it starts `$MOCKSCOPE_BIN serve --port 0` itself (speed 1, default fixtures).
Prints one JSON line of figures; exit 1 when a check fails."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import relib  # noqa: E402

# 151 events over 3.6 s at speed 1: a client that leaves after the first is surely mid-stream.
STREAM_FIXTURE = relib.REPO / "fixtures" / "compat" / "qwq-plus" / "decimal-compare.stream.json"


def stream_request() -> bytes:
    return relib.chat_request(relib.fixture_body(STREAM_FIXTURE))


class Tally:
    def __init__(self) -> None:
        self.ok = 0
        self.failed = 0
        self.errors: dict = {}
        self.first_event_ms: list = []

    def fail(self, why: str) -> None:
        self.failed += 1
        self.errors[why] = self.errors.get(why, 0) + 1


async def client(host: str, port: int, request: bytes, index: int, tally: Tally, timeout: float) -> None:
    started = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except Exception as e:  # noqa: BLE001
        tally.fail(f"connect: {type(e).__name__}")
        return
    try:
        writer.write(request)
        await writer.drain()
        buf = b""
        deadline = started + timeout
        while True:
            head, sep, body = buf.partition(b"\r\n\r\n")
            if sep and b"data:" in body and b"\n\n" in body[body.index(b"data:"):]:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                tally.fail("no first event in time")
                return
            chunk = await asyncio.wait_for(reader.read(65536), remaining)
            if not chunk:
                tally.fail("closed before the first event")
                return
            buf += chunk
        if not buf.startswith(b"HTTP/1.1 200"):
            tally.fail("status " + buf[:12].decode("latin-1", "replace"))
            return
        tally.ok += 1
        tally.first_event_ms.append((time.monotonic() - started) * 1000)
    except asyncio.TimeoutError:
        tally.fail("timeout")
    except Exception as e:  # noqa: BLE001
        tally.fail(f"{type(e).__name__}")
    finally:
        sock = writer.get_extra_info("socket")
        if index % 2 and sock is not None:
            try:  # vanish with a reset
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        writer.close()
        try:
            await writer.wait_closed()
        except Exception:  # noqa: BLE001
            pass


async def storm(host: str, port: int, clients: int, concurrency: int, timeout: float) -> Tally:
    request = stream_request()
    tally = Tally()
    done = 0
    while done < clients:
        wave = min(concurrency, clients - done)
        await asyncio.gather(*(client(host, port, request, done + i, tally, timeout) for i in range(wave)))
        done += wave
    return tally


def run(server: "relib.Server", clients: int, concurrency: int, rss_slack_mb: float, timeout: float = 30.0,
        warmup: int = 200, rounds: int = 1) -> dict:
    """Warm-up, baseline, storm (`rounds` times), settle; returns the figures (and 'passed').
    With several rounds, RSS after the last must be within 8 MB of RSS after the first: memory
    the allocator keeps is fine, memory that grows with every storm is a leak."""
    asyncio.run(storm(server.host, server.port, min(warmup, clients), concurrency, timeout))
    server.wait_streams_zero(30)
    time.sleep(0.5)
    rss0, fds0 = server.rss_kb(), server.fds()
    started = time.monotonic()
    tally = Tally()
    rss_rounds = []
    peak_rss = 0
    settled_after = 0.0
    for _ in range(rounds):
        part = asyncio.run(storm(server.host, server.port, clients, concurrency, timeout))
        tally.ok += part.ok
        tally.failed += part.failed
        for k, v in part.errors.items():
            tally.errors[k] = tally.errors.get(k, 0) + v
        tally.first_event_ms += part.first_event_ms
        peak_rss = max(peak_rss, server.rss_kb())
        t0 = time.monotonic()
        server.wait_streams_zero(60)
        settled_after = max(settled_after, time.monotonic() - t0)
        rss_rounds.append(server.rss_kb())
    elapsed = time.monotonic() - started
    streams_left = server.wait_streams_zero(60)
    fds = relib.settle(server, fds0, 30)
    time.sleep(1.0)
    rss = server.rss_kb()
    healthy = server.healthy()
    # The journal keeps the last exchanges: each must say the client went away.
    code, journal = server.json("GET", "/__admin/requests?limit=1000&path=" + relib.CHAT_PATH)
    entries = journal.get("requests", []) if code == 200 else []
    went_away = sum(1 for e in entries if e.get("client_went_away"))
    lat = sorted(tally.first_event_ms)
    figures = {
        "clients": clients * rounds, "rounds": rounds, "concurrency": concurrency, "rss_after_each_round_kb": rss_rounds, "ok": tally.ok, "failed": tally.failed, "errors": tally.errors,
        "seconds": round(elapsed, 1), "first_event_ms_p50": round(lat[len(lat) // 2], 1) if lat else None,
        "first_event_ms_p99": round(lat[int(len(lat) * 0.99) - 1], 1) if lat else None,
        "active_streams_after": streams_left, "streams_zero_after_s": round(settled_after, 1),
        "rss_baseline_kb": rss0, "rss_peak_kb": peak_rss, "rss_after_kb": rss, "fds_baseline": fds0, "fds_after": fds,
        "journal_checked": len(entries), "journal_client_went_away": went_away, "healthy": healthy,
    }
    problems = []
    if tally.failed:
        problems.append(f"{tally.failed} clients failed: {tally.errors}")
    if streams_left != 0:
        problems.append(f"activeStreams still {streams_left}")
    if fds > fds0 + 2:
        problems.append(f"fds {fds} vs baseline {fds0}")
    if rss > rss0 + rss_slack_mb * 1024:
        problems.append(f"RSS {rss} kB vs baseline {rss0} kB (+{(rss - rss0) / 1024:.1f} MB > {rss_slack_mb} MB)")
    if not healthy:
        problems.append("health check failed")
    if len(rss_rounds) > 1 and rss_rounds[-1] - rss_rounds[0] > 8 * 1024:
        problems.append(f"RSS grew from round to round: {rss_rounds} kB")
    if entries and went_away != len(entries):
        problems.append(f"journal: {len(entries) - went_away} of {len(entries)} storm exchanges not marked client_went_away")
    figures["problems"] = problems
    figures["passed"] = not problems
    return figures


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=10_000)
    p.add_argument("--concurrency", type=int, default=500)
    p.add_argument("--rss-slack-mb", type=float, default=40)
    p.add_argument("--rounds", type=int, default=1, help="storms in a row (RSS must not grow from one to the next)")
    p.add_argument("--port", type=int)
    p.add_argument("--pid", type=int)
    p.add_argument("--name", default="disconnect-storm")
    args = p.parse_args()
    if args.port:
        server = relib.Server()
        server.port = args.port

        class _P:
            pid = args.pid
        server.proc = _P()  # type: ignore[assignment]
        figures = run(server, args.clients, args.concurrency, args.rss_slack_mb, rounds=args.rounds)
    else:
        with relib.Server(label="storm") as server:
            figures = run(server, args.clients, args.concurrency, args.rss_slack_mb, rounds=args.rounds)
            if not figures["passed"]:
                print(server.log_text(20), file=sys.stderr)
    relib.write_result(args.name, figures)
    print(json.dumps(figures))
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
