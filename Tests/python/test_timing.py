"""Replay timing, on the server started at the default speed (1).

The recorded offsets come from the fixture file itself
(fixtures/compat/qwen-turbo/tell-a-story.stream.json), read at test time."""

from __future__ import annotations

import json
import time

import httpx
import pytest

import expected as E
from mockscope_support import arrival_times, story_events

GAP_TOLERANCE_S = 0.010


def stream_story(server, extra_headers=None):
    """POST the story request (as the openai SDK sends it) and return
    (t_request, [(t_arrival, bytes)...], all_bytes)."""
    body = {"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True}
    headers = {"Authorization": f"Bearer {E.API_KEY}", **(extra_headers or {})}
    reads = []
    with httpx.Client(timeout=60, trust_env=False) as client:
        t0 = time.perf_counter()
        with client.stream("POST", f"{server.compat_url}/chat/completions",
                           json=body, headers=headers) as response:
            assert response.status_code == 200, response.read()
            assert response.headers["content-type"].startswith("text/event-stream")
            for piece in response.iter_raw():
                reads.append((time.perf_counter(), piece))
    return t0, reads, b"".join(p for _, p in reads)


def _gap_errors(server, events):
    ats = [e["at"] for e in events]
    _, reads, data = stream_story(server)
    assert data == "".join(e["data"] for e in events).encode("utf-8"), \
        "replayed bytes differ from the fixture's events"
    times = arrival_times(reads, events)
    assert len(times) == len(events)
    off = []
    for i in range(1, len(events)):
        recorded = (ats[i] - ats[i - 1]) / 1000.0
        actual = times[i] - times[i - 1]
        if abs(actual - recorded) > GAP_TOLERANCE_S:
            off.append(f"gap {i - 1}->{i}: recorded {recorded * 1000:.1f} ms, got {actual * 1000:.1f} ms")
    return off


def test_gaps_follow_the_recording(timed_server):
    """Every gap between consecutive events is within 10 ms of the recorded gap
    (the first event's absolute offset is not checked). One noisy measurement is
    forgiven: the stream is measured a second time before failing."""
    events = story_events()
    ats = [e["at"] for e in events]
    assert ats == sorted(ats)
    assert ats[-1] - ats[0] >= 100, "the story fixture has no timing to check (all offsets equal)"

    attempts = []
    for _ in range(2):
        off = _gap_errors(timed_server, events)
        if not off:
            return
        attempts.append(off)
    pytest.fail("\n".join(
        f"attempt {n + 1}: {len(off)} of {len(events) - 1} gaps off by more than 10 ms:\n  " + "\n  ".join(off)
        for n, off in enumerate(attempts)
    ))


def test_speed_header_zero_skips_the_delays(timed_server):
    events = story_events()
    recorded_total_s = events[-1]["at"] / 1000.0
    assert recorded_total_s >= 0.2, "the story fixture is too short to show a speed-up"

    t0, reads, data = stream_story(timed_server, {"X-MockScope-Speed": "0"})
    elapsed = reads[-1][0] - t0
    assert data == "".join(e["data"] for e in events).encode("utf-8")
    assert elapsed < recorded_total_s / 4, (
        f"X-MockScope-Speed: 0 took {elapsed * 1000:.0f} ms; the recording lasts "
        f"{recorded_total_s * 1000:.0f} ms"
    )


def test_default_speed_takes_the_recorded_time(timed_server):
    """Without the header the same stream lasts about as long as the recording."""
    events = story_events()
    recorded_total_s = events[-1]["at"] / 1000.0
    t0, reads, _ = stream_story(timed_server)
    elapsed = reads[-1][0] - t0
    assert elapsed >= recorded_total_s - GAP_TOLERANCE_S
    assert elapsed <= recorded_total_s + 0.5
