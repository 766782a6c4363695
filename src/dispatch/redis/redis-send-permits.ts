/**
 * Send permits in Redis, shared by every gateway process that sends for the same numbers. Each decision is one
 * atomic script (send-permit-scripts.ts). When Redis cannot be asked, nothing is granted: the number waits and asks
 * again, so an outage pauses sending instead of sending without limits.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ServiceHealth } from '../../runtime/redis.js';
import { callCapOf } from '../../domain/call-window.js';
import { callWindowMsOf, numberPaceOf, type RatePermitConfig } from '../rate-permit.js';
import type { SendPermit, SendPermits } from '../send-permits.js';
import { CLAIM_CALL_SLOT, TAKE_SEND_PERMITS } from './send-permit-scripts.js';

/** How long a number waits before asking an unreachable Redis again. */
export const UNAVAILABLE_RETRY_MS = 250;

const LOST_CONNECTION = new Set(['close', 'reconnecting', 'end']);
const REFUSED_BY = [undefined, 'pair', 'number'] as const;

/** The scripts as ioredis commands: EVALSHA, and the script itself again when the server no longer knows it. */
interface PermitCommands {
  takeSendPermits(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
  claimCallSlot(callsKey: string, cap: number, windowMs: number, member: string): Promise<number>;
}

export interface RedisSendPermitsOptions {
  readonly client: Redis;
  /** Starts every key, so deployments and tests can share one Redis. */
  readonly prefix: string;
  readonly config: RatePermitConfig;
}

export class RedisSendPermits implements SendPermits {
  private readonly commands: PermitCommands;
  private readonly caller = randomBytes(6).toString('base64url');
  private calls = 0;
  /** Why the latest decision could not be made; undefined once one was made again. */
  private failure: string | undefined;

  constructor(private readonly options: RedisSendPermitsOptions) {
    const { client } = options;
    client.defineCommand('takeSendPermits', { lua: TAKE_SEND_PERMITS });
    client.defineCommand('claimCallSlot', { numberOfKeys: 1, lua: CLAIM_CALL_SLOT });
    this.commands = client as unknown as PermitCommands;
  }

  /** One hash tag per number keeps all of a number's keys in one slot of a Redis cluster. */
  private key(numberId: string, part: string): string {
    return `${this.options.prefix}permits:{${numberId}}:${part}`;
  }

  async take(numberId: string, perSecond: number, recipients: readonly string[]): Promise<SendPermit[]> {
    if (recipients.length === 0) return [];
    const { config } = this.options;
    const pace = numberPaceOf(perSecond, false, config);
    const slowed = numberPaceOf(perSecond, true, config);
    const keys = [this.key(numberId, 'pace'), this.key(numberId, 'slow'), ...recipients.map((to) => this.key(numberId, `pair:${to}`))];
    const args = [pace.intervalMs, pace.burst, slowed.intervalMs, slowed.burst, config.pairIntervalMs, config.pairBurst];
    const flat = await this.decide(() => this.commands.takeSendPermits(keys.length, ...keys, ...args));
    if (flat === undefined) return [{ granted: false, waitMs: UNAVAILABLE_RETRY_MS, limitedBy: 'unavailable' }];
    const answers: SendPermit[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const refusedBy = REFUSED_BY[flat[i] as 0 | 1 | 2];
      answers.push(refusedBy === undefined ? { granted: true } : { granted: false, waitMs: flat[i + 1] as number, limitedBy: refusedBy });
    }
    return answers;
  }

  async slowDown(numberId: string): Promise<void> {
    await this.options.client.set(this.key(numberId, 'slow'), '1', 'PX', this.options.config.slowForMs);
  }

  async claimCallSlot(numberId: string, perSecond: number): Promise<number> {
    const cap = callCapOf(perSecond, this.options.config.callCapShare);
    this.calls += 1;
    const wait = await this.decide(() => this.commands.claimCallSlot(this.key(numberId, 'calls'), cap, callWindowMsOf(this.options.config), `${this.caller}:${this.calls}`));
    return wait ?? UNAVAILABLE_RETRY_MS;
  }

  /** Whether the latest decision could be made: a script that fails where Redis answers PING shows here. */
  status(): ServiceHealth {
    return this.failure === undefined ? { ok: true } : { ok: false, reason: `send permits cannot be decided: ${this.failure}` };
  }

  private async decide<T>(script: () => Promise<T>): Promise<T | undefined> {
    // Connection lost: refuse at once rather than wait out a command timeout in the dispatcher's loop. A first
    // connection still being made is waited for (within the command timeout).
    if (LOST_CONNECTION.has(this.options.client.status)) {
      this.failure = `the Redis connection is ${this.options.client.status}`;
      return undefined;
    }
    try {
      const answer = await script();
      this.failure = undefined;
      return answer;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }
}
