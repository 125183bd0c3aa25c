"""The schema table of the structured-output tests: Pydantic-generated schemas (nested models,
enums, Optional, lists, Literal, datetime, EmailStr, recursive models, discriminated unions,
constrained types) and hand-written JSON Schemas (type lists, const, oneOf/anyOf/allOf, $ref with
$defs and definitions, recursive refs, formats, patterns, bounds, uniqueItems, tuples, maps)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Dict, List, Literal, Optional, Set, Tuple, Union

from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl, IPvAnyAddress


class Address(BaseModel):
    street: str
    city: str
    zip_code: str = Field(pattern=r"^\d{5}$")


class Person(BaseModel):
    name: str
    age: int = Field(ge=0, le=150)
    email: EmailStr
    address: Address


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Item(BaseModel):
    color: Color
    tags: List[str] = Field(min_length=1, max_length=3)


class Profile(BaseModel):
    nickname: Optional[str] = None
    bio: Union[str, None]
    score: Optional[float] = None


class Status(BaseModel):
    kind: Literal["ok", "error"]
    code: int


class Event(BaseModel):
    title: str
    start: dt.datetime
    day: dt.date
    at: dt.time
    length: dt.timedelta


class Node(BaseModel):
    value: int
    children: List["Node"] = []


class Linked(BaseModel):
    label: str
    next: Optional["Linked"] = None


class Cat(BaseModel):
    pet_type: Literal["cat"]
    meows: int


class Dog(BaseModel):
    pet_type: Literal["dog"]
    barks: float


class Owner(BaseModel):
    pet: Union[Cat, Dog] = Field(discriminator="pet_type")


class Resource(BaseModel):
    id: uuid.UUID
    url: HttpUrl
    ip: IPvAnyAddress


class Inventory(BaseModel):
    counts: Dict[str, int]


class Pair(BaseModel):
    pair: Tuple[int, str]


class Product(BaseModel):
    price: float = Field(gt=0, multiple_of=0.5)
    qty: int = Field(ge=1, le=10)
    sku: str = Field(min_length=8, max_length=8)


class Labels(BaseModel):
    labels: Set[str] = Field(min_length=2)


class LineItem(BaseModel):
    product: str
    quantity: int = Field(gt=0)


class Order(BaseModel):
    items: List[LineItem] = Field(min_length=2)
    note: Optional[str] = None


class Weather(BaseModel):
    location: str
    temperature: float
    unit: Literal["celsius", "fahrenheit"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str
    confidence: float = Field(ge=0, le=1)


class Mixed(BaseModel):
    value: Union[int, str]
    flags: List[bool]


PYDANTIC_MODELS = [Person, Item, Profile, Status, Event, Node, Linked, Owner, Resource, Inventory, Pair, Product,
                   Labels, Order, Weather, Strict, Mixed]

HAND_WRITTEN = {
    "const_closed": {"type": "object", "properties": {"a": {"type": "string", "const": "x"}}, "required": ["a"],
                     "additionalProperties": False},
    "type_list_nullable": {"type": "object", "properties": {"v": {"type": ["string", "null"]}, "n": {"type": ["null", "integer"]}},
                           "required": ["v", "n"]},
    "array_root_unique": {"type": "array", "items": {"type": "integer"}, "minItems": 3, "maxItems": 5, "uniqueItems": True},
    "one_of_exclusive": {"type": "object", "properties": {"n": {"oneOf": [{"type": "integer", "multipleOf": 3},
                                                                           {"type": "integer", "multipleOf": 5}]}},
                         "required": ["n"]},
    "one_of_overlapping": {"oneOf": [{"type": "string"}, {"type": "string", "maxLength": 3}, {"type": "number"}]},
    "all_of": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                         {"properties": {"b": {"type": "integer", "minimum": 5}}, "required": ["b"]}]},
    "definitions_draft7": {"$schema": "http://json-schema.org/draft-07/schema#",
                           "definitions": {"point": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                                                     "required": ["x", "y"], "additionalProperties": False}},
                           "type": "object", "properties": {"from": {"$ref": "#/definitions/point"}, "to": {"$ref": "#/definitions/point"}},
                           "required": ["from", "to"]},
    "recursive_root_ref": {"type": "object", "properties": {"name": {"type": "string"},
                                                            "kids": {"type": "array", "items": {"$ref": "#"}}},
                           "required": ["name", "kids"]},
    "formats": {"type": "object", "required": ["d", "dt", "t", "e", "u", "id", "v4", "v6", "host", "dur", "ptr", "re"],
                "properties": {"d": {"type": "string", "format": "date"}, "dt": {"type": "string", "format": "date-time"},
                               "t": {"type": "string", "format": "time"}, "e": {"type": "string", "format": "email"},
                               "u": {"type": "string", "format": "uri"}, "id": {"type": "string", "format": "uuid"},
                               "v4": {"type": "string", "format": "ipv4"}, "v6": {"type": "string", "format": "ipv6"},
                               "host": {"type": "string", "format": "hostname"}, "dur": {"type": "string", "format": "duration"},
                               "ptr": {"type": "string", "format": "json-pointer"}, "re": {"type": "string", "format": "regex"}}},
    "lengths_and_pattern": {"type": "object", "required": ["code", "word"],
                            "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"},
                                           "word": {"type": "string", "minLength": 10, "maxLength": 12}}},
    "number_bounds": {"type": "object", "required": ["ratio", "week"],
                      "properties": {"ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                                     "week": {"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7}}},
    "enum_mixed": {"type": "object", "properties": {"e": {"enum": [1, "two", None]}}, "required": ["e"]},
    "deep_nesting": {"type": "object", "required": ["a"], "properties": {"a": {"type": "object", "required": ["b"], "properties": {
        "b": {"type": "object", "required": ["c"], "properties": {"c": {"type": "object", "required": ["d"], "properties": {
            "d": {"type": "object", "required": ["e"], "properties": {"e": {"type": "integer"}}}}}}}}}}},
    "min_properties_map": {"type": "object", "minProperties": 3, "additionalProperties": {"type": "boolean"}},
    "any_of_objects": {"anyOf": [{"type": "object", "properties": {"kind": {"const": "a"}}, "required": ["kind"]},
                                 {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"]}]},
    "empty_and_true": {"type": "object", "properties": {"anything": {}, "also": True}, "required": ["anything", "also"]},
    "booleans_nulls": {"type": "object", "properties": {"ok": {"type": "boolean"}, "nothing": {"type": "null"}},
                       "required": ["ok", "nothing"], "additionalProperties": False},
    "prefix_items_closed": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False,
                            "minItems": 2},
    "defs_nested_refs": {"$defs": {"name": {"type": "string", "minLength": 2}, "person": {"type": "object",
                                   "properties": {"name": {"$ref": "#/$defs/name"}, "friends": {"type": "array",
                                                  "items": {"$ref": "#/$defs/person"}, "maxItems": 2}},
                                   "required": ["name", "friends"]}},
                         "$ref": "#/$defs/person"},
}


def all_schemas():
    """(name, schema, model or None) for every row of the table."""
    rows = [(model.__name__, model.model_json_schema(), model) for model in PYDANTIC_MODELS]
    rows += [(name, schema, None) for name, schema in HAND_WRITTEN.items()]
    return rows
