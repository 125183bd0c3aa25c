"""The installed `mockscope` wheel on a machine with only Python (scripts/check-wheel runs this
inside a minimal Debian root): the plugin's `mockscope` fixture finds the bundled server with no
environment variable, the `mockscope serve` command serves the default fixtures, and the
launcher names the platform the bundled binary needs.

With MOCKSCOPE_EXPECT_BIN (the plain archive's binary, given with --mockscope-bin), the same
tests check that binary instead of the bundled one."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import dashscope
import openai
import requests

from mockscope_client import bundled_binary, eventually

WHO = [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "你是谁？"}]
WHO_ANSWER = "我是来自阿里云的大规模语言模型，我叫通义千问。"
EXPECTED_BIN = os.environ.get("MOCKSCOPE_EXPECT_BIN")
VENV_BIN = Path(sys.prefix) / "bin"


def test_the_plugin_runs_the_expected_binary(mockscope):
    """No MOCKSCOPE_BIN: the bundled server, inside the installed package (or the archive's)."""
    assert "MOCKSCOPE_BIN" not in os.environ
    binary = Path(mockscope.command()[0])
    if EXPECTED_BIN:
        assert binary == Path(EXPECTED_BIN)
    else:
        assert binary == bundled_binary()
        assert binary.is_relative_to(Path(sys.prefix)), binary
        assert binary.parts[-3:] == ("mockscope_client", "bin", "mockscope"), binary


def test_openai_sdk_through_the_plugin(mockscope):
    client = openai.OpenAI(api_key="sk-wheel", base_url=mockscope.compat_url, max_retries=0)
    completion = client.chat.completions.create(model="qwen-plus", messages=WHO)
    assert completion.choices[0].message.content == WHO_ANSWER
    [entry] = mockscope.wait_for_requests(1, path="/compatible-mode/v1/chat/completions")
    assert entry["fixture"] == "compat/qwen-plus/who-are-you"


def test_dashscope_sdk_through_the_plugin(mockscope):
    dashscope.base_http_api_url = mockscope.native_url
    whole = dashscope.Generation.call(api_key="sk-wheel", model="qwen-plus", messages=WHO, result_format="message")
    assert whole.status_code == 200 and whole.output.choices[0].message.content == WHO_ANSWER
    reasoning, answer = [], []
    for chunk in dashscope.Generation.call(api_key="sk-wheel", model="qwq-plus",
                                           messages=[{"role": "user", "content": "9.9和9.11谁大"}],
                                           result_format="message", stream=True, incremental_output=True):
        assert chunk.status_code == 200, chunk
        message = chunk.output.choices[0].message
        reasoning.append(message.get("reasoning_content", "") or "")
        answer.append(message.content or "")
    assert "".join(reasoning) and "".join(answer)
    fixtures = [e["fixture"] for e in mockscope.wait_for_requests(2, path="/api/v1/*")]
    assert fixtures == ["native/qwen-plus/who-are-you", "native/qwq-plus/decimal-compare.stream"]


def test_mockscope_serve_command_serves_the_default_fixtures(tmp_path):
    """`mockscope serve` from the venv's PATH (the console launcher), run from an empty folder."""
    command = [EXPECTED_BIN] if EXPECTED_BIN else [str(VENV_BIN / "mockscope")]
    port_file = tmp_path / "port"
    server = subprocess.Popen([*command, "serve", "--port", "0", "--port-file", str(port_file), "--speed", "0"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = eventually(lambda: port_file.is_file() and port_file.read_text().strip(), timeout=30,
                          message="the port file written")
        base = f"http://127.0.0.1:{port}"
        client = openai.OpenAI(api_key="sk-wheel", base_url=base + "/compatible-mode/v1", max_retries=0)
        completion = client.chat.completions.create(model="qwen-plus", messages=WHO)
        assert completion.choices[0].message.content == WHO_ANSWER
        status = requests.get(base + "/__admin/status", timeout=10).json()
        assert status["status"] == "ok" and status["fixtures"] > 10, status
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=30)
    assert server.returncode == 0, log


def run_launcher(*args: str, env=None, prelude: str = "") -> subprocess.CompletedProcess:
    code = prelude + "from mockscope_client.launcher import main; import sys; sys.argv[0] = 'mockscope'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60,
                          env=env if env is not None else {k: v for k, v in os.environ.items() if k != "MOCKSCOPE_BIN"})


def test_version_is_the_packages():
    run = subprocess.run([str(VENV_BIN / "mockscope"), "--version"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == importlib.metadata.version("mockscope")


def test_an_unsupported_platform_is_named():
    """The launcher on another CPU: exit 2, saying which platform the bundled server needs."""
    run = run_launcher("serve", prelude="import platform; platform.machine = lambda: 'aarch64'\n")
    assert run.returncode == 2, run
    assert "needs Linux x86_64 with glibc" in run.stderr and "manylinux_" in run.stderr, run.stderr
    assert "this machine is Linux aarch64" in run.stderr and "MOCKSCOPE_BIN" in run.stderr, run.stderr


def test_mockscope_bin_still_wins_over_the_bundled_server():
    env = {**os.environ, "MOCKSCOPE_BIN": "/no/such/mockscope"}
    run = run_launcher("--version", env=env)
    assert run.returncode == 2
    assert "MockScope binary not found or not executable: /no/such/mockscope" in run.stderr, run.stderr
