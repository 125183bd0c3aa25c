"""Video synthesis as an asynchronous task through the dashscope SDK (pinned): VideoSynthesis.call,
async_call + fetch on the virtual clock, cancel, FAILED by the task_outcome fault, the 403 without
X-DashScope-Async, the native errors, and the served MP4 walked box by box (docs/protocols/tasks.md)."""

from __future__ import annotations

import struct

import pytest
import requests

from task_support import PENDING_MS, RUNNING_MS, instant_task_server, use_dashscope, virtual_task_server

# The boxes that hold only boxes (ISO/IEC 14496-12): the walk descends into these.
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"dinf", b"stbl"}


@pytest.fixture(scope="module")
def virtual(mockscope_server):
    return virtual_task_server(mockscope_server, "video-virtual")


@pytest.fixture(scope="module")
def instant(mockscope_server):
    return instant_task_server(mockscope_server, "video-instant")


def use(monkeypatch, server):
    return use_dashscope(monkeypatch, server, "sk-video")


def box_tree(data: bytes, path: str = ""):
    """{"moov/trak/tkhd": payload, ...} for every box of an ISO BMFF file, in order; each box's
    size must lie inside its parent and the boxes must fill it exactly."""
    found, offset = {}, 0
    while offset < len(data):
        assert len(data) - offset >= 8, f"a truncated box header at {path or '/'}+{offset}"
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        assert 8 <= size <= len(data) - offset, f"box {kind!r} at {path or '/'}+{offset} has size {size}"
        payload = data[offset + 8:offset + size]
        name = f"{path}/{kind.decode('ascii')}".lstrip("/")
        assert name not in found, f"two {name} boxes"
        found[name] = payload
        if kind in CONTAINERS:
            found.update(box_tree(payload, name))
        offset += size
    assert offset == len(data)
    return found


def mp4_facts(data: bytes):
    """(major brand, compatible brands, width, height, seconds, handler, box names) of an MP4."""
    boxes = box_tree(data)
    names = list(boxes)
    assert names[0] == "ftyp" and "moov" in names
    ftyp = boxes["ftyp"]
    brands = [ftyp[i:i + 4] for i in range(8, len(ftyp), 4)]
    mvhd = boxes["moov/mvhd"]
    assert mvhd[0] == 0  # version 0: 32-bit times
    timescale, duration = struct.unpack(">II", mvhd[12:20])
    tkhd = boxes["moov/trak/tkhd"]
    assert tkhd[0] == 0 and struct.unpack(">I", b"\0" + tkhd[1:4])[0] & 1  # track enabled
    (track_duration,) = struct.unpack(">I", tkhd[20:24])
    assert track_duration == duration
    width, height = struct.unpack(">II", tkhd[76:84])
    assert width & 0xFFFF == 0 and height & 0xFFFF == 0  # 16.16 fixed point, whole pixels
    mdhd = boxes["moov/trak/mdia/mdhd"]
    media_scale, media_duration = struct.unpack(">II", mdhd[12:20])
    assert media_duration / media_scale == duration / timescale
    handler = boxes["moov/trak/mdia/hdlr"][8:12]
    return ftyp[:4], brands, width >> 16, height >> 16, duration / timescale, handler, names


def test_call_waits_for_a_video_that_is_an_mp4_of_the_requested_size(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    rsp = ds.VideoSynthesis.call(model="wan2.1-t2v-turbo", prompt="a cat running under the moon", size="832*480", duration=3)
    assert rsp.status_code == 200, rsp
    assert rsp.output.task_status == "SUCCEEDED"
    assert rsp.output["orig_prompt"] == "a cat running under the moon"
    assert rsp.usage["duration"] == 3 and rsp.usage.video_count == 1
    assert rsp.usage["size"] == "832*480" and rsp.usage["SR"] == "480"
    url = rsp.output.video_url
    assert url.startswith(instant.base_url + "/")
    video = requests.get(url, timeout=10)  # no key: it stands for a signed OSS URL
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    brand, brands, width, height, seconds, handler, names = mp4_facts(video.content)
    assert brand == b"isom" and b"isom" in brands
    assert (width, height, seconds, handler) == (832, 480, 3, b"vide")
    for box in ["moov/trak/mdia/minf/vmhd", "moov/trak/mdia/minf/dinf/dref", "moov/trak/mdia/minf/stbl/stsd"]:
        assert box in names
    assert requests.get(url, timeout=10).content == video.content  # deterministic


def test_async_call_and_fetch_on_the_virtual_clock(virtual, monkeypatch):
    ds = use(monkeypatch, virtual)
    task = ds.VideoSynthesis.async_call(model="wan2.2-t2v-plus", prompt="waves on a beach", resolution="1080P")
    assert task.status_code == 200 and task.output.task_status == "PENDING"
    assert ds.VideoSynthesis.fetch(task).output.task_status == "PENDING"
    virtual.advance_clock(PENDING_MS)
    running = ds.VideoSynthesis.fetch(task.output.task_id)
    assert running.output.task_status == "RUNNING"
    assert not running.output.video_url
    virtual.advance_clock(RUNNING_MS)
    done = ds.VideoSynthesis.wait(task)  # already finished: its first poll returns
    assert done.output.task_status == "SUCCEEDED"
    assert done.output["submit_time"] < done.output["scheduled_time"] < done.output["end_time"]
    assert done.usage["duration"] == 5 and done.usage["SR"] == "1080" and done.usage["size"] == "1920*1080"
    _, _, width, height, seconds, _, _ = mp4_facts(requests.get(done.output.video_url, timeout=10).content)
    assert (width, height, seconds) == (1920, 1080, 5)
    listed = ds.VideoSynthesis.list(model_name="wan2.2-t2v-plus", status="SUCCEEDED")
    assert task.output.task_id in [t["task_id"] for t in listed.output["data"]]


def test_image_to_video_takes_an_image_and_needs_one(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    done = ds.VideoSynthesis.call(model="wanx2.1-i2v-turbo", img_url="https://example.com/first.png", size="480*832")
    assert done.status_code == 200, done
    _, _, width, height, _, _, _ = mp4_facts(requests.get(done.output.video_url, timeout=10).content)
    assert (width, height) == (480, 832)
    missing = ds.VideoSynthesis.async_call(model="wanx2.1-i2v-turbo", prompt="no picture given")
    assert (missing.status_code, missing.code) == (400, "InvalidParameter")
    assert missing.message == "Field required: input.img_url"


def test_cancel_takes_a_pending_video_task_only(virtual, monkeypatch):
    ds = use(monkeypatch, virtual)
    pending = ds.VideoSynthesis.async_call(model="wan2.1-t2v-turbo", prompt="cancel me")
    assert ds.VideoSynthesis.cancel(pending).status_code == 200
    virtual.advance_clock(PENDING_MS + RUNNING_MS)
    assert ds.VideoSynthesis.fetch(pending).output.task_status == "CANCELED"
    started = ds.VideoSynthesis.async_call(model="wan2.1-t2v-turbo", prompt="too late")
    virtual.advance_clock(PENDING_MS)
    refused = ds.VideoSynthesis.cancel(started)
    assert (refused.status_code, refused.code) == (400, "UnsupportedOperation")
    assert ds.VideoSynthesis.fetch(started).output.task_status == "RUNNING"


def test_failed_by_fault_after_pending_and_running(virtual, monkeypatch):
    ds = use(monkeypatch, virtual)
    fault = {"X-MockScope-Fault": 'task_outcome status=FAILED code=DataInspectionFailed message="Output data may contain inappropriate content."'}
    task = ds.VideoSynthesis.async_call(model="wan2.1-t2v-turbo", prompt="a failing video")

    def polled():
        return requests.get(f"{virtual.native_url}/tasks/{task.output.task_id}", timeout=10,
                            headers={"Authorization": "Bearer sk-video", **fault}).json()["output"]
    assert polled()["task_status"] == "PENDING"
    virtual.advance_clock(PENDING_MS)
    assert polled()["task_status"] == "RUNNING"
    virtual.advance_clock(RUNNING_MS)
    failed = polled()
    assert failed["task_status"] == "FAILED" and failed["code"] == "DataInspectionFailed"
    assert "video_url" not in failed
    done = ds.VideoSynthesis.fetch(task)  # without the fault
    assert done.output.task_status == "SUCCEEDED" and done.output.video_url


def test_without_the_async_header_the_403(instant, monkeypatch):
    use(monkeypatch, instant)  # the SDK pointed at the server (BaseApi reads its module settings)
    from dashscope.client.base_api import BaseApi
    # The synchronous call path the SDK has (ImageSynthesis.sync_call's): no X-DashScope-Async.
    rsp = BaseApi.call(model="wan2.1-t2v-turbo", input={"prompt": "a cat"}, task_group="aigc",
                       task="video-generation", function="video-synthesis")
    assert rsp.status_code == 403
    assert rsp.code == "AccessDenied"
    assert rsp.message == "current user api does not support synchronous calls."


def test_bad_video_requests_get_the_native_error(instant, monkeypatch):
    ds = use(monkeypatch, instant)
    bad_size = ds.VideoSynthesis.async_call(model="wan2.1-t2v-turbo", prompt="x", size="wide")
    assert (bad_size.status_code, bad_size.code) == (400, "InvalidParameter")
    assert "parameters.size" in bad_size.message
    no_prompt = ds.VideoSynthesis.async_call(model="wan2.1-t2v-turbo", prompt="")
    assert (no_prompt.status_code, no_prompt.message) == (400, "Field required: input.prompt")
    bad_duration = ds.VideoSynthesis.async_call(model="wan2.1-t2v-turbo", prompt="x", duration=99)
    assert (bad_duration.status_code, bad_duration.code) == (400, "InvalidParameter")
    bad_resolution = ds.VideoSynthesis.async_call(model="wan2.2-t2v-plus", prompt="x", resolution="8K")
    assert bad_resolution.status_code == 400 and "480P, 720P, 1080P" in bad_resolution.message
    with pytest.raises(Exception, match="Invalid task"):
        ds.VideoSynthesis.wait(no_prompt)
