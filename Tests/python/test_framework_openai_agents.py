"""The OpenAI Agents SDK (openai-agents) with its chat-completions model against `mockscope
serve --unmatched synthesize`, nothing changed but the base URL and a dummy key: a tool loop, a
typed output and a streamed thinking call."""

from __future__ import annotations

import asyncio

from agents import Agent, ModelSettings, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled
from openai import AsyncOpenAI

from framework_support import QUESTION, WEATHER_RESULT, Weather, WeatherTool

set_tracing_disabled(True)


def _model(server) -> OpenAIChatCompletionsModel:
    client = AsyncOpenAI(base_url=server.compat_url, api_key="sk-test", max_retries=0, timeout=30)
    return OpenAIChatCompletionsModel(model="qwen-plus", openai_client=client)


def test_agent_calls_the_tool_and_finishes(synth_server):
    weather = WeatherTool()

    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather of a city."""
        return weather.function(city)

    agent = Agent(name="weather", instructions="Answer with the tool.", model=_model(synth_server), tools=[get_weather])
    result = Runner.run_sync(agent, QUESTION, max_turns=4)
    assert len(weather.calls) == 1
    assert WEATHER_RESULT in result.final_output


def test_typed_output(synth_server):
    # Needs response_format json_schema (branch `structured`).
    agent = Agent(name="weather", model=_model(synth_server), output_type=Weather)
    result = Runner.run_sync(agent, QUESTION, max_turns=2)
    assert isinstance(result.final_output, Weather)


def test_streamed_thinking_call(synth_server):
    agent = Agent(name="thinker", model=_model(synth_server),
                  model_settings=ModelSettings(extra_body={"enable_thinking": True}))

    async def run():
        result = Runner.run_streamed(agent, QUESTION)
        kinds = [event.type async for event in result.stream_events()]
        return result, kinds

    result, kinds = asyncio.run(run())
    assert kinds.count("raw_response_event") > 2
    assert result.final_output.startswith("MockScope synthesized this answer")
    assert any(item.type == "reasoning_item" for item in result.new_items)
