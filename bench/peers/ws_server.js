// Node ws 8: /echo and /broadcast, as bench/compare.sh measures them. Usage: node ws_server.js PORT.
// permessage-deflate off; broadcast is the loop from ws's README, to every other open client.
'use strict';
const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2]);
const echo = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
const room = new WebSocketServer({ noServer: true, perMessageDeflate: false });

echo.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
room.on('connection', (ws) => ws.on('message', (data, isBinary) => {
  for (const client of room.clients) {
    if (client !== ws && client.readyState === WebSocket.OPEN) {
      client.send(data, { binary: isBinary });
    }
  }
}));

const server = http.createServer((request, response) => { response.writeHead(404).end(); });
server.on('upgrade', (request, socket, head) => {
  const path = new URL(request.url, 'http://localhost').pathname;
  const wss = path === '/echo' ? echo : path === '/broadcast' ? room : null;
  if (!wss) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
