/**
 * The port the dispatcher asks before each send: pace permits (number and recipient pair, both or neither), the
 * slow-down after Meta throttles a number, and the hard per-second cap on calls. In one process's memory by default
 * (memory-send-permits.ts), or in Redis so that every gateway process sharing a number shares its limits
 * (redis/redis-send-permits.ts). Waits are relative milliseconds, so processes whose clocks disagree still agree.
 */

/**
 * A refusal says who refused: the recipient pair (other recipients may go), the whole number, or nobody could be
 * asked (the shared limits are unreachable), which stops the number like a number refusal: no permit, no send.
 */
export type SendPermit =
  | { readonly granted: true }
  | { readonly granted: false; readonly waitMs: number; readonly limitedBy: 'pair' | 'number' | 'unavailable' };

export interface SendPermits {
  /**
   * Decides, in order and at one instant, the jobs at the head of one number's queue (one recipient each). A job
   * refused by its pair does not use the number's pace. The answer stops after the first refusal by the number (or
   * the first `unavailable`), so it may be shorter than `recipients`.
   */
  take(numberId: string, perSecond: number, recipients: readonly string[]): Promise<SendPermit[]>;
  /** Meta said slow down: the number's pace is lowered for a while. */
  slowDown(numberId: string): Promise<void>;
  /** Records a call about to leave and answers 0, or answers the milliseconds to wait before asking again. */
  claimCallSlot(numberId: string, perSecond: number): Promise<number>;
}
