#!/usr/bin/env python3
"""Build MockScope's default fixtures (fixtures/*.json) from constants.

Stdlib only, deterministic: running it twice writes byte-identical files.

    python3 scripts/build-default-fixtures.py SEEDS            # writes <repo>/fixtures/...
    python3 scripts/build-default-fixtures.py SEEDS --out DIR  # writes DIR/...
    python3 scripts/build-default-fixtures.py SEEDS --check    # build in memory, compare with files on disk

SEEDS is the folder of the seed documents the fixtures were written from (they are not part of
the repository); it may be left out when $MOCKSCOPE_SEEDS names it. The long texts (QwQ's
9.9/9.11 reasoning and answer, the four-cities weather reasoning, the four tool-call
ids/arguments) are copies of seed 004 (004_345b41f9708adb30.txt) and the qwen-plus answer body of
seed 001 (001_37e3d7b7b22fa524.txt); the script re-extracts them from the seeds and refuses to
run if the constants below differ from them by a single character.

Wire formats: docs/protocol-notes.md. Citations here and in the fixtures' `source` fields
(`openai-compatible.md §4.1`, `dashscope-native.md §7.1`) are its sections compat §4.1 and
native §7.1: compat SSE is `data: <json>\\n\\n` ending with `data: [DONE]\\n\\n`;
native SSE is `id:N\\nevent:result\\n:HTTP_STATUS/200\\ndata:<json>\\n\\n` with no terminator.
No timing was ever recorded for these exchanges: every `at` is synthetic (seeded per fixture).
"""

import argparse
import ast
import json
import math
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS_ENV = "MOCKSCOPE_SEEDS"
SEED_001 = "001_37e3d7b7b22fa524.txt"
SEED_004 = "004_345b41f9708adb30.txt"
GENERATOR = "scripts/build-default-fixtures.py"

COMPAT_CHAT = "/compatible-mode/v1/chat/completions"
NATIVE_TEXT = "/api/v1/services/aigc/text-generation/generation"
NATIVE_MM = "/api/v1/services/aigc/multimodal-generation/generation"
APP_ID = "abf27f9eb6f742ff8f8fcf4d9c8dbb15"
APPS_PATH = f"/api/v1/apps/{APP_ID}/completion"

# ---------------------------------------------------------------------------------------------
# Texts copied from seed 004 (QwQ docs page, "返回结果" sections). Kept as one list entry per line
# so trailing spaces (Markdown line breaks in the answer) stay visible.
# ---------------------------------------------------------------------------------------------

DECIMAL_REASONING = "\n".join([
    '嗯，用户问的是9.9和9.11谁大。首先我要确定这两个数字的具体含义，因为有时候在不同的上下文中可能会有不同的解释。不过通常来说，这里的数字应该是指十进制的小数，也就是数学上的数值比较。',
    '',
    '首先，我需要比较这两个小数的大小。9.9和9.11。先看整数部分，都是9，所以整数部分相同。接下来比较小数部分。小数点后的第一位，9.9的小数点后第一位是9，而9.11的小数点后第一位是1。这时候，9比1大，所以9.9的小数部分在第一位就已经更大了，那么整个数自然更大。不过，可能有人会疑惑，因为9.11的小数点后有两位，而9.9只有两位？或者说是不是应该补零来比较？',
    '',
    '比如，9.9可以写成9.90，而9.11是9.11，这样比较的话，第二位小数的话，9.90的第二位是0，而9.11的是1，这时候第二位的话，0比1小。不过这时候第一位已经分出胜负了，第一位9比1大，所以不管后面的小数位如何，第一位已经决定了。因此，9.9比9.11大。',
    '',
    '不过，也有可能用户在这里的写法有其他意思，比如9.9和9.11可能指的是日期，比如9月9日和9月11日，这样的话比较的话，9.11会更大，因为11日比9日晚。但通常数字比较的话，如果没有特别说明是日期的话，应该按数值来比较。不过用户的问题用的是“谁大”，也就是数值大小，而不是日期先后，所以应该还是数值比较。',
    '',
    '再仔细检查一遍，9.9和9.11的数值比较：',
    '',
    '9.9 = 9 + 0.9 = 9.900...',
    '',
    '9.11 = 9 + 0.11 = 9.110...',
    '',
    '比较的时候，先比较整数部分，都是9，相同。然后比较小数点后的第一位，0.9的十分位是9，而0.11的十分位是1，所以9.9的十分位更大，因此整个数更大。后面的百分位虽然9.11有1，但因为十分位已经分出高下了，所以不影响结果。',
    '',
    '所以结论应该是9.9比9.11大。不过可能有人会因为小数点后的位数不同而产生混淆，比如认为9.11有两位小数，所以更精确或者数值更大，但其实不是的，数值的大小不取决于小数点后的位数，而是每一位的数值比较。',
    '',
    '比如，比如比较1.5和1.499，虽然1.499有三位小数，但数值上还是小于1.5。同理，9.9虽然写成一位小数，但等价于9.90，所以比9.11大。',
    '',
    '不过，也有可能用户在这里的写法有其他意思，比如货币单位？比如9.9元和9.11元，这时候同样是9.9元更多。或者其他的上下文，但如果没有特别说明的话，应该按数值比较。',
    '',
    '所以最终结论是9.9比9.11大。不过，为了确保正确，再举个例子，比如用分数来比较：',
    '',
    '9.9 = 99/10 = 9.9',
    '',
    '9.11 = 911/100 = 9.11',
    '',
    '将它们通分比较：',
    '',
    '99/10 = 990/100',
    '',
    '911/100 = 911/100',
    '',
    '显然，990 > 911，所以9.9更大。',
    '',
    '这样确认下来，答案应该是9.9更大。不过用户可能在输入时有笔误，或者有其他意图，但按照常规数学比较的话，结论应该是正确的。',
])

DECIMAL_ANSWER = "\n".join([
    '9.9比9.11大。以下是详细分析：',
    '',
    '1. **整数部分比较**：  ',
    '   两个数的整数部分均为 **9**，因此整数部分相等。',
    '',
    '2. **小数部分比较**：  ',
    '   - **第一位小数**：  ',
    '     9.9 的小数点后第一位是 **9**，而 9.11 的小数点后第一位是 **1**。  ',
    '     **9 > 1**，因此仅凭这一位即可判断 **9.9 > 9.11**。',
    '',
    '   - **后续小数位**（补充说明）：  ',
    '     即使补零为相同位数（如 9.9 = 9.90），比较第二位小数时：  ',
    '     - 9.90 的第二位是 **0**，而 9.11 的第二位是 **1**。  ',
    '     但此时第一位小数已分出胜负，后续位数不影响最终结果。',
    '',
    '3. **分数形式验证**：  ',
    '   - 9.9 = \\( \\frac{99}{10} = \\frac{990}{100} \\)  ',
    '   - 9.11 = \\( \\frac{911}{100} \\)  ',
    '   显然，\\( 990 > 911 \\)，因此 **9.9 > 9.11**。',
    '',
    '**结论**：  ',
    '在数值大小比较中，**9.9 大于 9.11**。',
])

WEATHER_REASONING = "\n".join([
    '好的，用户问的是四个直辖市的天气。首先，我需要明确中国的四个直辖市分别是哪几个。北京、上海、天津和重庆，对吧？所以用户需要这四个城市的天气情况。',
    '',
    '接下来，我需要调用获取天气的函数get_current_weather，每个城市都要单独查询。不过这个函数每次只能查询一个地点，所以得分别调用四次。首先，我应该检查函数的参数是否需要其他信息，但根据描述，参数只需要location，类型是字符串，比如城市名。所以应该没问题。',
    '',
    '然后，我需要确保每个城市的名称正确。比如北京应该用“北京市”，上海是“上海市”，天津是“天津市”，重庆的话可能是“重庆市”或者直接“重庆”，但为了统一，可能用全称更好。用户可能希望得到每个城市的当前天气，所以需要依次调用四次函数。',
    '',
    '不过，用户可能希望一次性得到所有四个直辖市的天气，但根据工具的限制，可能需要多次调用。这时候可能需要分四次调用，然后把结果汇总。所以在回复里，我应该生成四个tool_call，每个对应一个城市。',
    '',
    '另外，还要注意用户是否可能有其他意图，比如是否只需要今天的天气还是未来几天的？不过根据问题描述，函数是获取当前天气，所以应该没问题。不需要额外处理。',
    '',
    '最后，确保每个tool_call的格式正确，参数正确，名称正确。然后按顺序生成四个调用，这样用户就能得到所有四个直辖市的天气数据了。',
])

# Seed 004, "工具调用信息" output of the four-cities example: exact ids and argument strings.
WEATHER_CALLS = [
    {"id": "call_0bfdb95b784e46fab218c0", "name": "get_current_weather", "arguments": '{"location": "北京市"}'},
    {"id": "call_9631576c3ccd419f8d8bc7", "name": "get_current_weather", "arguments": '{"location": "上海市"}'},
    {"id": "call_d862b1bfe8374d2d97f508", "name": "get_current_weather", "arguments": '{"location": "天津市"}'},
    {"id": "call_7222cdcc3cd04c839f2427", "name": "get_current_weather", "arguments": '{"location": "重庆市"}'},
]

# Seed 004, the `tools` list of the Function Calling example (descriptions verbatim).
WEATHER_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_current_time",
            "description": "当你想知道现在的时间时非常有用。",
            "parameters": {},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "当你想查询指定城市的天气时非常有用。",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "城市或县区，比如北京市、杭州市、余杭区等。",
                    }
                },
                "required": ["location"],
            },
        },
    },
]

# Seed 001, the JSON printed under "运行程序" (openai SDK's model_dump_json of a real answer).
WHO_ARE_YOU_COMPAT_BODY = (
    '{"id":"chatcmpl-7889bab6-9ae0-9d87-9fbf-fa151fa2db14","choices":[{"finish_reason":"stop",'
    '"index":0,"logprobs":null,"message":{"content":"我是来自阿里云的大规模语言模型，我叫通义千问。",'
    '"refusal":null,"role":"assistant","audio":null,"function_call":null,"tool_calls":null}}],'
    '"created":1739363139,"model":"qwen-plus","object":"chat.completion","service_tier":null,'
    '"system_fingerprint":null,"usage":{"completion_tokens":16,"prompt_tokens":22,"total_tokens":38,'
    '"completion_tokens_details":null,"prompt_tokens_details":{"audio_tokens":null,"cached_tokens":0}}}'
)
WHO_ARE_YOU_ANSWER = "我是来自阿里云的大规模语言模型，我叫通义千问。"

# dashscope-native.md §5 (real capture, dashscope4j README 1.1.0): multimodal non-stream body.
BICYCLES_BODY = (
    '{"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":'
    '[{"text":"图片中有两辆自行车。"}]}}]},"usage":{"output_tokens":7,"input_tokens":1264,'
    '"image_tokens":1230},"request_id":"f11e20f0-6774-9649-a0c9-6095e6287cdc"}'
)
BICYCLES_REQUEST_ID = "f11e20f0-6774-9649-a0c9-6095e6287cdc"

# dashscope-native.md §7.3 (real capture, same source): the four incremental event payloads.
BICYCLES_STREAM_PAYLOADS = [
    '{"output":{"choices":[{"message":{"content":[{"text":"图片"}],"role":"assistant"},"finish_reason":"null"}]},"usage":{"input_tokens":1264,"output_tokens":1,"image_tokens":1230},"request_id":"9713405c-31b3-97a5-8e99-ac2c685798a0"}',
    '{"output":{"choices":[{"message":{"content":[{"text":"中有"}],"role":"assistant"},"finish_reason":"null"}]},"usage":{"input_tokens":1264,"output_tokens":2,"image_tokens":1230},"request_id":"9713405c-31b3-97a5-8e99-ac2c685798a0"}',
    '{"output":{"choices":[{"message":{"content":[{"text":"两"}],"role":"assistant"},"finish_reason":"null"}]},"usage":{"input_tokens":1264,"output_tokens":3,"image_tokens":1230},"request_id":"9713405c-31b3-97a5-8e99-ac2c685798a0"}',
    '{"output":{"choices":[{"message":{"content":[{"text":"辆自行车。"}],"role":"assistant"},"finish_reason":"stop"}]},"usage":{"input_tokens":1264,"output_tokens":7,"image_tokens":1230},"request_id":"9713405c-31b3-97a5-8e99-ac2c685798a0"}',
]
BICYCLES_STREAM_REQUEST_ID = "9713405c-31b3-97a5-8e99-ac2c685798a0"

# Seed 004 (apps example): the documented sample output.
APP_WEATHER_TEXT = "今天的天气晴朗，温度在20-25摄氏度之间。"
APP_PROMPT = "请告诉我今天的天气如何？"

# Written for these fixtures (no seed has a real answer for them).
NLP_INTRO_TEXT = (
    "自然语言处理（NLP）是人工智能的一个重要分支，研究如何让计算机理解、生成和处理人类语言。"
    "它融合了语言学、计算机科学和机器学习的方法，常见任务包括分词、词性标注、命名实体识别、"
    "情感分析、机器翻译和问答系统等。"
    "近年来，以Transformer为基础的大规模预训练语言模型显著提升了这些任务的效果，"
    "让机器能够更自然地进行对话、摘要和写作。"
    "如今，自然语言处理已广泛应用于智能客服、搜索引擎、语音助手和内容审核等领域。"
)
STORY_TEXT = (
    "从前，森林边住着一只小狐狸。它的奶奶生病了，总说想再看一眼满月。"
    "一天夜里，小狐狸跑到河边，用荷叶做成小碗，小心翼翼地把水中的月亮舀了起来。"
    "可等它跑回家，碗里只剩下一汪清水。小狐狸难过地低下了头。"
    "这时，奶奶笑着指向窗外：“孩子，你看，月亮一路跟着你回来了。”"
    "原来，真正的礼物是你愿意为别人付出的那份心意。"
)

# Fake, well-formed request ids (lower-case 8-4-4-4-12 hex), one per fixture.
def fake_uuid(n):
    return f"deadbeef-0000-4000-8000-{n:012d}"


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def dumps(obj):
    """Compact JSON, raw UTF-8, key order as built."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def tokens(text):
    """Plausible token count for mostly-Chinese text: ~1.5 characters per token."""
    return math.ceil(len(text) / 1.5) if text else 0


def split_text(text, seed, lo=4, hi=16):
    """Split into pieces of lo..hi code points (deterministic). Python strings are sequences of
    code points, so a piece can never end inside a UTF-16 surrogate pair."""
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text), "lone surrogate in text"
    rng = random.Random("split:" + seed)
    pieces, i = [], 0
    while i < len(text):
        rest = len(text) - i
        if rest <= hi:
            n = rest
        else:
            n = rng.randint(lo, hi)
            if rest - n < lo:
                n = rest - lo
        pieces.append(text[i:i + n])
        i += n
    assert "".join(pieces) == text
    return pieces


def split_arguments(args, seed):
    """Split a tool-call argument string into 2 or 3 non-empty fragments."""
    rng = random.Random("args:" + seed)
    k = rng.choice([2, 3])
    cuts = sorted(rng.sample(range(1, len(args)), k - 1))
    bounds = [0] + cuts + [len(args)]
    frags = [args[bounds[j]:bounds[j + 1]] for j in range(k)]
    assert "".join(frags) == args and all(frags)
    return frags


def timeline(seed, n, budget_ms=3700):
    """n event offsets: first 250-600 ms after the request, then 15-45 ms apart; for long streams
    the upper gap bound is lowered so the whole stream stays under ~4 s."""
    rng = random.Random("timing:" + seed)
    first = rng.randint(250, 600)
    hi = 45
    if n > 1 and (n - 1) * 30 > budget_ms - first:
        hi = max(15, min(45, (2 * (budget_ms - first)) // (n - 1) - 15))
    ats = [first]
    for _ in range(n - 1):
        ats.append(ats[-1] + rng.randint(15, hi))
    return ats


def compat_sse(obj):
    return "data: " + dumps(obj) + "\n\n"


COMPAT_DONE = "data: [DONE]\n\n"


def native_sse(n, obj):
    return f"id:{n}\nevent:result\n:HTTP_STATUS/200\ndata:{dumps(obj)}\n\n"


def native_sse_raw(n, payload):
    return f"id:{n}\nevent:result\n:HTTP_STATUS/200\ndata:{payload}\n\n"


def events(datas, ats):
    assert len(datas) == len(ats)
    return [{"at": at, "data": d} for at, d in zip(ats, datas)]


def compat_headers(request_id, stream):
    # Order as in the real compat capture (openai-compatible.md §3).
    return {
        "x-request-id": request_id,
        "x-dashscope-call-gateway": "true",
        "content-type": "text/event-stream;charset=UTF-8" if stream else "application/json",
    }


def native_headers(request_id, stream):
    # Order as in the real native capture (dashscope-native.md §6).
    h = {
        "content-type": "text/event-stream;charset=UTF-8" if stream else "application/json",
        "x-request-id": request_id,
        "x-dashscope-call-gateway": "true",
    }
    if not stream:
        h["x-dashscope-finished"] = "true"
    return h


SSE_HEADER = {"X-DashScope-SSE": "enable"}


def fixture(name, description, metadata, request, response):
    meta = {"timing": "synthetic"}
    meta.update(metadata)
    meta["generator"] = GENERATOR
    return {
        "mockscope": 1,
        "name": name,
        "description": description,
        "metadata": meta,
        "request": request,
        "response": response,
    }


def post(path, body, headers=None):
    req = {"method": "POST", "path": path}
    if headers:
        req["headers"] = dict(headers)
    req["body"] = body
    return req


# ---------------------------------------------------------------------------------------------
# Compat (OpenAI-compatible) chunk shapes, key orders as in openai-compatible.md §4
# ---------------------------------------------------------------------------------------------

def chunk(choices, created, model, cid, usage=None):
    return {
        "choices": choices,
        "object": "chat.completion.chunk",
        "usage": usage,
        "created": created,
        "system_fingerprint": None,
        "model": model,
        "id": cid,
    }


def ch_first_thinking():
    # §4.1 first chunk of a thinking model.
    return [{"delta": {"content": None, "role": "assistant", "reasoning_content": ""},
             "index": 0, "logprobs": None, "finish_reason": None}]


def ch_first_plain():
    return [{"delta": {"content": "", "role": "assistant"},
             "index": 0, "logprobs": None, "finish_reason": None}]


def ch_reasoning(piece):
    # §4 middle chunk (thinking phase), key order as in the captured example.
    return [{"finish_reason": None, "logprobs": None,
             "delta": {"content": None, "reasoning_content": piece}, "index": 0}]


def ch_answer_thinking(piece):
    # §4 middle chunk (answer phase of a thinking model).
    return [{"delta": {"content": piece, "reasoning_content": None},
             "finish_reason": None, "index": 0, "logprobs": None}]


def ch_answer_plain(piece):
    return [{"delta": {"content": piece}, "finish_reason": None, "index": 0, "logprobs": None}]


def ch_stop_thinking():
    # §4.1 finishing chunk.
    return [{"finish_reason": "stop", "delta": {"content": "", "reasoning_content": None},
             "index": 0, "logprobs": None}]


def ch_stop_plain():
    return [{"finish_reason": "stop", "delta": {"content": ""}, "index": 0, "logprobs": None}]


def tool_call_fragment(index, call, frag, first):
    if first:
        return {"index": index, "id": call["id"], "type": "function",
                "function": {"name": call["name"], "arguments": frag}}
    return {"index": index, "id": "", "type": "function", "function": {"arguments": frag}}


def ch_tool_call(tc):
    # §4.2 wire example (delta/index/logprobs/finish_reason); a thinking model also sends the two
    # null text fields so `delta.reasoning_content is None` marks the end of the thinking phase.
    return [{"delta": {"content": None, "reasoning_content": None, "tool_calls": [tc]},
             "index": 0, "logprobs": None, "finish_reason": None}]


def ch_stop_tool_calls():
    return [{"delta": {"content": ""}, "index": 0, "logprobs": None, "finish_reason": "tool_calls"}]


# ---------------------------------------------------------------------------------------------
# Native shapes, key orders as in dashscope-native.md §5 and §7
# ---------------------------------------------------------------------------------------------

def native_usage(input_tokens, output_tokens, reasoning_tokens=None):
    u = {"total_tokens": input_tokens + output_tokens, "input_tokens": input_tokens,
         "output_tokens": output_tokens}
    if reasoning_tokens is not None:
        u["output_tokens_details"] = {"reasoning_tokens": reasoning_tokens}
    return u


def native_choice_event(message, finish_reason, usage, request_id):
    return {"output": {"choices": [{"message": message, "finish_reason": finish_reason}]},
            "usage": usage, "request_id": request_id}


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

DECIMAL_PROMPT_TOKENS = 17     # "9.9和9.11谁大" + chat template
WEATHER_PROMPT_TOKENS = 262    # user message + the two tool definitions
WHO_PROMPT_TOKENS = 22         # from seed 001
NLP_PROMPT_TOKENS = 29
STORY_PROMPT_TOKENS = 12

DECIMAL_MESSAGES = [{"role": "user", "content": "9.9和9.11谁大"}]
WEATHER_MESSAGES = [{"role": "user", "content": "四个直辖市的天气"}]
WHO_MESSAGES = [{"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "你是谁？"}]
NLP_MESSAGES = [{"role": "system", "content": "你是一个有帮助的助手。"},
                {"role": "user", "content": "请介绍一下自然语言处理技术。"}]
STORY_MESSAGES = [{"role": "user", "content": "讲个故事"}]

SRC_SEED004_DECIMAL = ("seed 004 (QwQ docs, 快速开始 返回结果: reasoning between the 思考过程 and "
                       "完整回复 banners, answer until 多轮对话)")
SRC_SEED004_WEATHER = ("seed 004 (QwQ docs, Function Calling example: tools, 思考过程 text and the "
                       "four 工具调用信息 ids/arguments)")


def build_compat_decimal():
    name = "compat/qwq-plus/decimal-compare.stream"
    name_u = "compat/qwq-plus/decimal-compare.stream-usage"
    out = []
    r_pieces = split_text(DECIMAL_REASONING, name + ":reasoning", lo=8)
    a_pieces = split_text(DECIMAL_ANSWER, name + ":answer", lo=8)
    for fname, num, created, with_usage in ((name, 1, 1741500117, False), (name_u, 2, 1741500243, True)):
        rid = fake_uuid(num)
        cid = "chatcmpl-" + rid
        model = "qwq-plus"
        datas = [compat_sse(chunk(ch_first_thinking(), created, model, cid))]
        datas += [compat_sse(chunk(ch_reasoning(p), created, model, cid)) for p in r_pieces]
        datas += [compat_sse(chunk(ch_answer_thinking(p), created, model, cid)) for p in a_pieces]
        datas.append(compat_sse(chunk(ch_stop_thinking(), created, model, cid)))
        if with_usage:
            rt = tokens(DECIMAL_REASONING)
            ct = rt + tokens(DECIMAL_ANSWER)
            usage = {"prompt_tokens": DECIMAL_PROMPT_TOKENS, "completion_tokens": ct,
                     "total_tokens": DECIMAL_PROMPT_TOKENS + ct,
                     "completion_tokens_details": {"reasoning_tokens": rt}}
            datas.append(compat_sse(chunk([], created, model, cid, usage=usage)))
        datas.append(COMPAT_DONE)
        # Both variants share one timeline (the usage variant's extra chunk comes before [DONE]).
        ats = timeline(name, len(r_pieces) + len(a_pieces) + 4)[:len(datas)]
        body = {"model": "qwq-plus", "messages": DECIMAL_MESSAGES, "stream": True}
        if with_usage:
            body["stream_options"] = {"include_usage": True}
        desc = ("qwq-plus thinking stream (compat) for 9.9和9.11谁大: reasoning_content pieces, then "
                "content pieces, stop, [DONE]")
        if with_usage:
            desc += "; include_usage adds the choices:[] usage chunk before [DONE]"
        out.append(fixture(
            fname, desc,
            {"source": SRC_SEED004_DECIMAL + "; wire shape openai-compatible.md §4, §4.1"},
            post(COMPAT_CHAT, body),
            {"status": 200, "headers": compat_headers(rid, True), "events": events(datas, ats)},
        ))
    return out


def build_compat_who():
    rid = "7889bab6-9ae0-9d87-9fbf-fa151fa2db14"
    assert ('"id":"chatcmpl-' + rid + '"') in WHO_ARE_YOU_COMPAT_BODY
    return [fixture(
        "compat/qwen-plus/who-are-you",
        "qwen-plus non-stream chat completion (compat) answering 你是谁？ with a system prompt",
        {"source": "seed 001 (JSON printed under 运行程序)",
         "note": "body is the openai SDK's model_dump_json() of a real answer (hence refusal/audio/"
                 "service_tier nulls), kept verbatim; the raw wire body omits those keys"},
        post(COMPAT_CHAT, {"model": "qwen-plus", "messages": WHO_MESSAGES}),
        {"status": 200, "headers": compat_headers(rid, False), "body": WHO_ARE_YOU_COMPAT_BODY},
    )]


def weather_fragments(name):
    """[(index, call, fragment, is_first)] in call order 0..3."""
    frags = []
    for i, call in enumerate(WEATHER_CALLS):
        parts = split_arguments(call["arguments"], f"{name}:{i}")
        for j, p in enumerate(parts):
            frags.append((i, call, p, j == 0))
    return frags


def check_reassembly(frags):
    got = {}
    for i, call, p, first in frags:
        g = got.setdefault(i, {"id": "", "name": "", "arguments": ""})
        if first:
            g["id"] += call["id"]
            g["name"] += call["name"]
        g["arguments"] += p
    assert [got[i] for i in sorted(got)] == WEATHER_CALLS


def build_compat_weather():
    name = "compat/qwq-plus/four-cities-weather.stream"
    rid = fake_uuid(4)
    cid = "chatcmpl-" + rid
    created, model = 1741500461, "qwq-plus"
    r_pieces = split_text(WEATHER_REASONING, name + ":reasoning")
    frags = weather_fragments("weather")
    check_reassembly(frags)
    datas = [compat_sse(chunk(ch_first_thinking(), created, model, cid))]
    datas += [compat_sse(chunk(ch_reasoning(p), created, model, cid)) for p in r_pieces]
    datas += [compat_sse(chunk(ch_tool_call(tool_call_fragment(i, c, p, f)), created, model, cid))
              for i, c, p, f in frags]
    datas.append(compat_sse(chunk(ch_stop_tool_calls(), created, model, cid)))
    datas.append(COMPAT_DONE)
    body = {"model": "qwq-plus", "messages": WEATHER_MESSAGES, "tools": WEATHER_TOOLS,
            "parallel_tool_calls": True, "stream": True}
    return [fixture(
        name,
        "qwq-plus stream (compat) for 四个直辖市的天气: reasoning, then four parallel "
        "get_current_weather tool calls, finish_reason tool_calls, [DONE]",
        {"source": SRC_SEED004_WEATHER + "; wire shape openai-compatible.md §4.1, §4.2"},
        post(COMPAT_CHAT, body),
        {"status": 200, "headers": compat_headers(rid, True),
         "events": events(datas, timeline(name, len(datas)))},
    )]


def build_native_decimal():
    name = "native/qwq-plus/decimal-compare.stream"
    rid = fake_uuid(5)
    r_pieces = split_text(DECIMAL_REASONING, name + ":reasoning", lo=8)
    a_pieces = split_text(DECIMAL_ANSWER, name + ":answer", lo=8)
    objs = []
    r_so_far = ""
    for p in r_pieces:
        r_so_far += p
        rt = tokens(r_so_far)
        objs.append(native_choice_event(
            {"content": "", "reasoning_content": p, "role": "assistant"}, "null",
            native_usage(DECIMAL_PROMPT_TOKENS, rt, rt), rid))
    rt = tokens(DECIMAL_REASONING)
    a_so_far = ""
    for p in a_pieces:
        a_so_far += p
        objs.append(native_choice_event(
            {"content": p, "reasoning_content": "", "role": "assistant"}, "null",
            native_usage(DECIMAL_PROMPT_TOKENS, rt + tokens(a_so_far), rt), rid))
    objs.append(native_choice_event(
        {"content": "", "reasoning_content": "", "role": "assistant"}, "stop",
        native_usage(DECIMAL_PROMPT_TOKENS, rt + tokens(DECIMAL_ANSWER), rt), rid))
    datas = [native_sse(n, o) for n, o in enumerate(objs, 1)]
    body = {"model": "qwq-plus", "input": {"messages": DECIMAL_MESSAGES},
            "parameters": {"result_format": "message", "incremental_output": True}}
    return [fixture(
        name,
        "qwq-plus native incremental SSE for 9.9和9.11谁大: reasoning_content pieces, content "
        "pieces, final empty event with finish_reason stop",
        {"source": SRC_SEED004_DECIMAL + "; wire shape dashscope-native.md §7.1, §7.2"},
        post(NATIVE_TEXT, body, SSE_HEADER),
        {"status": 200, "headers": native_headers(rid, True),
         "events": events(datas, timeline(name, len(datas)))},
    )]


def build_native_who():
    rid = fake_uuid(6)
    body = {"output": {"choices": [{"finish_reason": "stop", "message": {
        "role": "assistant", "content": WHO_ARE_YOU_ANSWER}}]},
        "usage": {"total_tokens": 38, "output_tokens": 16, "input_tokens": WHO_PROMPT_TOKENS},
        "request_id": rid}
    return [fixture(
        "native/qwen-plus/who-are-you",
        "qwen-plus native non-stream (result_format message) answering 你是谁？ with a system prompt",
        {"source": "answer and token counts from seed 001; body shape dashscope-native.md §5 "
                   "(result_format message)"},
        post(NATIVE_TEXT, {"model": "qwen-plus", "input": {"messages": WHO_MESSAGES},
                           "parameters": {"result_format": "message"}}),
        {"status": 200, "headers": native_headers(rid, False), "body": dumps(body)},
    )]


def build_native_weather():
    name = "native/qwq-plus/four-cities-weather.stream"
    rid = fake_uuid(7)
    r_pieces = split_text(WEATHER_REASONING, name + ":reasoning")
    frags = weather_fragments("weather")
    check_reassembly(frags)
    objs = []
    r_so_far = ""
    for p in r_pieces:
        r_so_far += p
        rt = tokens(r_so_far)
        objs.append(native_choice_event(
            {"content": "", "reasoning_content": p, "role": "assistant"}, "null",
            native_usage(WEATHER_PROMPT_TOKENS, rt, rt), rid))
    rt = tokens(WEATHER_REASONING)
    tool_text = ""
    for i, call, p, first in frags:
        tool_text += (call["name"] if first else "") + p
        objs.append(native_choice_event(
            {"content": "", "reasoning_content": "",
             "tool_calls": [tool_call_fragment(i, call, p, first)], "role": "assistant"},
            "null", native_usage(WEATHER_PROMPT_TOKENS, rt + tokens(tool_text), rt), rid))
    objs.append(native_choice_event(
        {"content": "", "reasoning_content": "", "role": "assistant"}, "tool_calls",
        native_usage(WEATHER_PROMPT_TOKENS, rt + tokens(tool_text), rt), rid))
    datas = [native_sse(n, o) for n, o in enumerate(objs, 1)]
    body = {"model": "qwq-plus", "input": {"messages": WEATHER_MESSAGES},
            "parameters": {"result_format": "message", "incremental_output": True,
                           "tools": WEATHER_TOOLS, "parallel_tool_calls": True}}
    return [fixture(
        name,
        "qwq-plus native incremental SSE for 四个直辖市的天气: reasoning, then four "
        "get_current_weather tool-call fragments in message.tool_calls, finish_reason tool_calls",
        {"source": SRC_SEED004_WEATHER + "; wire shape dashscope-native.md §7.1, §7.2, §7.4",
         "note": "native key order of tool_calls elements unverified (index, id, type, function used)"},
        post(NATIVE_TEXT, body, SSE_HEADER),
        {"status": 200, "headers": native_headers(rid, True),
         "events": events(datas, timeline(name, len(datas)))},
    )]


def build_nlp():
    out = []
    ot = tokens(NLP_INTRO_TEXT)
    rid = fake_uuid(8)
    nbody = {"output": {"finish_reason": "stop", "text": NLP_INTRO_TEXT},
             "usage": {"total_tokens": NLP_PROMPT_TOKENS + ot, "output_tokens": ot,
                       "input_tokens": NLP_PROMPT_TOKENS},
             "request_id": rid}
    out.append(fixture(
        "native/qwen-turbo/nlp-intro",
        "qwen-turbo native non-stream, default result_format (text): an introduction to NLP",
        {"source": "request from seed 000 (Generation.call example); answer text written for the "
                   "mock; body shape dashscope-native.md §5 (result_format text, real capture)"},
        post(NATIVE_TEXT, {"model": "qwen-turbo", "input": {"messages": NLP_MESSAGES},
                           "parameters": {}}),
        {"status": 200, "headers": native_headers(rid, False), "body": dumps(nbody)},
    ))
    rid = fake_uuid(9)
    cbody = {"model": "qwen-turbo",
             "usage": {"prompt_tokens": NLP_PROMPT_TOKENS, "completion_tokens": ot,
                       "total_tokens": NLP_PROMPT_TOKENS + ot,
                       "prompt_tokens_details": {"cached_tokens": 0}},
             "choices": [{"message": {"content": NLP_INTRO_TEXT, "role": "assistant"},
                          "finish_reason": "stop", "index": 0, "logprobs": None}],
             "object": "chat.completion", "created": 1741500905, "system_fingerprint": None,
             "id": "chatcmpl-" + rid}
    out.append(fixture(
        "compat/qwen-turbo/nlp-intro",
        "qwen-turbo non-stream chat completion (compat): an introduction to NLP",
        {"source": "request from seed 000 (OpenAI-compatible example); answer text written for the "
                   "mock; body shape and key order openai-compatible.md §3 (real capture)"},
        post(COMPAT_CHAT, {"model": "qwen-turbo", "messages": NLP_MESSAGES}),
        {"status": 200, "headers": compat_headers(rid, False), "body": dumps(cbody)},
    ))
    return out


def build_story():
    out = []
    pieces = split_text(STORY_TEXT, "story", lo=10, hi=16)
    assert 10 <= len(pieces) <= 14, len(pieces)
    n = len(pieces)
    src = ("request from seed 000 (streaming example, 讲个故事); story written for the mock")

    # 10: native cumulative
    name = "native/qwen-turbo/tell-a-story.stream"
    rid = fake_uuid(10)
    datas, so_far = [], ""
    for k, p in enumerate(pieces, 1):
        so_far += p
        obj = native_choice_event({"content": so_far, "role": "assistant"},
                                  "stop" if k == n else "null",
                                  native_usage(STORY_PROMPT_TOKENS, tokens(so_far)), rid)
        datas.append(native_sse(k, obj))
    out.append(fixture(
        name,
        "qwen-turbo native SSE without incremental_output: each event carries the whole story so "
        "far (cumulative), finish_reason null then stop",
        {"source": src + "; wire shape dashscope-native.md §7.1, §7.3 (cumulative mode)"},
        post(NATIVE_TEXT, {"model": "qwen-turbo", "input": {"messages": STORY_MESSAGES},
                           "parameters": {"result_format": "message"}}, SSE_HEADER),
        {"status": 200, "headers": native_headers(rid, True),
         "events": events(datas, timeline(name, n))},
    ))

    # 11: native incremental
    name = "native/qwen-turbo/tell-a-story.stream-incremental"
    rid = fake_uuid(11)
    datas, so_far = [], ""
    for k, p in enumerate(pieces, 1):
        so_far += p
        obj = native_choice_event({"content": p, "role": "assistant"},
                                  "stop" if k == n else "null",
                                  native_usage(STORY_PROMPT_TOKENS, tokens(so_far)), rid)
        datas.append(native_sse(k, obj))
    out.append(fixture(
        name,
        "qwen-turbo native SSE with incremental_output: each event carries only the new piece of "
        "the story, finish_reason null then stop",
        {"source": src + "; wire shape dashscope-native.md §7.1, §7.3"},
        post(NATIVE_TEXT, {"model": "qwen-turbo", "input": {"messages": STORY_MESSAGES},
                           "parameters": {"result_format": "message", "incremental_output": True}},
             SSE_HEADER),
        {"status": 200, "headers": native_headers(rid, True),
         "events": events(datas, timeline(name, n))},
    ))

    # 12: compat plain stream
    name = "compat/qwen-turbo/tell-a-story.stream"
    rid = fake_uuid(12)
    cid = "chatcmpl-" + rid
    created, model = 1741501288, "qwen-turbo"
    datas = [compat_sse(chunk(ch_first_plain(), created, model, cid))]
    datas += [compat_sse(chunk(ch_answer_plain(p), created, model, cid)) for p in pieces]
    datas.append(compat_sse(chunk(ch_stop_plain(), created, model, cid)))
    datas.append(COMPAT_DONE)
    out.append(fixture(
        name,
        "qwen-turbo plain stream (compat): role chunk, story pieces, stop chunk, [DONE]; no usage",
        {"source": src + "; wire shape openai-compatible.md §4"},
        post(COMPAT_CHAT, {"model": "qwen-turbo", "messages": STORY_MESSAGES, "stream": True}),
        {"status": 200, "headers": compat_headers(rid, True),
         "events": events(datas, timeline(name, len(datas)))},
    ))
    return out


def build_apps():
    out = []
    src = "seed 004 (apps call example and its documented sample output); shape dashscope-native.md §4.2, §5.1"
    usage = {"models": [{"model_id": "qwen-plus", "input_tokens": 10, "output_tokens": 20}]}

    rid = fake_uuid(13)
    session = "5e55104d00000000000000000000000d"
    body = {"output": {"text": APP_WEATHER_TEXT, "finish_reason": "stop", "session_id": session},
            "usage": usage, "request_id": rid}
    out.append(fixture(
        "apps/weather-app/today",
        "application completion (non-stream) for app abf27f9e...: today's weather",
        {"source": src},
        post(APPS_PATH, {"input": {"prompt": APP_PROMPT}, "parameters": {"model": "qwen-plus"},
                         "debug": {}}),
        {"status": 200, "headers": native_headers(rid, False), "body": dumps(body)},
    ))

    name = "apps/weather-app/today.stream"
    rid = fake_uuid(14)
    session = "5e55104d00000000000000000000000e"
    pieces = split_text(APP_WEATHER_TEXT, name)
    datas = []
    for k, p in enumerate(pieces, 1):
        last = k == len(pieces)
        obj = {"output": {"text": p, "finish_reason": "stop" if last else "null",
                          "session_id": session},
               "usage": usage if last else {}, "request_id": rid}
        datas.append(native_sse(k, obj))
    out.append(fixture(
        name,
        "application completion, incremental SSE as sent by dashscope Application.call: text "
        "pieces, usage {} until the last event",
        {"source": src + ", §7.1 (framing); streamed apps event shape from the workflow-app capture in §5.1"},
        post(APPS_PATH, {"model": "", "parameters": {"incremental_output": True},
                         "input": {"prompt": APP_PROMPT}}, SSE_HEADER),
        {"status": 200, "headers": native_headers(rid, True),
         "events": events(datas, timeline(name, len(datas)))},
    ))
    return out


def build_bicycles():
    out = []
    assert json.loads(BICYCLES_BODY)["request_id"] == BICYCLES_REQUEST_ID
    msgs = [{"role": "user", "content": [{"image": "https://example.com/images/bicycles.jpg"},
                                         {"text": "图片中有什么？"}]}]
    out.append(fixture(
        "native/qwen-vl-plus/bicycles",
        "qwen-vl-plus native multimodal non-stream: what is in the picture (two bicycles)",
        {"source": "dashscope-native.md §5 (real capture, dashscope4j README 1.1.0); request "
                   "image URL is a placeholder"},
        post(NATIVE_MM, {"model": "qwen-vl-plus", "input": {"messages": msgs}, "parameters": {}}),
        {"status": 200, "headers": native_headers(BICYCLES_REQUEST_ID, False), "body": BICYCLES_BODY},
    ))
    name = "native/qwen-vl-plus/bicycles.stream-incremental"
    for p in BICYCLES_STREAM_PAYLOADS:
        assert json.loads(p)["request_id"] == BICYCLES_STREAM_REQUEST_ID
    datas = [native_sse_raw(n, p) for n, p in enumerate(BICYCLES_STREAM_PAYLOADS, 1)]
    out.append(fixture(
        name,
        "qwen-vl-plus native multimodal incremental SSE: four captured events (图片/中有/两/辆自行车。)",
        {"source": "dashscope-native.md §7.3 (real event payloads, dashscope4j README 1.1.0); "
                   "framing §7.1; request image URL is a placeholder"},
        post(NATIVE_MM, {"model": "qwen-vl-plus", "input": {"messages": msgs},
                         "parameters": {"incremental_output": True}}, SSE_HEADER),
        {"status": 200, "headers": native_headers(BICYCLES_STREAM_REQUEST_ID, True),
         "events": events(datas, timeline(name, len(datas)))},
    ))
    return out


def build_embedding():
    rid = fake_uuid(18)
    rng = random.Random("embed")
    v = [rng.gauss(0.0, 1.0) for _ in range(64)]
    norm = math.sqrt(sum(x * x for x in v))
    v = [x / norm for x in v]
    body = {"data": [{"embedding": v, "index": 0, "object": "embedding"}],
            "model": "text-embedding-v4", "object": "list",
            "usage": {"prompt_tokens": 6, "total_tokens": 6}, "id": rid}
    return [fixture(
        "compat/text-embedding-v4/short-text",
        "text-embedding-v4 embeddings (compat), 64 dimensions, one short Chinese text",
        {"source": "openai-compatible.md §7 (shape); vector is deterministic pseudo-random "
                   "(random.Random('embed'), unit-normalised), not a real embedding"},
        post("/compatible-mode/v1/embeddings",
             {"model": "text-embedding-v4", "input": "衣服的质量杠杠的", "dimensions": 64,
              "encoding_format": "float"}),
        {"status": 200, "headers": compat_headers(rid, False), "body": dumps(body)},
    )]


def build_all():
    fx = []
    fx += build_compat_decimal()
    fx += build_compat_who()
    fx += build_compat_weather()
    fx += build_native_decimal()
    fx += build_native_who()
    fx += build_native_weather()
    fx += build_nlp()
    fx += build_story()
    fx += build_apps()
    fx += build_bicycles()
    fx += build_embedding()
    names = [f["name"] for f in fx]
    assert len(names) == len(set(names)), "duplicate fixture names"
    for f in fx:
        self_check(f)
    return fx


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

def self_check(f):
    """Cheap structural checks (the JSON Schema check lives in scripts/check-fixtures.py)."""
    name, req, resp = f["name"], f["request"], f["response"]
    hdr = resp["headers"]
    rid = hdr["x-request-id"]
    compat = req["path"].startswith("/compatible-mode/")
    if "body" in resp:
        body = json.loads(resp["body"])
        if compat:
            if "id" in body:
                assert body["id"] in (rid, "chatcmpl-" + rid), name
        else:
            assert body["request_id"] == rid, name
        return
    evs = resp["events"]
    assert evs and 250 <= evs[0]["at"] <= 600, name
    assert all(b["at"] - a["at"] >= 15 for a, b in zip(evs, evs[1:])), name
    assert evs[-1]["at"] < 4000, (name, evs[-1]["at"])
    for k, e in enumerate(evs, 1):
        d = e["data"]
        assert d.endswith("\n\n") and d.count("\n\n") == 1, name
        if compat:
            assert d.startswith("data: "), name
            payload = d[len("data: "):-2]
            if payload == "[DONE]":
                assert k == len(evs), name
                continue
            obj = json.loads(payload)
            assert obj["id"] == "chatcmpl-" + rid, name
        else:
            lines = d[:-2].split("\n")
            assert lines[:3] == [f"id:{k}", "event:result", ":HTTP_STATUS/200"], name
            assert len(lines) == 4 and lines[3].startswith("data:"), name
            obj = json.loads(lines[3][len("data:"):])
            assert obj["request_id"] == rid, name
    if compat:
        assert evs[-1]["data"] == COMPAT_DONE, name


def verify_against_seeds(seed_dir):
    t = (seed_dir / SEED_004).read_text(encoding="utf-8")
    b1, b2, b3 = ("=" * 20 + s + "=" * 20 for s in ("思考过程", "完整回复", "回复内容"))
    i = t.index(b1)
    j = t.index(b2, i)
    k = t.index("\n多轮对话\n", j)
    reasoning = t[i + len(b1):j].strip("\n")
    answer = t[j + len(b2):k].strip("\n")
    i2 = t.index(b1, t.index("请输入问题：四个直辖市的天气\n"))
    j2 = t.index(b3, i2)
    weather = t[i2 + len(b1):j2].strip("\n")
    line_start = t.index("[{'id': 'call_")
    calls = ast.literal_eval(t[line_start:t.index("\n", line_start)])
    problems = []
    for label, mine, seed in (("DECIMAL_REASONING", DECIMAL_REASONING, reasoning),
                              ("DECIMAL_ANSWER", DECIMAL_ANSWER, answer),
                              ("WEATHER_REASONING", WEATHER_REASONING, weather),
                              ("WEATHER_CALLS", WEATHER_CALLS, calls)):
        if mine != seed:
            problems.append(label)
    for needle in ("当你想知道现在的时间时非常有用。", "当你想查询指定城市的天气时非常有用。",
                   "城市或县区，比如北京市、杭州市、余杭区等。", APP_ID, APP_PROMPT,
                   '"text": "' + APP_WEATHER_TEXT + '"'):
        if needle not in t:
            problems.append("seed 004 text " + needle)
    if WHO_ARE_YOU_COMPAT_BODY + "\n" not in (seed_dir / SEED_001).read_text(encoding="utf-8"):
        problems.append("WHO_ARE_YOU_COMPAT_BODY (seed 001)")
    if problems:
        sys.exit("constants differ from the seed documents: " + ", ".join(problems))


def render(f):
    return json.dumps(f, ensure_ascii=False, indent=2) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("seeds", type=Path, nargs="?", default=os.environ.get(SEEDS_ENV) or None,
                    help=f"folder of the seed documents to verify the texts against "
                         f"(required unless ${SEEDS_ENV} is set)")
    ap.add_argument("--out", type=Path, default=REPO / "fixtures", help="fixtures folder")
    ap.add_argument("--check", action="store_true", help="do not write; fail if files on disk differ")
    args = ap.parse_args()
    if args.seeds is None:
        ap.error(f"the seed folder is required: give it as the first argument or set ${SEEDS_ENV}")
    seeds = Path(args.seeds)
    if not seeds.is_dir():
        ap.error(f"seed folder {seeds} not found (give the folder of the seed documents, "
                 f"or set ${SEEDS_ENV})")
    missing = [name for name in (SEED_001, SEED_004) if not (seeds / name).is_file()]
    if missing:
        ap.error(f"seed folder {seeds} has no {' or '.join(missing)}: is it the seed documents' folder?")
    verify_against_seeds(seeds)
    stale = []
    for f in build_all():
        path = args.out / (f["name"] + ".json")
        text = render(f)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name("." + path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        print(path)
    if stale:
        sys.exit("out of date:\n  " + "\n  ".join(stale))


if __name__ == "__main__":
    main()
