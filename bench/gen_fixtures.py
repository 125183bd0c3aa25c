#!/usr/bin/env python3
"""Generates the benchmark's inputs (standard library only).

  gen_fixtures.py json OUT          one ~600-byte non-stream fixture (a copy of
                                    fixtures/compat/qwen-plus/who-are-you) in OUT/fixtures/, its
                                    request body in OUT/request.json, its response bytes in OUT/body.bin
  gen_fixtures.py sse OUT           one slow stream: 20 events 100 ms apart (recorded timing), in
                                    OUT/fixtures/, its request in OUT/request.json, the raw event
                                    bytes in OUT/events.txt (for bare_mhd sse)
  gen_fixtures.py many N OUT        N distinct non-stream fixtures, one file each, in OUT/fixtures/;
                                    the request of the last one in OUT/request.json
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = "/compatible-mode/v1/chat/completions"


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        f.write(data)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def gen_json(out):
    with open(os.path.join(ROOT, "fixtures/compat/qwen-plus/who-are-you.json"), encoding="utf-8") as f:
        fixture = json.load(f)
    write(os.path.join(out, "fixtures/who-are-you.json"), json.dumps(fixture, ensure_ascii=False, indent=2))
    write(os.path.join(out, "request.json"), compact(fixture["request"]["body"]))
    write(os.path.join(out, "body.bin"), fixture["response"]["body"].encode("utf-8"), "wb")
    write(os.path.join(out, "path.txt"), fixture["request"]["path"])


def gen_sse(out, events=20, gap_ms=100):
    body = {"model": "qwen-plus", "messages": [{"role": "user", "content": "bench: a slow stream"}], "stream": True}
    items = []
    for i in range(events - 1):
        finish = "stop" if i == events - 2 else None
        chunk = {
            "choices": [{"delta": {"content": "" if finish else f"piece {i:02d} of the slow stream. "},
                         "finish_reason": finish, "index": 0, "logprobs": None}],
            "object": "chat.completion.chunk", "usage": None, "created": 1741501288,
            "system_fingerprint": None, "model": "qwen-plus", "id": "chatcmpl-bench-slow-stream",
        }
        items.append("data: " + compact(chunk) + "\n\n")
    items.append("data: [DONE]\n\n")
    fixture = {
        "mockscope": 1,
        "name": "bench/slow-stream",
        "description": f"bench: {events} SSE events {gap_ms} ms apart",
        "metadata": {"timing": "recorded", "source": "bench/gen_fixtures.py"},
        "request": {"method": "POST", "path": PATH, "body": body},
        "response": {
            "status": 200,
            "headers": {"content-type": "text/event-stream;charset=UTF-8", "x-dashscope-call-gateway": "true"},
            "events": [{"at": gap_ms * i, "data": data} for i, data in enumerate(items)],
        },
    }
    write(os.path.join(out, "fixtures/slow-stream.json"), json.dumps(fixture, ensure_ascii=False, indent=2))
    write(os.path.join(out, "request.json"), compact(body))
    write(os.path.join(out, "events.txt"), "".join(items))
    write(os.path.join(out, "path.txt"), PATH)


def gen_many(n, out):
    last = None
    for i in range(n):
        body = {"model": "qwen-plus", "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": f"Question number {i}: what is {i} plus {i}?"}]}
        answer = {"id": f"chatcmpl-bench-{i}", "object": "chat.completion", "created": 1739363139, "model": "qwen-plus",
                  "choices": [{"index": 0, "finish_reason": "stop",
                               "message": {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."}}],
                  "usage": {"prompt_tokens": 22, "completion_tokens": 8, "total_tokens": 30}}
        fixture = {"mockscope": 1, "name": f"bench/many/q{i:06d}",
                   "request": {"method": "POST", "path": PATH, "body": body},
                   "response": {"status": 200, "headers": {"content-type": "application/json"}, "json": answer}}
        write(os.path.join(out, "fixtures", f"q{i // 1000:03d}", f"q{i:06d}.json"), compact(fixture))
        last = body
    write(os.path.join(out, "request.json"), compact(last))
    write(os.path.join(out, "path.txt"), PATH)


if __name__ == "__main__":
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind == "json" and len(sys.argv) == 3:
        gen_json(sys.argv[2])
    elif kind == "sse" and len(sys.argv) == 3:
        gen_sse(sys.argv[2])
    elif kind == "many" and len(sys.argv) == 4:
        gen_many(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)
