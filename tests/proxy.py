"""A TCP proxy on 127.0.0.1 that can cut the line, for outage tests (Matrix, PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit


class LineProxy:
    """Forwards TCP connections from a local port to ``target``; can cut and restore the line."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0
        self.connections = 0  # accepted since the start, across cuts

    @property
    def url(self) -> str:
        """The homeserver URL that reaches Synapse through the proxy."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on the same port as before (a random free one the first time)."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port,
                                                  reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every open connection (both directions)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        assert not self._tasks
        assert not self._writers

    def _accept(self, client_reader: asyncio.StreamReader,
                client_writer: asyncio.StreamWriter) -> None:
        # A plain callback: Python 3.11 logs an error for a cancelled callback *task*.
        self.connections += 1
        self._writers.add(client_writer)
        task = asyncio.create_task(self._forward(client_reader, client_writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _forward(self, client_reader: asyncio.StreamReader,
                       client_writer: asyncio.StreamWriter) -> None:
        writers = [client_writer]
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._target)
            writers.append(server_writer)
            self._writers.add(server_writer)
            async with asyncio.TaskGroup() as group:
                group.create_task(_pump(client_reader, server_writer))
                group.create_task(_pump(server_reader, client_writer))
        except* OSError:
            pass  # one side reset the connection: both are closed below
        finally:
            for writer in writers:
                writer.transport.abort()
                self._writers.discard(writer)


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until EOF, then half-close the other side (HTTP keep-alive friendly)."""
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    if writer.can_write_eof():
        with contextlib.suppress(OSError):
            writer.write_eof()


@contextlib.asynccontextmanager
async def line_proxy(homeserver: str) -> AsyncIterator[LineProxy]:
    """A started :class:`LineProxy` to ``homeserver``, cut for good when the block ends."""
    target = urlsplit(homeserver)
    assert target.hostname, homeserver
    assert target.port, homeserver
    proxy = LineProxy(target.hostname, target.port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.cut()


@contextlib.asynccontextmanager
async def black_hole(port: int) -> AsyncIterator[None]:
    """Accept connections on ``port`` and never answer, like a firewall that drops packets."""
    held: list[asyncio.StreamWriter] = []

    def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", port, reuse_address=True)
    try:
        yield
    finally:
        server.close()
        for writer in held:
            writer.transport.abort()
        await server.wait_closed()
