"""Fixtures of the `--unmatched synthesize` tests: import them into a test module
(`from synth_support import synth, client, ds`); each module gets its own server."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def synth(mockscope_server, request):
    """A speed-0 server that synthesizes every unmatched request, labelled by the test module."""
    label = request.module.__name__.removeprefix("test_")
    return mockscope_server("--speed", "0", "--unmatched", "synthesize", label=label)


@pytest.fixture
def client(synth):
    """The openai SDK against the server's compatible mode."""
    import openai
    return openai.OpenAI(api_key="sk-test", base_url=synth.compat_url, timeout=30, max_retries=0)


@pytest.fixture
def ds(synth, monkeypatch):
    """The dashscope 1.x API pointed at the server."""
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", synth.native_url)
    return dashscope
