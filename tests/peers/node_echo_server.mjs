// Echo server on the npm ws package (pinned in package.json), for Pulse's interop tests.
//
// Usage: node node_echo_server.mjs
//
// Listens on 127.0.0.1 and a free port and prints the port on its first stdout line. Every message is sent back
// with its own type. On the path /close/CODE the server echoes the first message, then closes with CODE and the
// reason "server closing". When a connection ends it prints "closed CODE REASON" with the close frame received
// from the client. Exits 0 when stdin closes, or 1 after PEER_TIMEOUT seconds (default 300), whichever is first.
//
// With PEER_COMPRESSION=deflate, the server accepts permessage-deflate (ws's perMessageDeflate: true); without
// it, compression is off.

import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: Boolean(process.env.PEER_COMPRESSION), maxPayload: 64 * 1024 * 1024 });

server.on('listening', () => console.log(server.address().port));

server.on('connection', (ws, request) => {
  const closeAfterEcho = /^\/close\/(\d+)$/.exec(request.url ?? '');
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
    if (closeAfterEcho) ws.close(Number(closeAfterEcho[1]), 'server closing');
  });
  ws.on('error', (error) => console.error(`ws error: ${error.message}`));
  ws.on('close', (code, reason) => {
    console.log(`closed ${code} ${reason.toString('utf8')}`);
    exitWhenIdle();
  });
});

// Lets connections still closing print their "closed" line (for up to 5 s), then exits.
let exitCode = null;
function exitWhenIdle() {
  if (exitCode !== null && server.clients.size === 0) server.close(() => process.exit(exitCode));
}

function stop(code) {
  exitCode = code;
  exitWhenIdle();
  setTimeout(() => {
    for (const client of server.clients) client.terminate();
    process.exit(code);
  }, 5000).unref();
}

const timeout = Number(process.env.PEER_TIMEOUT ?? '300');
const lifetime = setTimeout(() => {
  console.error(`stdin still open after ${timeout} s; exiting`);
  stop(1);
}, timeout * 1000);

process.stdin.on('end', () => {
  clearTimeout(lifetime);
  stop(0);
});
process.stdin.resume();
