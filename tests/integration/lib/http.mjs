// HTTP helpers: a request over HTTPS (trusting the server's own certificate) or plain HTTP, and a
// raw socket exchange for requests that an HTTP client library would refuse to send.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Sends one request. `body` (string or Buffer) is sent with a Content-Length; `chunks` (array of
 * strings or Buffers) are written one by one without a Content-Length, i.e. chunked.
 * `localAddress` (optional) is the client address to connect from, e.g. another loopback
 * address such as 127.0.0.2 (with an agent, its connections are kept apart by that address).
 * Resolves {status, headers, text, body (parsed JSON or null), reusedSocket}.
 */
export function request(server, opts = {}) {
  const {
    method = 'POST',
    path = '/',
    headers = {},
    body,
    chunks,
    agent = false,
    timeoutMs = 15000,
    localAddress,
  } = opts;
  const mod = server.tls ? https : http;
  const hasLength = Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
  const sendHeaders = body !== undefined && !hasLength
    ? { ...headers, 'Content-Length': Buffer.byteLength(body) }
    : headers;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        headers: sendHeaders,
        agent,
        ca: server.ca,
        ...(localAddress === undefined ? {} : { localAddress }),
      },
      (res) => {
        const parts = [];
        res.on('data', (d) => parts.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({
            status: res.statusCode,
            headers: res.headers,
            text,
            body: parseJson(text),
            reusedSocket: req.reusedSocket,
            localPort: req.socket && req.socket.localPort,
          });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out: ${method} ${path}`)));
    req.on('error', reject);
    if (chunks) {
      for (const c of chunks) req.write(c);
      req.end();
    } else if (body !== undefined) {
      req.end(body);
    } else {
      req.end();
    }
  });
}

/**
 * Opens a raw connection (TLS when server.tls) and writes `steps` in order: each step is a string
 * or Buffer to write, or {delayMs} to wait. Collects everything the server sends until it closes
 * the connection or `timeoutMs` passes (or, with stopAfterResponse, one full response arrived).
 * Resolves {data: Buffer, closed: boolean, closedAfterMs, error, writeError}.
 */
export function rawExchange(server, steps, { timeoutMs = 15000, stopAfterResponse = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const received = [];
    let closed = false;
    let closedAfterMs = null;
    let error = null;
    let writeError = null;
    let finished = false;
    const sock = server.tls
      ? tls.connect({ host: '127.0.0.1', port: server.port, ca: server.ca })
      : net.connect({ host: '127.0.0.1', port: server.port });
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(received), closed, closedAfterMs, error, writeError });
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('data', (d) => {
      received.push(d);
      if (stopAfterResponse && parseHttpResponse(Buffer.concat(received)).complete) finish();
    });
    sock.on('error', (e) => {
      error = e;
    });
    sock.on('close', () => {
      closed = true;
      closedAfterMs = Date.now() - started;
      finish();
    });
    const ready = server.tls ? 'secureConnect' : 'connect';
    sock.once(ready, async () => {
      for (const step of steps) {
        if (finished || closed) return;
        if (step && typeof step === 'object' && 'delayMs' in step) {
          await new Promise((r) => setTimeout(r, step.delayMs));
          continue;
        }
        await new Promise((r) => {
          sock.write(step, (e) => {
            if (e) writeError = e;
            r();
          });
        });
        if (writeError) return;
      }
    });
  });
}

/**
 * Parses the first HTTP response in `buf`. Returns {complete, status, headers (lower-case names,
 * last value wins), text, body (parsed JSON or null)}; complete=false when not all of it is there.
 */
export function parseHttpResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return { complete: false };
  const head = buf.subarray(0, end).toString('latin1').split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  const status = statusMatch ? Number(statusMatch[1]) : null;
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let rest = buf.subarray(end + 4);
  let bodyBuf;
  let complete;
  if (/chunked/i.test(headers['transfer-encoding'] || '')) {
    const parts = [];
    complete = false;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) break;
      if (size === 0) {
        complete = true;
        break;
      }
      if (rest.length < lineEnd + 2 + size + 2) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    bodyBuf = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    const len = Number(headers['content-length']);
    complete = rest.length >= len;
    bodyBuf = rest.subarray(0, len);
  } else {
    complete = true;
    bodyBuf = rest;
  }
  const text = bodyBuf.toString('utf8');
  return { complete, status, headers, text, body: parseJson(text) };
}
