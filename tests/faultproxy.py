"""A small TCP fault proxy for tests (RELIABILITY 27).

    async with FaultProxy("127.0.0.1", 5432) as proxy:   # proxy.port forwards
        proxy.mode = "pass" | "blackhole" | "slow" | "refuse"

- ``pass``: bytes flow both ways.
- ``blackhole``: connections stay open, bytes are swallowed (a dead network
  path: nothing answers, nothing resets); new connections are accepted and
  swallowed too.
- ``slow``: every chunk waits ``delay`` seconds before it is forwarded.
- ``refuse``: open connections are reset and new ones closed at once (the
  server stopped).

Switching back to ``pass`` lets new connections through; connections that were
black-holed stay dead, as after a real partition, so the client must notice
and reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType


class FaultProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.mode = "pass"
        self.delay = 0.0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        assert self._server is not None
        self._server.close()
        self._drop_all()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2)

    def set(self, mode: str, delay: float = 0.0) -> None:
        assert mode in ("pass", "blackhole", "slow", "refuse"), mode
        self.mode, self.delay = mode, delay
        if mode == "refuse":
            self._drop_all()

    def _drop_all(self) -> None:
        for w in list(self._writers):
            with contextlib.suppress(Exception):
                w.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            writer.transport.abort()
            return
        self._writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.add(up_writer)
        dead = [False]  # once a byte is swallowed the protocol is out of step for good
        await asyncio.gather(self._pipe(reader, up_writer, dead),
                             self._pipe(up_reader, writer, dead), return_exceptions=True)
        for w in (writer, up_writer):
            self._writers.discard(w)
            w.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    dead: list[bool]) -> None:
        while data := await reader.read(65536):
            if self.mode == "blackhole" or dead[0]:
                dead[0] = True
                continue
            if self.mode == "slow":
                await asyncio.sleep(self.delay)
            if self.mode == "refuse":
                return
            writer.write(data)
            await writer.drain()
