#!/usr/bin/env python3
"""Synthesized answers of a fixed corpus of requests, to diff two builds byte for byte.

    bench/synth_answers.py BINARY > answers.txt

Starts BINARY (`serve --port 0 --unmatched synthesize --speed 0`, no fixtures), sends each request
of the corpus below (figure 6's bodies and variations: Chinese, CRLF, tool results, enums, prompt
formats, streams, native and Anthropic paths) and prints status, content type and body per request
with the request id masked (it is random per request; everything else is derived from the request).
Loopback only; the server is stopped by its PID.
"""
import json, os, re, subprocess, sys, tempfile, urllib.request

def corpus():
    user = [{"role": "user", "content": "What is the weather in Tokyo tomorrow, and should I take an umbrella?"}]
    tools = [{"type": "function", "function": {"name": n, "description": d, "parameters": {"type": "object", "properties": p, "required": list(p)}}}
             for n, d, p in [("get_weather", "Current weather and forecast for a city", {"location": {"type": "string"}, "days": {"type": "integer", "minimum": 1}}),
                             ("search_web", "Search the web for a query", {"query": {"type": "string"}}),
                             ("final_answer", "Give the final answer to the user", {"answer": {"type": "string"}})]]
    fields = {f"field_{i:02d}": ({"type": "string"} if i % 4 == 0 else {"type": "integer", "minimum": 0} if i % 4 == 1
              else {"type": "boolean"} if i % 4 == 2 else {"type": "array", "items": {"type": "string"}, "minItems": 1}) for i in range(20)}
    schema = {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}
    rich = {"type": "object", "properties": {
        "city": {"type": "string"}, "userName": {"type": "string"}, "email": {"type": "string", "format": "email"},
        "when": {"type": "string", "description": "the date"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "count": {"type": "integer", "maximum": 5}, "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 2},
        "summary": {"type": "string", "maxLength": 20}, "id": {"type": "string"}, "age": {"type": "number"},
        "choice": {"oneOf": [{"type": "string"}, {"type": "integer"}]}, "firstName": {"type": "string"}, "lastName": {"type": "string"},
        "link": {"type": "string"}, "lang": {"type": "string"}, "detail": {"type": "string", "description": "A short explanation"}},
        "required": ["city", "unit"]}
    texts = ["What is the weather in Tokyo tomorrow, and should I take an umbrella?",
             "明天杭州的天气怎么样？需要带伞吗？",
             "Line one\r\nline two\r\n  with   spaces\tand\ttabs, in Paris please",
             "Email alex@example.com about the meeting on 2025-03-14 at https://example.com/x with John Smith, 3 people, -2.5 degrees",
             "Café in Zürich — naïve résumé for Dr. Müller in São Paulo?",
             "x" * 300,
             ""]
    bodies = [("plain", {"model": "qwen-plus", "messages": user}),
              ("tools", {"model": "qwen-plus", "messages": user, "tools": tools}),
              ("schema20", {"model": "qwen-plus", "messages": [{"role": "system", "content": "Answer in JSON."}] + user,
                            "response_format": {"type": "json_schema", "json_schema": {"name": "report", "schema": schema, "strict": True}}}),
              ("stream", {"model": "qwen-plus", "messages": user, "stream": True, "stream_options": {"include_usage": True}})]
    for i, text in enumerate(texts):
        msgs = [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": text}]
        bodies += [(f"plain-{i}", {"model": "qwen-plus", "messages": msgs}),
                   (f"think-{i}", {"model": "qwen3-32b", "messages": msgs, "enable_thinking": True, "stream": True}),
                   (f"tools-{i}", {"model": "qwen-plus", "messages": msgs, "tools": tools, "parallel_tool_calls": True}),
                   (f"rich-{i}", {"model": "qwen-plus", "messages": msgs, "tools": [{"type": "function", "function": {"name": "lookup", "parameters": rich}}]}),
                   (f"json-{i}", {"model": "qwen-plus", "messages": msgs + [{"role": "user", "content": "reply in json"}],
                                  "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": rich}}}),
                   (f"jsonobj-{i}", {"model": "qwen-plus", "messages": msgs + [{"role": "user", "content": "JSON with keys name, age"}],
                                     "response_format": {"type": "json_object"}}),
                   (f"stream-tools-{i}", {"model": "qwen-plus", "messages": msgs, "tools": tools, "stream": True}),
                   (f"stop-{i}", {"model": "qwen-plus", "messages": msgs, "stop": ["e"]})]
    after = user + [{"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
                    {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 21 °C\nno rain"}]
    bodies += [("after-tool", {"model": "qwen-plus", "messages": after, "tools": tools}),
               ("after-tool-required", {"model": "qwen-plus", "messages": after, "tools": tools, "tool_choice": "required"}),
               ("react", {"model": "qwen-plus", "messages": [{"role": "user", "content":
                   "Answer the question. You have tools:\nsearch: look things up\n\nThought: think\nAction: the action, should be one of [search]\n"
                   "Action Input: the input\nObservation: the result\nFinal Answer: the answer\n\nQuestion: who wrote Hamlet?\nThought:"}], "stop": ["\nObservation"]}),
               ("hermes", {"model": "qwen-plus", "messages": [{"role": "system", "content":
                   '<tools>\n{"name": "get_weather", "description": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}\n</tools>\n'
                   'Answer with <tool_call>{"name": ..., "arguments": ...}</tool_call>'}] + user}),
               ("fieldmarker", {"model": "qwen-plus", "messages": [{"role": "system", "content":
                   "Your input fields are:\n1. `question` (str)\nYour output fields are:\n1. `answer` (str)\n[[ ## question ## ]]\n{question}\n[[ ## answer ## ]]\n{answer}\n[[ ## completed ## ]]"},
                   {"role": "user", "content": "[[ ## question ## ]]\nWhat is 2+2?"}]})]
    return bodies

def main():
    binary = sys.argv[1]
    fixtures = tempfile.mkdtemp(prefix="synth-answers-")
    server = subprocess.Popen([binary, "serve", "--port", "0", "--fixtures", fixtures, "--unmatched", "synthesize", "--speed", "0",
                               "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in server.stdout:
            found = re.search(r"127\.0\.0\.1:(\d+)", line)
            if found:
                port = int(found.group(1))
                break
        if port is None:
            sys.exit("synth_answers: the server printed no address")
        for name, body in corpus():
            request = urllib.request.Request(f"http://127.0.0.1:{port}/compatible-mode/v1/chat/completions",
                                             data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                             headers={"Content-Type": "application/json", "Authorization": "Bearer k"})
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    status, headers, data = answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as error:
                status, headers, data = error.code, error.headers, error.read()
            text = data.decode()
            request_id = headers.get("x-request-id") or headers.get("x-dashscope-request-id") or ""
            if request_id:
                text = text.replace(request_id, "<request-id>")
            print(f"== {name} {status} {headers.get('content-type')}\n{text}")
    finally:
        server.terminate()
        server.wait(timeout=10)

if __name__ == "__main__":
    main()
