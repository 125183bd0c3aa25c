"""The isolation cases share ONE MockScope server (test_isolation.py starts it and passes
$MOCKSCOPE_URL): the plugin's `mockscope` fixture attaches to it in every pytest-xdist worker, and
`mockscope_test` gives each test its own scope (X-MockScope-Test-Id).

With ISOLATION_SHARED_SCOPE=1 (test_isolation.py's control run) the cases send no test id and
query the whole server instead: every test is in the server's one scope, and they must fail."""

from __future__ import annotations

import os
from typing import Any, Dict

import pytest

# Local servers only: never through a proxy.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

WORKER_HEADER = "X-Isolation-Worker"
SHARED = os.environ.get("ISOLATION_SHARED_SCOPE") == "1"


@pytest.fixture
def scope(request) -> Any:
    """The test's own view of the shared server (the whole server in the control run)."""
    return request.getfixturevalue("mockscope" if SHARED else "mockscope_test")


@pytest.fixture
def headers(scope) -> Dict[str, str]:
    """The test's scope header, and which worker sent it (test_isolation.py counts the workers)."""
    own = {} if SHARED else scope.headers
    return {**own, WORKER_HEADER: os.environ.get("PYTEST_XDIST_WORKER", "none")}
