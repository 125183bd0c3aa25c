"""Scenarios at runtime (docs/scenarios.md, "Runtime (admin API)"): create,
list, activate/deactivate, reset, replace, delete; bad definitions refused
with a 400 naming the field; and seeded chance repeating exactly."""

from __future__ import annotations

import textwrap

import openai
import pytest

import expected as E
from fault_support import (
    SCENARIO, admin, admin_json, ask_who, matched, openai_client, scenario_info, scenario_list,
    status_of,
)

CASE = "X-Test-Case"
RUNS = 30


def _selected_client(server, case: str):
    """A client whose requests carry X-Test-Case: case (what the test scenarios match)."""
    return openai_client(server, max_retries=0, headers={CASE: case})


@pytest.fixture
def cleanup(fault_server):
    names = []
    yield names
    for name in names:
        admin(fault_server, "DELETE", f"/scenarios/{name}")


def test_admin_scenario_lifecycle(fault_server, cleanup):
    name = "t-admin-lifecycle"
    cleanup.append(name)
    definition = {
        "name": name,
        "description": "Forbids the requests of the admin lifecycle test.",
        "match": {"headers": {CASE: "admin-lifecycle"}},
        "steps": [{"faults": ["http_error status=403"]}],
    }
    r = admin(fault_server, "POST", "/scenarios", json=definition)
    assert r.status_code in (200, 201), r.text

    listed = [s for s in scenario_list(fault_server) if s.get("name") == name]
    assert len(listed) == 1, f"{name} not listed once: {scenario_list(fault_server)}"
    info = scenario_info(fault_server, name)
    assert info["active"] is True and info["matched"] == 0, info

    selected = _selected_client(fault_server, "admin-lifecycle")
    with pytest.raises(openai.PermissionDeniedError) as err:
        ask_who(selected)
    assert err.value.code == "AccessDenied"
    # a request the scenario does not select passes through untouched
    assert ask_who(openai_client(fault_server)).choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert matched(fault_server, name) == 1

    admin_json(fault_server, "POST", f"/scenarios/{name}/deactivate")
    assert scenario_info(fault_server, name)["active"] is False
    assert ask_who(selected).choices[0].message.content == E.WHO_ARE_YOU_CONTENT
    assert matched(fault_server, name) == 1, "an inactive scenario selected a request"

    admin_json(fault_server, "POST", f"/scenarios/{name}/activate")
    assert scenario_info(fault_server, name)["active"] is True
    with pytest.raises(openai.PermissionDeniedError):
        ask_who(selected)
    assert matched(fault_server, name) == 2

    admin_json(fault_server, "POST", f"/scenarios/{name}/reset")
    assert matched(fault_server, name) == 0

    # create again under the same name = replace; faults as maps this time
    definition["steps"] = [{"faults": [{"kind": "http_error", "status": 404}]}]
    r = admin(fault_server, "POST", "/scenarios", json=definition)
    assert r.status_code in (200, 201), r.text
    with pytest.raises(openai.NotFoundError):
        ask_who(selected)
    assert len([s for s in scenario_list(fault_server) if s.get("name") == name]) == 1

    r = admin(fault_server, "DELETE", f"/scenarios/{name}")
    assert r.status_code in (200, 204), r.text
    assert admin(fault_server, "GET", f"/scenarios/{name}").status_code == 404
    assert name not in [s.get("name") for s in scenario_list(fault_server)]
    assert ask_who(selected).choices[0].message.content == E.WHO_ARE_YOU_CONTENT


def test_admin_define_inactive_then_reset_all(fault_server, cleanup):
    name = "t-admin-inactive"
    cleanup.append(name)
    r = admin(fault_server, "POST", "/scenarios", json={
        "name": name, "active": False,
        "match": {"headers": {CASE: "admin-inactive"}},
        "steps": [{"times": 1, "faults": ["http_error status=500"]}, {"faults": []}],
    })
    assert r.status_code in (200, 201), r.text
    assert scenario_info(fault_server, name)["active"] is False
    client = _selected_client(fault_server, "admin-inactive")
    assert status_of(lambda: ask_who(client)) == 200
    admin_json(fault_server, "POST", f"/scenarios/{name}/activate")
    assert [status_of(lambda: ask_who(client)) for _ in range(3)] == [500, 200, 200]
    admin_json(fault_server, "POST", "/scenarios/reset")
    assert matched(fault_server, name) == 0
    assert [status_of(lambda: ask_who(client)) for _ in range(2)] == [500, 200]


def test_admin_steps_times_and_every(fault_server, cleanup):
    name = "t-admin-every"
    cleanup.append(name)
    admin_json(fault_server, "POST", "/scenarios", json={
        "name": name, "match": {"headers": {CASE: "admin-every"}},
        "steps": [{"times": 2, "faults": []},
                  {"times": 6, "every": 3, "faults": ["http_error status=503"]},
                  {"faults": ["http_error status=401"]}],
    })
    client = _selected_client(fault_server, "admin-every")
    got = [status_of(lambda: ask_who(client)) for _ in range(9)]
    assert got == [200, 200, 200, 200, 503, 200, 200, 503, 401], got


BAD_DEFINITIONS = [
    ({"steps": [{"faults": []}]}, "name"),
    ({"name": "t-bad-times", "steps": [{"times": "two", "faults": []}]}, "times"),
    ({"name": "t-bad-chance", "steps": [{"chance": 1.5, "faults": ["drop after_events=1"]}]},
     "chance"),
    ({"name": "t-bad-kind", "steps": [{"faults": ["explode after_events=1"]}]}, "explode"),
    ({"name": "t-bad-order", "steps": [{"faults": []}, {"times": 1, "faults": []}]}, "times"),
]


@pytest.mark.parametrize("definition,field", BAD_DEFINITIONS,
                         ids=["no-name", "times-not-number", "chance-above-1", "unknown-kind",
                              "times-missing-before-last"])
def test_admin_bad_definition_is_400(fault_server, definition, field):
    r = admin(fault_server, "POST", "/scenarios", json=definition)
    assert r.status_code == 400, f"{definition} -> {r.status_code}: {r.text[:300]}"
    assert field in r.text, f"the 400 does not name {field!r}: {r.text[:300]}"
    if "name" in definition:
        assert admin(fault_server, "GET", f"/scenarios/{definition['name']}").status_code == 404


def test_admin_body_not_json_is_400(fault_server):
    r = admin(fault_server, "POST", "/scenarios", data=b"name: yaml-is-not-json",
              headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text[:300]


def test_scenario_header_selects_library_scenario(fault_server):
    """`X-MockScope-Scenario: invalid-key` on a server that loaded no scenario."""
    client = openai_client(fault_server, headers={SCENARIO: "invalid-key"})
    with pytest.raises(openai.AuthenticationError) as info:
        ask_who(client)
    assert info.value.code == "invalid_api_key"
    assert ask_who(openai_client(fault_server)).choices[0].message.content == E.WHO_ARE_YOU_CONTENT


# ------------------------------------------------------------ seeded chance
FLAKY_30 = textwrap.dedent("""\
    name: flaky-30
    description: HTTP 500 with probability 0.3, seeded by the server's --seed.
    steps:
      - chance: 0.3
        faults: [http_error status=500]
""")


def _statuses(server, n=RUNS):
    client = openai_client(server, max_retries=0)
    return [status_of(lambda: ask_who(client)) for _ in range(n)]


def test_same_seed_same_faults(mockscope_server, tmp_path):
    path = tmp_path / "flaky-30.yaml"
    path.write_text(FLAKY_30, encoding="utf-8")
    runs = {}
    for label, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        srv = mockscope_server("--speed", "0", "--seed", seed, "--scenario", str(path),
                               label=f"flaky-30 seed {seed} {label}")
        try:
            runs[label] = _statuses(srv)
            if label == "a":
                admin_json(srv, "POST", "/scenarios/flaky-30/reset")
                assert _statuses(srv) == runs["a"], "reset did not rewind the generator"
        finally:
            srv.stop()
    assert set(runs["a"]) == {200, 500}, runs["a"]
    assert 3 <= runs["a"].count(500) <= 20, runs["a"]
    assert runs["a"] == runs["b"], "same --seed, different faults"
    assert runs["a"] != runs["c"], "--seed 1 and --seed 2 gave the same 30 outcomes"


def test_scenario_seed_wins_and_repeats(fault_server, cleanup):
    """A scenario created over the admin API with its own seed: reset replays it."""
    name = "t-seeded"
    cleanup.append(name)
    admin_json(fault_server, "POST", "/scenarios", json={
        "name": name, "seed": 42, "match": {"headers": {CASE: "seeded"}},
        "steps": [{"chance": 0.3, "faults": ["http_error status=500"]}],
    })
    client = _selected_client(fault_server, "seeded")
    first = [status_of(lambda: ask_who(client)) for _ in range(RUNS)]
    admin_json(fault_server, "POST", f"/scenarios/{name}/reset")
    second = [status_of(lambda: ask_who(client)) for _ in range(RUNS)]
    assert first == second
    assert set(first) == {200, 500}, first
    admin_json(fault_server, "POST", "/scenarios", json={
        "name": name, "seed": 43, "match": {"headers": {CASE: "seeded"}},
        "steps": [{"chance": 0.3, "faults": ["http_error status=500"]}],
    })
    third = [status_of(lambda: ask_who(client)) for _ in range(RUNS)]
    assert third != first, "seed 42 and seed 43 gave the same 30 outcomes"
