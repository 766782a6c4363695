/** POST /v1/contacts/check: whether recipients have WhatsApp (cached upstream answers), their wa_id, and their 24-hour window. */
import type { FastifyInstance } from 'fastify';
import { SERVICE_WINDOW_MS } from '../../domain/preflight/window.js';
import { normalizeRecipient } from '../../domain/validation/phone.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { CONTACT_CHECK_TTL_MS } from '../../app/control-facts.js';
import { accountOf } from '../plugins/auth.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { numberFor, targetFor, type ManagementDeps } from './management.js';

const MAX_CONTACTS = 1000;

const CONTACT_VIEW = {
  type: 'object',
  properties: {
    input: { type: 'string' }, wa_id: { type: ['string', 'null'] }, status: { type: 'string', enum: ['valid', 'invalid'] },
    checked_at: { type: ['string', 'null'] }, cached: { type: 'boolean' }, opted_out: { type: 'boolean' },
    window: { type: 'object', properties: { open: { type: 'boolean' }, open_until: { type: ['string', 'null'] } } },
  },
} as const;

interface CheckBody { contacts: string[]; force_check?: boolean; from?: string }

export function contactRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock; management?: ManagementDeps }): void {
  const { store, clock, management } = deps;
  app.post<{ Body: CheckBody }>('/v1/contacts/check', {
    schema: {
      tags: ['contacts'], summary: 'Check whether recipients have WhatsApp, and the state of their 24-hour window',
      body: {
        type: 'object', required: ['contacts'], additionalProperties: false,
        properties: {
          contacts: { type: 'array', minItems: 1, maxItems: MAX_CONTACTS, items: { type: 'string' } },
          force_check: { type: 'boolean', description: 'Ask the upstream even when a cached answer is fresh' },
          from: { type: 'string', description: 'The number whose window to report (default: the account default)' },
        },
      },
      response: { 200: { type: 'object', properties: { contacts: { type: 'array', items: CONTACT_VIEW } } }, ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS]) },
    },
  }, async function checkContacts(request) {
    const account = accountOf(request);
    const now = clock.now();
    const since = now - (management?.contactCheckTtlMs ?? CONTACT_CHECK_TTL_MS);
    const number = await numberFor(store, account, request.body.from === undefined ? {} : { numberRef: request.body.from });
    const inputs = request.body.contacts.map((input, i) => {
      try {
        return { input, waId: normalizeRecipient(input, `contacts[${i}]`) };
      } catch {
        return { input, waId: undefined };
      }
    });
    const cached = new Map<string, { status: 'valid' | 'invalid'; checkedAt: number }>();
    if (!request.body.force_check)
      for (const { waId } of inputs) {
        const hit = waId === undefined ? undefined : await store.contactChecks.getContactCheck(account.id, waId, since);
        if (hit && waId !== undefined) cached.set(waId, hit);
      }
    const ask = [...new Set(inputs.map((i) => i.waId).filter((w): w is string => w !== undefined && !cached.has(w)))];
    const fresh = new Map<string, 'valid' | 'invalid'>();
    if (ask.length > 0) {
      const target = await targetFor(store, management, number);
      const answers = await target.client.checkContacts(target, number.phoneNumberId, ask);
      for (const a of answers) fresh.set(a.input.replace(/\D/g, ''), a.status === 'valid' ? 'valid' : 'invalid');
      // An input the upstream did not mention is not known to have WhatsApp.
      for (const waId of ask) if (!fresh.has(waId)) fresh.set(waId, 'invalid');
      await store.contactChecks.saveContactChecks(account.id, [...fresh].map(([waId, status]) => ({ waId, status })), now);
    }
    const contacts = [];
    for (const { input, waId } of inputs) {
      if (waId === undefined) {
        contacts.push({ input, wa_id: null, status: 'invalid', checked_at: null, cached: false, opted_out: false, window: { open: false, open_until: null } });
        continue;
      }
      const hit = cached.get(waId);
      const status = hit?.status ?? fresh.get(waId) ?? 'invalid';
      const last = await store.getLastInbound(number.id, waId);
      const openUntil = last === null ? null : last + SERVICE_WINDOW_MS;
      contacts.push({
        input, wa_id: status === 'valid' ? waId : null, status, checked_at: new Date(hit?.checkedAt ?? now).toISOString(), cached: hit !== undefined,
        opted_out: (await store.getOptOut(account.id, waId)) !== null,
        window: { open: openUntil !== null && openUntil > now, open_until: openUntil === null ? null : new Date(openUntil).toISOString() },
      });
    }
    return { contacts };
  });
}
