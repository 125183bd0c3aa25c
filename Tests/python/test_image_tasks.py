"""Asynchronous tasks through the dashscope SDK (pinned): ImageSynthesis.call, async_call + wait,
fetch, cancel, list, sync_call; the PENDING -> RUNNING -> SUCCEEDED progression on the virtual
clock; FAILED by the task_outcome fault; the generated PNG results; X-DashScope-Async refused
where an API has no asynchronous mode (docs/protocols/tasks.md)."""

from __future__ import annotations

import struct
import zlib

import pytest
import requests

from task_support import PENDING_MS, RUNNING_MS, instant_task_server, use_dashscope, virtual_task_server


@pytest.fixture(scope="module")
def virtual(mockscope_server):
    return virtual_task_server(mockscope_server, "tasks-virtual")


@pytest.fixture(scope="module")
def instant(mockscope_server):
    return instant_task_server(mockscope_server, "tasks-instant")


def use(monkeypatch, server):
    return use_dashscope(monkeypatch, server, "sk-tasks")


def png_facts(data: bytes):
    """(width, height, colour type, raw scanline bytes) of a PNG, every chunk CRC and the zlib
    stream's Adler-32 checked (zlib.decompress verifies it)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header, types = 8, b"", None, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        types.append(kind)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    assert types[0] == b"IHDR" and types[-1] == b"IEND"
    width, height, depth, colour = header[0], header[1], header[2], header[3]
    assert depth == 8
    return width, height, colour, zlib.decompress(idat)


def test_call_waits_for_images_that_are_pngs_of_the_requested_size(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    rsp = ds.ImageSynthesis.call(model="wanx-v1", prompt="一间有着精致窗户的花店", n=2, size="96*64")
    assert rsp.status_code == 200, rsp
    assert rsp.output.task_status == "SUCCEEDED"
    assert rsp.usage.image_count == 2
    urls = [result.url for result in rsp.output.results]
    assert len(urls) == 2 and urls[0] != urls[1]
    assert all(url.startswith(instant.base_url + "/") for url in urls)
    first = requests.get(urls[0], timeout=10)  # no key: it stands for a signed OSS URL
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    width, height, colour, raw = png_facts(first.content)
    assert (width, height, colour) == (96, 64, 2)
    assert len(raw) == height * (1 + width * 3)
    assert requests.get(urls[0], timeout=10).content == first.content  # deterministic
    assert requests.get(urls[1], timeout=10).content != first.content


def test_async_call_progresses_on_the_virtual_clock(virtual, monkeypatch):
    ds = use(monkeypatch, virtual)
    task = ds.ImageSynthesis.async_call(model="wanx-v1", prompt="a lighthouse", size="32*32")
    assert task.status_code == 200 and task.output.task_status == "PENDING"
    task_id = task.output.task_id
    assert ds.ImageSynthesis.fetch(task).output.task_status == "PENDING"
    virtual.advance_clock(PENDING_MS)
    running = ds.ImageSynthesis.fetch(task_id)
    assert running.output.task_status == "RUNNING"
    assert running.output.results is None or running.output.results == []
    virtual.advance_clock(RUNNING_MS - 1)
    assert ds.ImageSynthesis.fetch(task_id).output.task_status == "RUNNING"
    virtual.advance_clock(1)
    done = ds.ImageSynthesis.wait(task)  # already finished: its first poll returns
    assert done.output.task_status == "SUCCEEDED"
    assert done.output.task_id == task_id
    assert done.output["submit_time"] < done.output["scheduled_time"] < done.output["end_time"]
    width, height, _, _ = png_facts(requests.get(done.output.results[0].url, timeout=10).content)
    assert (width, height) == (32, 32)


def test_cancel_takes_a_pending_task_only(virtual, monkeypatch):
    ds = use(monkeypatch, virtual)
    pending = ds.ImageSynthesis.async_call(model="wanx-v1", prompt="cancel me")
    canceled = ds.ImageSynthesis.cancel(pending)
    assert canceled.status_code == 200, canceled
    assert ds.ImageSynthesis.wait(pending).output.task_status == "CANCELED"
    virtual.advance_clock(PENDING_MS + RUNNING_MS)
    assert ds.ImageSynthesis.fetch(pending).output.task_status == "CANCELED"

    started = ds.ImageSynthesis.async_call(model="wanx-v1", prompt="too late")
    virtual.advance_clock(PENDING_MS)
    refused = ds.ImageSynthesis.cancel(started)
    assert refused.status_code == 400
    assert refused.code == "UnsupportedOperation"
    assert refused.message == "The operation is unsupported on the referee object."
    assert ds.ImageSynthesis.fetch(started).output.task_status == "RUNNING"

    unknown = ds.ImageSynthesis.cancel("00000000-0000-4000-8000-000000000000")
    assert (unknown.status_code, unknown.code) == (404, "NotFound")


def test_list_filters_by_model_and_status_and_pages(virtual, monkeypatch):
    ds = use(monkeypatch, virtual)
    ids = [ds.ImageSynthesis.async_call(model="wanx-list-probe", prompt=f"p{i}").output.task_id for i in range(3)]
    page1 = ds.ImageSynthesis.list(model_name="wanx-list-probe", page_size=2)
    assert page1.status_code == 200
    assert page1.output["total"] == 3 and page1.output["page_no"] == 1 and page1.output["page_size"] == 2
    assert [t["task_id"] for t in page1.output["data"]] == ids[::-1][:2]  # newest first
    page2 = ds.ImageSynthesis.list(model_name="wanx-list-probe", page_size=2, page_no=2)
    assert [t["task_id"] for t in page2.output["data"]] == ids[:1]
    ds.ImageSynthesis.cancel(ids[0])
    canceled = ds.ImageSynthesis.list(model_name="wanx-list-probe", status="CANCELED")
    assert [t["task_id"] for t in canceled.output["data"]] == ids[:1]
    virtual.advance_clock(PENDING_MS + RUNNING_MS)
    succeeded = ds.ImageSynthesis.list(model_name="wanx-list-probe", status="SUCCEEDED")
    assert sorted(t["task_id"] for t in succeeded.output["data"]) == sorted(ids[1:])
    bad = ds.ImageSynthesis.list(page_size=0)
    assert (bad.status_code, bad.code) == (400, "InvalidParameter")


def test_failed_by_fault_after_pending_and_running(virtual, monkeypatch):
    ds = use(monkeypatch, virtual)
    fault = {"X-MockScope-Fault": 'task_outcome status=FAILED code=DataInspectionFailed message="Output data may contain inappropriate content."'}
    task = ds.ImageSynthesis.async_call(model="wanx-v1", prompt="a failing picture")
    # The fault keeps PENDING and RUNNING and replaces only the success.
    def polled():
        return requests.get(f"{virtual.native_url}/tasks/{task.output.task_id}", timeout=10,
                            headers={"Authorization": "Bearer sk-tasks", **fault}).json()["output"]["task_status"]
    assert polled() == "PENDING"
    virtual.advance_clock(PENDING_MS)
    assert polled() == "RUNNING"
    virtual.advance_clock(RUNNING_MS)
    assert polled() == "FAILED"
    failed = ds.ImageSynthesis.wait(task, headers=fault)
    assert failed.status_code == 200
    assert failed.output.task_status == "FAILED"
    assert failed.output.code == "DataInspectionFailed"
    assert failed.output.message == "Output data may contain inappropriate content."
    assert not failed.output.results
    assert ds.ImageSynthesis.fetch(task).output.task_status == "SUCCEEDED"  # without the fault


def test_unknown_task_is_unknown(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    rsp = ds.ImageSynthesis.fetch("11111111-2222-4333-8444-555555555555")
    assert rsp.status_code == 200
    assert rsp.output.task_status == "UNKNOWN"
    assert ds.ImageSynthesis.wait("11111111-2222-4333-8444-555555555555").output.task_status == "UNKNOWN"


def test_sync_call_where_the_model_has_one_and_the_403_where_not(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    done = ds.ImageSynthesis.sync_call(model="wan2.2-t2i-flash", prompt="a quick sketch", size="16*8")
    assert done.status_code == 200, done
    assert done.output.task_status == "SUCCEEDED"
    width, height, _, _ = png_facts(requests.get(done.output.results[0].url, timeout=10).content)
    assert (width, height) == (16, 8)
    assert ds.ImageSynthesis.fetch(done.output.task_id).output.task_status == "SUCCEEDED"
    refused = ds.ImageSynthesis.sync_call(model="wanx-v1", prompt="needs the async header")
    assert refused.status_code == 403
    assert refused.code == "AccessDenied"
    assert refused.message == "current user api does not support synchronous calls."


def test_async_header_on_text_generation_is_refused(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    rsp = ds.Generation.call(model="qwen-plus", prompt="hello", headers={"X-DashScope-Async": "enable"})
    assert rsp.status_code == 403
    assert rsp.code == "AccessDenied"
    assert rsp.message == "Current user api does not support asynchronous calls."
    assert ds.Generation.call(model="qwen-plus", prompt="hello").status_code == 200


def test_bad_image_requests_get_the_native_error(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    bad_size = ds.ImageSynthesis.async_call(model="wanx-v1", prompt="x", size="huge")
    assert (bad_size.status_code, bad_size.code) == (400, "InvalidParameter")
    bad_n = ds.ImageSynthesis.async_call(model="wanx-v1", prompt="x", n=9)
    assert bad_n.status_code == 400 and bad_n.message == "Range of n should be [1, 4]"
    with pytest.raises(Exception, match="Invalid task"):
        ds.ImageSynthesis.wait(bad_n)
