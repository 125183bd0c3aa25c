"""Helpers for the fault, scenario and rate-limit tests (test_fault_*.py,
test_scenario_*.py): the admin API, SDK clients pointed at a server with
short timeouts, and collecting a stream up to the exception that ends it.

Every wait is on a condition, bounded (mockscope_support.wait_for_no_streams); every address
is the server's loopback one."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

import requests

import expected as E
from mockscope_support import active_streams, wait_for_no_streams  # noqa: F401  (the fault tests' imports)

ADMIN_TIMEOUT_S = 5.0
FAULT = "X-MockScope-Fault"
SCENARIO = "X-MockScope-Scenario"

# The wording and codes each status / catalog name answers with, per protocol:
# docs/faults.md (status -> catalog name) and the wire references
# (openai-compatible.md §5.2, dashscope-native.md §8.2). Where the reference
# has no capture ([unverified] there), the value is MockScope's catalog wording.
COMPAT_ERRORS: Dict[int, Tuple[str, str]] = {
    400: ("invalid_parameter_error",
          "Required parameter(s) missing or invalid, please check the request parameters."),
    401: ("invalid_api_key",
          "Incorrect API key provided. For details, see: "
          "https://help.aliyun.com/zh/model-studio/error-code#apikey-error"),
    403: ("AccessDenied", "Access denied."),
    404: ("model_not_found",
          "The model `qwen-plus` does not exist or you do not have access to it."),
    408: ("RequestTimeOut", "Request timed out, try again later."),
    413: ("BadRequest.TooLarge", "Payload Too Large: the request body exceeds the size limit."),
    429: ("limit_requests",
          "You have exceeded your current request limit. For details, see: "
          "https://help.aliyun.com/zh/model-studio/error-code#rate-limit"),
    500: ("internal_error",
          "An internal error has occured, please try again later or contact service support."),
    503: ("ServiceUnavailable", "Service temporarily unavailable, please try again later."),
    504: ("GatewayTimeout", "Gateway timeout, please try again later."),
}
NATIVE_ERRORS: Dict[int, Tuple[str, str]] = {
    400: ("InvalidParameter",
          "Required parameter(s) missing or invalid, please check the request parameters."),
    401: ("InvalidApiKey", "Invalid API-key provided."),
    403: ("AccessDenied", "Access denied."),
    404: ("InvalidParameter", "Model not exist."),
    408: ("RequestTimeOut", "Request timed out, try again later."),
    413: ("BadRequest.TooLarge", "Payload Too Large: the request body exceeds the size limit."),
    429: ("Throttling.RateQuota", "Requests rate limit exceeded, please try again later."),
    500: ("InternalError",
          "An internal error has occured, please try again later or contact service support."),
    503: ("ServiceUnavailable", "Service temporarily unavailable, please try again later."),
    504: ("GatewayTimeout", "Gateway timeout, please try again later."),
}
ARREARAGE_MESSAGE = (
    "Access denied, please make sure your account is in good standing. "
    "For details, see: https://help.aliyun.com/zh/model-studio/error-code#overdue-payment"
)
COMPAT_INSPECTION = ("data_inspection_failed", "Input data may contain inappropriate content.")
# mid-stream (output inspection): openai-compatible.md §5.3 item 2 shows this wording
COMPAT_OUTPUT_INSPECTION = ("data_inspection_failed", "Output data may contain inappropriate content.")
NATIVE_INSPECTION = ("DataInspectionFailed", "Input or output data may contain inappropriate content.")
COMPAT_TPM = ("insufficient_quota",
              "You exceeded your current quota, please check your plan and billing details. "
              "For details, see: https://help.aliyun.com/zh/model-studio/error-code#token-limit")
NATIVE_TPM = ("Throttling.AllocationQuota", "Allocated quota exceeded, please increase your quota limit.")


# ------------------------------------------------------------------ admin API
def admin(server, method: str, path: str, **kwargs) -> requests.Response:
    kwargs.setdefault("timeout", ADMIN_TIMEOUT_S)
    return requests.request(method, f"{server.base}/__admin{path}", **kwargs)


def admin_json(server, method: str, path: str, **kwargs) -> Any:
    r = admin(server, method, path, **kwargs)
    assert 200 <= r.status_code < 300, f"{method} /__admin{path} -> {r.status_code}: {r.text[:500]}"
    return r.json() if r.content else None


def scenario_info(server, name: str) -> Dict[str, Any]:
    info = admin_json(server, "GET", f"/scenarios/{name}")
    assert isinstance(info, dict) and info.get("name") == name, info
    for key in ("active", "matched"):
        assert key in info, f"GET /__admin/scenarios/{name} has no {key!r}: {info}"
    return info


def matched(server, name: str) -> int:
    return scenario_info(server, name)["matched"]


def reset_scenario(server, name: str) -> None:
    admin_json(server, "POST", f"/scenarios/{name}/reset")
    assert matched(server, name) == 0, f"scenario {name} still counts requests after reset"


def scenario_list(server) -> List[Dict[str, Any]]:
    data = admin_json(server, "GET", "/scenarios")
    if isinstance(data, dict) and isinstance(data.get("scenarios"), list):
        data = data["scenarios"]
    assert isinstance(data, list), f"GET /__admin/scenarios is not a list: {data!r}"
    return data


def advance_clock(server, ms: int) -> None:
    admin_json(server, "POST", "/clock", json={"advance_ms": ms})


# --------------------------------------------------------------------- clients
def openai_client(server, *, max_retries: int = 0, timeout: float = 10.0,
                  api_key: str = E.API_KEY, headers: Optional[Dict[str, str]] = None,
                  record: Optional[list] = None):
    """openai.OpenAI on the server's compat URL. `record`, when given, gets the
    x-stainless-retry-count header of every HTTP request the SDK sends."""
    import openai

    kwargs: Dict[str, Any] = {}
    if record is not None:
        kwargs["http_client"] = openai.DefaultHttpxClient(event_hooks={
            "request": [lambda req: record.append(req.headers.get("x-stainless-retry-count"))],
        })
    return openai.OpenAI(api_key=api_key, base_url=server.compat_url, max_retries=max_retries,
                         timeout=timeout, default_headers=headers, **kwargs)


def ask_who(client, **kwargs):
    """Fixture compat/qwen-plus/who-are-you (non-stream)."""
    return client.chat.completions.create(
        model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES, **kwargs)


def ask_story(client, **kwargs):
    """Fixture compat/qwen-turbo/tell-a-story.stream (14 data events, then [DONE])."""
    return client.chat.completions.create(
        model=E.STORY_MODEL, messages=E.STORY_MESSAGES, stream=True, **kwargs)


def native_who(*, api_key: str = E.API_KEY, timeout: float = 10, headers=None):
    """dashscope 1.x Generation.call for native/qwen-plus/who-are-you."""
    from dashscope import Generation

    kwargs = {"headers": headers} if headers else {}
    return Generation.call(model=E.WHO_ARE_YOU_MODEL, messages=E.WHO_ARE_YOU_MESSAGES,
                           result_format="message", api_key=api_key, request_timeout=timeout,
                           **kwargs)


def native_story(*, api_key: str = E.API_KEY, timeout: float = 10, headers=None):
    """dashscope 1.x Generation.call for native/qwen-turbo/tell-a-story.stream-incremental
    (a generator: the request is sent on the first next())."""
    from dashscope import Generation

    kwargs = {"headers": headers} if headers else {}
    return Generation.call(model=E.STORY_MODEL, messages=E.STORY_MESSAGES,
                           result_format="message", stream=True, incremental_output=True,
                           api_key=api_key, request_timeout=timeout, **kwargs)


def v2_client(server, tmp_path, *, max_retries: Optional[int] = None, timeout: float = 10.0):
    from dashscope.v2 import Client

    kwargs = {} if max_retries is None else {"max_retries": max_retries}
    # config_path: a file that does not exist, so no ~/.dashscope/config.toml is read.
    return Client(api_key=E.API_KEY, base_url=server.native_url, timeout=timeout,
                  config_path=tmp_path / "no-config.toml", **kwargs)


def collect(iterable: Iterable) -> Tuple[list, Optional[BaseException]]:
    """Everything the iterator yields before it ends, and the exception that
    ended it (None if it ended normally)."""
    got = []
    try:
        for item in iterable:
            got.append(item)
    except Exception as e:  # noqa: BLE001 - the caller asserts on the exact type
        return got, e
    return got, None


def status_of(call) -> int:
    """The HTTP status an openai call ended with (200, or the APIStatusError's)."""
    import openai

    try:
        call()
        return 200
    except openai.APIStatusError as e:
        return e.status_code


def point_dashscope(monkeypatch, server) -> None:
    """The dashscope 1.x API (and so ChatTongyi) at this server's native URL."""
    import dashscope

    monkeypatch.setattr(dashscope, "base_http_api_url", server.native_url)
    monkeypatch.setattr(dashscope, "api_key", None)
