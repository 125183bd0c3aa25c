#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into OUTDIR/<target>/, from the repository's
fixtures/ and scenarios/ (so the seeds follow them) plus the hand-written fuzz/seeds/<target>/.

    fuzz/make-seeds.py OUTDIR

Targets: request (the RequestText form of FuzzSupport: "METHOD TARGET\\nName: value\\n\\nbody"),
json, fixture, scenario, fault, sse (a chunking prefix byte, then an SSE body)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("request", "json", "fixture", "scenario", "fault", "sse")

# Every fault kind with its parameters (docs/faults.md), valid and borderline.
FAULTS = [
    "http_error status=429",
    "http_error status=429; latency ms=500",
    "stream_error after_events=3 code=data_inspection_failed",
    'http_error status=400 message="Range of input length should be [1, 129024]"',
    'http_error code=arrearage format=sse retry_after=2 retry_after_ms=1500 should_retry=true',
    "http_error status=503 format=html",
    "http_error status=599",
    'http_error status=500 message="quote \\" and \\\\ and ; inside"',
    "latency ms=800; drop after_events=3",
    "latency min=10 max=20 seed=3",
    "latency mean=50 stddev=10 seed=18446744073709551615",
    "slow_chunks ms=5",
    "slow_chunks factor=2.5",
    "slow_chunks min=1 max=3 seed=9",
    "slow_chunks bytes_per_second=100",
    "stall after_events=2 ms=100",
    "stall after_bytes=10",
    "drop after_bytes=7",
    "reset after_events=1",
    "reset after_bytes=0",
    "hang ms=50",
    "hang",
    "malformed_chunk after_events=1 mode=truncated",
    "malformed_chunk after_events=0 mode=no_terminator",
    "malformed_chunk after_events=2 mode=not_json",
    'stream_error after_events=0 code=rate_limit_requests message="slow down"',
    "rate_limit rpm=1 tpm=10 scope=global",
    "rate_limit rpm=60 scope=key",
    "rate_limit",
    "drop after_events=1; reset after_events=2; stall after_events=3",
    "latency ms=86400000",
    "slow_chunks factor=1e300",
    "drop after_bytes=9223372036854775807",
]

HOSTILE_JSON = [
    b"[" * 600 + b"]" * 600,
    b'{"a":' * 300 + b"1" + b"}" * 300,
    b'{"n":1e400,"m":-1e-400,"i":12345678901234567890123,"f":0.1000000000000000055511151231257827}',
    b'{"s":"\\ud800","t":"\\u0000","u":"\xff\xfe"}',
    b'{"a":1,"a":2}',
    b'[1.0, 1, 1e0, 10e-1, -0, 0.0]',
    b'{"messages":[{"role":"user","content":null}],"model":null}',
]


# Values for every numeric field: huge, negative, fractional, non-finite, at and past each limit
# (docs/scenarios.md and docs/fixture-format.md, "Limits"). Written as YAML/JSON number text.
NUMBERS = ["0", "1", "-1", "1.5", "-0.5", "1e308", "-1e308", "1e400", "9223372036854775807", "9223372036854775808",
           "-9223372036854775808", "18446744073709551616", "1000000000", "1000000001", "315360000000", "315360000001",
           "86400000", "86400001", "1000000000000", "1000000000001"]
YAML_ONLY_NUMBERS = [".inf", "-.inf", ".nan", "nan", "inf", "0x10", "+5"]


def value_seeds(out: Path) -> None:
    """Scenario and fixture seeds with each numeric field set to each hostile number."""
    for field in ("times", "every", "chance", "from_ms", "until_ms"):
        for number in NUMBERS + YAML_ONLY_NUMBERS:
            yaml = f"name: v\nseed: 3\nsteps:\n  - times: 2\n    {field}: {number}\n    faults: [\"http_error status=429\"]\n  - faults: []\n"
            if field == "times":
                yaml = f"name: v\nsteps:\n  - times: 1\n    faults: []\n  - times: {number}\n    faults: []\n  - times: {number}\n    faults: []\n  - faults: []\n"
            write(out, "scenario", yaml.encode())
        for number in NUMBERS:
            step = {"faults": [], "times": 1} if field != "times" else {"faults": []}
            doc = '{"name":"v","steps":[' + json.dumps(step)[:-1] + f',"{field}":{number}}},{{"faults":[]}}]}}'
            write(out, "scenario", doc.encode())
    for number in NUMBERS + YAML_ONLY_NUMBERS:
        write(out, "scenario", f"name: v\nseed: {number}\nsteps: [{{faults: []}}]\n".encode())
        for fault in ("rate_limit rpm={n} tpm={n}", "drop after_bytes={n}", "stall after_events={n} ms={n}",
                      "slow_chunks bytes_per_second={n}", "slow_chunks factor={n}", "latency ms={n}"):
            write(out, "scenario", f"name: v\nsteps: [{{faults: [\"{fault.format(n=number)}\"]}}]\n".encode())
    for number in NUMBERS + ["100", "101", "199", "200", "204", "304", "599", "600"]:
        base = '{"mockscope":1,"request":{"method":"GET","path":"/v"},"response":{"status":%s,"body":"x"}}'
        write(out, "fixture", (base % number).encode())
        events = '{"mockscope":%s,"request":{"method":"POST","path":"/v"},"response":{"status":200,"events":[{"at":0,"data":"a"},{"at":%s,"data":"b"}]}}'
        write(out, "fixture", (events % ("1", number)).encode())
        write(out, "fixture", (events % (number, "1")).encode())
        usage = '{"mockscope":1,"request":{"method":"GET","path":"/v"},"response":{"status":200,"json":{"usage":{"completion_tokens":%s}}}}'
        write(out, "fixture", (usage % number).encode())


def write(out: Path, target: str, data: bytes) -> None:
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def request_text(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = f"{method} {target}\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n"
    return head.encode("utf-8") + body


def compact(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fixtures():
    for path in sorted((ROOT / "fixtures").rglob("*.json")):
        if path.name.startswith(".") or path.name.endswith(".tmp"):
            continue
        raw = path.read_bytes()
        try:
            yield path, raw, json.loads(raw)
        except ValueError:
            yield path, raw, None


def scenarios():
    try:
        import yaml  # optional: only for the JSON (admin API) form of the scenarios
    except ImportError:
        yaml = None
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        text = path.read_bytes()
        parsed = None
        if yaml is not None:
            try:
                parsed = yaml.safe_load(text)
            except Exception:
                parsed = None
        yield path, text, parsed


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    for target in TARGETS:
        hand = ROOT / "fuzz" / "seeds" / target
        for path in sorted(hand.glob("*")) if hand.is_dir() else []:
            if path.is_file():
                write(out, target, path.read_bytes())

    auth = [("Authorization", "Bearer sk-fuzz"), ("Content-Type", "application/json")]
    for path, raw, doc in fixtures():
        write(out, "fixture", raw)
        write(out, "json", raw)
        if not isinstance(doc, dict):
            continue
        req, resp = doc.get("request", {}), doc.get("response", {})
        body = compact(req["body"]) if "body" in req else b""
        if "body" in req:
            write(out, "json", body)
        target = req.get("path", "/")
        if req.get("query"):
            target += "?" + "&".join(f"{k}={v}" for k, v in req["query"].items())
        headers = auth + list((req.get("headers") or {}).items())
        method = req.get("method", "GET")
        write(out, "request", request_text(method, target, headers, body))
        for fault in FAULTS[:: max(1, len(FAULTS) // 6)]:
            write(out, "request", request_text(method, target, headers + [("X-MockScope-Fault", fault)], body))
        write(out, "request", request_text(method, target, headers + [("X-MockScope-Scenario", "flaky-5xx, drop-mid-stream")], body))
        write(out, "request", request_text(method, target, headers + [("X-MockScope-Speed", "0")], body))
        write(out, "request", request_text("POST", "/__admin/fixtures", [], raw))
        if isinstance(resp.get("json"), (dict, list)):
            write(out, "json", compact(resp["json"]))
        if isinstance(resp.get("body"), str):
            write(out, "json", resp["body"].encode("utf-8"))
        events = resp.get("events")
        if isinstance(events, list) and events:
            # The first few events: the splitter's bugs show on short inputs, and short inputs run fast.
            stream = "".join(e.get("data", "") for e in events[:6] if isinstance(e, dict)).encode("utf-8")[:3000]
            write(out, "sse", b"\x00" + stream)
            write(out, "sse", b"\x03\x00\x06\x1f" + stream)
            write(out, "sse", b"\x01\x00" + stream.replace(b"\n", b"\r\n"))
            for e in events[:3]:
                data = e.get("data", "") if isinstance(e, dict) else ""
                for line in data.splitlines():
                    if line.startswith("data:"):
                        write(out, "json", line[5:].strip().encode("utf-8"))

    for path, text, parsed in scenarios():
        write(out, "scenario", text)
        if parsed is not None:
            write(out, "scenario", compact(parsed))
            write(out, "json", compact(parsed))
            write(out, "request", request_text("POST", "/__admin/scenarios", [("Content-Type", "application/json")], compact(parsed)))
            for step in parsed.get("steps", []) if isinstance(parsed, dict) else []:
                for fault in step.get("faults", []) if isinstance(step, dict) else []:
                    if isinstance(fault, str):
                        write(out, "fault", fault.encode("utf-8"))

    value_seeds(out)
    for fault in FAULTS:
        write(out, "fault", fault.encode("utf-8"))
    for data in HOSTILE_JSON:
        write(out, "json", data)
    admin = [
        ("GET", "/__admin/status", b""), ("GET", "/__admin/health", b""), ("GET", "/__admin/metrics", b""),
        ("GET", "/__admin/requests?path=/compatible-mode/*&limit=5&status=200", b""), ("GET", "/__admin/requests/count?header=X-A:1", b""),
        ("DELETE", "/__admin/requests", b""), ("GET", "/__admin/conduct", b""), ("GET", "/__admin/fixtures", b""),
        ("GET", "/__admin/fixtures/compat/qwen-plus/who-are-you", b""), ("DELETE", "/__admin/fixtures/compat/models", b""),
        ("POST", "/__admin/fixtures/reload", b""), ("GET", "/__admin/settings", b""),
        ("PATCH", "/__admin/settings", b'{"speed":0,"unmatched":"synthesize"}'), ("POST", "/__admin/clock", b'{"advance_ms":60000}'),
        ("GET", "/__admin/clock", b""), ("POST", "/__admin/reset", b""), ("GET", "/__admin/scenarios", b""),
        ("POST", "/__admin/scenarios/flaky-5xx/activate", b""), ("POST", "/__admin/scenarios/reset", b""),
        ("DELETE", "/__admin/scenarios/arrearage", b""),
        ("POST", "/__admin/fixtures", b'{"mockscope":1,"name":"../../etc/x","request":{"method":"GET","path":"/x"},"response":{"status":200,"body":"x"}}'),
    ]
    for method, target, body in admin:
        write(out, "request", request_text(method, target, [("Content-Type", "application/json")], body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
