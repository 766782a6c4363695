/** Preflight: a template's parameters must match its placeholders in count, format, length and whitespace rules. */
import { requireEntry } from '../../catalog/catalog.js';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import { refuse, type Refusal } from '../decision.js';
import type { TemplateRef } from '../message.js';
import { placeholdersOf, type TemplateComponentDefinition, type TemplateRecord } from '../template.js';

const MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];
const BODY_PARAM_TYPES = ['text', 'currency', 'date_time'];
/** Meta's limits on the text once the parameters are filled in. */
const MAX_BODY_LENGTH = 1024;
const MAX_HEADER_LENGTH = 60;

type Param = Record<string, unknown>;

function metaRefusal(code: number, detail: string, field: string): Refusal {
  return refuse(new SwitchboardError(requireEntry('meta', code), { detail, field }));
}

function componentIndex(ref: TemplateRef, type: string, index?: number): number {
  return ref.components.findIndex(
    (c) => String(c['type']).toLowerCase() === type && (index === undefined || Number(c['index']) === index),
  );
}

function paramsAt(ref: TemplateRef, at: number): Param[] {
  const params = at < 0 ? undefined : ref.components[at]?.['parameters'];
  return Array.isArray(params) ? (params as Param[]) : [];
}

function textOf(param: Param): string {
  if (param['type'] === 'text') return String(param['text'] ?? '');
  if (param['type'] === 'currency') return String((param['currency'] as Param | undefined)?.['fallback_value'] ?? '');
  if (param['type'] === 'date_time') return String((param['date_time'] as Param | undefined)?.['fallback_value'] ?? '');
  return '';
}

function hydrate(text: string, names: string[], params: Param[]): string {
  return names.reduce((acc, name, i) => acc.replaceAll(new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`, 'g'), textOf(params[i] ?? {})), text);
}

/** Checks one TEXT-bearing component (header or body); returns the first refusal. */
function checkTextComponent(ref: TemplateRef, def: TemplateComponentDefinition, kind: 'header' | 'body'): Refusal | undefined {
  const at = componentIndex(ref, kind);
  const field = `template.components[${at < 0 ? ref.components.length : at}].parameters`;
  const params = paramsAt(ref, at);
  if (kind === 'header' && def.format && MEDIA_HEADER_FORMATS.includes(def.format.toUpperCase())) {
    const expected = def.format.toLowerCase();
    if (params.length !== 1) return metaRefusal(132000, `The ${expected} header takes 1 parameter; ${params.length} given.`, field);
    if (params[0]!['type'] !== expected)
      return metaRefusal(132012, `The header is a ${expected}; the parameter is ${String(params[0]!['type'])}.`, `${field}[0].type`);
    return undefined;
  }
  const names = placeholdersOf(def.text);
  if (params.length !== names.length)
    return metaRefusal(132000, `The ${kind} has ${names.length} placeholder(s); ${params.length} parameter(s) given.`, field);
  for (const [i, p] of params.entries()) {
    if (!BODY_PARAM_TYPES.includes(String(p['type'])) || (kind === 'header' && p['type'] !== 'text'))
      return metaRefusal(132012, `Parameter ${i + 1} of the ${kind} must be text, not ${String(p['type'])}.`, `${field}[${i}].type`);
    if (/[\n\t]| {5,}/.test(textOf(p)))
      return metaRefusal(132018, `Parameter ${i + 1} of the ${kind} holds a new line, a tab or more than four spaces in a row.`, `${field}[${i}]`);
  }
  const hydrated = [...hydrate(def.text ?? '', names, params)].length;
  const max = kind === 'body' ? MAX_BODY_LENGTH : MAX_HEADER_LENGTH;
  if (hydrated > max) return metaRefusal(132005, `With its parameters the ${kind} has ${hydrated} characters; the limit is ${max}.`, field);
  return undefined;
}

function checkButtons(ref: TemplateRef, def: TemplateComponentDefinition): Refusal | undefined {
  for (const [index, button] of (def.buttons ?? []).entries()) {
    const dynamic = button.type.toUpperCase() === 'URL' && placeholdersOf(button.url).length > 0;
    if (!dynamic) continue;
    const at = componentIndex(ref, 'button', index);
    const params = paramsAt(ref, at);
    if (params.length !== 1)
      return metaRefusal(132000, `URL button ${index} has a placeholder; ${params.length} parameter(s) given.`, `template.components`);
  }
  return undefined;
}

export function checkTemplateParams(ref: TemplateRef, template: TemplateRecord): Refusal | undefined {
  for (const def of template.components) {
    const type = def.type.toUpperCase();
    const refusal =
      type === 'HEADER' ? checkTextComponent(ref, def, 'header')
      : type === 'BODY' ? checkTextComponent(ref, def, 'body')
      : type === 'BUTTONS' ? checkButtons(ref, def)
      : undefined;
    if (refusal) return refusal;
  }
  return undefined;
}
