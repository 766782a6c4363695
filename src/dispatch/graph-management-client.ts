/**
 * The Graph management client: templates (`/{waba-id}/message_templates`: list, create, delete) and contact checks
 * (`/{phone-number-id}/contacts`, the On-Premises shape the simulator and WhatsApp BSPs answer). Every failure goes
 * through the catalog's normalizer and is thrown as a SwitchboardError.
 */
import { Agent, request } from 'undici';
import { normalizeUpstreamFailure } from '../catalog/normalize.js';

export interface GraphTarget {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly accessToken: string;
}

/** A template as Graph lists it. */
export interface GraphTemplate {
  readonly id?: string;
  readonly name: string;
  readonly language: string;
  readonly status: string;
  readonly category: string;
  readonly components: readonly Record<string, unknown>[];
  readonly rejected_reason?: string;
}

export interface GraphContact {
  readonly input: string;
  readonly status: 'valid' | 'invalid';
  readonly wa_id?: string;
}

/** One user of a Block Users answer: blocked (or unblocked), or failed with Meta's error code. */
export interface GraphBlockResult {
  readonly input: string;
  readonly waId?: string;
  readonly errorCode?: number;
  readonly errorDetail?: string;
}

/** The part of the client routes and the sync use: kept structural so tests can pass a fake. */
export interface TemplateUpstream {
  /** Block Users: every user named, each done or failed (a partly failed call is Meta's 400 with 139100, read as results). */
  changeBlocks(target: GraphTarget, phoneNumberId: string, block: boolean, users: readonly string[]): Promise<GraphBlockResult[]>;
  /** Marks an inbound message read, with a typing indicator when asked. */
  markRead(target: GraphTarget, phoneNumberId: string, messageId: string, typing: boolean): Promise<void>;
  listTemplates(target: GraphTarget, wabaId: string): Promise<GraphTemplate[]>;
  createTemplate(target: GraphTarget, wabaId: string, body: Record<string, unknown>): Promise<{ id: string; status: string; category?: string }>;
  deleteTemplate(target: GraphTarget, wabaId: string, name: string): Promise<void>;
  checkContacts(target: GraphTarget, phoneNumberId: string, contacts: readonly string[]): Promise<GraphContact[]>;
}

const MAX_PAGES = 50;

export class GraphManagementClient implements TemplateUpstream {
  private readonly agent: Agent;

  constructor(private readonly options: { timeoutMs: number } = { timeoutMs: 15_000 }) {
    this.agent = new Agent({ connections: 8, keepAliveTimeout: 30_000, connect: { timeout: 5_000 } });
  }

  private url(target: GraphTarget, path: string): string {
    return `${target.baseUrl.replace(/\/+$/, '')}/${target.apiVersion}/${path}`;
  }

  private async call(target: GraphTarget, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, partial?: (answer: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    let answer;
    try {
      answer = await request(url, {
        dispatcher: this.agent,
        method,
        headers: { authorization: `Bearer ${target.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
      throw normalizeUpstreamFailure(timedOut ? { kind: 'timeout', afterMs: this.options.timeoutMs } : { kind: 'network', error });
    }
    const text = await answer.body.text();
    const partly = partial !== undefined && answer.statusCode === 400 ? readJson(text) : undefined;
    if (partly && partial?.(partly)) return partly;
    if (answer.statusCode < 200 || answer.statusCode >= 300)
      throw normalizeUpstreamFailure({ kind: 'http', status: answer.statusCode, body: text, headers: answer.headers });
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw normalizeUpstreamFailure({ kind: 'http', status: 502, body: text, headers: answer.headers });
    }
  }

  async listTemplates(target: GraphTarget, wabaId: string): Promise<GraphTemplate[]> {
    const all: GraphTemplate[] = [];
    let url: string | undefined = this.url(target, `${encodeURIComponent(wabaId)}/message_templates?limit=100`);
    for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
      const answer = await this.call(target, 'GET', url);
      all.push(...((answer['data'] as GraphTemplate[] | undefined) ?? []));
      const next = (answer['paging'] as { next?: unknown } | undefined)?.next;
      url = typeof next === 'string' ? next : undefined;
    }
    return all;
  }

  async createTemplate(target: GraphTarget, wabaId: string, body: Record<string, unknown>): Promise<{ id: string; status: string; category?: string }> {
    const answer = await this.call(target, 'POST', this.url(target, `${encodeURIComponent(wabaId)}/message_templates`), body);
    return {
      id: String(answer['id'] ?? ''),
      status: String(answer['status'] ?? 'PENDING'),
      ...(typeof answer['category'] === 'string' ? { category: answer['category'] } : {}),
    };
  }

  async deleteTemplate(target: GraphTarget, wabaId: string, name: string): Promise<void> {
    await this.call(target, 'DELETE', this.url(target, `${encodeURIComponent(wabaId)}/message_templates?name=${encodeURIComponent(name)}`));
  }

  async checkContacts(target: GraphTarget, phoneNumberId: string, contacts: readonly string[]): Promise<GraphContact[]> {
    const answer = await this.call(target, 'POST', this.url(target, `${encodeURIComponent(phoneNumberId)}/contacts`), {
      blocking: 'wait',
      contacts: contacts.map((c) => `+${c}`),
      force_check: true,
    });
    return (answer['contacts'] as GraphContact[] | undefined) ?? [];
  }

  async changeBlocks(target: GraphTarget, phoneNumberId: string, block: boolean, users: readonly string[]): Promise<GraphBlockResult[]> {
    const body = { messaging_product: 'whatsapp', block_users: users.map((user) => ({ user })) };
    const hasLists = (answer: Record<string, unknown>) => typeof answer['block_users'] === 'object' && answer['block_users'] !== null;
    const answer = await this.call(target, block ? 'POST' : 'DELETE', this.url(target, `${encodeURIComponent(phoneNumberId)}/block_users`), body, hasLists);
    const lists = (answer['block_users'] ?? {}) as Record<string, unknown>;
    const done = (lists[block ? 'added_users' : 'removed_users'] as { input: string; wa_id?: string }[] | undefined) ?? [];
    const failed = (lists['failed_users'] as { input: string; wa_id?: string; errors?: { code?: unknown; error_data?: { details?: unknown } }[] }[] | undefined) ?? [];
    return [
      ...done.map((u) => ({ input: String(u.input), ...(u.wa_id === undefined ? {} : { waId: String(u.wa_id) }) })),
      ...failed.map((u) => ({
        input: String(u.input),
        ...(u.wa_id === undefined ? {} : { waId: String(u.wa_id) }),
        errorCode: Number(u.errors?.[0]?.code ?? 139100),
        ...(typeof u.errors?.[0]?.error_data?.details === 'string' ? { errorDetail: u.errors[0].error_data.details } : {}),
      })),
    ];
  }

  async markRead(target: GraphTarget, phoneNumberId: string, messageId: string, typing: boolean): Promise<void> {
    const body = { messaging_product: 'whatsapp', status: 'read', message_id: messageId, ...(typing ? { typing_indicator: { type: 'text' } } : {}) };
    await this.call(target, 'POST', this.url(target, `${encodeURIComponent(phoneNumberId)}/messages`), body);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function readJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
