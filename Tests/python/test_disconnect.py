"""A client that hangs up mid-stream: the server must notice and drop the stream."""

from __future__ import annotations

import json
import socket

import expected as E
from mockscope_support import active_streams, story_events, wait_for_no_streams


def test_disconnect_mid_stream_frees_the_stream(timed_server):
    events = story_events()
    remaining_ms = events[-1]["at"] - events[1]["at"]
    assert remaining_ms >= 300, "the story fixture is too short to catch it mid-stream"

    wait_for_no_streams(timed_server, "before the test (a previous stream is still counted)")
    host, port = timed_server.host_port
    body = json.dumps({"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True},
                      ensure_ascii=False).encode("utf-8")
    request = (
        "POST /compatible-mode/v1/chat/completions HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        f"Authorization: Bearer {E.API_KEY}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    ).encode("ascii") + body

    sock = socket.create_connection((host, port), timeout=10)
    try:
        sock.sendall(request)
        buf = b""
        while True:
            chunk = sock.recv(65536)
            assert chunk, f"server closed the connection early: {buf[:500]!r}"
            buf += chunk
            head, sep, rest = buf.partition(b"\r\n\r\n")
            if sep and rest.count(b"\n\n") >= 2:
                break
        assert head.startswith(b"HTTP/1.1 200"), head
        during = active_streams(timed_server)
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
    assert during == 1, f"activeStreams was {during} while a stream was open"
    wait_for_no_streams(timed_server, "after the client left")
