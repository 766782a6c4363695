/**
 * The one Cloud API client: POSTs a message for a phone number through a keep-alive undici pool and hands every
 * failure to the catalog's normalizer, so the dispatcher only ever sees a wamid or a SwitchboardError.
 */
import { Agent, request } from 'undici';
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

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
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
    try {
      const answer = await request(messagesUrl(target), {
        dispatcher: this.agent,
        method: 'POST',
        headers: { authorization: `Bearer ${target.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const text = await answer.body.text();
      if (answer.statusCode >= 200 && answer.statusCode < 300) return readAccepted(text);
      return { ok: false, error: normalizeUpstreamFailure({ kind: 'http', status: answer.statusCode, body: text, headers: answer.headers }) };
    } catch (error) {
      const failure = isTimeout(error) ? ({ kind: 'timeout', afterMs: this.options.timeoutMs } as const) : ({ kind: 'network', error } as const);
      return { ok: false, error: normalizeUpstreamFailure(failure) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
