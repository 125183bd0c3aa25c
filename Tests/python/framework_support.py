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
    """`get_weather(city)`: records each call and answers WEATHER_RESULT."""

    def __init__(self) -> None:
        self.calls: List[str] = []

    def __call__(self, city: str) -> str:
        """Get the current weather of a city."""
        self.calls.append(city)
        return WEATHER_RESULT
