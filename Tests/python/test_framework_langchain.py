"""LangChain against `mockscope serve --unmatched synthesize`, nothing changed but the base URL
and a dummy key: `langchain.agents.create_agent` with `langchain-openai`'s ChatOpenAI (native
tool calls), the classic ReAct text agent (langchain-classic: the ReAct prompt format with
`stop=["\\nObservation"]`), typed output and a streamed thinking call."""

from __future__ import annotations

import pytest
from langchain_core.tools import StructuredTool
from langchain_openai import ChatOpenAI

from framework_support import QUESTION, REACT_TEMPLATE, WEATHER_RESULT, Weather, WeatherTool

# hwchase17/react, the prompt LangChain's docs pull for create_react_agent.

def _model(server, **kwargs) -> ChatOpenAI:
    return ChatOpenAI(model="qwen-plus", base_url=server.compat_url, api_key="sk-test", max_retries=0, timeout=30, **kwargs)


def _tool(weather: WeatherTool) -> StructuredTool:
    return StructuredTool.from_function(weather.function, name="get_weather", description="Get the current weather of a city.")


def test_create_agent_calls_the_tool_and_finishes(synth_server):
    from langchain.agents import create_agent

    weather = WeatherTool()
    agent = create_agent(_model(synth_server), tools=[_tool(weather)])
    result = agent.invoke({"messages": [("user", QUESTION)]})
    assert len(weather.calls) == 1 and weather.calls[0]
    final = result["messages"][-1]
    assert final.type == "ai" and not final.tool_calls
    assert WEATHER_RESULT in final.content


def test_classic_react_agent_acts_observes_and_answers(synth_server):
    from langchain_classic.agents import AgentExecutor, create_react_agent
    from langchain_core.prompts import PromptTemplate

    weather = WeatherTool()
    tools = [_tool(weather)]
    agent = create_react_agent(_model(synth_server), tools, PromptTemplate.from_template(REACT_TEMPLATE))
    executor = AgentExecutor(agent=agent, tools=tools, max_iterations=3)
    result = executor.invoke({"input": QUESTION})
    assert weather.calls == [QUESTION]
    assert WEATHER_RESULT in result["output"]


def test_structured_output_is_the_typed_model(synth_server):
    # Needs response_format json_schema (branch `structured`).
    answer = _model(synth_server).with_structured_output(Weather).invoke(QUESTION)
    assert isinstance(answer, Weather)


def test_streamed_thinking_call_reports_reasoning_tokens(synth_server):
    model = _model(synth_server, streaming=True, stream_usage=True, extra_body={"enable_thinking": True})
    chunks = list(model.stream(QUESTION))
    assert len(chunks) > 2
    assert "".join(c.content for c in chunks).startswith("MockScope synthesized this answer")
    usage = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert usage and usage[-1]["output_token_details"]["reasoning"] > 0
