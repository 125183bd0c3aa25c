"""Rate limits on a virtual clock (`--clock virtual`, POST /__admin/clock):
scenarios rpm-limit (rpm=3) and tpm-limit (tpm=100), and the `rate_limit`
fault from the header. Windows are per API key and model (scope key_model,
docs/faults.md), so every test uses its own key and starts from a fresh window."""

from __future__ import annotations

import openai
import pytest

import expected as E
from fault_support import (
    COMPAT_ERRORS, COMPAT_TPM, FAULT, NATIVE_ERRORS, NATIVE_TPM, advance_clock, admin, ask_who,
    matched, native_who, openai_client, point_dashscope, reset_scenario,
)

MINUTE_MS = 60_000
MAX_TPM_TRIES = 10


def _rpm_server(scenario_server):
    srv = scenario_server("--clock", "virtual", "--scenario", "rpm-limit")
    reset_scenario(srv, "rpm-limit")
    return srv


def test_rpm_fourth_request_in_window_is_429(scenario_server):
    srv = _rpm_server(scenario_server)
    client = openai_client(srv, max_retries=0, api_key="sk-rpm-openai")
    for i in range(3):
        assert ask_who(client).choices[0].message.content == E.WHO_ARE_YOU_CONTENT, f"request {i + 1}"
    with pytest.raises(openai.RateLimitError) as info:
        ask_who(client)
    code, message = COMPAT_ERRORS[429]
    assert info.value.code == code
    assert info.value.message == f"Error code: 429 - {message}"
    assert info.value.request_id
    # still inside the window: still limited
    with pytest.raises(openai.RateLimitError):
        ask_who(client)
    advance_clock(srv, MINUTE_MS)
    assert ask_who(client).choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert matched(srv, "rpm-limit") == 6


def test_rpm_window_is_per_key_and_model(scenario_server):
    srv = _rpm_server(scenario_server)
    limited = openai_client(srv, api_key="sk-rpm-scope-a")
    for _ in range(3):
        ask_who(limited)
    with pytest.raises(openai.RateLimitError):
        ask_who(limited)
    # another key, same model: its own window
    assert ask_who(openai_client(srv, api_key="sk-rpm-scope-b")).choices
    # same key, another model (compat/qwen-turbo/nlp-intro): its own window
    other = limited.chat.completions.create(model=E.NLP_MODEL, messages=E.NLP_MESSAGES)
    assert other.choices[0].message.content
    advance_clock(srv, MINUTE_MS)


def test_rpm_native_shape(scenario_server, monkeypatch):
    srv = _rpm_server(scenario_server)
    point_dashscope(monkeypatch, srv)
    statuses = [native_who(api_key="sk-rpm-native").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    resp = native_who(api_key="sk-rpm-native")
    code, message = NATIVE_ERRORS[429]
    assert (resp.status_code, resp.code, resp.message) == (429, code, message)
    assert resp.request_id and resp.request_id == resp.headers.get("x-request-id")
    advance_clock(srv, MINUTE_MS)
    assert native_who(api_key="sk-rpm-native").status_code == 200


def test_clock_reads_and_advances(scenario_server):
    srv = _rpm_server(scenario_server)
    before = admin(srv, "GET", "/clock")
    assert before.status_code == 200, before.text
    advance_clock(srv, 1234)
    after = admin(srv, "GET", "/clock")
    assert after.status_code == 200 and after.text != before.text, (before.text, after.text)


def _trip_tpm(call, is_limited):
    """Calls until the first limited answer; returns (successes before it, that answer)."""
    ok = 0
    for _ in range(MAX_TPM_TRIES):
        result = call()
        if is_limited(result):
            return ok, result
        ok += 1
    pytest.fail(f"tpm=100 never tripped in {MAX_TPM_TRIES} requests of ~38 tokens each")


def test_tpm_trips_and_recovers_openai(scenario_server):
    srv = scenario_server("--clock", "virtual", "--scenario", "tpm-limit")
    reset_scenario(srv, "tpm-limit")
    client = openai_client(srv, max_retries=0, api_key="sk-tpm-openai")

    def call():
        try:
            return ask_who(client)
        except openai.RateLimitError as e:
            return e

    ok, err = _trip_tpm(call, lambda r: isinstance(r, openai.RateLimitError))
    assert 1 <= ok <= 3, f"who-are-you is 38 tokens; tpm=100 tripped after {ok} successes"
    code, message = COMPAT_TPM
    assert err.code == code
    assert err.message == f"Error code: 429 - {message}"
    advance_clock(srv, MINUTE_MS)
    assert ask_who(client).choices[0].message.content == E.WHO_ARE_YOU_CONTENT


def test_tpm_trips_and_recovers_native(scenario_server, monkeypatch):
    srv = scenario_server("--clock", "virtual", "--scenario", "tpm-limit")
    reset_scenario(srv, "tpm-limit")
    point_dashscope(monkeypatch, srv)
    ok, resp = _trip_tpm(lambda: native_who(api_key="sk-tpm-native"),
                         lambda r: r.status_code != 200)
    assert 1 <= ok <= 3
    code, message = NATIVE_TPM
    assert (resp.status_code, resp.code, resp.message) == (429, code, message)
    advance_clock(srv, MINUTE_MS)
    assert native_who(api_key="sk-tpm-native").status_code == 200


def test_rate_limit_from_header(scenario_server):
    srv = scenario_server("--clock", "virtual")
    client = openai_client(srv, max_retries=0, api_key="sk-rpm-header",
                           headers={FAULT: "rate_limit rpm=2"})
    ask_who(client)
    ask_who(client)
    with pytest.raises(openai.RateLimitError) as info:
        ask_who(client)
    assert info.value.code == COMPAT_ERRORS[429][0]
    advance_clock(srv, MINUTE_MS)
    assert ask_who(client).choices[0].message.content == E.WHO_ARE_YOU_CONTENT
