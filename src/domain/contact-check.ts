/** Contact checks: what the upstream's answers say about each asked recipient. */
import type { ContactStatus } from './preflight/recipient-on-whatsapp.js';

export interface UpstreamContactAnswer {
  /** The number as the upstream echoes it (with a + or formatting). */
  readonly input: string;
  readonly status: string;
}

/** One status per asked `wa_id`; a number the upstream did not mention is not known to have WhatsApp. */
export function decideContactStatuses(asked: readonly string[], answers: readonly UpstreamContactAnswer[]): Map<string, ContactStatus> {
  const said = new Map(answers.map((a) => [a.input.replace(/\D/g, ''), a.status === 'valid' ? 'valid' : 'invalid'] as const));
  return new Map(asked.map((waId) => [waId, said.get(waId) ?? 'invalid']));
}
