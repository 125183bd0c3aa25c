"""What the agent-framework tests share: a tool that records its calls, and the typed output
they ask for."""

from __future__ import annotations

from typing import List

from pydantic import BaseModel

QUESTION = "What is the weather in Tokyo?"
# LangChain's classic ReAct prompt (hub "hwchase17/react"), as create_react_agent fills it.
REACT_TEMPLATE = """Answer the following questions as best you can. You have access to the following tools:

{tools}

Use the following format:

Question: the input question you must answer
Thought: you should always think about what to do
Action: the action to take, should be one of [{tool_names}]
Action Input: the input to the action
Observation: the result of the action
... (this Thought/Action/Action Input/Observation can repeat N times)
Thought: I now know the final answer
Final Answer: the final answer to the original input question

Begin!

Question: {input}
Thought:{agent_scratchpad}"""

WEATHER_RESULT = "Tokyo: sunny, 25 degrees"


class Weather(BaseModel):
    """The structured-output type every framework is asked for."""
    city: str
    temperature_c: int
    sunny: bool


class WeatherTool:
    """A `get_weather(city)` function (`.function`, what frameworks are given) that records each
    call in `.calls` and answers WEATHER_RESULT."""

    def __init__(self) -> None:
        self.calls: List[str] = []
        calls = self.calls

        def get_weather(city: str) -> str:
            """Get the current weather of a city."""
            calls.append(city)
            return WEATHER_RESULT

        self.function = get_weather
