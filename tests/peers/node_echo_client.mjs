// Echo client on the npm ws package (pinned in package.json), for Pulse's interop tests.
//
// Usage: node node_echo_client.mjs URI [SPEC ...]
// With no SPEC, or with "-", the SPECs are read from stdin, one per line.
//
// SPEC is one of:
//   text:SIZE, binary:SIZE        send a message of SIZE bytes; check that the echo has the same type and bytes
//   text:SIZE/PARTS, binary:...   the same, sent as a fragmented message of PARTS frames (text is split between
//                                 bytes, so a fragment may end inside a character)
//   N*SPEC                        a text or binary SPEC, N times in a row
//   close:CODE[:REASON]           start the closing handshake with CODE
//   expect-close:CODE             wait for the server to close; fail unless its close frame carries CODE
//
// Payloads follow the rule of python_echo_client.py and Pulse.Testing.Payloads: binary byte i is i % 251; text
// repeats the 10 UTF-8 bytes of "aé€😀", then pads with "a" up to SIZE bytes.
//
// Prints one line per checked echo ("echo TYPE SIZE SHA256-PREFIX"), "closed CODE REASON" with the close frame
// received from the server, and "ok N" last, then exits 0. Any mismatch or error exits 1 with the reason on
// stderr. Gives up after PEER_TIMEOUT seconds (default 120).
//
// With PEER_COMPRESSION=deflate, the client offers permessage-deflate (ws's perMessageDeflate: true) and prints
// "extensions HEADER" first, with the Sec-WebSocket-Extensions header of the server's answer ("-" if none).
// PEER_COMPRESSION may instead be an offer, such as "permessage-deflate; server_max_window_bits=10": ws's own
// perMessageDeflate options are set to make exactly that offer, and ws checks the answer against them.
// Without it, compression is off.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const MAX_REPEAT = 100_000;
const MAX_SIZE = 64 * 1024 * 1024;
const TEXT_UNIT = Buffer.from('a\u00e9\u20ac\u{1F600}', 'utf8');

export function binaryPayload(size) {
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = i % 251;
  return payload;
}

export function textPayload(size) {
  const payload = Buffer.alloc(size, 'a'.charCodeAt(0));
  const whole = size - (size % TEXT_UNIT.length);
  for (let i = 0; i < whole; i += TEXT_UNIT.length) TEXT_UNIT.copy(payload, i);
  return payload;
}

function parse(spec) {
  let repeat = 1;
  const star = spec.indexOf('*');
  if (star >= 0) {
    repeat = Number(spec.slice(0, star));
    spec = spec.slice(star + 1);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) throw new Error(`repeat count out of range: ${spec}`);
  }
  const [kind, ...rest] = spec.split(':');
  if (kind === 'text' || kind === 'binary') {
    const [sizeText, partsText = '1'] = rest.join(':').split('/');
    const size = Number(sizeText);
    const parts = Number(partsText);
    if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE || !Number.isInteger(parts) || parts < 1 || parts > Math.max(1, size)) {
      throw new Error(`bad size or parts: ${spec}`);
    }
    return Array(repeat).fill({ step: 'echo', kind, size, parts });
  }
  if (repeat !== 1) throw new Error(`only messages repeat: ${spec}`);
  if (kind === 'close') return [{ step: 'close', code: Number(rest[0]), reason: rest.slice(1).join(':') }];
  if (kind === 'expect-close') return [{ step: 'expect-close', code: Number(rest[0]) }];
  throw new Error(`unknown spec: ${spec}`);
}

const digest = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

// Messages and the close, in arrival order, for a strictly sequential exchange.
class Inbox {
  #items = [];
  #waiter = null;
  closed = null;

  push(item) {
    this.#items.push(item);
    this.#wake();
  }

  close(code, reason) {
    this.closed = { code, reason };
    this.#wake();
  }

  next() {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift());
    if (this.closed) return Promise.resolve({ close: this.closed });
    return new Promise((resolve) => { this.#waiter = resolve; });
  }

  #wake() {
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = null;
    waiter(this.#items.length > 0 ? this.#items.shift() : { close: this.closed });
  }
}

// ws's perMessageDeflate option for PEER_COMPRESSION: off, ws's defaults, or one exact offer.
function perMessageDeflate(value) {
  if (!value) return false;
  if (value === 'deflate') return true;
  const [name, ...parameters] = value.split(';').map((part) => part.trim());
  if (name !== 'permessage-deflate') throw new Error(`not a permessage-deflate offer: ${value}`);
  // Nothing but what the offer names: clientMaxWindowBits false leaves client_max_window_bits out.
  const options = { clientMaxWindowBits: false };
  const names = {
    server_no_context_takeover: 'serverNoContextTakeover',
    client_no_context_takeover: 'clientNoContextTakeover',
    server_max_window_bits: 'serverMaxWindowBits',
    client_max_window_bits: 'clientMaxWindowBits',
  };
  for (const parameter of parameters) {
    const [key, bits] = parameter.split('=');
    if (!names[key]) throw new Error(`unknown parameter in ${value}: ${key}`);
    options[names[key]] = bits === undefined ? true : Number(bits);
  }
  return options;
}

async function run(uri, steps) {
  const compression = Boolean(process.env.PEER_COMPRESSION);
  const ws = new WebSocket(uri, { perMessageDeflate: perMessageDeflate(process.env.PEER_COMPRESSION), maxPayload: MAX_SIZE });
  const inbox = new Inbox();
  let extensions = '-';
  ws.on('upgrade', (response) => { extensions = response.headers['sec-websocket-extensions'] ?? '-'; });
  ws.on('message', (data, isBinary) => inbox.push({ data, isBinary }));
  ws.on('close', (code, reason) => inbox.close(code, reason.toString('utf8')));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (compression) console.log(`extensions ${extensions}`);
  ws.on('error', (error) => console.error(`ws error: ${error.message}`));

  let checked = 0;
  let closed = false;
  for (const step of steps) {
    if (step.step === 'echo') {
      const payload = step.kind === 'text' ? textPayload(step.size) : binaryPayload(step.size);
      const binary = step.kind === 'binary';
      const chunk = Math.ceil(payload.length / step.parts) || 1;
      for (let offset = 0, sent = 0; sent < step.parts; offset += chunk, sent++) {
        const last = sent === step.parts - 1 || offset + chunk >= payload.length;
        ws.send(payload.subarray(offset, last ? payload.length : offset + chunk), { binary, fin: last });
        if (last) break;
      }
      const reply = await inbox.next();
      if (reply.close) throw new Error(`echo ${checked + 1}: connection closed ${reply.close.code} ${reply.close.reason}`);
      const kind = reply.isBinary ? 'binary' : 'text';
      if (kind !== step.kind || !payload.equals(reply.data)) {
        throw new Error(`echo ${checked + 1}: sent ${step.kind} ${step.size} B, got ${kind} ${reply.data.length} B (${digest(reply.data)} instead of ${digest(payload)})`);
      }
      checked++;
      console.log(`echo ${kind} ${step.size} ${digest(reply.data)}`);
    } else if (step.step === 'close') {
      ws.close(step.code, step.reason);
      const reply = await inbox.next();
      if (!reply.close) throw new Error('a message arrived after our close frame');
      console.log(`closed ${reply.close.code} ${reply.close.reason}`);
      closed = true;
      break;
    } else {
      const reply = await inbox.next();
      if (!reply.close) throw new Error(`expected close ${step.code}, got a message of ${reply.data.length} bytes`);
      console.log(`closed ${reply.close.code} ${reply.close.reason}`);
      if (reply.close.code !== step.code) throw new Error(`expected close ${step.code}, got ${reply.close.code}`);
      closed = true;
      break;
    }
  }

  if (!closed) {
    ws.close(1000);
    await inbox.next();
  }

  console.log(`ok ${checked}`);
}

const [uri, ...args] = process.argv.slice(2);
if (!uri) {
  console.error('usage: node node_echo_client.mjs URI [SPEC ...]');
  process.exit(2);
}

const timeout = Number(process.env.PEER_TIMEOUT ?? '120');
setTimeout(() => {
  console.error(`timed out after ${timeout} s`);
  process.exit(1);
}, timeout * 1000).unref();

try {
  const specs = args.length === 0 || (args.length === 1 && args[0] === '-')
    ? readFileSync(0, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean)
    : args;
  await run(uri, specs.flatMap(parse));
  process.exit(0);
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
