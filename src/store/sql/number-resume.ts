/**
 * A number paused because Meta refused its token resumes when the token is replaced, in the same transaction as the
 * replacement: the number is released and, once no other number of its account is still paused, the account (marked
 * disconnected by that refusal) is reconnected and says so with its event. Each statement's condition reads the rows
 * as they are before the statements that follow it, so the three agree on whether this replacement resumed anything.
 */
import { expressionBuilder, type CompiledQuery, type Kysely } from 'kysely';
import { accountReconnectedEvent } from '../../domain/events.js';
import { newId } from '../ids.js';
import type { Database } from './schema.js';

export function resumeAfterTokenReplaced(db: Kysely<Database>, numberId: string, accountId: string | null, now: number): CompiledQuery[] {
  const release = db.updateTable('phone_numbers').set({ paused: 0, held_until: null, hold_error: null }).where('id', '=', numberId).where('paused', '=', 1);
  if (accountId === null) return [release.compile()];
  const event = accountReconnectedEvent(accountId, numberId);
  const eb = expressionBuilder<Database, never>();
  const resumesAccount = eb.and([
    eb.exists(eb.selectFrom('phone_numbers').select('id').where('id', '=', numberId).where('paused', '=', 1)),
    eb.exists(eb.selectFrom('accounts').select('id').where('id', '=', accountId).where('disconnected_at', 'is not', null)),
    eb.not(eb.exists(eb.selectFrom('phone_numbers').select('id').where('account_id', '=', accountId).where('paused', '=', 1).where('id', '<>', numberId))),
  ]);
  const announce = db.insertInto('events')
    .columns(['id', 'account_id', 'type', 'subject_id', 'payload', 'created_at'])
    .expression(db.selectNoFrom((select) => [
      select.val(newId('evt', now)).as('id'), select.val(accountId).as('account_id'), select.val(event.type).as('type'),
      select.val(event.subjectId).as('subject_id'), select.val(JSON.stringify(event.data)).as('payload'), select.val(now).as('created_at'),
    ]).where(resumesAccount));
  const reconnect = db.updateTable('accounts').set({ disconnected_at: null, updated_at: now }).where('id', '=', accountId).where(resumesAccount);
  return [announce.compile(), reconnect.compile(), release.compile()];
}
