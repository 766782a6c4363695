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

/** The part of the client routes and the sync use: kept structural so tests can pass a fake. */
export interface TemplateUpstream {
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

  private async call(target: GraphTarget, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<Record<string, unknown>> {
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

  close(): Promise<void> {
    return this.agent.close();
  }
}
