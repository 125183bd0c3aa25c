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
  gen_fixtures.py sse-responses OUT the slow stream as a Responses API stream (DashScope's framing)
  gen_fixtures.py sse-anthropic OUT the slow stream as an Anthropic Messages stream
  gen_fixtures.py embeddings OUT    one text-embedding-v4 fixture (OpenAI-compatible) and its request
  gen_fixtures.py synth OUT         figure 6's requests for `--unmatched synthesize`: OUT/plain.json,
                                    OUT/tools.json (three tools), OUT/schema20.json (a strict 20-field
                                    JSON schema), OUT/stream.json; an empty OUT/fixtures/
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


def _stream_fixture(out, name, path, body, items, gap_ms, content_type):
    fixture = {
        "mockscope": 1, "name": name,
        "description": f"bench: {len(items)} SSE events {gap_ms} ms apart",
        "metadata": {"timing": "recorded", "source": "bench/gen_fixtures.py"},
        "request": {"method": "POST", "path": path, "body": body},
        "response": {"status": 200, "headers": {"content-type": content_type},
                     "events": [{"at": gap_ms * i, "data": data} for i, data in enumerate(items)]},
    }
    write(os.path.join(out, "fixtures", name.replace("/", "-") + ".json"), json.dumps(fixture, ensure_ascii=False, indent=2))
    write(os.path.join(out, "request.json"), compact(body))
    write(os.path.join(out, "events.txt"), "".join(items))
    write(os.path.join(out, "path.txt"), path)


def gen_sse_responses(out, events=20, gap_ms=100):
    """created, in_progress, item and part added, 12 text deltas, text/part/item done, completed."""
    path = "/compatible-mode/v1/responses"
    body = {"model": "qwen-plus", "input": "bench: a slow stream", "stream": True}
    rid, mid = "resp_bench_slow_stream", "msg_bench_slow_stream"
    deltas = events - 8
    text = "".join(f"piece {i:02d} " for i in range(deltas))
    response = {"id": rid, "object": "response", "created_at": 1741501288, "model": "qwen-plus", "status": "in_progress", "output": []}
    done = dict(response, status="completed", output=[{"type": "message", "id": mid, "role": "assistant", "status": "completed",
                                                       "content": [{"type": "output_text", "text": text, "annotations": []}]}],
                usage={"input_tokens": 5, "output_tokens": deltas, "total_tokens": 5 + deltas})
    payloads = [("response.created", {"response": response}), ("response.in_progress", {"response": response}),
                ("response.output_item.added", {"output_index": 0, "item": {"type": "message", "id": mid, "role": "assistant",
                                                                             "status": "in_progress", "content": []}}),
                ("response.content_part.added", {"output_index": 0, "item_id": mid, "content_index": 0,
                                                 "part": {"type": "output_text", "text": "", "annotations": []}})]
    payloads += [("response.output_text.delta", {"output_index": 0, "item_id": mid, "content_index": 0, "delta": f"piece {i:02d} "})
                 for i in range(deltas)]
    payloads += [("response.output_text.done", {"output_index": 0, "item_id": mid, "content_index": 0, "text": text}),
                 ("response.content_part.done", {"output_index": 0, "item_id": mid, "content_index": 0,
                                                 "part": {"type": "output_text", "text": text, "annotations": []}}),
                 ("response.output_item.done", {"output_index": 0, "item": done["output"][0]}),
                 ("response.completed", {"response": done})]
    items = [f"id:{n + 1}\nevent:{kind}\n:HTTP_STATUS/200\ndata:" + compact(dict(payload, type=kind, sequence_number=n)) + "\n\n"
             for n, (kind, payload) in enumerate(payloads)]
    _stream_fixture(out, "bench/slow-stream-responses", path, body, items, gap_ms, "text/event-stream;charset=UTF-8")


def gen_sse_anthropic(out, events=20, gap_ms=100):
    """message_start, block start, ping, 13 text deltas, block stop, message_delta, message_stop."""
    path = "/apps/anthropic/v1/messages"
    body = {"model": "qwen-plus", "max_tokens": 256, "messages": [{"role": "user", "content": "bench: a slow stream"}], "stream": True}
    deltas = events - 6
    message = {"id": "msg_bench_slow_stream", "type": "message", "role": "assistant", "model": "qwen-plus", "content": [],
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 0}}
    payloads = [("message_start", {"message": message}),
                ("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
                ("ping", {})]
    payloads += [("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": f"piece {i:02d} "}}) for i in range(deltas)]
    payloads += [("content_block_stop", {"index": 0}),
                 ("message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": deltas}}),
                 ("message_stop", {})]
    items = [f"event: {kind}\ndata: " + compact(dict(payload, type=kind)) + "\n\n" for kind, payload in payloads]
    _stream_fixture(out, "bench/slow-stream-anthropic", path, body, items, gap_ms, "text/event-stream;charset=UTF-8")


def gen_embeddings(out):
    """A 1024-dimension text-embedding-v4 answer for one short text (OpenAI-compatible)."""
    path = "/compatible-mode/v1/embeddings"
    body = {"model": "text-embedding-v4", "input": "bench: embed this sentence", "dimensions": 1024, "encoding_format": "float"}
    vector = [round(((i * 7919) % 2000 - 1000) / 31623.0, 6) for i in range(1024)]
    answer = {"data": [{"embedding": vector, "index": 0, "object": "embedding"}], "model": "text-embedding-v4", "object": "list",
              "usage": {"prompt_tokens": 6, "total_tokens": 6}, "id": "bench-embedding"}
    fixture = {"mockscope": 1, "name": "bench/embedding", "request": {"method": "POST", "path": path, "body": body},
               "response": {"status": 200, "headers": {"content-type": "application/json"}, "json": answer}}
    write(os.path.join(out, "fixtures", "embedding.json"), json.dumps(fixture))
    write(os.path.join(out, "request.json"), compact(body))
    # A request no fixture has: synthesized with --unmatched synthesize.
    write(os.path.join(out, "synth-request.json"), compact(dict(body, input="bench: a sentence nobody recorded")))
    write(os.path.join(out, "path.txt"), path)


def gen_synth(out):
    """Figure 6's four chat requests, answered by `--unmatched synthesize` (nothing is recorded)."""
    user = [{"role": "user", "content": "What is the weather in Tokyo tomorrow, and should I take an umbrella?"}]
    tools = [{"type": "function", "function": {"name": name, "description": text, "parameters": {
        "type": "object", "properties": props, "required": list(props)}}}
        for name, text, props in [
            ("get_weather", "Current weather and forecast for a city",
             {"location": {"type": "string"}, "days": {"type": "integer", "minimum": 1}}),
            ("search_web", "Search the web for a query", {"query": {"type": "string"}}),
            ("final_answer", "Give the final answer to the user", {"answer": {"type": "string"}})]]
    kinds = [{"type": "string"}, {"type": "integer", "minimum": 0}, {"type": "boolean"},
             {"type": "array", "items": {"type": "string"}, "minItems": 1}]
    fields = {f"field_{i:02d}": kinds[i % 4] for i in range(20)}
    schema = {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}
    bodies = {
        "plain": {"model": "qwen-plus", "messages": user},
        "tools": {"model": "qwen-plus", "messages": user, "tools": tools},
        "schema20": {"model": "qwen-plus", "messages": [{"role": "system", "content": "Answer in JSON."}] + user,
                     "response_format": {"type": "json_schema", "json_schema": {"name": "report", "schema": schema, "strict": True}}},
        "stream": {"model": "qwen-plus", "messages": user, "stream": True, "stream_options": {"include_usage": True}},
    }
    os.makedirs(os.path.join(out, "fixtures"), exist_ok=True)
    for name, body in bodies.items():
        write(os.path.join(out, f"{name}.json"), json.dumps(body, ensure_ascii=False))
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
    elif kind == "sse-responses" and len(sys.argv) == 3:
        gen_sse_responses(sys.argv[2])
    elif kind == "sse-anthropic" and len(sys.argv) == 3:
        gen_sse_anthropic(sys.argv[2])
    elif kind == "embeddings" and len(sys.argv) == 3:
        gen_embeddings(sys.argv[2])
    elif kind == "synth" and len(sys.argv) == 3:
        gen_synth(sys.argv[2])
    elif kind == "many" and len(sys.argv) == 4:
        gen_many(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)
