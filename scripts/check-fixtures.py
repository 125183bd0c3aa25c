#!/usr/bin/env python3
"""Check a fixtures folder against schema/fixture.schema.json plus the SSE rules the schema
cannot express.

    python3 scripts/check-fixtures.py [DIR ...]      # default: <repo>/fixtures

Needs the `jsonschema` package (4.x, draft 2020-12). Checks, per fixture file:
  - the JSON Schema;
  - `at` not decreasing; names unique across the folders;
  - compat paths (/compatible-mode/...): every event is `data: <payload>\\n\\n` where the payload
    parses as JSON or is `[DONE]`;
  - other paths: every event has exactly one `data:` line whose value is valid JSON, and ends
    with a blank line.
Exit status 1 when anything fails.
"""

import json
import sys
from pathlib import Path

try:
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover
    sys.exit("check-fixtures: the `jsonschema` package is required (pip install jsonschema)")

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schema" / "fixture.schema.json"


def fixture_files(root):
    for p in sorted(root.rglob("*.json")):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or p.name.endswith(".tmp"):
            continue
        yield p


def check_events(fx, errors, where):
    answers = fx.get("responses") if isinstance(fx.get("responses"), list) else [fx.get("response", {})]
    for index, resp in enumerate(answers):
        if isinstance(resp, dict):
            check_answer_events(fx, resp, errors, where if "response" in fx else f"{where}: responses[{index}]")


def check_answer_events(fx, resp, errors, where):
    events = resp.get("events")
    if not isinstance(events, list):
        return
    compat = fx["request"]["path"].startswith("/compatible-mode/")
    last_at = None
    for k, ev in enumerate(events):
        at, data = ev.get("at"), ev.get("data")
        if not isinstance(data, str) or not isinstance(at, (int, float)):
            continue  # the schema already reported it
        if last_at is not None and at < last_at:
            errors.append(f"{where}: events[{k}].at {at} < previous {last_at}")
        last_at = at
        if not data.endswith("\n\n"):
            errors.append(f"{where}: events[{k}] does not end with a blank line")
        if compat:
            if not data.startswith("data: ") or data.count("\n") != 2:
                errors.append(f"{where}: events[{k}] is not a single `data: ...` line")
                continue
            payload = data[len("data: "):-2]
            if payload == "[DONE]":
                continue
            try:
                json.loads(payload)
            except ValueError as e:
                errors.append(f"{where}: events[{k}] data is neither JSON nor [DONE]: {e}")
        else:
            lines = data.rstrip("\n").split("\n")
            data_lines = [ln for ln in lines if ln.startswith("data:")]
            if len(data_lines) != 1:
                errors.append(f"{where}: events[{k}] has {len(data_lines)} data: lines")
                continue
            try:
                json.loads(data_lines[0][len("data:"):])
            except ValueError as e:
                errors.append(f"{where}: events[{k}] data is not JSON: {e}")


def main():
    roots = [Path(a) for a in sys.argv[1:]] or [REPO / "fixtures"]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors, names, count = [], {}, 0
    for root in roots:
        for path in fixture_files(root):
            count += 1
            where = str(path)
            try:
                fx = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as e:
                errors.append(f"{where}: not JSON: {e}")
                continue
            schema_errors = sorted(validator.iter_errors(fx), key=lambda e: list(e.absolute_path))
            for e in schema_errors:
                loc = "/".join(str(x) for x in e.absolute_path) or "(root)"
                errors.append(f"{where}: {loc}: {e.message}")
            if schema_errors:
                continue
            name = fx.get("name") or str(path.relative_to(root).with_suffix(""))
            if name in names:
                errors.append(f"{where}: name {name!r} also used by {names[name]}")
            names[name] = where
            check_events(fx, errors, where)
    for e in errors:
        print(e, file=sys.stderr)
    print(f"{count} fixture(s), {len(errors)} problem(s)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
