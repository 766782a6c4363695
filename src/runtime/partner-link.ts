/**
 * The messages a serving process and its background process exchange over their IPC channel (node's `fork`): wake-ups
 * in both directions, and the serving process's asks for the partner's metrics. One definition, read by both ends.
 */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { WAKE_TOPICS, type WakeTopic } from './wake-ups.js';

export type PartnerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export type PartnerMessage =
  | { readonly kind: 'wake'; readonly topic: WakeTopic }
  | { readonly kind: 'metrics-ask'; readonly ask: number }
  | { readonly kind: 'metrics'; readonly ask: number; readonly metrics: PartnerMetrics }
  /** The background process has started its work: the serving process may report itself ready. */
  | { readonly kind: 'started' };

/** The part of a child process, or of `process` in the child, that carries messages. */
export interface PartnerChannel {
  send?(message: PartnerMessage): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  readonly connected?: boolean;
}

export function isPartnerMessage(value: unknown): value is PartnerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { kind?: unknown; topic?: unknown };
  if (message.kind === 'wake') return (WAKE_TOPICS as readonly unknown[]).includes(message.topic);
  return message.kind === 'metrics-ask' || message.kind === 'metrics' || message.kind === 'started';
}

/** Sends when the channel is open; a message to a partner that is gone is dropped (a wake-up only saves a poll). */
export function sendToPartner(channel: PartnerChannel | undefined, message: PartnerMessage): void {
  if (!channel?.send || channel.connected === false) return;
  try {
    channel.send(message);
  } catch {
    // The channel closed between the check and the send: the partner is going away.
  }
}
