/**
 * The local template validator: refuses, before anything reaches Meta, a template definition Meta's review would
 * refuse at creation. Meta answers those with Graph code 100 and an `error_subcode`; the refusal carries both.
 */
import { requireEntry } from '../../catalog/catalog.js';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';
import { placeholdersOf } from '../template.js';
import { BUTTON_LIMITS, TEMPLATE_LIMITS, TTL_SECONDS_BY_CATEGORY } from './limits.js';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

type Json = Record<string, unknown>;

/** Meta's subcodes for the creation rules we are sure of (seen in Graph answers), with their user titles. */
const SUBCODES = {
  edgeParams: { subcode: 2388299, title: "Variables can't be at the start or end of the template" },
  ratio: { subcode: 2388293, title: 'This template contains too many variable parameters relative to the message length' },
} as const;

function invalid(detail: string, field: string, subcode?: keyof typeof SUBCODES): RuleDecision {
  const known = subcode === undefined ? undefined : SUBCODES[subcode];
  return refuse(
    new SwitchboardError(requireEntry('meta', 100), {
      detail,
      field,
      ...(known ? { extensions: { error_subcode: known.subcode, error_user_title: known.title } } : {}),
    }),
  );
}

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const words = (text: string): number => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

/**
 * Placeholders must all be positional ({{1}}, {{2}} … from 1 without gaps) or all named (lowercase letters, digits,
 * underscores, starting with a letter), and Meta wants one example value for each.
 */
function checkPlaceholders(text: string, field: string, example: unknown, where: 'body' | 'header'): RuleDecision {
  const names = placeholdersOf(text);
  if (names.length === 0) return ALLOW;
  const positional = names.filter((n) => /^\d+$/.test(n));
  if (positional.length > 0 && positional.length < names.length)
    return invalid(`The ${where} mixes numbered and named parameters; use one kind.`, field);
  if (positional.length > 0) {
    const sorted = positional.map(Number).sort((a, b) => a - b);
    if (sorted.some((n, i) => n !== i + 1))
      return invalid(`The ${where}'s parameters must be numbered {{1}} to {{${sorted.length}}} without gaps; found ${sorted.map((n) => `{{${n}}}`).join(', ')}.`, field);
  } else if (names.some((n) => !/^[a-z][a-z0-9_]*$/.test(n)))
    return invalid(`Named parameters take lowercase letters, digits and underscores, starting with a letter.`, field);
  const trimmed = text.trim();
  if (/^\{\{[^}]+\}\}/.test(trimmed) || /\{\{[^}]+\}\}[.!?]?$/.test(trimmed))
    return invalid(`The ${where} starts or ends with a parameter; put fixed text before and after it.`, field, 'edgeParams');
  if (where === 'header' && names.length > TEMPLATE_LIMITS.headerParams)
    return invalid(`A text header takes at most ${TEMPLATE_LIMITS.headerParams} parameter.`, field);
  if (where === 'body') {
    const fixedWords = words(text.replace(/\{\{[^}]+\}\}/g, ' '));
    if (fixedWords < TEMPLATE_LIMITS.wordsPerParam * names.length + 1)
      return invalid(`${names.length} parameter(s) need at least ${TEMPLATE_LIMITS.wordsPerParam * names.length + 1} words of fixed text; the body has ${fixedWords}.`, field, 'ratio');
  }
  return checkExamples(names, positional.length > 0, example, field, where);
}

function checkExamples(names: string[], positional: boolean, example: unknown, field: string, where: 'body' | 'header'): RuleDecision {
  const ex = isJson(example) ? example : {};
  if (positional) {
    const key = where === 'body' ? 'body_text' : 'header_text';
    const raw = ex[key];
    const values = where === 'body' ? (Array.isArray(raw) && Array.isArray(raw[0]) ? (raw[0] as unknown[]) : []) : Array.isArray(raw) ? raw : [];
    if (values.length !== names.length)
      return invalid(`The ${where} has ${names.length} parameter(s); give as many sample values in example.${key}.`, `${field.replace(/\.text$/, '')}.example`);
    return ALLOW;
  }
  const key = where === 'body' ? 'body_text_named_params' : 'header_text_named_params';
  const given = Array.isArray(ex[key]) ? (ex[key] as unknown[]).filter(isJson).map((p) => p['param_name']) : [];
  const missing = names.filter((n) => !given.includes(n));
  if (missing.length > 0)
    return invalid(`Named parameters need sample values in example.${key}; missing: ${missing.join(', ')}.`, `${field.replace(/\.text$/, '')}.example`);
  return ALLOW;
}

function checkHeader(c: Json, field: string): RuleDecision {
  const format = String(c['format'] ?? '').toUpperCase();
  if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(format))
    return invalid('A header format is TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.', `${field}.format`);
  if (format !== 'TEXT') return ALLOW;
  const text = typeof c['text'] === 'string' ? c['text'] : '';
  if (text === '' || [...text].length > TEMPLATE_LIMITS.headerText)
    return invalid(`A text header has 1 to ${TEMPLATE_LIMITS.headerText} characters.`, `${field}.text`);
  return checkPlaceholders(text, `${field}.text`, c['example'], 'header');
}

function checkButtons(c: Json, field: string): RuleDecision {
  const buttons = Array.isArray(c['buttons']) ? c['buttons'].filter(isJson) : [];
  if (buttons.length === 0 || buttons.length > BUTTON_LIMITS.total)
    return invalid(`A BUTTONS component has 1 to ${BUTTON_LIMITS.total} buttons.`, `${field}.buttons`);
  const counts = new Map<string, number>();
  for (const [i, b] of buttons.entries()) {
    const type = String(b['type'] ?? '').toUpperCase();
    counts.set(type, (counts.get(type) ?? 0) + 1);
    const text = typeof b['text'] === 'string' ? b['text'] : '';
    if (type !== 'OTP' && (text === '' || [...text].length > BUTTON_LIMITS.text))
      return invalid(`Button text has 1 to ${BUTTON_LIMITS.text} characters.`, `${field}.buttons[${i}].text`);
    if (type === 'URL') {
      const url = typeof b['url'] === 'string' ? b['url'] : '';
      const params = placeholdersOf(url);
      if (!/^https?:\/\//.test(url)) return invalid('A URL button needs an http(s) url.', `${field}.buttons[${i}].url`);
      if (params.length > 1 || (params.length === 1 && !/\{\{1\}\}$/.test(url)))
        return invalid('A URL button takes one parameter, {{1}}, at the end of the url.', `${field}.buttons[${i}].url`);
    }
  }
  for (const [type, max] of Object.entries(BUTTON_LIMITS.byType)) {
    if ((counts.get(type) ?? 0) > max) return invalid(`A template takes at most ${max} ${type} button(s).`, `${field}.buttons`);
  }
  return ALLOW;
}

/** Checks a create-template request body as Meta's `POST /{waba-id}/message_templates` takes it. */
/** Meta's time-to-live, when given: whole seconds within its category's range. */
function checkTimeToLive(value: unknown, category: string): RuleDecision {
  if (value === undefined) return ALLOW;
  const range = TTL_SECONDS_BY_CATEGORY[category]!;
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return ALLOW;
  return invalid(`A ${category} template's message_send_ttl_seconds is a whole number from ${range.min} to ${range.max}.`, 'message_send_ttl_seconds');
}

export function validateTemplateDefinition(body: Json): RuleDecision {
  const name = body['name'];
  if (typeof name !== 'string' || !/^[a-z0-9_]+$/.test(name) || name.length > TEMPLATE_LIMITS.name)
    return invalid(`The name takes lowercase letters, digits and underscores, at most ${TEMPLATE_LIMITS.name} characters.`, 'name');
  if (typeof body['language'] !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(body['language']))
    return invalid('The language is a code such as en or en_US.', 'language');
  if (typeof body['category'] !== 'string' || !(TEMPLATE_CATEGORIES as readonly string[]).includes(body['category'].toUpperCase()))
    return invalid(`The category is one of ${TEMPLATE_CATEGORIES.join(', ')}.`, 'category');
  const timeToLive = checkTimeToLive(body['message_send_ttl_seconds'], body['category'].toUpperCase());
  if (timeToLive.kind === 'refuse') return timeToLive;
  const components = Array.isArray(body['components']) ? body['components'].filter(isJson) : [];
  const types = components.map((c) => String(c['type'] ?? '').toUpperCase());
  for (const type of ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'])
    if (types.filter((t) => t === type).length > 1) return invalid(`A template has at most one ${type} component.`, 'components');
  const bodyAt = types.indexOf('BODY');
  if (bodyAt < 0) return invalid('A template needs a BODY component with text.', 'components');
  for (const [i, c] of components.entries()) {
    const field = `components[${i}]`;
    const text = typeof c['text'] === 'string' ? c['text'] : '';
    const decision =
      types[i] === 'BODY' ? (text === '' || [...text].length > TEMPLATE_LIMITS.bodyText
        ? invalid(`The body has 1 to ${TEMPLATE_LIMITS.bodyText} characters.`, `${field}.text`)
        : checkPlaceholders(text, `${field}.text`, c['example'], 'body'))
      : types[i] === 'HEADER' ? checkHeader(c, field)
      : types[i] === 'FOOTER' ? (text === '' || [...text].length > TEMPLATE_LIMITS.footerText || placeholdersOf(text).length > 0
        ? invalid(`A footer has 1 to ${TEMPLATE_LIMITS.footerText} characters and no parameters.`, `${field}.text`)
        : ALLOW)
      : types[i] === 'BUTTONS' ? checkButtons(c, field)
      : invalid(`Unknown component type ${String(c['type'])}.`, `${field}.type`);
    if (decision.kind === 'refuse') return decision;
  }
  return ALLOW;
}
