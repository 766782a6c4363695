/** The simulated Meta's memory: businesses, numbers, templates, contacts, windows, buckets and media, with the id rules for new ones. */
import { createHash } from 'node:crypto';
import type { Random } from './prng.js';
import { randomDigits, randomToken } from './prng.js';
import type { CallWindow } from './rules/call-window.js';
import type { ReadMark } from './types.js';
import type { TemplateDefinition } from './rules/template.js';
import type { LinkFacts } from './rules/media.js';
import { MAX_MPS } from './rules/throughput.js';
import {
  TEMPLATE_CATEGORIES,
  TEMPLATE_STATUSES,
  type BusinessInput,
  type ContactInput,
  type PhoneNumberInput,
  type TemplateInput,
} from './types.js';

export interface Business {
  readonly wabaId: string;
  accessToken: string;
  name: string;
  locked: boolean;
  policyBlocked: boolean;
  tokenExpiresAt: number | undefined;
  managementCalls: CallWindow | undefined;
}

export interface PhoneNumber extends Omit<PhoneNumberInput, 'phoneNumberId' | 'displayPhoneNumber'> {
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  registered: boolean;
  /** Pace state of the number's throughput (domain/gcra.ts); 0 = has not sent. */
  throughput: number;
  failedPinAt: number[];
  registrationCallsAt: number[];
}

export interface Template extends TemplateDefinition {
  readonly id: string;
  readonly wabaId: string;
  status: TemplateDefinition['status'];
  /** Meta may recategorise an approved template (template_category_update). */
  category: TemplateDefinition['category'];
  rejectedReason?: string;
}

export interface Contact extends ContactInput {
  marketingDeliveredAt: number[];
}

export interface Media {
  readonly id: string;
  readonly phoneNumberId: string;
  readonly mimeType: string;
  readonly sha256: string;
  readonly data: Buffer;
  readonly fileName?: string;
}

export class SimState {
  readonly businesses = new Map<string, Business>();
  readonly tokens = new Map<string, Business>();
  readonly numbers = new Map<string, PhoneNumber>();
  readonly templates = new Map<string, Template[]>();
  readonly contacts = new Map<string, Contact>();
  /** Last inbound message per `${phoneNumberId}:${waId}`: the 24 h window's start. */
  readonly lastInbound = new Map<string, number>();
  readonly pairPaces = new Map<string, number>();
  readonly media = new Map<string, Media>();
  readonly links = new Map<string, LinkFacts>();
  /** Inbound wamids the business may mark as read, with the number that received them. */
  readonly inboundIds = new Map<string, string>();
  /** Business-scoped user id → the user's phone. */
  readonly userIds = new Map<string, string>();
  /** Phone numbers each business number blocked. */
  readonly blocks = new Map<string, Set<string>>();
  readonly readMarks: ReadMark[] = [];
  appCalls: CallWindow | undefined;

  constructor(private readonly random: Random) {}

  /** Graph object ids are long decimal strings. */
  newObjectId(): string {
    return `1${randomDigits(this.random, 14)}`;
  }

  newWamid(): string {
    return `wamid.HBgL${randomToken(this.random, 40)}`;
  }

  createBusiness(input: BusinessInput = {}): Business {
    const wabaId = input.wabaId ?? this.newObjectId();
    if (this.businesses.has(wabaId)) throw new Error(`business ${wabaId} already exists`);
    const accessToken = input.accessToken ?? `EAAG${randomToken(this.random, 60)}`;
    if (this.tokens.has(accessToken)) throw new Error('access token already belongs to another business');
    const business: Business = {
      wabaId,
      accessToken,
      name: input.name ?? `Business ${wabaId}`,
      locked: input.locked ?? false,
      policyBlocked: input.policyBlocked ?? false,
      tokenExpiresAt: input.tokenExpiresAt,
      managementCalls: undefined,
    };
    this.businesses.set(wabaId, business);
    this.tokens.set(accessToken, business);
    this.templates.set(wabaId, []);
    return business;
  }

  updateBusiness(wabaId: string, patch: Omit<BusinessInput, 'wabaId'>): void {
    const business = this.requireBusiness(wabaId);
    if (patch.accessToken !== undefined && patch.accessToken !== business.accessToken) {
      this.tokens.delete(business.accessToken);
      business.accessToken = patch.accessToken;
      this.tokens.set(patch.accessToken, business);
    }
    if (patch.name !== undefined) business.name = patch.name;
    if (patch.locked !== undefined) business.locked = patch.locked;
    if (patch.policyBlocked !== undefined) business.policyBlocked = patch.policyBlocked;
    if ('tokenExpiresAt' in patch) business.tokenExpiresAt = patch.tokenExpiresAt;
  }

  requireBusiness(wabaId: string): Business {
    const business = this.businesses.get(wabaId);
    if (!business) throw new Error(`no business ${wabaId}`);
    return business;
  }

  createPhoneNumber(input: PhoneNumberInput): PhoneNumber {
    this.requireBusiness(input.wabaId);
    checkMps(input.throughputMps);
    const phoneNumberId = input.phoneNumberId ?? this.newObjectId();
    if (this.numbers.has(phoneNumberId)) throw new Error(`phone number ${phoneNumberId} already exists`);
    const displayPhoneNumber = input.displayPhoneNumber ?? `1555${randomDigits(this.random, 7)}`;
    const number: PhoneNumber = {
      ...input,
      phoneNumberId,
      displayPhoneNumber,
      registered: input.registered ?? true,
      throughput: 0,
      failedPinAt: [],
      registrationCallsAt: [],
    };
    this.numbers.set(phoneNumberId, number);
    return number;
  }

  updatePhoneNumber(phoneNumberId: string, patch: Omit<PhoneNumberInput, 'wabaId' | 'phoneNumberId'>): void {
    const number = this.requireNumber(phoneNumberId);
    checkMps(patch.throughputMps);
    Object.assign(number, patch);
    if (patch.throughputMps !== undefined || patch.coexistence !== undefined) number.throughput = 0;
  }

  requireNumber(phoneNumberId: string): PhoneNumber {
    const number = this.numbers.get(phoneNumberId);
    if (!number) throw new Error(`no phone number ${phoneNumberId}`);
    return number;
  }

  createTemplate(input: TemplateInput): Template {
    const list = this.templates.get(input.wabaId);
    if (!list) throw new Error(`no business ${input.wabaId}`);
    const language = input.language ?? 'en_US';
    if (list.some((t) => t.name === input.name && t.language === language)) {
      throw new Error(`template ${input.name} (${language}) already exists`);
    }
    const category = input.category ?? 'UTILITY';
    const status = input.status ?? 'APPROVED';
    if (!TEMPLATE_CATEGORIES.includes(category)) throw new Error(`unknown template category ${category}`);
    if (!TEMPLATE_STATUSES.includes(status)) throw new Error(`unknown template status ${status}`);
    const template: Template = {
      id: this.newObjectId(),
      wabaId: input.wabaId,
      name: input.name,
      language,
      category,
      status,
      body: input.body ?? '',
      ...(input.header === undefined ? {} : { header: input.header }),
      ...(input.buttonParameters === undefined ? {} : { buttonParameters: input.buttonParameters }),
    };
    list.push(template);
    return template;
  }

  findTemplates(wabaId: string, name?: string, language?: string): Template[] {
    return (this.templates.get(wabaId) ?? []).filter(
      (t) => (name === undefined || t.name === name) && (language === undefined || t.language === language),
    );
  }

  deleteTemplates(wabaId: string, name: string): number {
    const list = this.templates.get(wabaId) ?? [];
    const kept = list.filter((t) => t.name !== name);
    this.templates.set(wabaId, kept);
    return list.length - kept.length;
  }

  setContact(input: ContactInput): Contact {
    const waId = input.waId.replace(/\D/g, '');
    const existing = this.contacts.get(waId);
    const contact: Contact = { ...existing, ...input, waId, marketingDeliveredAt: existing?.marketingDeliveredAt ?? [] };
    this.contacts.set(waId, contact);
    if (contact.userId !== undefined) this.userIds.set(contact.userId, waId);
    return contact;
  }

  /** The user's business-scoped user id: declared, or derived from the phone (and then remembered). */
  userIdOf(waId: string): string {
    const declared = this.contacts.get(waId)?.userId;
    if (declared !== undefined) return declared;
    const derived = derivedUserId(waId);
    this.userIds.set(derived, waId);
    return derived;
  }

  newMediaId(): string {
    return this.newObjectId();
  }
}

export function pairKey(phoneNumberId: string, waId: string): string {
  return `${phoneNumberId}:${waId}`;
}

function checkMps(mps: number | undefined): void {
  if (mps !== undefined && !(Number.isFinite(mps) && mps >= 1 && mps <= MAX_MPS)) {
    throw new Error(`throughputMps must be between 1 and ${MAX_MPS}`);
  }
}

/** A stable user id per phone, in Meta's format (country letters, a period, alphanumerics). */
export function derivedUserId(waId: string): string {
  return `US.${BigInt(`0x${createHash('sha256').update(waId).digest('hex').slice(0, 15)}`).toString()}`;
}
