#!/usr/bin/env python3
"""A hand-written Python mock of the same exchanges, on aiohttp: the baseline a team would write
in an afternoon. It reads MockScope fixture files (whole bodies and timed SSE events), keys them by
the canonical JSON of the request body (sorted keys, no whitespace), and answers:

  whole body:  the pre-rendered bytes, with the fixture's headers
  events:      each event written when it is due (asyncio.sleep until request time + at)

  aiohttp_mock.py --port 0 --fixtures DIR     prints "listening PORT"; no access log
"""
import argparse
import asyncio
import json
import os
import sys

from aiohttp import web


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load(directory):
    table = {}
    for root, _, files in os.walk(directory):
        for name in files:
            if not name.endswith(".json"):
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                fixture = json.load(f)
            request, response = fixture["request"], fixture["response"]
            headers = {k: v for k, v in response.get("headers", {}).items() if k.lower() != "content-length"}
            if "events" in response:
                plan = ("events", response["status"], headers,
                        [(e["at"] / 1000.0, e["data"].encode("utf-8")) for e in response["events"]])
            else:
                body = response["body"] if "body" in response else canonical(response["json"])
                plan = ("whole", response["status"], headers, body.encode("utf-8"))
            table[(request["method"], request["path"], canonical(request.get("body")))] = plan
    return table


def make_app(table):
    async def handle(request):
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return web.json_response({"error": "malformed JSON"}, status=400)
        plan = table.get((request.method, request.path, canonical(body)))
        if plan is None:
            return web.json_response({"error": "no fixture matches"}, status=400)
        kind, status, headers, payload = plan
        if kind == "whole":
            return web.Response(status=status, body=payload, headers=headers)
        loop = asyncio.get_running_loop()
        start = loop.time()
        response = web.StreamResponse(status=status, headers=headers)
        await response.prepare(request)
        for at, data in payload:
            delay = start + at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await response.write(data)
        await response.write_eof()
        return response

    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def main(args):
    runner = web.AppRunner(make_app(load(args.fixtures)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port, backlog=4096)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fixtures", required=True)
    try:
        asyncio.run(main(parser.parse_args()))
    except KeyboardInterrupt:
        sys.exit(0)
