"""What the agent-framework tests share: a tool that records its calls, and the typed output
they ask for."""

from __future__ import annotations

from typing import List

from pydantic import BaseModel

QUESTION = "What is the weather in Tokyo?"
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
