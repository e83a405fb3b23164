"""The baseline: a bare Starlette app that replays one fixed GraphQL answer.

Served by the same uvicorn with the same options as the real app, it measures
what the machine, uvicorn and Starlette routing cost on their own, so the
app's numbers can be given as a ratio that survives a change of machine.
It reads the request body (any POST handler must) but does nothing with it.

``uvicorn --factory --app-dir bench baseline_app:create_app`` with
``BENCH_BASELINE_BODY`` naming the file holding the response bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


def create_app() -> Starlette:
    answer = Path(os.environ["BENCH_BASELINE_BODY"]).read_bytes()

    async def graphql(request: Request) -> Response:
        await request.body()
        return Response(answer, media_type="application/json")

    async def readyz(_: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(routes=[
        Route("/graphql", graphql, methods=["POST"]),
        Route("/readyz", readyz),
    ])
