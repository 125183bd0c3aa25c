#!/usr/bin/env python3
"""Recorder durability: kill -9 in the middle of recordings never leaves a fixture that loads
half-written.

An upstream MockScope (default fixtures at recorded speed, --unmatched synthesize) stands in for
DashScope. Each iteration starts `mockscope serve --record all --upstream ... --record-to DIR`,
sends a burst of concurrent requests (new ones each iteration: synthesized answers, whole and
streamed; and the default fixtures' streams, a few seconds long), kills the recorder with SIGKILL
at a random moment while recordings are in flight, then runs `mockscope validate DIR`, which must
find no problem (temporary files, `.<name>.<random>.tmp`, are skipped by the loader). At the end
a plain `mockscope serve --fixtures DIR` must load the folder and replay a recorded exchange.

    Tests/reliability/recorder_durability.py [--iterations 30] [--clients 24] [--seed 8]
Prints one JSON line of figures; exit 1 when a check fails."""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import relib  # noqa: E402

FIX = relib.REPO / "fixtures"


def fire(port: int, body: dict, headers: dict, path: str, results: list) -> None:
    import http.client
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        h = {"Authorization": "Bearer sk-durable", "Content-Type": "application/json", **headers}
        conn.request("POST", path, body=json.dumps(body, ensure_ascii=False).encode(), headers=h)
        r = conn.getresponse()
        r.read()
        results.append(r.status)
    except Exception as e:  # noqa: BLE001 — the recorder is killed under our feet: expected
        results.append(type(e).__name__)


def validate(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(relib.binary()), "validate", str(folder)], capture_output=True, text=True, timeout=120,
                          cwd=folder.parent)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iterations", type=int, default=30)
    p.add_argument("--clients", type=int, default=24)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--name", default="recorder-durability")
    args = p.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="durable-", dir=relib._LOG_ROOT))  # removed at exit (RELIABILITY_KEEP_LOGS keeps it)
    folder = work / "recorded"
    streams = [relib.fixture_body(FIX / "compat/qwq-plus/decimal-compare.stream.json"),
               relib.fixture_body(FIX / "compat/qwen-turbo/tell-a-story.stream.json")]
    native_stream = relib.fixture_body(FIX / "native/qwq-plus/decimal-compare.stream.json")
    problems, kills, sent, answered = [], 0, 0, 0
    invalid_after = []
    started = time.monotonic()
    with relib.Server("--unmatched", "synthesize", label="upstream") as upstream:
        for it in range(args.iterations):
            rec = relib.Server("--record", "all", "--upstream", f"http://127.0.0.1:{upstream.port}",
                               "--record-to", str(folder), "--speed", "1", label=f"recorder{it}")
            rec.start()
            results: list = []
            threads = []
            for c in range(args.clients):
                kind = c % 4
                if kind == 0:    # a default fixture's stream, replayed upstream with its timing
                    body, headers, path = streams[c % 2], {}, relib.CHAT_PATH
                elif kind == 1:  # a native stream
                    body, headers, path = native_stream, {"X-DashScope-SSE": "enable"}, relib.NATIVE_PATH
                elif kind == 2:  # a new synthesized stream
                    body, headers, path = ({"model": "qwen-plus", "stream": True, "messages": [
                        {"role": "user", "content": f"iteration {it} client {c}: tell a long story"}]}, {}, relib.CHAT_PATH)
                else:            # a new synthesized whole answer
                    body, headers, path = ({"model": "qwen-plus", "messages": [
                        {"role": "user", "content": f"iteration {it} client {c}: hello"}]}, {}, relib.CHAT_PATH)
                t = threading.Thread(target=fire, args=(rec.port, body, headers, path, results), daemon=True)
                threads.append(t)
                t.start()
                sent += 1
                time.sleep(rng.uniform(0, 0.02))
            time.sleep(rng.uniform(0.05, 1.5))
            rec.kill9()
            kills += 1
            for t in threads:
                t.join(20)
            answered += sum(1 for r in results if r == 200)
            check = validate(folder)
            if check.returncode != 0:
                invalid_after.append(it)
                problems.append(f"iteration {it}: validate failed:\n{check.stdout[-1500:]}{check.stderr[-500:]}")
                break
            rec.stop()
        fixtures = [p for p in folder.rglob("*.json") if not p.name.startswith(".")]
        temporaries = [p for p in folder.rglob("*") if p.is_file() and p.name.endswith(".tmp")]
        final = validate(folder)
        # The folder serves, and a recorded exchange replays.
        replayed = None
        if final.returncode == 0 and fixtures:
            with relib.Server("--fixtures", str(folder), "--speed", "0", label="replay") as replay:
                sample = json.loads(fixtures[0].read_text())
                req = sample["request"]
                status, _, _ = replay.request(req["method"], req["path"],
                                              json.dumps(req.get("body")).encode() if "body" in req else None,
                                              {"Authorization": "Bearer sk-durable", "Content-Type": "application/json",
                                               **(req.get("headers") or {})})
                replayed = status
                if status != sample["response"]["status"]:
                    problems.append(f"replaying {fixtures[0].name} answered {status}")
        if final.returncode != 0 and not invalid_after:
            problems.append(f"final validate failed: {final.stdout[-1500:]}")
    summary_line = final.stdout.strip().splitlines()[-1] if final.stdout.strip() else ""
    figures = {"iterations": args.iterations, "kills": kills, "requests_sent": sent, "answered_200_before_kill": answered,
               "fixtures_on_disk": len(fixtures), "temporary_files_left": len(temporaries),
               "validate": summary_line, "replay_status": replayed, "seconds": round(time.monotonic() - started, 1),
               "problems": problems, "passed": not problems}
    relib.write_result(args.name, figures)
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
