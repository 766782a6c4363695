/** Template sends: existence in the language (132001), review status (132015, 132016), parameters (132000, 132012, 132018, 131008) and hydrated length (132005). */
import type { TemplateCategory, TemplateStatus } from '../types.js';
import { reject, type Rejection } from './outcome.js';

/** Meta's limit on a template body after substitution (third-party docs; not re-read on Meta's page). */
export const HYDRATED_BODY_MAX = 1_024;
/** Meta's text for the whitespace rule; it answers 132018 with it (see research §8 on 132007). */
export const WHITESPACE_DETAILS = 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces';

export interface TemplateDefinition {
  readonly name: string;
  readonly language: string;
  readonly category: TemplateCategory;
  readonly status: TemplateStatus;
  readonly body: string;
  readonly header?: { readonly format: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT'; readonly text?: string };
  readonly buttonParameters?: number;
}

export type TemplateDecision = { readonly kind: 'pass'; readonly template: TemplateDefinition } | Rejection;

type Json = Record<string, unknown>;

const BODY_PARAMETER_TYPES = ['text', 'currency', 'date_time'];

export function placeholderCount(text: string | undefined): number {
  return new Set((text ?? '').match(/\{\{\s*\d+\s*\}\}/g)?.map((p) => p.replace(/\D/g, ''))).size;
}

export function checkTemplate(
  request: Json,
  candidates: readonly TemplateDefinition[],
): TemplateDecision {
  const name = request.name as string;
  const language = (request.language as Json).code as string;
  const template = candidates.find((t) => t.name === name && t.language === language);
  if (!template) return reject(132001, `template name (${name}) does not exist in ${language}`);
  if (template.status === 'PAUSED') return reject(132015, `Template ${name} is paused due to low quality.`);
  if (template.status === 'DISABLED') return reject(132016, `Template ${name} has been disabled due to low quality.`);
  if (template.status !== 'APPROVED') return reject(132001, `template name (${name}) is not approved in ${language} (status ${template.status})`);
  const components = Array.isArray(request.components) ? (request.components as unknown[]).filter(isJson) : [];
  const problem = checkHeader(template, components) ?? checkBody(template, components) ?? checkButtons(template, components);
  return problem ?? { kind: 'pass', template };
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parametersOf(components: readonly Json[], type: string): Json[] {
  return components
    .filter((c) => c.type === type)
    .flatMap((c) => (Array.isArray(c.parameters) ? (c.parameters as unknown[]).filter(isJson) : []));
}

function countMismatch(where: string, got: number, expected: number): Rejection | undefined {
  if (got === expected) return undefined;
  return reject(132000, `number of localizable_params (${got}) does not match the expected number of params (${expected}) in ${where}`);
}

function checkHeader(template: TemplateDefinition, components: readonly Json[]): Rejection | undefined {
  const params = parametersOf(components, 'header');
  const format = template.header?.format;
  const expected = format === undefined ? 0 : format === 'TEXT' ? placeholderCount(template.header?.text) : 1;
  const mismatch = countMismatch('header', params.length, expected);
  if (mismatch) return mismatch;
  const [param] = params;
  if (!param || !format) return undefined;
  if (format === 'TEXT') return checkTextParameter(param);
  const mediaType = format.toLowerCase();
  if (param.type !== mediaType || !isJson(param[mediaType])) {
    return reject(132012, `Parameter format does not match format in the created template: header expects ${mediaType}.`);
  }
  return undefined;
}

function checkBody(template: TemplateDefinition, components: readonly Json[]): Rejection | undefined {
  const params = parametersOf(components, 'body');
  const mismatch = countMismatch('body', params.length, placeholderCount(template.body));
  if (mismatch) return mismatch;
  for (const param of params) {
    if (typeof param.type !== 'string' || !BODY_PARAMETER_TYPES.includes(param.type)) {
      return reject(132012, `Parameter format does not match format in the created template: body parameters take text, currency or date_time, not ${String(param.type)}.`);
    }
    const problem = checkTextParameter(param);
    if (problem) return problem;
  }
  const hydrated = hydrate(template.body, params.map(parameterText));
  if (hydrated.length > HYDRATED_BODY_MAX) {
    return reject(132005, `Translated text too long: the body is ${hydrated.length} characters after substitution, at most ${HYDRATED_BODY_MAX}.`);
  }
  return undefined;
}

function checkButtons(template: TemplateDefinition, components: readonly Json[]): Rejection | undefined {
  return countMismatch('buttons', parametersOf(components, 'button').length, template.buttonParameters ?? 0);
}

function parameterText(param: Json): string {
  if (param.type === 'text') return typeof param.text === 'string' ? param.text : '';
  const inner = param[param.type as string];
  return isJson(inner) && typeof inner.fallback_value === 'string' ? inner.fallback_value : '';
}

function checkTextParameter(param: Json): Rejection | undefined {
  const text = parameterText(param);
  if (text === '') return reject(131008, `Parameter of type ${String(param.type)} is missing its text value.`);
  if (/[\n\t]| {5,}/.test(text)) return reject(132018, WHITESPACE_DETAILS);
  return undefined;
}

export function hydrate(body: string, values: readonly string[]): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => values[Number(n) - 1] ?? whole);
}
