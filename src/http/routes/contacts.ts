/** POST /v1/contacts/check: whether recipients have WhatsApp (cached upstream answers), their wa_id, and their 24-hour window. */
import type { FastifyInstance } from 'fastify';
import * as contactCheck from '../../app/contact-check.js';
import type { ManagementDeps } from '../../app/management-target.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { CONTACT_CHECK_TTL_MS } from '../../app/control-facts.js';
import { accountOf } from '../plugins/auth.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { readRecipient, recipientAddress } from '../../domain/contact-identity.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';

const MAX_CONTACTS = 1000;

const CONTACT_VIEW = {
  type: 'object',
  properties: {
    input: { type: 'string' }, wa_id: { type: ['string', 'null'] }, status: { type: 'string', enum: ['valid', 'invalid'] },
    checked_at: { type: ['string', 'null'] }, cached: { type: 'boolean' }, opted_out: { type: 'boolean' },
    window: { type: 'object', properties: { open: { type: 'boolean' }, open_until: { type: ['string', 'null'] } } },
  },
} as const;

const NULLABLE_TEXT = { type: ['string', 'null'] } as const;
const CONTACT_PROFILE = {
  type: 'object',
  properties: {
    phone: NULLABLE_TEXT, user_id: NULLABLE_TEXT, parent_user_id: NULLABLE_TEXT, username: NULLABLE_TEXT,
    identifiers: { type: 'array', items: { type: 'string' }, description: 'Every phone and user id this contact was known by; messages to any of them are its history.' },
    opted_out_at: NULLABLE_TEXT, marketing_stopped_at: NULLABLE_TEXT,
  },
} as const;

interface CheckBody { contacts: string[]; force_check?: boolean; from?: string }

const iso = (ms: number): string => new Date(ms).toISOString();

function contactView(r: contactCheck.ContactCheckResult) {
  if (r.kind === 'unreadable') return { input: r.input, wa_id: null, status: 'invalid', checked_at: null, cached: false, opted_out: false, window: { open: false, open_until: null } };
  const w = r.window;
  return {
    input: r.input, wa_id: r.status === 'valid' ? r.waId : null, status: r.status, checked_at: iso(r.checkedAt), cached: r.cached, opted_out: r.optedOut,
    window: { open: w.kind === 'open', open_until: w.kind === 'never_opened' ? null : iso(w.until) },
  };
}

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
    const ttlMs = management?.contactCheckTtlMs ?? CONTACT_CHECK_TTL_MS;
    const { contacts, force_check: forceCheck = false, from } = request.body;
    const results = await contactCheck.checkContacts({ store, management, ttlMs }, accountOf(request), { contacts, forceCheck, ...(from === undefined ? {} : { from }) }, clock.now());
    return { contacts: results.map(contactView) };
  });

  app.get<{ Params: { identifier: string } }>('/v1/contacts/:identifier', {
    schema: {
      tags: ['contacts'], summary: 'A contact by phone or business-scoped user id: every identifier known for it, username, preferences',
      params: { type: 'object', required: ['identifier'], properties: { identifier: { type: 'string', description: 'A phone (digits, country code first) or a user id.' } } },
      response: { 200: CONTACT_PROFILE, ...errorResponses([...AUTH_ERRORS, 'invalid_phone_number', 'invalid_user_id', 'not_found']) },
    },
  }, async function getContact(request) {
    const account = accountOf(request);
    const identifier = recipientAddress(readRecipient(request.params.identifier, 'identifier'));
    const profile = await store.identities.getProfile(account.id, identifier);
    const optedOutAt = await store.getOptOut(account.id, identifier);
    if (!profile && optedOutAt === null) throw gatewayError('not_found', { detail: `No contact ${identifier} is known to your account.` });
    return {
      phone: profile?.phone ?? (identifier.includes('.') ? null : identifier),
      user_id: profile?.userId ?? null,
      parent_user_id: profile?.parentUserId ?? null,
      username: profile?.username ?? null,
      identifiers: await store.identities.identifiersOf(account.id, identifier),
      opted_out_at: optedOutAt === null ? null : iso(optedOutAt),
      marketing_stopped_at: profile === undefined || profile.marketingStoppedAt === null ? null : iso(profile.marketingStoppedAt),
    };
  });
}
