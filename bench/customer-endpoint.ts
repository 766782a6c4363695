/**
 * The customer's webhook endpoint in the whole-flow benchmark: answers 200 at once, notes which of a message's events
 * arrived and when `read` did, the lag of each event (arrival − the event's own timestamp), and checks the signature of
 * one post in SAMPLE_EVERY with a verifier of its own (Standard Webhooks: HMAC-SHA256 of "id.timestamp.body").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The events every message yields when it is read, each one bit of a message's mask. */
export const MESSAGE_EVENTS = ['message.accepted', 'message.sent', 'message.delivered', 'message.read'] as const;
const EVENT_BIT = new Map<string, number>(MESSAGE_EVENTS.map((type, i) => [type, 1 << i]));
export const ALL_EVENTS = (1 << MESSAGE_EVENTS.length) - 1;
const SAMPLE_EVERY = 50;

interface MessageSeen {
  mask: number;
  readAt: number;
}

export class CustomerEndpoint {
  private readonly seen = new Map<string, MessageSeen>();
  /** Lags of the events that arrived since the last `resetLags`. */
  lags: number[] = [];
  posts = 0;
  verified = 0;
  /** Why sampled signatures did not verify; the benchmark fails when there is one. */
  readonly badSignatures: string[] = [];
  private secret: Buffer | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<CustomerEndpoint> {
    const server = createServer();
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const endpoint = new CustomerEndpoint(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    server.on('request', (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'content-length': 0 }).end();
        endpoint.receive(req, Buffer.concat(chunks).toString('utf8'), Date.now());
      });
    });
    return endpoint;
  }

  /** The `whsec_` secret the gateway answered when the endpoint was registered. */
  useSecret(secret: string): void {
    this.secret = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  }

  private receive(req: IncomingMessage, body: string, at: number): void {
    this.posts += 1;
    if (this.posts % SAMPLE_EVERY === 0) this.verify(req, body);
    const event = JSON.parse(body) as { type: string; timestamp: string; data: { message_id?: string } };
    const bit = EVENT_BIT.get(event.type);
    const id = event.data.message_id;
    if (bit === undefined || id === undefined) return;
    this.lags.push(at - Date.parse(event.timestamp));
    let message = this.seen.get(id);
    if (!message) this.seen.set(id, (message = { mask: 0, readAt: 0 }));
    message.mask |= bit;
    if (event.type === 'message.read' && message.readAt === 0) message.readAt = at;
  }

  private verify(req: IncomingMessage, body: string): void {
    const id = String(req.headers['webhook-id']);
    const timestamp = String(req.headers['webhook-timestamp']);
    const expected = createHmac('sha256', this.secret ?? Buffer.alloc(0)).update(`${id}.${timestamp}.${body}`).digest();
    const offered = String(req.headers['webhook-signature'] ?? '').split(' ').map((s) => Buffer.from(s.replace(/^v1,/, ''), 'base64'));
    if (offered.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))) this.verified += 1;
    else this.badSignatures.push(`event ${id}: signature ${String(req.headers['webhook-signature'])} does not match`);
  }

  /** Whether every event of the message has arrived. */
  complete(messageId: string): boolean {
    return this.seen.get(messageId)?.mask === ALL_EVENTS;
  }

  /** How many of `messageIds` still miss each event type, for a step's failure report. */
  missing(messageIds: Iterable<string>): string {
    const counts = MESSAGE_EVENTS.map(() => 0);
    for (const id of messageIds) {
      const mask = this.seen.get(id)?.mask ?? 0;
      MESSAGE_EVENTS.forEach((_, i) => (counts[i]! += mask & (1 << i) ? 0 : 1));
    }
    return MESSAGE_EVENTS.map((type, i) => `${type} ${counts[i]}`).join(', ');
  }

  /** When `read` arrived for the message, if it did. */
  readAt(messageId: string): number | undefined {
    const at = this.seen.get(messageId)?.readAt;
    return at === 0 ? undefined : at;
  }

  resetLags(): void {
    this.lags = [];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((ok) => this.server.close(() => ok()));
  }
}
