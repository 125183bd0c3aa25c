"""The admin API of a running MockScope (docs/admin-api.md): the methods `MockScope` has for it,
a scenario handle and one test's view of a shared server."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

import requests

from .common import *  # noqa: F401,F403 (the constants and helpers these methods use)
from .common import _ADMIN_TIMEOUT_S, _FINGERPRINT_RE, _SHOWN_CHARS, _TEST_ID_MAX, _cut, _key_name, _test_params


class Scenario:
    """One scenario on a running server (see docs/scenarios.md): its state and its routes. With
    a `test_id` (from `TestScope.scenario`), `info`, `matched` and `reset` are that test's own
    progress through it; activating, deactivating and deleting act on the server's scenario."""

    def __init__(self, server: "MockScope", name: str, test_id: Optional[str] = None):
        self.server = server
        self.name = name
        self.test_id = test_id

    def __repr__(self) -> str:
        return f"Scenario({self.name!r})" if self.test_id is None else f"Scenario({self.name!r}, test_id={self.test_id!r})"

    @property
    def _path(self) -> str:
        return "/scenarios/" + requests.utils.quote(self.name, safe="")

    def info(self) -> Dict[str, Any]:
        """GET /__admin/scenarios/{name}: definition, `active`, `matched`."""
        return self.server.admin_json("GET", self._path, params=_test_params(self.test_id))

    @property
    def matched(self) -> int:
        """Requests this scenario selected since it was created or last reset."""
        return int(self.info()["matched"])

    @property
    def active(self) -> bool:
        return bool(self.info()["active"])

    def activate(self) -> Dict[str, Any]:
        return self.server.admin_json("POST", self._path + "/activate")

    def deactivate(self) -> Dict[str, Any]:
        return self.server.admin_json("POST", self._path + "/deactivate")

    def reset(self) -> Dict[str, Any]:
        """Count back to 0, window start to now, generator back to its seed (with a test id: that
        test's progress only)."""
        return self.server.admin_json("POST", self._path + "/reset", params=_test_params(self.test_id))

    def delete(self) -> None:
        self.server.admin_json("DELETE", self._path)

    def headers(self) -> Dict[str, str]:
        """`{"X-MockScope-Scenario": name}`: apply it to one request even when inactive."""
        return scenario_headers(self.name)


# ---------------------------------------------------------------- the server


class AdminMethods:
    """What `MockScope` does over the admin API (mixed into it; `base_url`, `admin_url` and the
    admin token come from the server runner)."""

    # ------------------------------------------------------------- admin API
    def _session(self) -> requests.Session:
        session = getattr(self._sessions, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # a loopback server: never through a proxy
            self._sessions.session = session
        return session

    def admin(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request to `/__admin{path}` (with the admin token when there is one); the raw
        response, whatever its status."""
        kwargs.setdefault("timeout", _ADMIN_TIMEOUT_S)
        if self.admin_token is not None:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault(ADMIN_TOKEN_HEADER, self.admin_token)
            kwargs["headers"] = headers
        return self._session().request(method, f"{self.admin_url}{path}", **kwargs)

    def admin_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Like `admin`, but raises AdminError unless the status is 2xx; returns the JSON."""
        r = self.admin(method, path, **kwargs)
        if not 200 <= r.status_code < 300:
            raise AdminError(method, path, r)
        return r.json() if r.content else None

    def health(self) -> Dict[str, Any]:
        return self.admin_json("GET", "/health")

    def status(self) -> Dict[str, Any]:
        """`{"status":"ok","activeStreams":N,"openRequests":N,"fixtures":N,"scenarios":N}`"""
        return self.admin_json("GET", "/status")

    def settings(self) -> Dict[str, Any]:
        return self.admin_json("GET", "/settings")

    def update_settings(self, **changes: Any) -> Dict[str, Any]:
        """`update_settings(speed=0, unmatched="synthesize")`; returns the new settings."""
        return self.admin_json("PATCH", "/settings", json=changes)

    def reset(self, test_id: Optional[str] = None) -> Dict[str, Any]:
        """Everything back as started: journal cleared, scenarios reset, rate limits cleared,
        settings restored, fixtures reloaded (runtime additions dropped). With a `test_id`: only
        that test's journal entries, scenario progress, rate-limit windows and sequence positions."""
        return self.admin_json("POST", "/reset", params=_test_params(test_id))

    def metrics(self) -> str:
        """GET /__admin/metrics: the Prometheus text exposition."""
        r = self.admin("GET", "/metrics")
        if r.status_code != 200:
            raise AdminError("GET", "/metrics", r)
        return r.text

    # --------------------------------------------------------------- journal
    @staticmethod
    def journal_query(path: Optional[str] = None, method: Optional[str] = None, model: Optional[str] = None,
                      fixture: Optional[str] = None, header: Union[str, Tuple[str, str], Mapping[str, str], None] = None,
                      api_key: Optional[str] = None, status: Optional[int] = None, after: Optional[int] = None,
                      limit: Optional[int] = None, test_id: Optional[str] = None) -> List[Tuple[str, str]]:
        """The query parameters of /__admin/requests for these filters. `path` is exact or a prefix
        ending in `*`; `header` is "Name: value", (name, value) or {name: value}; `api_key` is a
        raw key (fingerprinted here) or a fingerprint `key-xxxxxxxx`; `test_id` only the requests
        that sent that `X-MockScope-Test-Id`."""
        params: List[Tuple[str, str]] = []
        for name, value in (("path", path), ("method", method), ("model", model), ("fixture", fixture)):
            if value is not None:
                params.append((name, str(value)))
        if header is not None:
            if isinstance(header, Mapping):
                if len(header) != 1:
                    raise ValueError("header filter: give exactly one header")
                header = next(iter(header.items()))
            if isinstance(header, tuple):
                header = f"{header[0]}: {header[1]}"
            params.append(("header", header))
        if api_key is not None:
            params.append(("api_key", _key_name(api_key)))
        for name, value in (("status", status), ("after", after), ("limit", limit)):
            if value is not None:
                params.append((name, str(int(value))))
        if test_id is not None:
            params.append(("test_id", test_id))
        return params

    def journal(self, **filters: Any) -> Dict[str, Any]:
        """GET /__admin/requests: `{"count", "total", "requests": [...]}` (see `requests`)."""
        return self.admin_json("GET", "/requests", params=self.journal_query(**filters))

    def requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """The journal's entries that match every filter given, oldest first: path, method,
        model, fixture, header, api_key, status, test_id, after (an id), limit (the newest N)."""
        return self.journal(**filters)["requests"]

    def count(self, **filters: Any) -> int:
        """GET /__admin/requests/count with the same filters as `requests`."""
        return int(self.admin_json("GET", "/requests/count", params=self.journal_query(**filters))["count"])

    def wait_for_requests(self, n: int, timeout: float = 5.0, complete: bool = True,
                          **filters: Any) -> List[Dict[str, Any]]:
        """Waits until at least `n` journal entries match the filters and, with `complete=True`,
        every one of them has finished (`bytes_sent`, `duration_ms`, `client_went_away` filled in);
        returns those entries. An exchange is journaled before its first byte is sent, so the
        journal never lags an answer the client has read; its completion can lag by a moment.
        Raises AssertionError (from `eventually`) when that does not happen within `timeout` s."""
        def settled(entries: List[Dict[str, Any]]) -> bool:
            return len(entries) >= n and (not complete or all(e.get("complete", True) for e in entries))

        def describe(entries: List[Dict[str, Any]]) -> str:
            done = sum(1 for e in entries if e.get("complete", True))
            return f"{len(entries)} entries ({done} complete)"

        return eventually(lambda: self.requests(**filters), settled, timeout=timeout, describe=describe,
                          message=f"at least {n} journal entries matching {filters or 'no filter'}"
                                  + (", all complete" if complete else ""))

    def clear(self, test_id: Optional[str] = None) -> None:
        """DELETE /__admin/requests: empty the journal (with a `test_id`: that test's entries only)."""
        self.admin_json("DELETE", "/requests", params=_test_params(test_id))

    # -------------------------------------------------------------- fixtures
    def fixtures(self) -> List[Dict[str, Any]]:
        return self.admin_json("GET", "/fixtures")["fixtures"]

    def fixture(self, name: str) -> Dict[str, Any]:
        return self.admin_json("GET", "/fixtures/" + requests.utils.quote(name, safe="/"))

    def add_fixture(self, document: Mapping[str, Any]) -> Dict[str, Any]:
        """POST /__admin/fixtures with a fixture document (docs/fixture-format.md); `"mockscope": 1`
        is added when missing. Returns the fixture's summary (its `name` among it). A runtime
        fixture lasts until it is removed, the fixtures are reloaded or the server is reset."""
        document = dict(document)
        document.setdefault("mockscope", 1)
        return self.admin_json("POST", "/fixtures", json=document)

    def remove_fixture(self, name: str) -> None:
        self.admin_json("DELETE", "/fixtures/" + requests.utils.quote(name, safe="/"))

    def reload_fixtures(self) -> int:
        return int(self.admin_json("POST", "/fixtures/reload")["fixtures"])

    # ------------------------------------------------------------- scenarios
    def scenarios(self) -> List[Dict[str, Any]]:
        return self.admin_json("GET", "/scenarios")["scenarios"]

    def scenario(self, scenario: Union[str, Mapping[str, Any]], active: bool = True) -> Scenario:
        """A handle on a scenario: by name (it must exist), or created (or replaced) from a dict
        with the YAML's fields (`name`, `description`, `match`, `seed`, `steps`), active unless
        `active=False`."""
        if isinstance(scenario, Mapping):
            return self.create_scenario(scenario, active=active)
        handle = Scenario(self, scenario)
        handle.info()  # raises AdminError (404) when there is none
        return handle

    def create_scenario(self, definition: Mapping[str, Any], active: bool = True) -> Scenario:
        body = dict(definition)
        body.setdefault("active", active)
        created = self.admin_json("POST", "/scenarios", json=body)
        return Scenario(self, created["name"])

    def reset_scenarios(self) -> None:
        self.admin_json("POST", "/scenarios/reset")

    @staticmethod
    def fault_headers(*faults: str) -> Dict[str, str]:
        return fault_headers(*faults)

    # ----------------------------------------------------------------- clock
    def clock(self) -> Dict[str, Any]:
        """`{"mode": "real"|"virtual", "now_ms": N}`"""
        return self.admin_json("GET", "/clock")

    def advance_clock(self, ms: float) -> Dict[str, Any]:
        """Moves a virtual clock (server started with `--clock virtual`) by `ms`."""
        return self.admin_json("POST", "/clock", json={"advance_ms": ms})

    # --------------------------------------------------------------- conduct
    def conduct(self, test_id: Optional[str] = None) -> Dict[str, Any]:
        """GET /__admin/conduct: per API key (fingerprint), a verdict on the client's manners
        (with a `test_id`: judged on that test's requests only)."""
        return self.admin_json("GET", "/conduct", params=_test_params(test_id))

    def for_test(self, test: Any) -> "TestScope":
        """One test's view of this server: `test` is an id, a pytest `request` or item (its node
        id names it, through `id_for_test`)."""
        node = getattr(test, "node", test)
        name = test if isinstance(test, str) else getattr(node, "nodeid", None)
        if not isinstance(name, str):
            raise TypeError(f"for_test needs a test id or a pytest request/item, not {type(test).__name__}")
        return TestScope(self, id_for_test(name))

    def assert_good_conduct(self, api_key: Optional[str] = None, checks: Optional[Iterable[str]] = None,
                            test_id: Optional[str] = None) -> Dict[str, Any]:
        """Raises AssertionError, with every failing check's detail, unless the client behaved.

        api_key: the raw key (or its fingerprint) of the client to judge; None: every client.
        checks: names to require (`waited_retry_after`, `backed_off`, `no_retry_on_fatal`,
        `bounded_attempts`, `cancelled_stalls`): each must have passed; a check that nothing
        exercised (`not_seen`) fails too. None: any check that failed fails; not_seen is fine.
        test_id: judge only that test's requests.
        Returns the judged clients."""
        report = self.conduct(test_id=test_id)
        clients = report.get("clients", [])
        if api_key is not None:
            key = _key_name(api_key)
            clients = [c for c in clients if c.get("api_key") == key]
            if not clients:
                seen = ", ".join(c.get("api_key", "?") for c in report.get("clients", [])) or "none"
                raise AssertionError(f"conduct: no requests from API key {key} in the journal (clients seen: {seen})")
        elif not clients:
            raise AssertionError("conduct: the journal has no requests to judge")
        wanted = None if checks is None else [checks] if isinstance(checks, str) else list(checks)
        problems: List[str] = []
        for client in clients:
            by_name = {c["name"]: c for c in client.get("checks", [])}
            if wanted is None:
                problems += [f"{client['api_key']}: {c['name']} failed: {c['detail']}"
                             for c in client.get("checks", []) if c.get("verdict") == "fail"]
                continue
            for name in wanted:
                check = by_name.get(name)
                if check is None:
                    problems.append(f"{client['api_key']}: no check named {name!r} (known: {', '.join(by_name)})")
                elif check.get("verdict") == "not_seen":
                    problems.append(f"{client['api_key']}: {name} was not exercised: {check['detail']}")
                elif check.get("verdict") != "pass":
                    problems.append(f"{client['api_key']}: {name} failed: {check['detail']}")
        if problems:
            raise AssertionError("client conduct:\n  " + "\n  ".join(problems))
        return {"clients": clients}


# ---------------------------------------------------------------- one test's view
class TestScope:
    """One test's view of a shared server (`MockScope.for_test`, the plugin's `mockscope_test`).
    Its clients send `headers` (`{"X-MockScope-Test-Id": id}`): then the journal, scenario
    progress, rate-limit windows, answer-sequence positions and conduct report are the test's own,
    and tests running in parallel (pytest-xdist workers) share one server without seeing each
    other. The queries here see only this test's requests.

        client = OpenAI(api_key="sk-test", base_url=scope.compat_url, default_headers=scope.headers)
        dashscope.Generation.call(..., headers=scope.headers)
        assert scope.count(status=429) == 1
    """

    __test__ = False  # not a pytest test class

    def __init__(self, server: MockScope, test_id: str):
        self.server = server
        self.test_id = test_id

    def __repr__(self) -> str:
        return f"<TestScope {self.test_id!r} on {self.server!r}>"

    @property
    def headers(self) -> Dict[str, str]:
        """Pass as `default_headers=` (openai, anthropic), `headers=` (dashscope, requests)."""
        return {TEST_ID_HEADER: self.test_id}

    def __getattr__(self, name: str) -> Any:
        # The server's URLs and everything not scoped (fixtures, settings, clock) as they are.
        if name in ("base_url", "compat_url", "coding_plan_url", "anthropic_url", "native_url", "admin_url",
                    "fixtures", "fixture", "add_fixture", "remove_fixture", "settings", "update_settings",
                    "clock", "advance_clock", "status", "health", "metrics"):
            return getattr(self.server, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def journal(self, **filters: Any) -> Dict[str, Any]:
        return self.server.journal(test_id=self.test_id, **filters)

    def requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """This test's journal entries (`MockScope.requests`' filters)."""
        return self.server.requests(test_id=self.test_id, **filters)

    def count(self, **filters: Any) -> int:
        return self.server.count(test_id=self.test_id, **filters)

    def wait_for_requests(self, n: int, timeout: float = 5.0, complete: bool = True, **filters: Any) -> List[Dict[str, Any]]:
        return self.server.wait_for_requests(n, timeout=timeout, complete=complete, test_id=self.test_id, **filters)

    def clear(self) -> None:
        """Forgets this test's journal entries."""
        self.server.clear(test_id=self.test_id)

    def reset(self) -> Dict[str, Any]:
        """Forgets this test's journal entries, scenario progress, rate-limit windows and
        sequence positions; the server's own state and other tests' stay."""
        return self.server.reset(test_id=self.test_id)

    def conduct(self) -> Dict[str, Any]:
        return self.server.conduct(test_id=self.test_id)

    def assert_good_conduct(self, api_key: Optional[str] = None, checks: Optional[Iterable[str]] = None) -> Dict[str, Any]:
        return self.server.assert_good_conduct(api_key=api_key, checks=checks, test_id=self.test_id)

    def scenario(self, name: str) -> Scenario:
        """The scenario as this test sees it (`matched` and `reset` are its own progress)."""
        handle = Scenario(self.server, name, test_id=self.test_id)
        handle.info()  # raises AdminError (404) when there is none
        return handle
