/** The simulator's contract: options, the admin surface (in-process twin of `/_sim`), scenario files and records. */
import type { HealthTrigger, SimulatorHealthAdmin } from './health-admin.js';
import type { Clock } from './clock.js';

export const TEMPLATE_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export interface StatusDelays {
  readonly sent?: number;
  readonly delivered?: number;
  readonly read?: number;
}

export interface SimulatorOptions {
  host?: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Seed of the PRNG behind wamids, media ids and probabilistic faults; the same seed gives the same run. */
  seed?: number;
  webhookUrl?: string;
  appSecret?: string;
  /** Token the simulator sends in the verification handshake (`hub.verify_token`) before its first delivery. */
  verifyToken?: string;
  scenario?: ScenarioFile | string;
  /** Delay of each status webhook after the send was accepted, in ms (defaults 0 / 50 / 100; `read: -1` never reads). */
  statusDelaysMs?: StatusDelays;
  /** Waits between webhook delivery attempts after a failure; attempts = length + 1. Meta retries for up to 7 days. */
  webhookRetryDelaysMs?: readonly number[];
  /** Most statuses and messages carried by one webhook POST. */
  webhookBatchMax?: number;
  /** Time for the rules (window, pair rate, throughput); timers still run on real time. */
  clock?: Clock;
  /** Default throughput of new numbers in messages per second (Meta: 80). */
  defaultThroughputMps?: number;
  /** How many requests `/_sim/requests` keeps (oldest dropped first). */
  recordLimit?: number;
  /** App-level Graph call limit per hour (code 4); unlimited by default. */
  appCallsPerHour?: number;
  /** Management calls (templates, phone numbers) per business per hour (80007); Meta: 200, or 5,000 with a registered number. */
  managementCallsPerHour?: number;
  /** Pair rate limit to one recipient (131056); Meta: one per 6 s, bursts of 45. */
  pairRate?: { intervalMs: number; burst: number };
  /** Log every request through pino (off by default: the simulator is usually embedded). */
  logger?: boolean;
}

export interface BusinessInput {
  wabaId?: string;
  accessToken?: string;
  name?: string;
  /** 131031: the business account is locked. */
  locked?: boolean;
  /** 368: temporarily blocked for policy violations. */
  policyBlocked?: boolean;
  /** Token expiry in ms since the epoch (clock time); after it, 190. */
  tokenExpiresAt?: number;
}

export interface PhoneNumberInput {
  wabaId: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  /** 80 by default; at most 1,000. */
  throughputMps?: number;
  /** Shared with the WhatsApp Business app (coexistence): fixed at 20 mps. */
  coexistence?: boolean;
  registered?: boolean;
  testNumber?: boolean;
  allowedRecipients?: string[];
  /** 131048: earlier messages were flagged as spam. */
  spamFlagged?: boolean;
  /** 131057: the number is in maintenance mode. */
  maintenance?: boolean;
  /** The two-step verification PIN that `/register` expects. */
  pin?: string;
  /** 133006: the number must be verified again before it registers. */
  needsReverification?: boolean;
  /** 133015: clock time (ms) the number's previous registration was deleted; registering waits 5 minutes after it. */
  deletedAt?: number;
}

export interface TemplateInput {
  wabaId: string;
  name: string;
  language?: string;
  category?: TemplateCategory;
  status?: TemplateStatus;
  /** Body text with `{{1}}` … placeholders. */
  body?: string;
  /** Header format when the template has a media or text header. */
  header?: { format: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT'; text?: string };
  /** How many URL buttons take a parameter. */
  buttonParameters?: number;
}

export interface ContactInput {
  waId: string;
  /** False: the number has no WhatsApp, sends fail with 131026 on the status webhook. */
  hasWhatsApp?: boolean;
  /** 131050: opted out of this business's marketing messages. */
  marketingOptOut?: boolean;
  /** 131049: how many marketing templates Meta delivers to this user per 24 h. */
  marketingLimitPer24h?: number;
  name?: string;
  /** Statuses stop at `delivered` (the user never reads). */
  neverReads?: boolean;
  /** The user's business-scoped user id; absent = one derived from the phone. */
  userId?: string;
  /** A username user: shown in webhooks as `profile.username`. */
  username?: string;
  /** Meta withholds this username user's phone from webhooks (no `wa_id`, no `from`). */
  withholdPhone?: boolean;
}

/** A user moved to a new phone: a new user id, announced to the number with `user_id_update`. */
export interface PhoneChangeInput {
  phoneNumberId: string;
  from: string;
  to: string;
  /** The new user id; absent = one derived from the new phone. */
  userId?: string;
}

/** The user stopped or resumed marketing messages, announced to the number with `user_preferences`. */
export interface MarketingPreferenceInput {
  phoneNumberId: string;
  waId: string;
  value: 'stop' | 'resume';
}

/** A read mark (optionally with a typing indicator) the business sent for an inbound message. */
export interface ReadMark {
  readonly phoneNumberId: string;
  readonly messageId: string;
  readonly typingIndicator?: string;
  readonly at: number;
}

export const INBOUND_MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type InboundMediaType = (typeof INBOUND_MEDIA_TYPES)[number];

export interface InboundInput {
  phoneNumberId: string;
  from: string;
  name?: string;
  text?: string;
  media?: { type: InboundMediaType; mimeType?: string; caption?: string; filename?: string; downloadable?: boolean };
  /** A quick-reply button press on a template. */
  button?: { text: string; payload?: string };
  /** A reply to an interactive button or list message. */
  interactive?: { kind: 'button_reply' | 'list_reply'; id: string; title: string; description?: string };
  /** The wamid the customer replied to. */
  contextMessageId?: string;
}

export const MESSAGE_TYPES = [
  'text', 'template', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'reaction',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface FaultMatch {
  /** Regular expression (string) or exact number tested against the normalised recipient. */
  to?: string;
  type?: MessageType;
  template?: string;
  phoneNumberId?: string;
  /** Only between these clock times (ms since the epoch). */
  from?: number;
  until?: number;
}

/** How a send's answer breaks: it comes after `delayMs` (past the client's timeout), or the connection is reset. */
export const BROKEN_ANSWERS = ['late', 'reset'] as const;
export type BrokenAnswer = (typeof BROKEN_ANSWERS)[number];

export interface FaultInput {
  id?: string;
  match?: FaultMatch;
  /** A Meta catalog code (e.g. 131026, 130429); required unless `answer` is given. */
  error?: number;
  /**
   * Instead of an error, the answer breaks: `late` answers after `delayMs`, `reset` resets the connection. With
   * `accepted` (the default) the message is accepted first, as Meta does when its answer is lost on the way: it exists,
   * and its status webhooks follow. `accepted: false` breaks the answer before anything was accepted.
   */
  answer?: BrokenAnswer;
  accepted?: boolean;
  /** For `answer: 'late'`: how late, in ms (default 30,000). */
  delayMs?: number;
  probability?: number;
  /** How many matching sends it fails before retiring itself. */
  count?: number;
  /** Where it surfaces: on the HTTP answer or as a `failed` status; defaults to how Meta reports the code. */
  arrives?: 'sync' | 'async';
}

export interface OutageInput {
  /** 500 or 503 (or any 5xx). */
  status?: number;
  /** `json` answers in Graph's shape (code 2 / 131000), `html` with an HTML page as a proxy would, `timeout` never answers. */
  body?: 'json' | 'html' | 'timeout';
  /** Ends by itself after this long (clock ms); otherwise until `endOutage`. */
  durationMs?: number;
  /** Delay every answer by this long instead of failing (slow answers). */
  delayMs?: number;
  /** Only requests under this path prefix (after the version), e.g. `/123/messages`. */
  pathPrefix?: string;
}

export interface RecordedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body?: unknown;
  readonly error?: number;
}

export interface WebhookDelivery {
  readonly at: number;
  readonly attempt: number;
  readonly events: number;
  readonly status?: number;
  readonly error?: string;
  readonly gaveUp?: boolean;
}

export interface ScenarioFile {
  businesses?: BusinessInput[];
  phoneNumbers?: PhoneNumberInput[];
  templates?: TemplateInput[];
  contacts?: ContactInput[];
  faults?: FaultInput[];
  webhook?: { url: string; appSecret: string; verifyToken?: string };
  links?: { url: string; reachable?: boolean; mimeType?: string }[];
  inbound?: InboundInput[];
  /** Health webhooks to post once the webhook is set (health-admin.ts). */
  health?: HealthTrigger[];
}

export interface SimulatorAdmin {
  createBusiness(input?: BusinessInput): { wabaId: string; accessToken: string };
  updateBusiness(wabaId: string, patch: Omit<BusinessInput, 'wabaId'>): void;
  createPhoneNumber(input: PhoneNumberInput): { phoneNumberId: string; displayPhoneNumber: string };
  updatePhoneNumber(phoneNumberId: string, patch: Omit<PhoneNumberInput, 'wabaId' | 'phoneNumberId'>): void;
  createTemplate(input: TemplateInput): { id: string };
  /** Changes review status and posts a `message_template_status_update` webhook. */
  setTemplateStatus(input: { wabaId: string; name: string; language?: string; status: TemplateStatus; reason?: string }): void;
  setContact(input: ContactInput): void;
  setWebhook(input: { url: string; appSecret: string; verifyToken?: string }): void;
  /** Runs Meta's GET handshake (hub.mode, hub.verify_token, hub.challenge) against the configured URL now. */
  verifyWebhook(): Promise<{ ok: boolean; status?: number; error?: string }>;
  /** Declares what a media `link` serves: the simulator never goes on the network for links. */
  setMediaLink(input: { url: string; reachable?: boolean; mimeType?: string }): void;
  /** Delivery attempts of the webhook sender, oldest first (the last 1,000). */
  webhookDeliveries(): readonly WebhookDelivery[];
  /** Opens the 24 h window and posts the inbound webhook (resolves once it is queued). */
  sendInbound(input: InboundInput): Promise<{ messageId: string }>;
  changeUserPhone(input: PhoneChangeInput): { userId: string };
  setMarketingPreference(input: MarketingPreferenceInput): void;
  /** Read marks and typing indicators received, oldest first. */
  readMarks(): readonly ReadMark[];
  /** The users a number blocked. */
  blockedUsers(phoneNumberId: string): readonly string[];
  addFault(input: FaultInput): { id: string };
  removeFault(id: string): void;
  clearFaults(): void;
  startOutage(input?: OutageInput): void;
  endOutage(): void;
  /** Every request the Graph surface received, oldest first. */
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
  /** Resolves when every queued webhook has been delivered or given up. */
  flushWebhooks(): Promise<void>;
  loadScenario(scenario: ScenarioFile): void;
  /** Number, account and template health triggers and their webhooks. */
  readonly health: SimulatorHealthAdmin;
}

export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:43123; Graph paths go under `${url}/v21.0/...`. */
  readonly url: string;
  readonly admin: SimulatorAdmin;
  /** Stops at once: webhooks still queued are dropped (call `admin.flushWebhooks()` first to deliver them). */
  close(): Promise<void>;
}
