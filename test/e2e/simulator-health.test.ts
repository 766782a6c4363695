// The simulator's health triggers over its /_sim routes: Meta's webhooks for number quality, account restrictions
// (and the 368 its sends then answer), template quality with a pause, and template category changes and notices.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/simulator/testing/harness.js';
import { expectAccepted } from '../../src/simulator/testing/expect-graph.js';

let h: Harness;
afterEach(async () => h?.close());

const simPost = async (path: string, body: unknown) => {
  const res = await fetch(`${h.sim.url}/_sim/health/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const templateTo = (to: string) => ({ to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
const textTo = (to: string) => ({ to, type: 'text', text: { body: 'hi' } });

describe('simulator health triggers', () => {
  it('posts phone_number_quality_update with the tier as max_daily_conversations_per_business', async () => {
    h = await startHarness();
    expect((await simPost('number-quality', { phoneNumberId: h.phoneNumberId, event: 'DOWNGRADE', tier: 'TIER_250' })).status).toBe(200);
    await h.hooks.waitFor(() => h.hooks.changes('phone_number_quality_update').length === 1);
    expect(h.hooks.changes('phone_number_quality_update')).toEqual([{ display_phone_number: '15550001111', event: 'DOWNGRADE', max_daily_conversations_per_business: 'TIER_250' }]);
    expect(h.hooks.received[0]!.body.entry[0]!.id).toBe(h.wabaId);
  });

  it('restricts business-initiated sends with 368 and an account_update, and lifts both', async () => {
    h = await startHarness();
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello' });
    const expiration = Date.parse('2030-01-01T00:00:00Z');
    await simPost('restrict', { wabaId: h.wabaId, restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration }] });
    const refused = await h.send(templateTo('15550102001'));
    expect([refused.status, refused.body.error.code]).toEqual([403, 368]);
    await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: '15550102002', text: 'hello' });
    expectAccepted(await h.send(textTo('15550102002')));
    await simPost('lift', { wabaId: h.wabaId });
    expectAccepted(await h.send(templateTo('15550102001')));
    await h.hooks.waitFor(() => h.hooks.changes('account_update').length === 2);
    expect(h.hooks.changes('account_update')).toEqual([
      { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: '2030-01-01T00:00:00+0000' }] },
      { event: 'ACCOUNT_RESTRICTION', restriction_info: [] },
    ]);
  });

  it('pauses a template after a quality drop, and posts category changes and notices', async () => {
    h = await startHarness();
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello' });
    await simPost('template-quality', { wabaId: h.wabaId, name: 'hello_world', quality: 'RED', pause: true });
    const paused = await h.send(templateTo('15550102003'));
    expect([paused.status, paused.body.error.code]).toEqual([400, 132015]);
    await simPost('template-category', { wabaId: h.wabaId, name: 'hello_world', category: 'MARKETING', noticeAt: Date.parse('2030-01-01T00:00:00Z') });
    await simPost('template-category', { wabaId: h.wabaId, name: 'hello_world', category: 'MARKETING' });
    await h.hooks.waitFor(() => h.hooks.changes('template_category_update').length === 2);
    const key = { message_template_id: expect.any(Number), message_template_name: 'hello_world', message_template_language: 'en_US' };
    expect(h.hooks.changes('message_template_quality_update')).toEqual([{ ...key, previous_quality_score: 'GREEN', new_quality_score: 'RED' }]);
    expect(h.hooks.changes('message_template_status_update')).toEqual([expect.objectContaining({ event: 'PAUSED', reason: 'LOW_QUALITY' })]);
    expect(h.hooks.changes('template_category_update')).toEqual([
      { ...key, correct_category: 'MARKETING', new_category: 'UTILITY', category_update_timestamp: 1893456000 },
      { ...key, previous_category: 'UTILITY', new_category: 'MARKETING' },
    ]);
  });

  it('posts the health triggers of a scenario file', async () => {
    h = await startHarness();
    const yaml = `health:\n  - numberQuality: { phoneNumberId: "${h.phoneNumberId}", event: FLAGGED }\n  - restrict: { wabaId: "${h.wabaId}", restrictions: [{ type: RESTRICTED_CUSTOMER_INITIATED_MESSAGING }] }\n`;
    const loaded = await fetch(`${h.sim.url}/_sim/scenario`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: yaml });
    expect(loaded.status).toBe(200);
    await h.hooks.waitFor(() => h.hooks.changes('account_update').length === 1);
    expect(h.hooks.changes('phone_number_quality_update')).toEqual([{ display_phone_number: '15550001111', event: 'FLAGGED' }]);
    const unknown = await fetch(`${h.sim.url}/_sim/scenario`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ health: [{ quality: {} }] }) });
    expect(unknown.status).toBe(400);
  });

  it('answers an admin mistake with a plain 400', async () => {
    h = await startHarness();
    expect(await simPost('restrict', { wabaId: h.wabaId, restrictions: [] })).toEqual({ status: 400, body: { error: expect.stringMatching(/must not be empty/) } });
  });
});
