/** How stored records look on the wire: ISO times, snake_case, catalog links for errors, never secrets. */
import { DEFAULT_DELIVERY_DEFAULTS } from '../domain/delivery.js';
import { errorSummary } from '../catalog/error-summary.js';
import type { ControlsStatement } from '../app/admin-controls.js';
import type { LedgerStatement } from '../app/admin-credit.js';
import { effectiveState, type Account } from '../domain/account.js';
import type { LedgerEntry } from '../domain/credit/ledger.js';
import type { PriceRule } from '../domain/credit/pricing.js';
import type { MessageFailover, MessageRecord } from '../domain/message.js';
import type { MessageState } from '../domain/message-state.js';
import type { PhoneNumber } from '../domain/phone-number.js';
import type { ApiKeyRecord } from '../store/store.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function deliveryView(d: MessageRecord['delivery']) {
  return { priority: d.priority, send_at: iso(d.sendAt), expires_at: iso(d.expiresAt), client_ref: d.clientRef, metadata: d.metadata };
}

export function messageView(m: MessageRecord) {
  return {
    id: m.id,
    status: m.status,
    to: m.to,
    number_id: m.numberId,
    type: m.type,
    wamid: m.wamid,
    timestamps: Object.fromEntries(Object.entries(m.statusTimes).map(([state, at]) => [state, iso(at as number)])),
    error: m.error ? errorSummary(m.error) : null,
    content: m.payload,
    created_at: iso(m.createdAt),
    ...deliveryView(m.delivery),
    channel: m.payload['channel'] === 'sms' ? 'sms' : 'whatsapp',
    failover: m.failover ? failoverView(m.failover, m.status) : null,
  };
}

/** A pending failover of a message WhatsApp already delivered will never go: shown as not needed. */
function failoverView(f: MessageFailover, status: MessageState) {
  const settled = f.state === 'pending' && (status === 'delivered' || status === 'read');
  return {
    channel: 'sms', status: settled ? 'not_needed' : f.state, after_seconds: f.afterSeconds, sms_message_id: f.smsMessageId,
    error: f.error ? errorSummary(f.error) : null,
  };
}

export function accountView(a: Account, now: number) {
  return {
    id: a.id,
    name: a.name,
    state: effectiveState(a, now),
    disabled: a.state === 'disabled',
    expires_at: iso(a.expiresAt),
    ip_allow_list: a.ipAllowList,
    rate_limit_per_second: a.rateLimitPerSecond,
    credit: a.credit,
    default_number_id: a.defaultNumberId,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
    default_priority: a.deliveryDefaults?.priority ?? DEFAULT_DELIVERY_DEFAULTS.priority,
    default_validity_seconds: a.deliveryDefaults?.validitySeconds ?? null,
  };
}

export function keyView(k: ApiKeyRecord) {
  return { id: k.id, kind: k.kind, account_id: k.accountId, name: k.name, prefix: k.prefix, created_at: iso(k.createdAt), revoked_at: iso(k.revokedAt) };
}

export function numberView(n: PhoneNumber) {
  return {
    id: n.id,
    phone_number_id: n.phoneNumberId,
    display_phone_number: n.displayPhoneNumber,
    waba_id: n.wabaId,
    account_id: n.accountId,
    registration: n.registration,
    max_mps: n.maxMps,
    connection: n.disconnected ? 'disconnected' : 'connected',
    has_access_token: n.hasAccessToken,
    created_at: iso(n.createdAt),
    updated_at: iso(n.updatedAt),
  };
}

export function priceView({ effectiveFrom, ...rule }: PriceRule) {
  return { ...rule, ...(effectiveFrom === undefined ? {} : { effective_from: iso(effectiveFrom) }) };
}

export function controlsView({ controls: c, credit, prices }: ControlsStatement) {
  return {
    prepaid_expires_at: iso(c.prepaidExpiresAt), whatsapp_api_disabled: c.whatsappApiDisabled, spam_threshold: c.spamThreshold,
    messaging_tier: c.messagingTier, requests_per_minute: c.requestsPerMinute,
    request_interval_seconds: c.requestIntervalMs === null ? null : Math.round(c.requestIntervalMs / 1000), blocked_paths: c.blockedPaths,
    credit, prices: prices.map(priceView),
  };
}

export function ledgerEntryView(e: LedgerEntry) {
  return { id: e.id, kind: e.kind, amount: e.amount, message_id: e.messageId, note: e.note, created_at: iso(e.createdAt) };
}

export function ledgerView(l: LedgerStatement) {
  return { balance: l.balance, ledger_sum: l.ledgerSum, drift: l.drift, data: l.entries.map(ledgerEntryView) };
}
