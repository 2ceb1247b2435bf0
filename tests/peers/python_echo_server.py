#!/usr/bin/python3
"""Echo server on Python websockets (Debian's python3-websockets 10.4), for Pulse's interop tests.

Usage: /usr/bin/python3 python_echo_server.py

Listens on 127.0.0.1 and a free port and prints the port on its first stdout line. Every message is sent back
with its own type. On the path /close/CODE the server echoes the first message, then closes with CODE and the
reason "server closing". When a connection ends it prints "closed CODE REASON" with the close frame received
from the client. Exits 0 when stdin closes, or 1 after PEER_TIMEOUT seconds (default 300), whichever is first.

With PEER_COMPRESSION=deflate, the server accepts permessage-deflate with websockets' defaults (RFC 7692);
without it, compression is off.
"""

import asyncio
import os
import re
import sys
import threading

import websockets


async def handler(ws):
    close_after_echo = re.fullmatch(r"/close/(\d+)", ws.path)
    try:
        async for message in ws:
            await ws.send(message)
            if close_after_echo:
                await ws.close(code=int(close_after_echo[1]), reason="server closing")
                break
    except websockets.ConnectionClosedError:
        pass
    print(f"closed {ws.close_code} {ws.close_reason}", flush=True)


async def main():
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()

    def wait_for_stdin_end():
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(stdin_closed.set)

    # A daemon thread: a blocked read never keeps the process alive once main() returns.
    threading.Thread(target=wait_for_stdin_end, daemon=True).start()
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, compression=os.environ.get("PEER_COMPRESSION") or None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        timeout = float(os.environ.get("PEER_TIMEOUT", "300"))
        try:
            await asyncio.wait_for(stdin_closed.wait(), timeout)
        except asyncio.TimeoutError:
            print(f"stdin still open after {timeout} s; exiting", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
