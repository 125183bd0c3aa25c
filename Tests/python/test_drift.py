"""`mockscope drift` against a second MockScope as the upstream, whose fixtures were altered on
purpose: the report names each change, the exit code says drift, the key never lands anywhere,
and `--update` rewrites only what drifted (atomically, redacted, the name kept)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mockscope_support import REPO_ROOT, server_binary

SECRET = "sk-drift-0123456789abcdef"
PICKED = ["compat/qwen-plus/who-are-you.json", "compat/qwq-plus/decimal-compare.stream.json",
          "native/qwen-plus/who-are-you.json"]


def _copy(to: Path) -> None:
    for rel in PICKED:
        (to / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "fixtures" / rel, to / rel)


def _alter(upstream: Path) -> None:
    """The upstream's answers drift: a field added, one removed and one retyped in the compat
    answer; the stream loses its last content event and gains a named event; the native one is
    left alone."""
    path = upstream / PICKED[0]
    fixture = json.loads(path.read_text())
    body = json.loads(fixture["response"]["body"])
    body["safety_level"] = "standard"
    del body["system_fingerprint"]
    body["usage"]["total_tokens"] = str(body["usage"]["total_tokens"])
    fixture["response"]["body"] = json.dumps(body, ensure_ascii=False)
    fixture["response"]["headers"]["x-new-gateway-header"] = "1"
    path.write_text(json.dumps(fixture, ensure_ascii=False, indent=2))

    path = upstream / PICKED[1]
    fixture = json.loads(path.read_text())
    events = fixture["response"]["events"]
    del events[-3]
    events.insert(1, {"at": events[0]["at"], "data": "event: keepalive\ndata: {\"ok\":true}\n\n"})
    path.write_text(json.dumps(fixture, ensure_ascii=False, indent=2))


def _drift(*args: str, key: str = SECRET) -> subprocess.CompletedProcess:
    return subprocess.run([str(server_binary()), "drift", *args], capture_output=True, text=True, timeout=120,
                          env={"DASHSCOPE_API_KEY": key, "PATH": "/usr/bin:/bin"})


@pytest.fixture
def drifted(tmp_path, mockscope_server):
    recorded, upstream = tmp_path / "recorded", tmp_path / "upstream"
    _copy(recorded)
    _copy(upstream)
    _alter(upstream)
    server = mockscope_server("--fixtures", str(upstream), "--speed", "0", label="drift-upstream")
    return recorded, server


def test_drift_reports_each_change_and_exits_1(drifted, tmp_path):
    recorded, upstream = drifted
    report_file = tmp_path / "report.json"
    done = _drift("--upstream", upstream.base_url, "--fixtures", str(recorded), "--format", "json", "--report", str(report_file))
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report == json.loads(report_file.read_text())
    assert (report["checked"], report["drifted"], report["failed"]) == (3, 2, 0)
    by_name = {f["name"]: f for f in report["fixtures"]}
    compat = by_name["compat/qwen-plus/who-are-you"]
    assert compat["status"] == "drifted"
    assert set(compat["changes"]) == {
        "header added: x-new-gateway-header",
        "field added: $.safety_level (string)",
        "field removed: $.system_fingerprint (null)",
        "type changed: $.usage.total_tokens: number -> string",
    }
    stream = by_name["compat/qwq-plus/decimal-compare.stream"]
    assert "events \"keepalive\": 0 -> 1" in stream["changes"]
    assert any(c.startswith("events \"message\": ") for c in stream["changes"])
    assert by_name["native/qwen-plus/who-are-you"]["status"] == "unchanged"
    # The upstream was sent the key, which appears in no output.
    sent = upstream.requests(path="/compatible-mode/v1/chat/completions")
    assert sent and all(e.get("api_key", "").startswith("key-") for e in sent)
    for text in (done.stdout, done.stderr, report_file.read_text()):
        assert SECRET not in text
    # Nothing was rewritten without --update.
    for rel in PICKED:
        assert (recorded / rel).read_bytes() == (REPO_ROOT / "fixtures" / rel).read_bytes()


def test_text_report_and_update_rewrites_only_what_drifted(drifted):
    recorded, upstream = drifted
    done = _drift("--upstream", upstream.base_url, "--fixtures", str(recorded), "--update")
    assert done.returncode == 1, done.stderr
    assert "DRIFT    compat/qwen-plus/who-are-you" in done.stdout
    assert "[updated]" in done.stdout
    assert "3 fixture(s) checked" in done.stdout and "2 drifted" in done.stdout
    # The unchanged one is untouched; the drifted ones now hold the live answer, keep their names,
    # load, and carry no key.
    assert (recorded / PICKED[2]).read_bytes() == (REPO_ROOT / "fixtures" / PICKED[2]).read_bytes()
    for rel in PICKED[:2]:
        text = (recorded / rel).read_text()
        assert SECRET not in text
        assert json.loads(text)["name"] == rel[:-len(".json")]
    rewritten = json.loads((recorded / PICKED[0]).read_text())
    assert "safety_level" in json.loads(rewritten["response"]["body"])
    assert not list(recorded.rglob("*.tmp"))
    valid = subprocess.run([str(server_binary()), "validate", str(recorded)], capture_output=True, text=True, timeout=60)
    assert valid.returncode == 0, valid.stdout
    # Checked again: no drift left.
    again = _drift("--upstream", upstream.base_url, "--fixtures", str(recorded))
    assert again.returncode == 0, again.stdout
    assert "0 drifted" in again.stdout


def test_an_upstream_that_does_not_answer_exits_2(tmp_path):
    _copy(tmp_path)
    done = _drift("--upstream", "http://127.0.0.1:9", "--fixtures", str(tmp_path), "--timeout", "1")
    assert done.returncode == 2, done.stdout
    assert "FAILED" in done.stdout


def test_bad_options_are_refused_with_what_to_do(tmp_path):
    done = _drift("--fixtures", str(tmp_path))
    assert done.returncode != 0
    assert "--upstream URL or --region" in done.stderr
