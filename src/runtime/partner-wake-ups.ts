/**
 * Wake-ups shared with a partner process over IPC: each signal reaches this process's listeners and is forwarded to the
 * partner, whose own signals arrive here. It replaces in-process wake-ups where a serving process and its background
 * process share one SQLite file, which has no notification of its own.
 */
import { isPartnerMessage, sendToPartner, type PartnerChannel } from './partner-link.js';
import { LocalWakeUps, type WakeListener, type WakeTopic, type WakeUps } from './wake-ups.js';

export class PartnerWakeUps implements WakeUps {
  private readonly local = new LocalWakeUps();
  private channel: PartnerChannel | undefined;
  private readonly onMessage = (message: unknown): void => {
    if (isPartnerMessage(message) && message.kind === 'wake') this.local.signal(message.topic);
  };

  /** Forwards to, and listens to, `channel` from now on (a restarted partner brings a new one). */
  attach(channel: PartnerChannel): void {
    this.detach();
    this.channel = channel;
    channel.on('message', this.onMessage);
  }

  detach(): void {
    this.channel?.off('message', this.onMessage);
    this.channel = undefined;
  }

  signal(topic: WakeTopic): void {
    this.local.signal(topic);
    sendToPartner(this.channel, { kind: 'wake', topic });
  }

  on(topic: WakeTopic, listener: WakeListener): () => void {
    return this.local.on(topic, listener);
  }

  async close(): Promise<void> {
    this.detach();
    await this.local.close();
  }
}
