"""Python websockets (Debian's python3-websockets 10): /echo and /broadcast, as bench/compare.sh measures them.

Usage: python3 python_server.py PORT. permessage-deflate off, no keepalive pings; broadcast with
websockets.broadcast() to every other connection.
"""
import asyncio
import sys

import websockets

room = set()


async def handler(ws):
    if ws.path == "/echo":
        async for message in ws:
            await ws.send(message)
    elif ws.path == "/broadcast":
        room.add(ws)
        try:
            async for message in ws:
                websockets.broadcast([other for other in room if other is not ws], message)
        finally:
            room.discard(ws)
    else:
        await ws.close(1008, "no such endpoint")


async def main(port):
    async with websockets.serve(handler, "127.0.0.1", port, compression=None, ping_interval=None, max_size=2**24):
        print(f"listening on 127.0.0.1:{port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
