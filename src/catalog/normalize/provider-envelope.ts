/** A BSP's `meta` envelope (360dialog: `httpCode`/`developerMessage`, or `http_code`/`developer_message`), mapped by its message. */
import type { GatewayCode } from '../entries/gateway.js';
import { gatewayEntry } from '../catalog.js';
import { asCode, asObject, asText, type JsonObject, type Reading } from './reading.js';
import { parseWaitText } from './retry-after.js';

interface MessageRule {
  readonly pattern: RegExp;
  readonly code: GatewayCode;
  /** Read the wait from the text itself ("1 request every 5 seconds", "wait 1 hour(s) 38 minute(s)"). */
  readonly statesWait?: boolean;
}

/**
 * The seed's developer messages (shared/seeds/002); their own HTTP codes are unreliable (an invalid key says 404).
 * Seen from Switchboard, the provider is the upstream: its "invalid key" is our number's credential and its usage
 * limit throttles our number, so those map to the upstream entries rather than to the client-facing ones.
 */
const MESSAGE_RULES: readonly MessageRule[] = [
  { pattern: /\bis blocked\b/i, code: 'path_blocked' },
  { pattern: /invalid api_key|token expired/i, code: 'upstream_unauthorized' },
  { pattern: /\bapi has been disabled\b/i, code: 'whatsapp_api_disabled' },
  { pattern: /exceeded the limit of/i, code: 'upstream_throttled', statesWait: true },
  { pattern: /internal server error/i, code: 'upstream_error' },
  { pattern: /not available/i, code: 'upstream_unavailable' },
];

/** Registration refusals all say code 1005 "Access denied"; only `details` tells them apart. */
const REGISTRATION_CODE = 1005;
const REGISTRATION_RULES: readonly MessageRule[] = [
  { pattern: /\bplease wait\b|\bbefore trying again\b/i, code: 'registration_timeout', statesWait: true },
  { pattern: /biz_link_info_invalid_payload/i, code: 'registration_previous_install' },
  { pattern: /not been approved for an enterprise/i, code: 'registration_not_enterprise' },
];

function applyRule(rules: readonly MessageRule[], text: string): Pick<Reading, 'entry' | 'retryAfterSeconds'> | undefined {
  const rule = rules.find((r) => r.pattern.test(text));
  if (rule === undefined) return undefined;
  return { entry: gatewayEntry(rule.code), retryAfterSeconds: rule.statesWait ? parseWaitText(text) : undefined };
}

export function readProviderEnvelope(body: JsonObject, httpStatus: number): Reading | undefined {
  const meta = asObject(body.meta);
  const envelopeStatus = asCode(meta?.httpCode ?? meta?.http_code);
  const message = asText(meta?.developerMessage ?? meta?.developer_message);
  if (meta === undefined || (meta.success !== false && envelopeStatus === undefined)) return undefined;
  const data = asObject(body.data);
  const dataCode = asCode(data?.code);
  const details = asText(data?.details);
  const matched =
    dataCode === REGISTRATION_CODE
      ? (applyRule(REGISTRATION_RULES, details ?? '') ?? { entry: gatewayEntry('registration_locked') })
      : applyRule(MESSAGE_RULES, message ?? '');
  // A bare 502 from the provider means its WhatsApp stack is down, whatever the message says.
  const stackDown = httpStatus === 502 || envelopeStatus === 502;
  return {
    entry: matched?.entry ?? (stackDown ? gatewayEntry('upstream_unavailable') : undefined),
    retryAfterSeconds: matched?.retryAfterSeconds,
    detail: details ?? message,
    upstream: { code: dataCode ?? envelopeStatus, message, details, payload: body },
  };
}
