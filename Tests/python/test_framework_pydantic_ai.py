"""Pydantic AI (pydantic-ai-slim[openai]) against `mockscope serve --unmatched synthesize`
through its own Alibaba provider, nothing changed but the base URL and a dummy key: a tool loop,
a typed output (its `final_result` tool, called with tool_choice "required") and a streamed
thinking call."""

from __future__ import annotations

import asyncio

from pydantic_ai import Agent
from pydantic_ai.messages import ModelResponse, ThinkingPart
from pydantic_ai.models.openai import OpenAIChatModel, OpenAIChatModelSettings
from pydantic_ai.providers.alibaba import AlibabaProvider

from framework_support import QUESTION, WEATHER_RESULT, Weather, WeatherTool


def _model(server) -> OpenAIChatModel:
    return OpenAIChatModel("qwen-plus", provider=AlibabaProvider(api_key="sk-test", base_url=server.compat_url))


def test_agent_calls_the_tool_and_finishes(synth_server):
    weather = WeatherTool()
    agent = Agent(_model(synth_server), tools=[weather.function])
    result = agent.run_sync(QUESTION)
    assert len(weather.calls) == 1
    assert WEATHER_RESULT in result.output


def test_typed_output(synth_server):
    # Needs tool_choice "required" answered with the finishing tool (branch `structured`).
    result = Agent(_model(synth_server), output_type=Weather).run_sync(QUESTION)
    assert isinstance(result.output, Weather)


def test_streamed_thinking_call(synth_server):
    agent = Agent(_model(synth_server), model_settings=OpenAIChatModelSettings(extra_body={"enable_thinking": True}))

    async def run():
        async with agent.run_stream(QUESTION) as result:
            pieces = [piece async for piece in result.stream_text(delta=True, debounce_by=None)]
            return pieces, result.all_messages()

    pieces, messages = asyncio.run(run())
    assert len(pieces) > 1 and "".join(pieces).startswith("MockScope synthesized this answer")
    thinking = [part for message in messages if isinstance(message, ModelResponse)
                for part in message.parts if isinstance(part, ThinkingPart)]
    assert thinking and thinking[0].content
