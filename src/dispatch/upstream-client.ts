/**
 * The one Cloud API client: POSTs a message for a phone number through a keep-alive undici pool and hands every
 * failure to the catalog's normalizer, so the dispatcher only ever sees a wamid or a SwitchboardError. It notes
 * whether the request had been written when a call failed: after that point a lost answer may hide an accepted message.
 */
import { Agent, type Dispatcher } from 'undici';
import { normalizeUpstreamFailure } from '../catalog/normalize.js';
import { gatewayError, type SwitchboardError } from '../catalog/switchboard-error.js';

/** Where a number's messages go: the simulator by default, https://graph.facebook.com in production. */
export interface UpstreamTarget {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly phoneNumberId: string;
  readonly accessToken: string;
}

export interface UpstreamClientOptions {
  /** Time allowed for the answer's headers, and again for its body. */
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Sockets per upstream origin. */
  readonly connections: number;
}

export const DEFAULT_UPSTREAM_CLIENT_OPTIONS: UpstreamClientOptions = { timeoutMs: 15_000, connectTimeoutMs: 5_000, connections: 64 };

export type SendOutcome =
  | { readonly ok: true; readonly wamid: string; readonly waId?: string; readonly messageStatus?: string }
  | { readonly ok: false; readonly error: SwitchboardError };

interface SendAnswer {
  readonly messages?: ReadonlyArray<{ readonly id?: unknown; readonly message_status?: unknown }>;
  readonly contacts?: ReadonlyArray<{ readonly wa_id?: unknown }>;
}

export function messagesUrl(target: UpstreamTarget): string {
  return `${target.baseUrl.replace(/\/+$/, '')}/${target.apiVersion}/${encodeURIComponent(target.phoneNumberId)}/messages`;
}

interface RawAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** A call that failed without an answer, and whether the whole request had been written by then. */
class CallFailure extends Error {
  constructor(
    readonly error: Error,
    readonly requestWritten: boolean,
  ) {
    super(error.message);
  }
}

function headerMap(raw: Buffer[] | string[] | null): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; raw && i + 1 < raw.length; i += 2) headers[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  return headers;
}

/**
 * One POST through undici's handler interface rather than `request()`: only a handler hears `onBodySent`, the
 * moment that splits "the upstream never saw it" from "we do not know".
 */
function post(agent: Dispatcher, options: Dispatcher.DispatchOptions): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let requestWritten = false;
    let statusCode = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    agent.dispatch(options, {
      onConnect: () => undefined,
      // A Buffer body is written in one piece, so its one onBodySent marks the whole request as written.
      onBodySent: () => void (requestWritten = true),
      onHeaders(status, raw) {
        statusCode = status;
        headers = headerMap(raw);
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete: () => resolve({ statusCode, headers, text: Buffer.concat(chunks).toString('utf8') }),
      onError: (error) => reject(new CallFailure(error, requestWritten)),
    });
  });
}

/** A 2xx without a wamid cannot be matched to later webhooks; it is reported, never taken as sent. */
function readAccepted(text: string): SendOutcome {
  try {
    const answer = JSON.parse(text) as SendAnswer;
    const message = answer.messages?.[0];
    if (typeof message?.id === 'string' && message.id !== '') {
      const waId = answer.contacts?.[0]?.wa_id;
      return {
        ok: true,
        wamid: message.id,
        ...(typeof waId === 'string' ? { waId } : {}),
        ...(typeof message.message_status === 'string' ? { messageStatus: message.message_status } : {}),
      };
    }
  } catch {
    // falls through: an unreadable success answer is the same problem as one without an id
  }
  return { ok: false, error: gatewayError('upstream_error', { detail: 'The upstream answered 2xx without a message id.', upstream: { payload: text.slice(0, 2048) } }) };
}

export class UpstreamClient {
  private readonly agent: Agent;

  constructor(private readonly options: UpstreamClientOptions = DEFAULT_UPSTREAM_CLIENT_OPTIONS) {
    this.agent = new Agent({
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.connectTimeoutMs },
    });
  }

  async sendMessage(target: UpstreamTarget, body: unknown): Promise<SendOutcome> {
    const url = new URL(messagesUrl(target));
    try {
      const answer = await post(this.agent, {
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${target.accessToken}`, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body)),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      if (answer.statusCode >= 200 && answer.statusCode < 300) return readAccepted(answer.text);
      return { ok: false, error: normalizeUpstreamFailure({ kind: 'http', status: answer.statusCode, body: answer.text, headers: answer.headers }) };
    } catch (thrown) {
      const failure = thrown instanceof CallFailure ? thrown : new CallFailure(thrown as Error, false);
      return { ok: false, error: normalizeUpstreamFailure({ kind: 'network', error: failure.error, requestWritten: failure.requestWritten }) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
