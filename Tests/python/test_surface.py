"""Embeddings, rerank, the tokenizer and the model list (issue 15, items 1-3 and GET /models),
through the openai and dashscope SDKs against a synthesizing server; a retrieval test ranks
documents with synthesized embeddings and with rerank. docs/protocol-notes.md, surface §1-§4."""

from __future__ import annotations

import base64
import math
import struct

import openai
import pytest
import requests

from mockscope_support import eventually, fault_headers
from synth_support import synth, client, ds  # noqa: F401  (pytest fixtures)

QUERY = "How do I reset my router password?"
DOCUMENTS = [
    "Bananas are rich in potassium and make a quick breakfast.",
    "To reset the router password, hold the reset button for ten seconds, then log in with the default password.",
    "The museum opens at nine and closes at five on weekdays.",
    "Our router ships with two antennas and supports dual-band wifi.",
]
RELEVANT = 1
AUTH = {"Authorization": "Bearer sk-test"}


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b)) / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def post(server, path, body):
    return requests.post(server.base_url + path, json=body, headers=AUTH, timeout=30)


# --------------------------------------------------------------------------- embeddings, compat
def test_openai_embeddings_default_base64_decodes_to_unit_vectors(synth, client):
    """The openai SDK asks for base64 by default and decodes float32 itself."""
    result = client.embeddings.create(model="text-embedding-v4", input=["风急天高猿啸哀", "渚清沙白鸟飞回"])
    assert [d.index for d in result.data] == [0, 1]
    for item in result.data:
        assert len(item.embedding) == 1024
        assert abs(math.sqrt(sum(x * x for x in item.embedding)) - 1) < 1e-4
    assert result.usage.prompt_tokens == result.usage.total_tokens > 0
    journal = synth.requests(path="/compatible-mode/v1/embeddings")[-1]
    assert journal["status"] == 200


def test_base64_is_little_endian_float32_of_the_float_answer(synth):
    body = {"model": "text-embedding-v4", "input": "the same text", "dimensions": 64}
    floats = post(synth, "/compatible-mode/v1/embeddings", {**body, "encoding_format": "float"}).json()["data"][0]["embedding"]
    encoded = post(synth, "/compatible-mode/v1/embeddings", {**body, "encoding_format": "base64"}).json()["data"][0]["embedding"]
    assert isinstance(encoded, str)
    decoded = list(struct.unpack("<64f", base64.b64decode(encoded)))
    assert decoded == pytest.approx(floats, abs=1e-7)


def test_same_request_same_vector_and_dimensions_follow_the_request(client):
    a = client.embeddings.create(model="text-embedding-v3", input="hello world", dimensions=512, encoding_format="float")
    b = client.embeddings.create(model="text-embedding-v3", input="hello world", dimensions=512, encoding_format="float")
    assert a.data[0].embedding == b.data[0].embedding
    assert len(a.data[0].embedding) == 512


@pytest.mark.parametrize("body, status, words", [
    ({"model": "text-embedding-v4", "input": [f"t{i}" for i in range(11)]}, 400, "should not be larger than 10"),
    ({"model": "text-embedding-v4", "input": []}, 400, "[] is too short"),
    ({"model": "text-embedding-v4", "input": [1, 2]}, 400, "contents is neither str nor list of str"),
    ({"model": "text-embedding-v4", "input": "x", "dimensions": 100}, 400, "dimensions is invalid"),
    ({"model": "text-embedding-v3", "input": "x", "dimensions": 2048}, 400, "one of [1024, 768, 512]"),
    ({"model": "text-embedding-v4", "input": ""}, 400, "Range of input length should be [1, 8192]"),
    ({"model": "text-embedding-v4", "input": "word " * 9000}, 400, "Range of input length should be [1, 8192]"),
    ({"model": "qwen-plus", "input": "x"}, 400, "Supported models: text-embedding-v4, text-embedding-v3"),
    ({"input": "x"}, 400, "model"),
])
def test_compat_embedding_refusals(synth, client, body, status, words):
    with pytest.raises(openai.APIStatusError) as raised:
        client.post("/embeddings", body=body, cast_to=object)
    assert raised.value.status_code == status
    error = raised.value.body["error"] if "error" in raised.value.body else raised.value.body
    assert words in error["message"]
    assert error["code"] == "invalid_parameter_error"


# --------------------------------------------------------------------------- embeddings, native
def test_dashscope_text_embedding_with_text_index_and_dimension(ds):
    response = ds.TextEmbedding.call(model="text-embedding-v4", input=["风急天高猿啸哀", "渚清沙白鸟飞回"],
                                     dimension=256, text_type="document", api_key="sk-test")
    assert response.status_code == 200, response
    embeddings = response.output["embeddings"]
    assert [e["text_index"] for e in embeddings] == [0, 1]
    assert all(len(e["embedding"]) == 256 for e in embeddings)
    assert response.usage["total_tokens"] > 0


def test_dashscope_sparse_output(ds):
    response = ds.TextEmbedding.call(model="text-embedding-v4", input="wind wind sky", output_type="dense&sparse", api_key="sk-test")
    assert response.status_code == 200, response
    item = response.output["embeddings"][0]
    assert len(item["embedding"]) == 1024
    tokens = {entry["token"]: entry["value"] for entry in item["sparse_embedding"]}
    assert set(tokens) == {"wind", "sky"} and tokens["wind"] > tokens["sky"]


def test_dashscope_embedding_refusals_in_native_shape(ds):
    response = ds.TextEmbedding.call(model="text-embedding-v4", input=[f"t{i}" for i in range(11)], api_key="sk-test")
    assert response.status_code == 400
    assert response.code == "InvalidParameter"
    assert response.message == "Value error, batch size is invalid, it should not be larger than 10."
    response = ds.TextEmbedding.call(model="text-embedding-v4", input="x", dimension=7, api_key="sk-test")
    assert response.status_code == 400 and "dimension is invalid" in response.message


def test_embedding_fault_applies(synth, client):
    """Faults reach the new endpoints as chat: an injected 429 in compatible mode's words."""
    with pytest.raises(openai.RateLimitError) as raised:
        client.embeddings.create(model="text-embedding-v4", input="x",
                                 extra_headers=fault_headers("http_error code=rate_limit_requests"))
    assert raised.value.body["code"] == "limit_requests"


# --------------------------------------------------------------------------- retrieval
def test_retrieval_with_synthesized_embeddings_finds_the_relevant_document(client):
    vectors = client.embeddings.create(model="text-embedding-v4", input=[QUERY] + DOCUMENTS).data
    query, documents = vectors[0].embedding, [v.embedding for v in vectors[1:]]
    scores = [cosine(query, d) for d in documents]
    assert max(range(len(scores)), key=scores.__getitem__) == RELEVANT, scores
    # A document sharing no word with the query scores below one that shares some.
    assert scores[2] < scores[3]


def test_retrieval_with_rerank_finds_the_relevant_document(ds):
    response = ds.TextReRank.call(model="gte-rerank-v2", query=QUERY, documents=DOCUMENTS, top_n=2,
                                  return_documents=True, api_key="sk-test")
    assert response.status_code == 200, response
    results = response.output.results
    assert len(results) == 2
    assert results[0].index == RELEVANT
    # (the SDK's ReRankResult declares `document` as a class attribute: read it as a key)
    assert results[0]["document"]["text"] == DOCUMENTS[RELEVANT]
    assert results[0].relevance_score > results[1].relevance_score
    assert response.usage.total_tokens > 0


def test_rerank_without_top_n_returns_all_sorted_without_documents(ds):
    response = ds.TextReRank.call(model="qwen3-rerank", query=QUERY, documents=DOCUMENTS, api_key="sk-test")
    results = response.output.results
    assert sorted(r.index for r in results) == list(range(len(DOCUMENTS)))
    scores = [r.relevance_score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(r["document"] is None for r in results)


def test_compatible_rerank_route(synth):
    """`/compatible-api/v1/reranks` as the doc calls it with the openai SDK's `client.post`."""
    client = openai.OpenAI(api_key="sk-test", base_url=synth.base_url + "/compatible-api/v1", max_retries=0)
    body = client.post("/reranks", body={"model": "qwen3-rerank", "query": QUERY, "documents": DOCUMENTS, "top_n": 1},
                       cast_to=object)
    assert body["object"] == "list" and body["model"] == "qwen3-rerank"
    assert [r["index"] for r in body["results"]] == [RELEVANT]
    assert body["usage"]["total_tokens"] > 0
    again = post(synth, "/compatible-api/v1/reranks", {"model": "qwen3-rerank", "query": QUERY, "documents": DOCUMENTS, "top_n": 1})
    assert again.json()["results"] == body["results"]


@pytest.mark.parametrize("body, words", [
    ({"model": "qwen3-rerank", "query": "q", "documents": []}, "[] is too short"),
    ({"model": "qwen3-rerank", "query": "q", "documents": ["d"] * 501}, "should not be larger than 500"),
    ({"model": "qwen3-rerank", "documents": ["d"]}, "Field required: query"),
    ({"model": "qwen3-rerank", "query": "q", "documents": ["d"], "top_n": 0}, "top_n"),
    ({"model": "text-embedding-v4", "query": "q", "documents": ["d"]}, "Supported models:"),
])
def test_compatible_rerank_refusals(synth, body, words):
    response = post(synth, "/compatible-api/v1/reranks", body)
    assert response.status_code == 400
    assert words in response.json()["error"]["message"]


def test_native_rerank_refusal(ds):
    response = ds.TextReRank.call(model="gte-rerank-v2", query="q", documents=["d"] * 501, api_key="sk-test")
    assert response.status_code == 400 and response.code == "InvalidParameter"
    assert response.message == "Value error, batch size is invalid, it should not be larger than 500."


# --------------------------------------------------------------------------- tokenizer
@pytest.mark.parametrize("messages", [
    [{"role": "user", "content": "你好世界"}],
    [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "How do I boil potatoes? 土豆怎么煮?"}],
])
def test_tokenizer_count_is_the_synthesized_answers_input_tokens(ds, client, messages):
    tokenized = ds.Tokenization.call(model="qwen-plus", messages=messages, api_key="sk-test")
    assert tokenized.status_code == 200, tokenized
    ids, tokens = tokenized.output["token_ids"], tokenized.output["tokens"]
    assert len(ids) == len(tokens) == tokenized.usage["input_tokens"]
    assert tokens[0] == "<|im_start|>" and ids[0] == 151644
    assert "".join(t for t in tokens if not t.startswith("<|")).replace("\n", "").find(messages[-1]["content"]) >= 0
    native = ds.Generation.call(model="qwen-plus", messages=messages, result_format="message", api_key="sk-test")
    assert native.usage.input_tokens == tokenized.usage["input_tokens"]
    compat = client.chat.completions.create(model="qwen-plus", messages=messages)
    assert compat.usage.prompt_tokens == tokenized.usage["input_tokens"]


def test_tokenizer_prompt_input_and_refusal(ds):
    tokenized = ds.Tokenization.call(model="qwen-plus", prompt="hello there", api_key="sk-test")
    assert tokenized.status_code == 200
    assert "hello there" in tokenized.output["prompt"]
    refused = requests.post(ds.base_http_api_url + "/tokenizer", json={"model": "qwen-plus", "input": {}}, headers=AUTH, timeout=10)
    assert refused.status_code == 400 and refused.json()["code"] == "InvalidParameter"


# --------------------------------------------------------------------------- GET /models
def test_models_list_and_retrieve_read_the_catalog(client):
    ids = [m.id for m in client.models.list()]
    assert {"qwen-plus", "qwq-plus", "text-embedding-v4", "gte-rerank-v2"} <= set(ids)
    assert ids == sorted(ids)
    assert client.models.retrieve("qwen-plus").id == "qwen-plus"
    with pytest.raises(openai.NotFoundError) as raised:
        client.models.retrieve("no-such-model")
    assert raised.value.body["code"] == "model_not_found"
    assert "no-such-model" in raised.value.body["message"]


def test_models_list_includes_a_models_file(mockscope_server, tmp_path):
    extra = tmp_path / "team.yaml"
    extra.write_text("models:\n  - name: team-model\n    like: qwen-plus\n    source: our deployment\n", encoding="utf-8")
    server = mockscope_server("--speed", "0", "--models", str(extra), label="surface-models")
    client = openai.OpenAI(api_key="sk-test", base_url=server.compat_url, max_retries=0)
    assert "team-model" in [m.id for m in client.models.list()]
    assert client.models.retrieve("team-model").owned_by == "system"


def test_native_models_list_and_get(ds):
    listed = ds.Models.list(page=1, page_size=5, api_key="sk-test")
    assert listed.status_code == 200, listed
    assert len(listed.output["models"]) == 5 and listed.output["total"] > 5
    found = ds.Models.get("qwen-plus", api_key="sk-test")
    assert found.status_code == 200 and found.output["model"] == "qwen-plus"
    missing = ds.Models.get("no-such-model", api_key="sk-test")
    assert missing.status_code == 404


# --------------------------------------------------------------------------- recording and replay
def test_embeddings_and_rerank_record_and_replay(mockscope_server, synth, tmp_path):
    """Recorded through MockScope (upstream: the synthesizing server), then replayed by a server
    that synthesizes nothing: the same vectors and ranking, from fixtures."""
    folder = tmp_path / "recorded"
    recorder = mockscope_server("--record", "new", "--upstream", synth.base_url, "--record-to", str(folder), label="surface-record")
    recording = openai.OpenAI(api_key="sk-test", base_url=recorder.compat_url, max_retries=0)
    recorded = recording.embeddings.create(model="text-embedding-v4", input=DOCUMENTS[:2]).data
    rerank_body = {"model": "gte-rerank-v2", "input": {"query": QUERY, "documents": DOCUMENTS}, "parameters": {"top_n": 2}}
    recorded_rank = post(recorder, "/api/v1/services/rerank/text-rerank/text-rerank", rerank_body).json()["output"]["results"]
    eventually(lambda: sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json")), lambda files: len(files) == 2,
               timeout=10, message="two fixtures written")

    replay = mockscope_server("--speed", "0", "--fixtures", str(folder), label="surface-replay")
    replaying = openai.OpenAI(api_key="sk-test", base_url=replay.compat_url, max_retries=0)
    assert [d.embedding for d in replaying.embeddings.create(model="text-embedding-v4", input=DOCUMENTS[:2]).data] == \
        [d.embedding for d in recorded]
    assert post(replay, "/api/v1/services/rerank/text-rerank/text-rerank", rerank_body).json()["output"]["results"] == recorded_rank
    entries = replay.requests(path="/compatible-mode/v1/embeddings") + replay.requests(path="/api/v1/services/rerank/text-rerank/text-rerank")
    assert all(e["fixture"] and not e["synthesized"] for e in entries)
    # Not recorded: the replaying server's no-match error, in the path's protocol.
    with pytest.raises(openai.BadRequestError) as raised:
        replaying.embeddings.create(model="text-embedding-v4", input="never recorded")
    assert raised.value.body["code"] == "mockscope_no_match"
