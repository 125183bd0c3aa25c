"""Expected values for the MockScope client suite.

Every text below is copied from the seed documents the default fixtures were
built from (see scripts/build-default-fixtures.py); the suite never reads the
seeds at run time.

How the seed print-outs were read (seed 004, the qwq examples): the sample
program prints a header with print("\\n" + "="*20 + "思考过程" + "="*20 + "\\n"),
so the blank line after each header comes from print's own newline, and the
header's leading "\\n" is what ends the previous section.  Hence the reasoning
text starts with "嗯" and ends with "。" (no trailing newline) and the answer
starts with "9.9比" and ends with "。".  In the tool-call example the headers
have no trailing "\\n", so the reasoning starts with "好的" and the answer
content between "回复内容" and "工具调用信息" is empty.
"""

# ---------------------------------------------------------------- fixture A / B
# compat/qwq-plus/decimal-compare.stream(-usage), native/qwq-plus/decimal-compare.stream
QWQ_MODEL = "qwq-plus"
QWQ_DECIMAL_QUESTION = "9.9和9.11谁大"
QWQ_DECIMAL_NEAR_MISS_QUESTION = "9.9和9.12谁大"
QWQ_DECIMAL_MESSAGES = [{"role": "user", "content": QWQ_DECIMAL_QUESTION}]

QWQ_DECIMAL_REASONING = (
    '嗯，用户问的是9.9和9.11谁大。首先我要确定这两个数字的具体含义，因为有时候在不同的上下文中可能会有不同的解释。不过通常来说，这里的数字应该是指十进制的小数，也就是数学上的数值比较。\n'
    '\n'
    '首先，我需要比较这两个小数的大小。9.9和9.11。先看整数部分，都是9，所以整数部分相同。接下来比较小数部分。小数点后的第一位，9.9的小数点后第一位是9，而9.11的小数点后第一位是1。这时候，9比1大，所以9.9的小数部分在第一位就已经更大了，那么整个数自然更大。不过，可能有人会疑惑，因为9.11的小数点后有两位，而9.9只有两位？或者说是不是应该补零来比较？\n'
    '\n'
    '比如，9.9可以写成9.90，而9.11是9.11，这样比较的话，第二位小数的话，9.90的第二位是0，而9.11的是1，这时候第二位的话，0比1小。不过这时候第一位已经分出胜负了，第一位9比1大，所以不管后面的小数位如何，第一位已经决定了。因此，9.9比9.11大。\n'
    '\n'
    '不过，也有可能用户在这里的写法有其他意思，比如9.9和9.11可能指的是日期，比如9月9日和9月11日，这样的话比较的话，9.11会更大，因为11日比9日晚。但通常数字比较的话，如果没有特别说明是日期的话，应该按数值来比较。不过用户的问题用的是“谁大”，也就是数值大小，而不是日期先后，所以应该还是数值比较。\n'
    '\n'
    '再仔细检查一遍，9.9和9.11的数值比较：\n'
    '\n'
    '9.9 = 9 + 0.9 = 9.900...\n'
    '\n'
    '9.11 = 9 + 0.11 = 9.110...\n'
    '\n'
    '比较的时候，先比较整数部分，都是9，相同。然后比较小数点后的第一位，0.9的十分位是9，而0.11的十分位是1，所以9.9的十分位更大，因此整个数更大。后面的百分位虽然9.11有1，但因为十分位已经分出高下了，所以不影响结果。\n'
    '\n'
    '所以结论应该是9.9比9.11大。不过可能有人会因为小数点后的位数不同而产生混淆，比如认为9.11有两位小数，所以更精确或者数值更大，但其实不是的，数值的大小不取决于小数点后的位数，而是每一位的数值比较。\n'
    '\n'
    '比如，比如比较1.5和1.499，虽然1.499有三位小数，但数值上还是小于1.5。同理，9.9虽然写成一位小数，但等价于9.90，所以比9.11大。\n'
    '\n'
    '不过，也有可能用户在这里的写法有其他意思，比如货币单位？比如9.9元和9.11元，这时候同样是9.9元更多。或者其他的上下文，但如果没有特别说明的话，应该按数值比较。\n'
    '\n'
    '所以最终结论是9.9比9.11大。不过，为了确保正确，再举个例子，比如用分数来比较：\n'
    '\n'
    '9.9 = 99/10 = 9.9\n'
    '\n'
    '9.11 = 911/100 = 9.11\n'
    '\n'
    '将它们通分比较：\n'
    '\n'
    '99/10 = 990/100\n'
    '\n'
    '911/100 = 911/100\n'
    '\n'
    '显然，990 > 911，所以9.9更大。\n'
    '\n'
    '这样确认下来，答案应该是9.9更大。不过用户可能在输入时有笔误，或者有其他意图，但按照常规数学比较的话，结论应该是正确的。'
)

QWQ_DECIMAL_ANSWER = (
    '9.9比9.11大。以下是详细分析：\n'
    '\n'
    '1. **整数部分比较**：  \n'
    '   两个数的整数部分均为 **9**，因此整数部分相等。\n'
    '\n'
    '2. **小数部分比较**：  \n'
    '   - **第一位小数**：  \n'
    '     9.9 的小数点后第一位是 **9**，而 9.11 的小数点后第一位是 **1**。  \n'
    '     **9 > 1**，因此仅凭这一位即可判断 **9.9 > 9.11**。\n'
    '\n'
    '   - **后续小数位**（补充说明）：  \n'
    '     即使补零为相同位数（如 9.9 = 9.90），比较第二位小数时：  \n'
    '     - 9.90 的第二位是 **0**，而 9.11 的第二位是 **1**。  \n'
    '     但此时第一位小数已分出胜负，后续位数不影响最终结果。\n'
    '\n'
    '3. **分数形式验证**：  \n'
    '   - 9.9 = \\( \\frac{99}{10} = \\frac{990}{100} \\)  \n'
    '   - 9.11 = \\( \\frac{911}{100} \\)  \n'
    '   显然，\\( 990 > 911 \\)，因此 **9.9 > 9.11**。\n'
    '\n'
    '**结论**：  \n'
    '在数值大小比较中，**9.9 大于 9.11**。'
)

# ---------------------------------------------------------------- fixture C / E
# compat/qwen-plus/who-are-you (seed 001: completion.model_dump_json() of the real answer)
WHO_ARE_YOU_MODEL = "qwen-plus"
WHO_ARE_YOU_MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "你是谁？"},
]
WHO_ARE_YOU_COMPLETION = {
    "id": "chatcmpl-7889bab6-9ae0-9d87-9fbf-fa151fa2db14",
    "choices": [
        {
            "finish_reason": "stop",
            "index": 0,
            "logprobs": None,
            "message": {
                "content": "我是来自阿里云的大规模语言模型，我叫通义千问。",
                "refusal": None,
                "role": "assistant",
                "audio": None,
                "function_call": None,
                "tool_calls": None
            }
        }
    ],
    "created": 1739363139,
    "model": "qwen-plus",
    "object": "chat.completion",
    "service_tier": None,
    "system_fingerprint": None,
    "usage": {
        "completion_tokens": 16,
        "prompt_tokens": 22,
        "total_tokens": 38,
        "completion_tokens_details": None,
        "prompt_tokens_details": {
            "audio_tokens": None,
            "cached_tokens": 0
        }
    }
}
WHO_ARE_YOU_CONTENT = "我是来自阿里云的大规模语言模型，我叫通义千问。"
# DashScope compat ids are "chatcmpl-" + the x-request-id.
WHO_ARE_YOU_REQUEST_ID = "7889bab6-9ae0-9d87-9fbf-fa151fa2db14"

# ---------------------------------------------------------------- fixture D / I
# compat/qwq-plus/four-cities-weather.stream, native/qwq-plus/four-cities-weather.stream
WEATHER_QUESTION = "四个直辖市的天气"
WEATHER_MESSAGES = [{"role": "user", "content": WEATHER_QUESTION}]
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

WEATHER_REASONING = (
    '好的，用户问的是四个直辖市的天气。首先，我需要明确中国的四个直辖市分别是哪几个。北京、上海、天津和重庆，对吧？所以用户需要这四个城市的天气情况。\n'
    '\n'
    '接下来，我需要调用获取天气的函数get_current_weather，每个城市都要单独查询。不过这个函数每次只能查询一个地点，所以得分别调用四次。首先，我应该检查函数的参数是否需要其他信息，但根据描述，参数只需要location，类型是字符串，比如城市名。所以应该没问题。\n'
    '\n'
    '然后，我需要确保每个城市的名称正确。比如北京应该用“北京市”，上海是“上海市”，天津是“天津市”，重庆的话可能是“重庆市”或者直接“重庆”，但为了统一，可能用全称更好。用户可能希望得到每个城市的当前天气，所以需要依次调用四次函数。\n'
    '\n'
    '不过，用户可能希望一次性得到所有四个直辖市的天气，但根据工具的限制，可能需要多次调用。这时候可能需要分四次调用，然后把结果汇总。所以在回复里，我应该生成四个tool_call，每个对应一个城市。\n'
    '\n'
    '另外，还要注意用户是否可能有其他意图，比如是否只需要今天的天气还是未来几天的？不过根据问题描述，函数是获取当前天气，所以应该没问题。不需要额外处理。\n'
    '\n'
    '最后，确保每个tool_call的格式正确，参数正确，名称正确。然后按顺序生成四个调用，这样用户就能得到所有四个直辖市的天气数据了。'
)

WEATHER_TOOL_CALLS = [
    {
        "id": "call_0bfdb95b784e46fab218c0",
        "name": "get_current_weather",
        "arguments": "{\"location\": \"北京市\"}"
    },
    {
        "id": "call_9631576c3ccd419f8d8bc7",
        "name": "get_current_weather",
        "arguments": "{\"location\": \"上海市\"}"
    },
    {
        "id": "call_d862b1bfe8374d2d97f508",
        "name": "get_current_weather",
        "arguments": "{\"location\": \"天津市\"}"
    },
    {
        "id": "call_7222cdcc3cd04c839f2427",
        "name": "get_current_weather",
        "arguments": "{\"location\": \"重庆市\"}"
    }
]

# ---------------------------------------------------------------- fixture F
# native/qwen-turbo/nlp-intro and compat/qwen-turbo/nlp-intro (seed 003); the answer
# text is not in the seed, so the tests only compare the two protocols' answers.
NLP_MODEL = "qwen-turbo"
NLP_MESSAGES = [
    {"role": "system", "content": "你是一个有帮助的助手。"},
    {"role": "user", "content": "请介绍一下自然语言处理技术。"},
]

# ---------------------------------------------------------------- fixture G / H
# compat/qwen-turbo/tell-a-story.stream, native/qwen-turbo/tell-a-story.stream(-incremental)
STORY_MODEL = "qwen-turbo"
STORY_MESSAGES = [{"role": "user", "content": "讲个故事"}]

# ---------------------------------------------------------------- apps (seed 004)
APP_ID = "abf27f9eb6f742ff8f8fcf4d9c8dbb15"
APP_PROMPT = "请告诉我今天的天气如何？"
# The request exactly as the seed's `requests` program builds it.
APP_PAYLOAD = {
    "input": {"prompt": APP_PROMPT},
    "parameters": {"model": "qwen-plus"},
    "debug": {},
}
APP_TEXT = "今天的天气晴朗，温度在20-25摄氏度之间。"
APP_FINISH_REASON = "stop"
APP_USAGE_MODELS = [{"model_id": "qwen-plus", "input_tokens": 10, "output_tokens": 20}]

# ---------------------------------------------------------------- multimodal
# native/qwen-vl-plus/bicycles(.stream-incremental) (dashscope-native.md §5, real capture)
VL_MODEL = "qwen-vl-plus"
VL_MESSAGES = [
    {
        "role": "user",
        "content": [
            {"image": "https://example.com/images/bicycles.jpg"},
            {"text": "图片中有什么？"},
        ],
    }
]
VL_ANSWER = "图片中有两辆自行车。"
VL_CONTENT = [{"text": VL_ANSWER}]

# ---------------------------------------------------------------- embeddings / models
EMBEDDING_MODEL = "text-embedding-v4"
EMBEDDING_INPUT = "衣服的质量杠杠的"
EMBEDDING_DIMENSIONS = 64

# ---------------------------------------------------------------- keys (never real)
API_KEY = "sk-test"
GOOD_API_KEY = "sk-test-good"
BAD_API_KEY = "sk-test-wrong"
