/**
 * The background process's end of the link to the serving process that forked it: wake-ups both ways, its metrics on
 * request, the word that its work started, and an orderly stop when the serving process goes away (killed or not).
 */
import type { Registry } from 'prom-client';
import { isPartnerMessage, sendToPartner, type PartnerChannel } from './partner-link.js';
import { PartnerWakeUps } from './partner-wake-ups.js';

export interface ServingProcessLink {
  readonly wakeUps: PartnerWakeUps;
  /** Answers metric asks from `registry` and tells the serving process the work started. */
  started(registry: Registry): void;
}

/** The link when this process was forked as a background process (its IPC channel open), else undefined. */
export function linkToServingProcess(isBackground: boolean, onGone: () => void): ServingProcessLink | undefined {
  if (!isBackground || !process.send) return undefined;
  const channel = process as unknown as PartnerChannel;
  const wakeUps = new PartnerWakeUps();
  wakeUps.attach(channel);
  process.once('disconnect', onGone);
  return {
    wakeUps,
    started(registry) {
      channel.on('message', (message) => {
        if (!isPartnerMessage(message) || message.kind !== 'metrics-ask') return;
        void registry.getMetricsAsJSON().then((metrics) => sendToPartner(channel, { kind: 'metrics', ask: message.ask, metrics }));
      });
      sendToPartner(channel, { kind: 'started' });
    },
  };
}
