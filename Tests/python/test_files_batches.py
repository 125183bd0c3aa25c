"""Files and batches through the openai SDK (files.create/list/retrieve/delete/content,
batches.create/retrieve/list/cancel), the dashscope SDK's local-file upload flow (getPolicy, the
form upload to MockScope, the oss:// reference), multipart matched by parts, never by the
boundary (docs/protocols/tasks.md)."""

from __future__ import annotations

import json

import openai
import pytest
import requests

from task_support import virtual_task_server

PENDING_MS = 400
RUNNING_MS = 1000


@pytest.fixture(scope="module")
def server(mockscope_server):
    return virtual_task_server(mockscope_server, "files-batches", PENDING_MS, RUNNING_MS)


@pytest.fixture
def client(server):
    return openai.OpenAI(api_key="sk-files", base_url=server.compat_url, timeout=30, max_retries=0)


def line(custom_id, text, url="/v1/chat/completions", model="qwen-plus"):
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": url,
                       "body": {"model": model, "messages": [{"role": "user", "content": text}]}}, ensure_ascii=False)


def test_files_upload_list_retrieve_delete(client, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("MockScope keeps what you upload.\n")
    uploaded = client.files.create(file=path.open("rb"), purpose="file-extract")
    assert uploaded.id.startswith("file-fe-")
    assert (uploaded.filename, uploaded.bytes, uploaded.purpose, uploaded.status) == ("notes.txt", 33, "file-extract", "processed")
    assert client.files.retrieve(uploaded.id).model_dump() == uploaded.model_dump()
    assert uploaded.id in [f.id for f in client.files.list()]
    assert uploaded.id not in [f.id for f in client.files.list(purpose="batch")]
    with pytest.raises(openai.BadRequestError):
        client.files.content(uploaded.id)  # only batch output is downloadable
    deleted = client.files.delete(uploaded.id)
    assert deleted.deleted is True and deleted.id == uploaded.id
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(uploaded.id)
    with pytest.raises(openai.NotFoundError):
        client.files.delete(uploaded.id)


def test_bad_uploads_get_compatible_errors(server, client, tmp_path):
    headers = {"Authorization": "Bearer sk-files"}
    broken = requests.post(server.compat_url + "/files", headers={**headers, "Content-Type": "multipart/form-data; boundary=abc"},
                           data=b"--abc\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno closing boundary", timeout=10)
    assert broken.status_code == 400
    error = broken.json()["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "invalid_parameter_error"
    assert "multipart" in error["message"]
    not_multipart = requests.post(server.compat_url + "/files", headers={**headers, "Content-Type": "application/json"}, data=b"{}", timeout=10)
    assert not_multipart.status_code == 400
    path = tmp_path / "x.jsonl"
    path.write_text("{}\n")
    with pytest.raises(openai.BadRequestError, match="purpose"):
        client.files.create(file=path.open("rb"), purpose="fine-tune")


def test_batch_runs_on_the_clock_and_writes_output_and_error_files(server, client, tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([
        line("a", "你好"),
        line("b", "What is MockScope?"),
        line("c", "wrong url", url="/v1/embeddings"),
        line("a", "duplicate id"),
        line("d", "other model", model="qwen-max"),
        "not json",
    ]) + "\n", encoding="utf-8")
    input_file = client.files.create(file=path.open("rb"), purpose="batch")
    assert input_file.id.startswith("file-batch-")
    batch = client.batches.create(input_file_id=input_file.id, endpoint="/v1/chat/completions", completion_window="24h",
                                  metadata={"ds_name": "probe", "ds_description": "a test batch"})
    assert batch.status == "validating" and batch.output_file_id is None
    assert batch.metadata == {"ds_name": "probe", "ds_description": "a test batch"}
    server.advance_clock(PENDING_MS)
    assert client.batches.retrieve(batch.id).status == "in_progress"
    server.advance_clock(RUNNING_MS)
    assert client.batches.retrieve(batch.id).status == "finalizing"
    server.advance_clock(PENDING_MS)
    done = client.batches.retrieve(batch.id)
    assert done.status == "completed"
    assert (done.request_counts.total, done.request_counts.completed, done.request_counts.failed) == (6, 2, 4)
    assert done.output_file_id.startswith("file-batch_output-") and done.error_file_id.startswith("file-batch_error-")
    output = [json.loads(l) for l in client.files.content(done.output_file_id).text.splitlines()]
    assert [l["custom_id"] for l in output] == ["a", "b"]
    for entry in output:
        assert entry["error"] is None and entry["response"]["status_code"] == 200
        body = entry["response"]["body"]
        assert body["object"] == "chat.completion" and body["choices"][0]["message"]["content"]
    errors = [json.loads(l) for l in client.files.content(done.error_file_id).text.splitlines()]
    assert [e["error"]["code"] for e in errors] == ["invalid_url", "duplicate_custom_id", "mismatched_model", "invalid_json_line"]
    assert errors[2]["error"]["message"].startswith("The model 'qwen-max' for this request does not match the rest of the batch.")
    assert done.id in [b.id for b in client.batches.list(limit=100)]
    assert [b.id for b in client.batches.list(extra_query={"ds_name": "probe"})] == [done.id]
    with pytest.raises(openai.BadRequestError, match="completed"):
        client.batches.cancel(done.id)


def test_batch_cancel_then_cancelled(server, client, tmp_path):
    path = tmp_path / "cancel.jsonl"
    path.write_text(line("x", "hello") + "\n")
    input_file = client.files.create(file=path.open("rb"), purpose="batch")
    batch = client.batches.create(input_file_id=input_file.id, endpoint="/v1/chat/completions", completion_window="24h")
    cancelling = client.batches.cancel(batch.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at is not None
    server.advance_clock(PENDING_MS)
    cancelled = client.batches.retrieve(batch.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None and cancelled.output_file_id is None
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch_no-such-batch")
    with pytest.raises(openai.BadRequestError, match="completion_window"):
        client.batches.create(input_file_id=input_file.id, endpoint="/v1/chat/completions", completion_window="1h")
    with pytest.raises(openai.NotFoundError):
        client.batches.create(input_file_id="file-batch-missing", endpoint="/v1/chat/completions", completion_window="24h")


def test_local_file_goes_through_the_upload_policy_to_an_oss_reference(server, monkeypatch, tmp_path):
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", server.native_url)
    image = tmp_path / "cat.png"
    image.write_bytes(requests.get(server.base_url + "/mockscope/images/cat/8x8.png", timeout=10).content)
    rsp = dashscope.MultiModalConversation.call(
        api_key="sk-files", model="qwen-vl-plus",
        messages=[{"role": "user", "content": [{"image": f"file://{image}"}, {"text": "What is in the picture?"}]}])
    assert rsp.status_code == 200, rsp
    assert rsp.output.choices[0].message.content
    uploads = server.requests(path="/mockscope/oss")
    assert len(uploads) >= 1 and uploads[-1]["status"] == 200
    calls = server.requests(path="/api/v1/services/aigc/multimodal-generation/generation")
    sent = json.dumps(calls[-1])
    assert "oss://dashscope-instant/mockscope/" in sent and "/cat.png" in sent
    # The same reference without the resolve header is refused as the service refuses it.
    reference = "oss://" + sent.split("oss://")[1].split("/cat.png")[0] + "/cat.png"
    bare = requests.post(server.native_url + "/services/aigc/multimodal-generation/generation",
                         headers={"Authorization": "Bearer sk-files", "Content-Type": "application/json"},
                         json={"model": "qwen-vl-plus", "input": {"messages": [{"role": "user", "content": [{"image": reference}, {"text": "?"}]}]}},
                         timeout=10)
    assert bare.status_code == 400
    assert bare.json()["message"] == "The provided URL does not appear to be valid. Ensure it is correctly formatted."


def test_recorded_upload_replays_whatever_the_boundary(mockscope_server, tmp_path):
    replay = mockscope_server("--speed", "0", label="multipart-replay")

    def body(boundary):
        return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n{{\"k\":1}}\n\r\n--{boundary}--\r\n")

    recorded = {"id": "file-batch-recorded", "object": "file", "bytes": 8, "created_at": 1, "filename": "in.jsonl",
                "purpose": "batch", "status": "processed", "status_details": None}
    replay.add_fixture({"name": "recorded-upload",
                        "request": {"method": "POST", "path": "/compatible-mode/v1/files", "body": body("recordedBoundary1")},
                        "response": {"status": 200, "headers": {"content-type": "application/json"}, "json": recorded}})
    client = openai.OpenAI(api_key="sk-files", base_url=replay.compat_url, timeout=30, max_retries=0)
    path = tmp_path / "in.jsonl"
    path.write_text('{"k":1}\n')
    assert client.files.create(file=("in.jsonl", path.open("rb"), "application/octet-stream"), purpose="batch").id == "file-batch-recorded"
    other = tmp_path / "other.jsonl"
    other.write_text('{"k":2}\n')
    # Other parts match no fixture: the upload is MockScope's own (stored, a new id).
    fresh = client.files.create(file=("in.jsonl", other.open("rb"), "application/octet-stream"), purpose="batch")
    assert fresh.id != "file-batch-recorded" and fresh.id.startswith("file-batch-")


def test_dashscope_files_upload_list_get_delete(server, monkeypatch, tmp_path):
    import dashscope
    monkeypatch.setattr(dashscope, "base_http_api_url", server.native_url)
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}) + "\n")
    uploaded = dashscope.Files.upload(file_path=str(path), purpose="fine_tune", description="a probe", api_key="sk-files")
    assert uploaded.status_code == 200, uploaded
    file_id = uploaded.output["uploaded_files"][0]["file_id"]
    assert uploaded.output["uploaded_files"][0]["name"] == "train.jsonl" and uploaded.output["failed_uploads"] == []
    got = dashscope.Files.get(file_id, api_key="sk-files")
    assert (got.output["file_id"], got.output["description"], got.output["size"]) == (file_id, "a probe", path.stat().st_size)
    listed = dashscope.Files.list(page=1, page_size=100, api_key="sk-files")
    assert file_id in [f["file_id"] for f in listed.output["files"]]
    # A store of its own: compatible mode's files do not show it.
    compat = openai.OpenAI(api_key="sk-files", base_url=server.compat_url, max_retries=0)
    assert file_id not in [f.id for f in compat.files.list()]
    assert dashscope.Files.delete(file_id, api_key="sk-files").status_code == 200
    missing = dashscope.Files.get(file_id, api_key="sk-files")
    assert (missing.status_code, missing.code) == (404, "NotFound")
