/** A real HTTP webhook endpoint for tests and benchmarks: records every delivery, checks X-Hub-Signature-256, answers with the status it is told. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly at: number;
  readonly rawBody: string;
  readonly signature: string | undefined;
  readonly signatureValid: boolean;
  /** What the receiver answered; only 2xx deliveries count as received by `statuses()` and friends. */
  readonly answered: number;
  readonly body: WebhookBody;
}

export interface WebhookBody {
  object: string;
  entry: { id: string; changes: { field: string; value: Record<string, unknown> & { statuses?: ReceivedStatus[]; messages?: Record<string, unknown>[] } }[] }[];
}

export interface ReceivedStatus {
  id: string;
  status: string;
  timestamp: string;
  recipient_id: string;
  errors?: { code: number; title: string; message: string; error_data?: { details: string }; href?: string }[];
  [key: string]: unknown;
}

export interface WebhookReceiverOptions {
  readonly appSecret: string;
  readonly verifyToken?: string;
  /** Only count statuses, keep no bodies (for benchmarks). */
  readonly countOnly?: boolean;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  readonly handshakes: { mode: string | null; token: string | null; challenge: string | null; accepted: boolean }[];
  statusCount: number;
  /** Statuses to answer the next deliveries with, in order; 200 once the list is used up. */
  respondWith(...statuses: number[]): void;
  statuses(): ReceivedStatus[];
  messages(): Record<string, unknown>[];
  changes(field: string): Record<string, unknown>[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function verifySignature(rawBody: string, header: string | undefined, appSecret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', appSecret).update(rawBody).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const planned: number[] = [];
  const received: ReceivedWebhook[] = [];
  const handshakes: WebhookReceiver['handshakes'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET') {
      const mode = url.searchParams.get('hub.mode');
      const token = url.searchParams.get('hub.verify_token');
      const challenge = url.searchParams.get('hub.challenge');
      const accepted = mode === 'subscribe' && token === options.verifyToken;
      handshakes.push({ mode, token, challenge, accepted });
      res.writeHead(accepted ? 200 : 403, { 'content-type': 'text/plain' }).end(accepted ? challenge ?? '' : 'forbidden');
      return;
    }
    void readBody(req).then((rawBody) => {
      const signature = req.headers['x-hub-signature-256'] as string | undefined;
      const signatureValid = verifySignature(rawBody, signature, options.appSecret);
      const body = JSON.parse(rawBody) as WebhookBody;
      const status = planned.shift() ?? (signatureValid ? 200 : 401);
      if (status === 200) for (const e of body.entry) for (const c of e.changes) receiver.statusCount += c.value.statuses?.length ?? 0;
      if (!options.countOnly || status !== 200) received.push({ at: Date.now(), rawBody, signature, signatureValid, answered: status, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = (): ReceivedWebhook[] => received.filter((r) => r.signatureValid && r.answered === 200);
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/webhooks/meta`,
    received,
    handshakes,
    statusCount: 0,
    respondWith: (...statuses) => void planned.push(...statuses),
    statuses: () => accepted().flatMap((r) => r.body.entry.flatMap((e) => e.changes.flatMap((c) => c.value.statuses ?? []))),
    messages: () => accepted().flatMap((r) => r.body.entry.flatMap((e) => e.changes.flatMap((c) => c.value.messages ?? []))),
    changes: (field) => accepted().flatMap((r) => r.body.entry.flatMap((e) => e.changes.filter((c) => c.field === field).map((c) => c.value))),
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('webhook receiver: timed out waiting');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return receiver;
}
