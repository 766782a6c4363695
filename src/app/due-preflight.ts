/**
 * When a scheduled message becomes due, the dispatcher asks this whether it may still go: the time-dependent rules of
 * preflight (opt-out, service window, template status) on the facts as they are now.
 */
import { isMessageType } from '../domain/message.js';
import { runDuePreflight, templateOfPayload } from '../domain/preflight/due.js';
import type { DueCheck } from '../dispatch/dispatcher.js';
import type { Store } from '../store/store.js';

export function duePreflight(store: Pick<Store, 'getNumber' | 'getSendFacts'>): DueCheck {
  return async (task, now) => {
    const type = String(task.payload['type']);
    const number = await store.getNumber(task.numberId);
    if (!number || !isMessageType(type)) return undefined;
    const template = templateOfPayload(task.payload);
    const facts = await store.getSendFacts({
      accountId: task.accountId, numberId: task.numberId, wabaId: number.wabaId, to: task.to, needsWindow: type !== 'template',
      ...(template ? { template: { name: template.name, language: template.language } } : {}),
    });
    const { optedOutAt, lastInboundAt, templatesKnown } = facts;
    const decision = runDuePreflight({ to: task.to, type, template, optedOutAt, lastInboundAt, templatesKnown, templateRecord: facts.template }, now);
    return decision.kind === 'refuse' ? decision.error : undefined;
  };
}
