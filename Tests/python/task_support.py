"""What the task-style tests (images, videos, files and batches) share: servers whose tasks move
on a virtual clock or finish at once, and the dashscope SDK pointed at one."""

from __future__ import annotations

PENDING_MS = 500
RUNNING_MS = 1500


def virtual_task_server(mockscope_server, label: str, pending_ms: int = PENDING_MS, running_ms: int = RUNNING_MS):
    """Tasks on a virtual clock: they move only when the test moves the clock."""
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", "--clock", "virtual",
                            "--task-pending-ms", str(pending_ms), "--task-running-ms", str(running_ms), label=label)


def instant_task_server(mockscope_server, label: str):
    """Tasks that are done as soon as they are made (the SDK's wait returns on its first poll)."""
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", "--task-pending-ms", "0",
                            "--task-running-ms", "0", label=label)


def use_dashscope(monkeypatch, server, key: str):
    """The dashscope SDK's module-level base URL and key, for this test only."""
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", server.native_url)
    monkeypatch.setattr(dashscope, "api_key", key)
    return dashscope
