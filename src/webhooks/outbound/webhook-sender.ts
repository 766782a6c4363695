/**
 * The HTTP edge of customer webhooks: one POST with undici, bounded by the client's own timeouts (no timer per post),
 * redirects never followed, the private-address guard applied again to the address DNS answers at connect time, and
 * the first bytes of the answer kept for the attempt log.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, request } from 'undici';
import { parseRetryAfter } from '../../catalog/normalize/retry-after.js';
import { checkWebhookUrl, isPrivateAddress } from './address-guard.js';
import type { DeliveryOutcome } from '../../domain/delivery-schedule.js';
import type { AttemptResult } from '../../store/webhook-store.js';

export interface WebhookPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The smallest thing the worker needs to deliver: post, and say what happened. */
export interface WebhookSender {
  post(message: WebhookPost): Promise<AttemptResult>;
  close(): Promise<void>;
}

export interface HttpWebhookSenderOptions {
  /**
   * The timeout of each wait: connecting, the answer's headers once the request is written, and each pause in its
   * body. The body is read no longer than this from the start of the post, checked as its bytes arrive, so a
   * receiver that keeps dripping bytes is cut off too: an attempt lasts at most about three of these. The client's
   * timers are coarse (past a second, they fire up to a second late), the price of sharing one timer among all posts.
   */
  readonly timeoutMs: number;
  /** Connections per endpoint origin (the worker's per-endpoint concurrency). */
  readonly connectionsPerOrigin: number;
  readonly allowPrivate: boolean;
  /** Bytes of the answer kept in the attempt log. */
  readonly excerptBytes?: number;
}

/** Past this many bytes the answer is not worth reading: the connection is dropped instead. */
const DRAIN_LIMIT = 64 * 1024;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Resolves as usual, then refuses private and loopback answers: a public name must not lead into our network. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) {
      const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${blocked.address}, a private or loopback address`);
      refusal.code = 'EPRIVATEADDRESS';
      return callback(refusal, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; code?: string; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT') return true;
  return e.cause !== undefined && e.cause !== e && isTimeout(e.cause);
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { message?: string; code?: string } } | undefined;
  const cause = e?.cause?.message ? ` (${e.cause.code ?? ''}${e.cause.code ? ': ' : ''}${e.cause.message})` : '';
  return `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(error)}${cause}`.slice(0, 500);
}

export class HttpWebhookSender implements WebhookSender {
  private readonly agent: Agent;
  private readonly excerptBytes: number;

  constructor(private readonly options: HttpWebhookSenderOptions) {
    if (!(options.timeoutMs > 0) || !(options.connectionsPerOrigin >= 1)) throw new Error('the webhook sender needs timeoutMs > 0 and connectionsPerOrigin ≥ 1');
    this.excerptBytes = options.excerptBytes ?? 1024;
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs, ...(options.allowPrivate ? {} : { lookup: guardedLookup }) },
    });
  }

  async post(message: WebhookPost): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const verdict = checkWebhookUrl(message.url, this.options.allowPrivate);
    // An address literal never reaches the lookup: the URL check above is its connect-time check.
    if (!verdict.ok) return { outcome: { kind: 'network' }, statusCode: null, durationMs: elapsed(), excerpt: `refused: ${verdict.reason}` };
    try {
      const response = await request(verdict.url, {
        method: 'POST',
        headers: { ...message.headers, 'content-type': 'application/json', 'user-agent': 'Switchboard-Webhooks/1' },
        body: message.body,
        dispatcher: this.agent,
      });
      const excerpt = await this.readExcerpt(response.body, started);
      if (excerpt === undefined) return { outcome: { kind: 'timeout' }, statusCode: null, durationMs: elapsed(), excerpt: 'the answer took longer than the timeout to read' };
      const status = response.statusCode;
      const retryAfter = response.headers['retry-after'];
      const retryAfterSeconds = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now);
      const outcome: DeliveryOutcome =
        status >= 200 && status < 300 ? { kind: 'delivered' }
        : { kind: 'status', status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
      return { outcome, statusCode: status, durationMs: elapsed(), excerpt };
    } catch (error) {
      return { outcome: { kind: isTimeout(error) ? 'timeout' : 'network' }, statusCode: null, durationMs: elapsed(), excerpt: describe(error) };
    }
  }

  /**
   * Keeps the first bytes; drains a small answer so the connection is reused, drops a large one, and drops one still
   * coming past the timeout (undefined).
   */
  private async readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }, started: number): Promise<string | undefined> {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    for await (const chunk of body) {
      if (keptBytes < this.excerptBytes) {
        const part = chunk.subarray(0, this.excerptBytes - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      total += chunk.length;
      if (performance.now() - started > this.options.timeoutMs) {
        body.destroy();
        return undefined;
      }
      if (total > DRAIN_LIMIT) {
        body.destroy();
        break;
      }
    }
    return Buffer.concat(kept).toString('utf8');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
