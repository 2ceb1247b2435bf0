#!/usr/bin/python3
"""Echo client on Python websockets (Debian's python3-websockets 10.4), for Pulse's interop tests.

Usage: /usr/bin/python3 python_echo_client.py URI [SPEC ...]
With no SPEC, or with "-", the SPECs are read from stdin, one per line.

SPEC is one of:
  text:SIZE, binary:SIZE        send a message of SIZE bytes; check that the echo has the same type and bytes
  text:SIZE/PARTS, binary:...   the same, sent as a fragmented message of PARTS frames
  N*SPEC                        a text or binary SPEC, N times in a row
  close:CODE[:REASON]           start the closing handshake with CODE
  expect-close:CODE             wait for the server to close; fail unless its close frame carries CODE

Payloads follow one rule shared with the Node peers and Pulse.Testing.Payloads: binary byte i is i % 251;
text repeats the 10 UTF-8 bytes of "a\u00e9\u20ac\U0001F600" (1-, 2-, 3- and 4-byte characters), then pads
with "a" up to SIZE bytes.

Prints one line per checked echo ("echo TYPE SIZE SHA256-PREFIX"), "closed CODE REASON" with the close frame
received from the server, and "ok N" last (N = echoes checked), then exits 0. Any mismatch or error exits 1
with the reason on stderr. Gives up after PEER_TIMEOUT seconds (default 120).

With PEER_COMPRESSION=deflate, the client offers permessage-deflate with websockets' defaults (RFC 7692) and
prints "extensions HEADER" first, with the Sec-WebSocket-Extensions header of the server's answer ("-" if none).
PEER_COMPRESSION may instead be an offer, such as "permessage-deflate; server_max_window_bits=10": websockets'
own ClientPerMessageDeflateFactory is set up to make exactly that offer, and checks the answer against it.
Without it, compression is off.
"""

import asyncio
import hashlib
import os
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

MAX_REPEAT = 100_000
MAX_SIZE = 64 * 1024 * 1024
TEXT_UNIT = "a\u00e9\u20ac\U0001F600"


def binary_payload(size):
    pattern = bytes(range(251))
    return (pattern * (size // 251 + 1))[:size]


def text_payload(size):
    unit = TEXT_UNIT.encode("utf-8")
    return unit * (size // len(unit)) + b"a" * (size % len(unit))


def parse(spec):
    """Returns a list of steps: ("echo", kind, size, parts), ("close", code, reason), ("expect-close", code)."""
    repeat = 1
    if "*" in spec:
        count, spec = spec.split("*", 1)
        repeat = int(count)
        if not 1 <= repeat <= MAX_REPEAT:
            raise ValueError(f"repeat count out of range: {count}")
    kind, _, rest = spec.partition(":")
    if kind in ("text", "binary"):
        size, _, parts = rest.partition("/")
        size, parts = int(size), int(parts or "1")
        if not 0 <= size <= MAX_SIZE or not 1 <= parts <= max(1, size):
            raise ValueError(f"bad size or parts: {spec}")
        return [("echo", kind, size, parts)] * repeat
    if repeat != 1:
        raise ValueError(f"only messages repeat: {spec}")
    if kind == "close":
        code, _, reason = rest.partition(":")
        return [("close", int(code), reason)]
    if kind == "expect-close":
        return [("expect-close", int(rest))]
    raise ValueError(f"unknown spec: {spec}")


def fragments(kind, payload, parts):
    """Splits a message into PARTS pieces; text is split between characters, as websockets requires str pieces."""
    if kind == "binary":
        step = -(-len(payload) // parts) or 1
        return [payload[i:i + step] for i in range(0, len(payload), step)] or [b""]
    text = payload.decode("utf-8")
    step = -(-len(text) // parts) or 1
    return [text[i:i + step] for i in range(0, len(text), step)] or [""]


def compression_settings(value):
    """websockets.connect's arguments for PEER_COMPRESSION: off, websockets' defaults, or one exact offer."""
    if not value:
        return {"compression": None}
    if value == "deflate":
        return {"compression": "deflate"}
    name, *parameters = [part.strip() for part in value.split(";")]
    if name != "permessage-deflate":
        raise ValueError(f"not a permessage-deflate offer: {value}")
    # Nothing but what the offer names: no client_max_window_bits unless it is there.
    offer = {"server_no_context_takeover": False, "client_no_context_takeover": False,
             "server_max_window_bits": None, "client_max_window_bits": None}
    for parameter in parameters:
        key, _, bits = parameter.partition("=")
        if key not in offer:
            raise ValueError(f"unknown parameter in {value}: {key}")
        offer[key] = int(bits) if bits else True
    return {"compression": None, "extensions": [ClientPerMessageDeflateFactory(**offer)]}


async def run(uri, steps):
    checked = 0
    compression = os.environ.get("PEER_COMPRESSION") or None
    async with websockets.connect(uri, max_size=None, **compression_settings(compression)) as ws:
        if compression:
            print(f"extensions {ws.response_headers.get('Sec-WebSocket-Extensions', '-')}", flush=True)
        for step in steps:
            if step[0] == "echo":
                _, kind, size, parts = step
                payload = text_payload(size) if kind == "text" else binary_payload(size)
                message = payload.decode("utf-8") if kind == "text" else payload
                await ws.send(message if parts == 1 else fragments(kind, payload, parts))
                reply = await ws.recv()
                got_kind = "text" if isinstance(reply, str) else "binary"
                got = reply.encode("utf-8") if got_kind == "text" else reply
                if got_kind != kind or got != payload:
                    raise AssertionError(
                        f"echo {checked + 1}: sent {kind} {size} B, got {got_kind} {len(got)} B"
                        f" ({hashlib.sha256(got).hexdigest()[:16]} instead of {hashlib.sha256(payload).hexdigest()[:16]})")
                checked += 1
                print(f"echo {kind} {size} {hashlib.sha256(got).hexdigest()[:16]}", flush=True)
            elif step[0] == "close":
                await ws.close(code=step[1], reason=step[2])
                print(f"closed {ws.close_code} {ws.close_reason}", flush=True)
                break
            else:
                try:
                    unexpected = await ws.recv()
                    raise AssertionError(f"expected close {step[1]}, got a message of {len(unexpected)} characters or bytes")
                except websockets.ConnectionClosed as closed:
                    code = closed.rcvd.code if closed.rcvd else None
                    reason = closed.rcvd.reason if closed.rcvd else ""
                    print(f"closed {code} {reason}", flush=True)
                    if code != step[1]:
                        raise AssertionError(f"expected close {step[1]}, got {code}") from closed
                break
    print(f"ok {checked}", flush=True)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    specs = argv[2:]
    if not specs or specs == ["-"]:
        specs = [line.strip() for line in sys.stdin if line.strip()]
    steps = [step for spec in specs for step in parse(spec)]
    timeout = float(os.environ.get("PEER_TIMEOUT", "120"))
    try:
        asyncio.run(asyncio.wait_for(run(argv[1], steps), timeout))
    except asyncio.TimeoutError:
        print(f"timed out after {timeout} s", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - any failure is reported and fails the run
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
