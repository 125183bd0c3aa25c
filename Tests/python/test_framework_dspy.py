"""DSPy against `mockscope serve --unmatched synthesize`, nothing changed but the base URL and a
dummy key. DSPy's ChatAdapter sends no `tools`: it asks for `[[ ## field ## ]]` sections, so
this drives the field-marker prompt format: `dspy.ReAct` (its `next_tool_name` choice and
`next_tool_args` dict, ending with `finish`), a typed (Pydantic) output and a streamed thinking
call. The LM cache is off, so every call reaches the server."""

from __future__ import annotations

import asyncio

import dspy
import pytest

from framework_support import QUESTION, WEATHER_RESULT, Weather, WeatherTool


@pytest.fixture
def lm(synth_server):
    dspy.configure_cache(enable_disk_cache=False, enable_memory_cache=False)
    return dspy.LM("openai/qwen-plus", api_base=synth_server.compat_url, api_key="sk-test", cache=False, num_retries=0)


class WeatherReport(dspy.Signature):
    """Report the weather."""
    question: str = dspy.InputField()
    report: Weather = dspy.OutputField()
    confidence: float = dspy.OutputField()
    sources: list[str] = dspy.OutputField()


def test_react_calls_the_tool_then_finishes(lm):
    weather = WeatherTool()
    agent = dspy.ReAct("question -> answer", tools=[weather.function], max_iters=5)
    with dspy.context(lm=lm, adapter=dspy.ChatAdapter(use_json_adapter_fallback=False)):
        prediction = agent(question=QUESTION)
    assert len(weather.calls) == 1 and weather.calls[0]
    assert [prediction.trajectory[f"tool_name_{i}"] for i in range(2)] == ["get_weather", "finish"]
    assert prediction.trajectory["observation_0"] == WEATHER_RESULT
    assert WEATHER_RESULT in prediction.answer


def test_typed_outputs(lm):
    with dspy.context(lm=lm, adapter=dspy.ChatAdapter(use_json_adapter_fallback=False)):
        prediction = dspy.ChainOfThought(WeatherReport)(question=QUESTION)
    assert isinstance(prediction.report, Weather)
    assert isinstance(prediction.confidence, float)
    assert isinstance(prediction.sources, list) and all(isinstance(s, str) for s in prediction.sources)
    assert prediction.reasoning


def test_streamed_thinking_call(lm):
    thinking = dspy.LM(lm.model, api_base=lm.kwargs["api_base"], api_key="sk-test", cache=False, num_retries=0,
                       extra_body={"enable_thinking": True})
    program = dspy.streamify(dspy.Predict("question -> answer"), include_final_prediction_in_output_stream=True)

    async def run():
        chunks, final = [], None
        with dspy.context(lm=thinking, adapter=dspy.ChatAdapter(use_json_adapter_fallback=False)):
            async for item in program(question=QUESTION):
                if isinstance(item, dspy.Prediction):
                    final = item
                else:
                    chunks.append(item)
        return chunks, final

    chunks, final = asyncio.run(run())
    reasoning = "".join(getattr(c.choices[0].delta, "reasoning_content", None) or "" for c in chunks if getattr(c, "choices", None))
    assert len(chunks) > 2 and reasoning
    assert final is not None and final.answer.startswith("MockScope synthesized this answer")
