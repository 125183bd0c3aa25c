"""A tiny upstream for the recorder tests: http.server in a thread on 127.0.0.1,
port 0. It counts what it was asked and answers by the request's `model`:

  test-echo      200 JSON: what arrived (method, path, query, headers, body text)
  test-secret    200 JSON that echoes the caller's key (body and set-cookie), to
                 check the recorder scrubs what comes back too
  test-secret-stream
                 the same as an SSE stream
  test-stream    200 SSE, three events 40 ms apart, then [DONE]
  test-die       200 SSE (chunked): two events, then the connection is cut
                 without the terminating chunk
  test-429       429 with an OpenAI-shaped JSON error and two extra headers
  test-tools     a chat completion calling get_weather {"location": "Paris", "days": 3}
                 (SSE in three chunks when the body says "stream": true)
  GET /api/v1/tasks/{id}
                 a polled task: PENDING, RUNNING, then SUCCEEDED for ever (counted per id)
  anything else  200 JSON chat completion repeating the last user text
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List

RATE_LIMIT_BODY = {
    "error": {
        "message": "Requests rate limit exceeded, please try again later.",
        "type": "limit_requests",
        "param": None,
        "code": "limit_requests",
    },
    "request_id": "0f0f0f0f-0000-4000-8000-000000000429",
}

TOOL_ARGUMENTS = '{"location": "Paris", "days": 3}'
TASK_STATUSES = ["PENDING", "RUNNING", "SUCCEEDED"]


class Upstream:
    def __init__(self) -> None:
        self.seen: List[Dict[str, Any]] = []
        self.polls: Dict[str, int] = {}
        self._lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urllib.parse.urlsplit(self.path)
                record = {
                    "method": self.command,
                    "path": url.path,
                    "query": urllib.parse.parse_qsl(url.query, keep_blank_values=True),
                    "headers": [[k, v] for k, v in self.headers.items()],
                    "body": body.decode("utf-8", "replace"),
                }
                with upstream._lock:
                    upstream.seen.append(record)
                try:
                    parsed = json.loads(body) if body else {}
                except ValueError:
                    parsed = {}
                model = parsed.get("model") if isinstance(parsed, dict) else None
                auth = self.headers.get("Authorization", "")
                key = auth.split(" ", 1)[1] if " " in auth else auth
                if self.command == "GET" and url.path.startswith("/api/v1/tasks/"):
                    task_id = url.path.rsplit("/", 1)[1]
                    with upstream._lock:
                        poll = upstream.polls.get(task_id, 0)
                        upstream.polls[task_id] = poll + 1
                    status = TASK_STATUSES[min(poll, len(TASK_STATUSES) - 1)]
                    output = {"task_id": task_id, "task_status": status}
                    if status == "SUCCEEDED":
                        output["results"] = [{"url": "https://example.invalid/1.png"}]
                    self._json(200, {"request_id": f"poll-{poll + 1}", "output": output})
                elif model == "test-echo" or (self.command == "GET" and url.path.endswith("/echo")):
                    self._json(200, record)
                elif model == "test-secret":
                    self._json(200, {"echo": f"your key is {key}", "api_key": key, "ok": True},
                               extra=[("Set-Cookie", f"session={key}; Path=/; HttpOnly")])
                elif model == "test-secret-stream":
                    self._sse([f'data: {{"echo":"{key}"}}\n\n', "data: [DONE]\n\n"], gap=0.01)
                elif model == "test-stream":
                    self._sse(['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: {"n":3}\n\n', "data: [DONE]\n\n"], gap=0.04)
                elif model == "test-die":
                    self._sse(['data: {"n":1}\n\n', 'data: {"n":2}\n\n'], gap=0.03, die=True)
                elif model == "test-tools":
                    self._tool_call(bool(parsed.get("stream")))
                elif model == "test-429":
                    self._json(429, RATE_LIMIT_BODY, extra=[("x-request-id", RATE_LIMIT_BODY["request_id"]),
                                                            ("x-test-limit", "rpm=1")])
                else:
                    text = ""
                    for message in (parsed.get("messages") or []) if isinstance(parsed, dict) else []:
                        if message.get("role") == "user" and isinstance(message.get("content"), str):
                            text = message["content"]
                    self._json(200, {
                        "id": "chatcmpl-python-upstream", "object": "chat.completion", "created": 1700000000,
                        "model": model or "unknown",
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": f"you said: {text}"}}],
                        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
                    }, extra=[("x-request-id", "python-upstream-1")])

            def _tool_call(self, stream: bool) -> None:
                call = {"id": "call_upstream_0001", "type": "function",
                        "function": {"name": "get_weather", "arguments": TOOL_ARGUMENTS}}
                if not stream:
                    self._json(200, {
                        "id": "chatcmpl-tools", "object": "chat.completion", "created": 1700000000, "model": "test-tools",
                        "choices": [{"index": 0, "finish_reason": "tool_calls",
                                     "message": {"role": "assistant", "content": "", "tool_calls": [dict(call, index=0)]}}],
                        "usage": {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30},
                    }, extra=[("x-request-id", "python-upstream-tools")])
                    return
                def chunk(delta: Dict[str, Any], finish=None) -> str:
                    return "data: " + json.dumps({"id": "chatcmpl-tools", "object": "chat.completion.chunk", "created": 1700000000,
                                                  "model": "test-tools", "choices": [{"index": 0, "delta": delta,
                                                                                     "finish_reason": finish}]}) + "\n\n"
                half = len(TOOL_ARGUMENTS) // 2
                self._sse([chunk({"role": "assistant", "content": None, "tool_calls": [
                               {"index": 0, "id": call["id"], "type": "function",
                                "function": {"name": "get_weather", "arguments": TOOL_ARGUMENTS[:half]}}]}),
                           chunk({"tool_calls": [{"index": 0, "id": "", "type": "function",
                                                  "function": {"arguments": TOOL_ARGUMENTS[half:]}}]}),
                           chunk({"content": ""}, finish="tool_calls"),
                           "data: [DONE]\n\n"], gap=0.01)

            def _json(self, status: int, value: Any, extra=()) -> None:
                data = json.dumps(value, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, v in extra:
                    self.send_header(name, v)
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()

            def _sse(self, events: List[str], gap: float, die: bool = False) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream;charset=UTF-8")
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("x-request-id", "python-upstream-sse")
                self.end_headers()
                self.wfile.flush()
                # The sleeps here pace the fake upstream on purpose (they are not waits on a
                # state): the events go out `gap` apart, the timing the recorder must keep.
                for event in events:
                    time.sleep(gap)  # deliberate pacing: the gap before each event
                    data = event.encode("utf-8")
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                if die:
                    time.sleep(gap)  # deliberate pacing: the cut comes a gap after the last event
                    self.close_connection = True
                    import socket
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="record-upstream", daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.seen)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
