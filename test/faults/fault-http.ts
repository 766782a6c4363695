/**
 * Sends the fault suite's requests exactly as built, over real sockets: node:http for anything a client could send
 * (odd paths, huge headers, raw bodies), a bare TCP socket for requests that are not valid HTTP at all.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

export interface FaultRequest {
  readonly method: string;
  /** Path and query, sent as they are (no normalising, no re-encoding). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Bytes written to the socket instead of an HTTP request (bad framing). */
  readonly raw?: string;
}

export interface FaultAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const TIMEOUT_MS = 15_000;

export function sendFault(base: URL, r: FaultRequest): Promise<FaultAnswer> {
  return r.raw === undefined ? sendHttp(base, r) : sendRaw(base, r.raw);
}

function sendHttp(base: URL, r: FaultRequest, fresh = false): Promise<FaultAnswer> {
  // Node sends DELETE bodies with neither length nor chunking unless told the length: always tell it.
  const headers = r.body === undefined ? r.headers : { 'content-length': String(r.body.length), ...r.headers };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent: fresh ? false : agent, timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    // A kept-alive socket the server closed in the meantime says nothing about this request: try once on a new one.
    req.on('error', (error) => (req.reusedSocket && !fresh ? sendHttp(base, r, true).then(resolve, reject) : reject(error)));
    req.end(r.body);
  });
}

/** Reads the status line, the content type and the body of whatever comes back before the server closes. */
function sendRaw(base: URL, raw: string): Promise<FaultAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /^content-type:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '';
      const body = rest.join('\r\n\r\n');
      const length = /^content-length:\s*(\d+)/im.exec(head)?.[1];
      // Only the first answer counts: the server may answer again to the bytes that followed.
      const first = /^transfer-encoding:\s*chunked/im.test(head) ? dechunk(body) : length === undefined ? body : Buffer.from(body).subarray(0, Number(length)).toString('utf8');
      resolve({ status, contentType, text: first });
    });
    socket.end(raw);
  });
}

function dechunk(body: string): string {
  let text = '';
  for (let at = 0; at < body.length; ) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = parseInt(body.slice(at, lineEnd), 16);
    if (!(size > 0)) break;
    text += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
  return text;
}
