// uWebSockets.js (v20, from the npm package `uwebsockets`): /echo and /broadcast, as bench/compare.sh measures them.
// Usage: node uws_server.js PORT. permessage-deflate off; no idle timeout (the generator's connections are quiet).
'use strict';
const uWS = require('uwebsockets');

const port = Number(process.argv[2]);
const settings = { compression: uWS.DISABLED, maxPayloadLength: 16 * 1024 * 1024, idleTimeout: 0, maxBackpressure: 1024 * 1024 };

uWS.App()
  .ws('/echo', { ...settings, message: (ws, message, isBinary) => { ws.send(message, isBinary); } })
  // uWS's own broadcast: every connection subscribes to one topic; ws.publish reaches all subscribers but the sender.
  .ws('/broadcast', {
    ...settings,
    open: (ws) => { ws.subscribe('room'); },
    message: (ws, message, isBinary) => { ws.publish('room', message, isBinary); },
  })
  .listen('127.0.0.1', port, (token) => {
    if (!token) {
      console.error(`uws_server: cannot listen on 127.0.0.1:${port}`);
      process.exit(1);
    }
    console.log(`listening on 127.0.0.1:${port}`);
  });
