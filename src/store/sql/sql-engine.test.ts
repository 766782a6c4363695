// The engine's own differences, once per engine: transactions commit or roll back whole, JSON updates, transitions.
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/helpers/engines.js';
import { transitionQuery } from './message-transition.js';

describeEachEngine('SqlEngine', (current) => {
  const message = (id: string) => ({
    id, account_id: 'acct_1', number_id: 'num_1', recipient: '15550001111', type: 'text', status: 'accepted', payload: '{}',
    status_times: JSON.stringify({ accepted: 1 }), wamid: null, error: null, created_at: 1, updated_at: 1,
  });

  it('commits a transaction whole and answers what its work answered', async () => {
    const { engine } = current();
    const answer = await engine.transaction(async (trx) => {
      await trx.insertInto('messages').values(message('msg_commit')).execute();
      return 'done';
    });
    expect(answer).toBe('done');
    expect(await engine.db.selectFrom('messages').select('id').where('id', '=', 'msg_commit').executeTakeFirst()).toBeDefined();
  });

  it('rolls back every statement of a transaction whose work rejects', async () => {
    const { engine } = current();
    await expect(engine.transaction(async (trx) => {
      await trx.insertInto('messages').values(message('msg_rollback')).execute();
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(await engine.db.selectFrom('messages').select('id').where('id', '=', 'msg_rollback').executeTakeFirst()).toBeUndefined();
  });

  it('keeps an atomic group out of a transaction still open, so that transaction\u2019s rollback cannot take the group with it', async () => {
    const { engine } = current();
    let opened!: () => void;
    let fail!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const failing = new Promise<void>((resolve) => (fail = resolve));
    const transaction = engine.transaction(async (trx) => {
      await trx.insertInto('messages').values(message('msg_in_rolled_back')).execute();
      opened();
      await failing;
      throw new Error('refused');
    });
    await open;
    const group = engine.runAtomically([engine.db.insertInto('messages').values(message('msg_beside')).compile()]);
    fail();
    await expect(transaction).rejects.toThrow('refused');
    await group;
    const ids = await engine.db.selectFrom('messages').select('id').where('id', 'in', ['msg_in_rolled_back', 'msg_beside']).execute();
    expect(ids).toEqual([{ id: 'msg_beside' }]);
  });

  it('moves a message only from the states its event leaves, keeping every earlier status time', async () => {
    const { engine } = current();
    await engine.db.insertInto('messages').values(message('msg_move')).execute();
    const sent = await transitionQuery(engine, engine.db, 'status_sent', { id: 'msg_move', now: 5, wamid: 'wamid.1' }).executeTakeFirst();
    expect(sent.numUpdatedRows).toBe(1n);
    const again = await transitionQuery(engine, engine.db, 'status_sent', { id: 'msg_move', now: 6, wamid: 'wamid.2' }).executeTakeFirst();
    expect(again.numUpdatedRows).toBe(0n);
    const row = await engine.db.selectFrom('messages').selectAll().where('id', '=', 'msg_move').executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
    expect(row.wamid).toBe('wamid.1');
    expect(JSON.parse(row.status_times)).toEqual({ accepted: 1, sent: 5 });
  });
});
