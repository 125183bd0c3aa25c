#!/usr/bin/env python3
"""The CPU an idle server spends on held connections (round two, finding 9).

Starts `mockscope serve --speed 0` ($MOCKSCOPE_BIN, default .build/debug/mockscope, or --bin) on
127.0.0.1, opens N connections that each ask for a `hang ms=600000` (X-MockScope-Fault), waits
until the server holds them all (`openRequests` in /__admin/status), lets it sit for --seconds
while reading its CPU time (utime + stime) from /proc/PID/stat, then resets every connection and
stops the server. Prints one JSON line, e.g.
  {"connections": 10000, "seconds": 10.0, "cpu_percent_of_a_core": 0.3, ...}
and appends it to .build-rel/reliability-results.jsonl like the other reliability scripts.

Bounded: at most --connections (<= 15,000) sockets, opened in batches; --seconds <= 60.

    bench/idle_hangs.py --connections 10000 --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "reliability"))
import relib  # noqa: E402


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--bin", help="the mockscope binary (default $MOCKSCOPE_BIN or .build/debug/mockscope)")
    args = parser.parse_args()
    n = max(1, min(args.connections, 15_000))
    seconds = max(1.0, min(args.seconds, 60.0))
    if args.bin:
        os.environ["MOCKSCOPE_BIN"] = args.bin
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < n + 100:
        print(f"the open-file limit ({hard}) is too low for {n} connections", file=sys.stderr)
        return 2

    request = relib.chat_request(relib.WHO_BODY, {"X-MockScope-Fault": "hang ms=600000"})
    server = relib.Server("--speed", "0", "--log-level", "error", label="idle-hangs").start()
    sockets = []
    try:
        base = server.status()
        for start in range(0, n, 500):
            for _ in range(start, min(n, start + 500)):
                s = socket.create_connection((relib.HOST, server.port), timeout=10)
                s.sendall(request)
                sockets.append(s)
            relib.wait_for(lambda: server.status()["openRequests"] >= len(sockets), timeout=30)
        held = server.status()["openRequests"]
        time.sleep(1.0)  # let the last batch settle
        hz = os.sysconf("SC_CLK_TCK")
        t0, c0 = time.monotonic(), cpu_ticks(server.pid)
        time.sleep(seconds)
        t1, c1 = time.monotonic(), cpu_ticks(server.pid)
        cpu = (c1 - c0) / hz
        figures = {"connections": n, "held": held, "seconds": round(t1 - t0, 2), "cpu_seconds": round(cpu, 3),
                   "cpu_percent_of_a_core": round(100 * cpu / (t1 - t0), 2), "rss_mb": round(server.rss_kb() / 1024, 1),
                   "binary": str(relib.binary()), "base_open_requests": base["openRequests"]}
    finally:
        for s in sockets:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        server.stop()
    print(json.dumps(figures))
    relib.write_result("idle_hangs", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
