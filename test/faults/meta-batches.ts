/**
 * Meta webhook batches as the fault suite sends them: good status and message items mixed with malformed ones, items
 * dated far in the future, and whole bodies that are not what Meta sends. Each good item says what it must change.
 */
import { MAX_JSON_DEPTH } from '../../src/domain/json-depth.js';
import type { Random } from './fault-random.js';

export interface BatchTarget {
  readonly wabaId: string;
  readonly phoneNumberId: string;
  /** Messages already sent, by wamid. */
  readonly wamids: readonly string[];
}

/** What the good items of a batch must have changed once applied. */
export interface Expectations {
  /** wamid → the furthest status a good item reported. */
  readonly statuses: Map<string, 'delivered' | 'read'>;
  /** Customers whose good message must have opened a window. */
  readonly writers: Set<string>;
  /** Customers who wrote only with a far-future timestamp: no window may stay open for them past a day from now. */
  readonly farFutureWriters: Set<string>;
  /** Every good customer message's wamid: one message.received each. */
  readonly received: Set<string>;
}

export function newExpectations(): Expectations {
  return { statuses: new Map(), writers: new Set(), farFutureWriters: new Set(), received: new Set() };
}

const FAR_FUTURE = ['99999999999999', '4102444800', '1e12', '253402300800'];

const nowSeconds = () => String(Math.floor(Date.now() / 1000));
/** Nested as deep as a readable body may be: an odd item, not a body too deep to read (those are in ODD_BODIES). */
const deep = (): unknown => JSON.parse('['.repeat(MAX_JSON_DEPTH - 12) + ']'.repeat(MAX_JSON_DEPTH - 12));

type ItemMaker = (random: Random, target: BatchTarget, expect: Expectations, n: string) => { statuses?: unknown[]; messages?: unknown[] };

/** Good items, each recorded in the expectations. */
const GOOD: readonly ItemMaker[] = [
  (random, target, expect) => {
    const wamid = random.pick(target.wamids);
    const status = random.pick(['delivered', 'read'] as const);
    if (status === 'read' || !expect.statuses.has(wamid)) expect.statuses.set(wamid, status);
    return { statuses: [{ id: wamid, status, timestamp: nowSeconds(), recipient_id: '4915100000000' }] };
  },
  (random, _target, expect, n) => {
    const from = `49151600${String(random.int(10_000)).padStart(4, '0')}`;
    const id = `wamid.in-${n}`;
    expect.writers.add(from);
    expect.farFutureWriters.delete(from);
    expect.received.add(id);
    return { messages: [{ from, id, timestamp: nowSeconds(), type: 'text', text: { body: `hello ${n}` } }] };
  },
];

/** Malformed or odd items: none may fail the batch, none may change what the good items set. */
const BAD: readonly ItemMaker[] = [
  () => ({ statuses: [{ status: 'delivered', timestamp: nowSeconds() }] }),
  (random) => ({ statuses: [{ id: random.int(1e9), status: 'read', timestamp: nowSeconds() }] }),
  (random, target) => ({ statuses: [{ id: random.pick(target.wamids), status: random.pick(['played', '', null, 7, 'DELIVERED']), timestamp: nowSeconds() }] }),
  (random, target) => ({ statuses: [{ id: random.pick(target.wamids), status: 'sent', timestamp: random.pick(['abc', '-1', '', null, {}, '1e999', 1e308]) }] }),
  (random, target) => ({ statuses: [{ id: random.pick(target.wamids), status: 'sent', timestamp: random.pick(FAR_FUTURE), errors: random.pick(['x', [null], [{ code: 'abc' }], [{ code: '1e999' }], {}]) }] }),
  (random) => ({ statuses: [{ id: `wamid.unknown-${random.int(1e9)}`, status: 'failed', timestamp: nowSeconds(), errors: [{ code: 131026, title: 'x' }] }] }),
  () => ({ messages: [{ id: 'wamid.no-from', timestamp: nowSeconds(), type: 'text', text: { body: 'x' } }] }),
  (_random, _target, _expect, n) => ({ messages: [{ id: `wamid.bad-from-${n}`, from: { wa_id: 'x' }, timestamp: nowSeconds(), type: 'text' }] }),
  (random, _target, expect, n) => {
    const from = `49151700${String(random.int(10_000)).padStart(4, '0')}`;
    if (!expect.writers.has(from)) expect.farFutureWriters.add(from);
    return { messages: [{ from, id: `wamid.future-${n}`, timestamp: random.pick(FAR_FUTURE), type: 'text', text: { body: 'from the future' } }] };
  },
  (random, _target, _expect, n) => ({ messages: [{ from: '4915180000000', id: `wamid.odd-${n}`, timestamp: nowSeconds(), type: random.pick(['unknown', '', 'image']), text: random.pick([{ body: 'x'.repeat(100_000) }, 'x', null, { body: 7 }]) }] }),
  (random) => ({ statuses: random.pick([[null], ['string'], [[1, 2]], [deep()]]) }),
  (random) => ({ messages: random.pick([[null], [42], [deep()]]) }),
];

/** A `messages` change; a bad item's may itself be malformed or about something else. */
function change(value: unknown, bad: boolean, random: Random): unknown {
  if (!bad || random.chance(0.7)) return { field: 'messages', value };
  return random.pick([{ field: 'messages', value: null }, { field: 'unknown_field', value }, { value }, null, 'x']);
}

/** A batch of `size` items in one entry, about a third of them bad; batch 0 holds every kind of item once. */
export function batchBody(random: Random, target: BatchTarget, expect: Expectations, batch: number, size: number): string {
  const kinds = batch === 0 ? [...GOOD.map((make) => ({ make, bad: false })), ...BAD.map((make) => ({ make, bad: true }))] : Array.from({ length: size }, () => {
    const bad = random.chance(0.35);
    return { make: random.pick(bad ? BAD : GOOD), bad };
  });
  const changes = kinds.map(({ make, bad }, i) => {
    const items = make(random, target, expect, `${batch}-${i}`);
    const metadata = { display_phone_number: '15550100', phone_number_id: target.phoneNumberId };
    return change({ messaging_product: 'whatsapp', metadata, ...(items.messages ? { contacts: [{ profile: { name: 'Fault' }, wa_id: '4915100000000' }] } : {}), ...items }, bad, random);
  });
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: target.wabaId, changes }] });
}

/** Signed bodies that are not a batch at all. */
export const ODD_BODIES: readonly string[] = [
  'not json', 'null', '[]', '{}', '{"entry":"x"}', '{"entry":[{"changes":"x"}]}', '{"entry":[null,1,"a"]}',
  '['.repeat(20_000) + ']'.repeat(20_000), '{"entry":[{"id":1e999,"changes":[{"field":"messages","value":{"statuses":[{"id":"w","status":"read","timestamp":1e999}]}}]}]}',
  '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"999"},"statuses":[{"id":"w","status":"read","timestamp":"1"}]}}]}]}',
  '\u0000\u0001\u0002', '',
];
