"""Every admin route against its OpenAPI description (docs/admin-openapi.yaml), with
schemathesis: generated requests (valid and invalid) for every operation, each answer's
status code, content type and body checked against the document.

The generated requests run against a server of their own (`--clock virtual`, so POST /clock
answers 200): DELETE /requests, DELETE /fixtures/{name}, POST /reset and the scenario routes
change its state, which every check here tolerates and no other test sees.
"""

from __future__ import annotations

import json

import hypothesis
import pytest
import requests
import schemathesis
import yaml
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

import expected as E
from mockscope_support import REPO_ROOT, fault_headers

DOC = REPO_ROOT / "docs" / "admin-openapi.yaml"
FIXTURE_SCHEMA = REPO_ROOT / "schema" / "fixture.schema.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 15

# Every route AdminAPI.swift / AdminData.swift implement: the document must describe exactly these.
ROUTES = {
    ("GET", "/status"), ("GET", "/health"), ("GET", "/metrics"),
    ("GET", "/requests"), ("DELETE", "/requests"), ("GET", "/requests/count"),
    ("GET", "/conduct"),
    ("GET", "/fixtures"), ("POST", "/fixtures"), ("POST", "/fixtures/reload"),
    ("GET", "/fixtures/{name}"), ("DELETE", "/fixtures/{name}"),
    ("GET", "/settings"), ("PUT", "/settings"), ("PATCH", "/settings"), ("POST", "/settings"),
    ("POST", "/reset"),
    ("GET", "/scenarios"), ("POST", "/scenarios"), ("POST", "/scenarios/reset"),
    ("GET", "/scenarios/{name}"), ("DELETE", "/scenarios/{name}"),
    ("POST", "/scenarios/{name}/activate"), ("POST", "/scenarios/{name}/deactivate"),
    ("POST", "/scenarios/{name}/reset"),
    ("GET", "/clock"), ("POST", "/clock"),
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

CONFIG = SchemathesisConfig.from_dict({
    "generation": {
        "mode": "all",                 # valid requests and invalid ones (their 400s are documented)
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "allow-x00": False,            # NUL cannot travel in a URL path segment or header
    },
})
schema = schemathesis.openapi.from_path(DOC, config=CONFIG)


def _doc() -> dict:
    return yaml.safe_load(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def openapi_server(mockscope_server):
    """A server for generated requests only, with a journal that has something in it."""
    srv = mockscope_server("--speed", "0", "--clock", "virtual", label="openapi")
    _fill_journal(srv)
    return srv


def _fill_journal(srv) -> None:
    """One of each kind of exchange, so journal and conduct answers have entries to check."""
    s = requests.Session()
    s.trust_env = False
    auth = {"Authorization": f"Bearer {E.API_KEY}"}
    chat = f"{srv.compat_url}/chat/completions"
    who = {"model": E.WHO_ARE_YOU_MODEL, "messages": E.WHO_ARE_YOU_MESSAGES}
    story = {"model": E.STORY_MODEL, "messages": E.STORY_MESSAGES, "stream": True}
    assert s.post(chat, json=who, headers=auth, timeout=10).status_code == 200
    assert s.post(chat, json=story, headers=auth, timeout=10).status_code == 200
    assert s.post(chat, json={**who, "model": "qwen-max"}, headers=auth, timeout=10).status_code == 400
    assert s.post(chat, json=who, timeout=10).status_code == 401
    assert s.post(chat, json=who, headers={**auth, **fault_headers("http_error status=429 retry_after=1")},
                  timeout=10).status_code == 429
    assert s.post(chat, json=who, headers={**auth, **fault_headers("http_error status=429 retry_after=1")},
                  timeout=10).status_code == 429
    assert s.get(f"{srv.compat_url}/models", headers=auth, params={"x": "1"}, timeout=10).status_code == 200


# ------------------------------------------------------------------ the document
def test_document_describes_every_route_and_only_those():
    doc = _doc()
    assert doc["openapi"] == "3.0.3"
    described = {(method.upper(), path) for path, item in doc["paths"].items()
                 for method in item if method in HTTP_METHODS}
    assert described - ROUTES == set(), f"described but not implemented: {sorted(described - ROUTES)}"
    assert ROUTES - described == set(), f"implemented but not described: {sorted(ROUTES - described)}"
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS and op.get("security") != []:
                assert "401" in op["responses"], f"{method.upper()} {path}: the admin token's 401 is not described"
            if method in HTTP_METHODS and op.get("security") == []:
                assert (method, path) == ("get", "/health"), f"only GET /health is open without the token, not {method} {path}"
    schemes = doc["components"]["securitySchemes"]
    assert schemes["adminBearer"] == {**schemes["adminBearer"], "type": "http", "scheme": "bearer"}
    assert {} in doc["security"], "the admin token is optional (loopback): security must allow none"


def test_schemathesis_sees_every_operation():
    operations = [result.ok() for result in schema.get_all_operations()]
    seen = {(op.method.upper(), op.path) for op in operations}
    assert seen == ROUTES


def test_fixture_document_matches_the_json_schema():
    """The POST /fixtures body schema is schema/fixture.schema.json in OpenAPI 3.0 terms."""
    js = json.loads(FIXTURE_SCHEMA.read_text(encoding="utf-8"))
    oas = _doc()["components"]["schemas"]

    def same(json_part: dict, oas_part: dict, where: str) -> None:
        assert set(json_part.get("required", [])) == set(oas_part.get("required", [])), f"{where}: required"
        assert set(json_part.get("properties", {})) == set(oas_part.get("properties", {})), f"{where}: properties"
        assert json_part.get("additionalProperties", True) == oas_part.get("additionalProperties", True), where

    same(js, oas["FixtureDocument"], "fixture")
    same(js["properties"]["metadata"], oas["FixtureDocument"]["properties"]["metadata"], "metadata")
    same(js["$defs"]["request"], oas["FixtureRequest"], "request")
    same(js["$defs"]["response"], oas["FixtureResponse"], "response")
    same(js["$defs"]["event"], oas["FixtureEvent"], "event")
    assert js["$defs"]["response"]["oneOf"] == oas["FixtureResponse"]["oneOf"]
    assert js["oneOf"] == oas["FixtureDocument"]["oneOf"]
    assert js["properties"]["after_last"]["enum"] == oas["FixtureDocument"]["properties"]["after_last"]["enum"]
    assert js["$defs"]["request"]["properties"]["match"]["enum"] == oas["FixtureRequest"]["properties"]["match"]["enum"]
    assert js["properties"]["mockscope"]["const"] == 1 and oas["FixtureDocument"]["properties"]["mockscope"]["enum"] == [1]


# ------------------------------------------------------------------ generated requests
@schema.parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_admin_route_conforms(case, openapi_server):
    case.call_and_validate(base_url=openapi_server.admin_url, checks=CHECKS, timeout=10)


# ------------------------------------------------------------------ hand-picked requests
_UNSET = object()
WHO_FIXTURE = "compat/qwen-plus/who-are-you"


def _call(srv, method: str, path: str, *, path_parameters=None, query=None, body=_UNSET, headers=None,
          expect: int):
    """One request built by schemathesis from the document's operation, sent, its status
    asserted and its answer validated against the document."""
    operation = schema[path][method]
    kwargs = {}
    if path_parameters is not None:
        kwargs["path_parameters"] = path_parameters
    if query is not None:
        kwargs["query"] = query
    if body is not _UNSET:
        kwargs["body"] = body
        kwargs["media_type"] = "application/json"
    case = operation.Case(**kwargs)
    response = case.call(base_url=srv.admin_url, headers=headers, timeout=10)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text[:300]}"
    case.validate_response(response, checks=CHECKS)
    return response


@pytest.fixture(scope="module")
def known_server(mockscope_server):
    """A server whose state the hand-picked requests below control."""
    srv = mockscope_server("--speed", "0", "--clock", "virtual", label="openapi known")
    _fill_journal(srv)
    return srv


def test_every_success_answer_conforms(known_server):
    """Each route's 2xx answer with real data (generated requests mostly meet 404s and 400s)."""
    srv = known_server
    rid = _call(srv, "GET", "/requests", expect=200).json()
    assert rid["count"] >= 7 and all(r["api_key"] is None or r["api_key"].startswith("key-") for r in rid["requests"])
    _call(srv, "GET", "/requests", query={"path": "/compatible-mode/*", "status": 429, "limit": 1}, expect=200)
    _call(srv, "GET", "/requests/count", query={"header": "X-MockScope-Fault: http_error status=429 retry_after=1"},
          expect=200)
    conduct = _call(srv, "GET", "/conduct", expect=200).json()
    assert conduct["clients"], conduct
    _call(srv, "GET", "/status", expect=200)
    _call(srv, "GET", "/health", expect=200)
    _call(srv, "GET", "/metrics", expect=200)
    _call(srv, "GET", "/fixtures", expect=200)
    _call(srv, "GET", "/fixtures/{name}", path_parameters={"name": WHO_FIXTURE}, expect=200)
    added = _call(srv, "POST", "/fixtures", body={
        "mockscope": 1, "name": "openapi/stub", "description": "a stub",
        "request": {"method": "GET", "path": "/openapi-stub"},
        "response": {"status": 200, "events": [{"at": 0, "data": "data: 1\n\n"}]},
    }, expect=201).json()
    assert added["name"] == "openapi/stub" and added["stream"] is True
    _call(srv, "DELETE", "/fixtures/{name}", path_parameters={"name": "openapi/stub"}, expect=200)
    _call(srv, "POST", "/fixtures/reload", expect=200)
    _call(srv, "GET", "/settings", expect=200)
    for method in ("PUT", "PATCH", "POST"):
        _call(srv, method, "/settings", body={"speed": 0, "unmatched": "error"}, expect=200)
    _call(srv, "GET", "/scenarios", expect=200)
    created = _call(srv, "POST", "/scenarios", body={
        "name": "openapi-s", "description": "d", "seed": 9, "active": False,
        "match": {"path": "/compatible-mode/*", "model": "qwen-plus", "fixture": "f", "api_key": "k",
                  "headers": {"X-Test-Case": "openapi"}},
        "steps": [{"times": 2, "every": 1, "chance": 0.5, "from_ms": 0, "until_ms": 1000,
                   "faults": ["latency ms=1", {"kind": "drop", "after_events": 3}]},
                  {"faults": []}],
    }, expect=201).json()
    assert created["seed"] == 9 and created["active"] is False
    for action in ("activate", "deactivate", "reset"):
        _call(srv, "POST", f"/scenarios/{{name}}/{action}", path_parameters={"name": "openapi-s"}, expect=200)
    _call(srv, "GET", "/scenarios/{name}", path_parameters={"name": "openapi-s"}, expect=200)
    _call(srv, "DELETE", "/scenarios/{name}", path_parameters={"name": "openapi-s"}, expect=200)
    _call(srv, "POST", "/scenarios/reset", expect=200)
    _call(srv, "GET", "/clock", expect=200)
    _call(srv, "POST", "/clock", body={"advance_ms": 1500}, expect=200)
    _call(srv, "DELETE", "/requests", expect=200)
    _call(srv, "POST", "/reset", expect=200)


def test_every_error_answer_conforms(known_server):
    srv = known_server
    _call(srv, "GET", "/requests", query={"limit": 0}, expect=400)
    _call(srv, "GET", "/requests/count", query={"header": "no-colon"}, expect=400)
    _call(srv, "GET", "/fixtures/{name}", path_parameters={"name": "no/such/fixture"}, expect=404)
    _call(srv, "DELETE", "/fixtures/{name}", path_parameters={"name": "no/such/fixture"}, expect=404)
    _call(srv, "POST", "/fixtures", body={"mockscope": 1}, expect=400)
    _call(srv, "PATCH", "/settings", body={"speed": -1}, expect=400)
    _call(srv, "POST", "/scenarios", body={"name": "x", "steps": [{"faults": ["no_such_fault"]}]}, expect=400)
    for path in ("/scenarios/{name}", "/scenarios/{name}/activate", "/scenarios/{name}/deactivate",
                 "/scenarios/{name}/reset"):
        method = "GET" if path == "/scenarios/{name}" else "POST"
        _call(srv, method, path, path_parameters={"name": "no-such-scenario"}, expect=404)
    _call(srv, "DELETE", "/scenarios/{name}", path_parameters={"name": "no-such-scenario"}, expect=404)
    _call(srv, "POST", "/clock", body={"advance_ms": -5}, expect=400)


def test_real_clock_refuses_to_move(mockscope):
    _call(mockscope, "POST", "/clock", body={"advance_ms": 10}, expect=409)


def test_the_admin_token_answers_conform(mockscope_server):
    """With --admin-token every route answers 401 (as documented) without it, and not with it;
    GET /health alone stays open to probes (documented with `security: []`)."""
    token = "openapi-admin-token"
    srv = mockscope_server("--speed", "0", "--admin-token", token, label="openapi token")
    for result in schema.get_all_operations():
        op = result.ok()
        params = {"name": "x"} if "{name}" in op.path else None
        kwargs = {"body": {}} if op.body else {}
        open_route = op.method.upper() == "GET" and op.path == "/health"
        _call(srv, op.method.upper(), op.path, path_parameters=params, expect=200 if open_route else 401, **kwargs)
    _call(srv, "GET", "/status", headers={"X-MockScope-Admin-Token": token}, expect=200)
    _call(srv, "GET", "/status", headers={"Authorization": f"Bearer {token}"}, expect=200)
