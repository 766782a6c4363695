/**
 * The SMSC simulator: a real SMPP 3.4 server (the `smpp` package's server side) that accepts binds with credentials,
 * answers submit_sm with configurable command statuses, throttles above a rate, sends delivery receipts carrying the
 * seed's reason codes, and can drop every bind on demand. Tests and `npm start` connect real connectors to it.
 */
import smpp, { type Pdu, type Session } from 'smpp';
import { formatReceipt, MESSAGE_STATE_STATS, type ReceiptStat } from '../../domain/sms/receipt.js';
import { ESM_DELIVERY_RECEIPT, SMPP_STATUS, readConcatenation, type ConcatenationInfo } from '../../sms/smpp-wire.js';
import { answerSubmit, arrivalsInSecond, type SmscFault } from './smsc-rules.js';

export interface SmscAccount {
  readonly systemId: string;
  readonly password: string;
}

export interface SmscSimulatorOptions {
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly accounts: readonly SmscAccount[];
  readonly faults?: readonly SmscFault[];
  /** Submits per sliding second one system id may make before it is answered ESME_RTHROTTLED; absent = no limit. */
  readonly maxSubmitsPerSecond?: number;
  /** Delay before submit_sm is answered, in ms (a slow centre makes the connector's window matter). */
  readonly submitAnswerDelayMs?: number;
  /** Delay before a receipt is sent, in ms. */
  readonly receiptDelayMs?: number;
  readonly now?: () => number;
}

export interface RecordedSubmit {
  readonly at: number;
  readonly systemId: string;
  readonly from: string;
  readonly to: string;
  /** Empty when the submit was refused. */
  readonly messageId: string;
  readonly status: number;
  readonly dataCoding: number;
  readonly registeredDelivery: number;
  readonly text: string;
  readonly concatenation: ConcatenationInfo | undefined;
}

export interface SmscSimulator {
  readonly host: string;
  readonly port: number;
  /** Every submit_sm received, in arrival order. */
  readonly submits: readonly RecordedSubmit[];
  /** Bind attempts: system id and whether they were accepted. */
  readonly binds: readonly { readonly systemId: string; readonly accepted: boolean; readonly at: number }[];
  /** enquire_link requests received. */
  enquireLinks(): number;
  /** Lets one more account bind (the demo connector's, known only once the port is). */
  addAccount(account: SmscAccount): void;
  /** Sessions currently bound. */
  boundSessions(): number;
  /** The most submits one session had unanswered at once. */
  peakUnanswered(): number;
  setFaults(faults: readonly SmscFault[]): void;
  /** Answers the next `count` submits with ESME_RTHROTTLED, whatever the rate. */
  throttleNext(count: number): void;
  /** Cuts every connection at once, as a crashed or restarted SMS centre does. */
  dropBinds(): void;
  /** Makes the current connections answer nothing more, as a hung SMS centre does; new connections work. */
  hangBinds(): void;
  close(): Promise<void>;
}

interface BoundSession {
  readonly session: Session;
  readonly systemId: string;
}

type MessageField = { readonly message?: unknown; readonly udh?: readonly Buffer[] } | undefined;

export async function startSmscSimulator(options: SmscSimulatorOptions): Promise<SmscSimulator> {
  const now = options.now ?? Date.now;
  const accounts = [...options.accounts];
  let faults = options.faults ?? [];
  let enquireLinks = 0;
  const hung = new Set<Session>();
  let forcedThrottles = 0;
  let serial = 0;
  const submits: RecordedSubmit[] = [];
  const binds: { systemId: string; accepted: boolean; at: number }[] = [];
  const bound = new Set<BoundSession>();
  const arrivalsBySystem = new Map<string, number[]>();
  const triesByRecipient = new Map<string, number>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  const unanswered = new Map<Session, number>();
  /** Receipts due while no session of their system id was bound: kept for its next bind, as an SMS centre keeps them. */
  const heldReceipts = new Map<string, Record<string, unknown>[]>();
  let peak = 0;

  function later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      work();
    }, ms);
    pendingTimers.add(timer);
  }

  /** Answers a submit after the configured delay, counting what each session has waiting. */
  function answer(session: Session, response: Pdu): void {
    if (hung.has(session)) return;
    const waiting = (unanswered.get(session) ?? 0) + 1;
    unanswered.set(session, waiting);
    peak = Math.max(peak, waiting);
    later(options.submitAnswerDelayMs ?? 0, () => {
      unanswered.set(session, (unanswered.get(session) ?? 1) - 1);
      session.send(response);
    });
  }

  function throttled(systemId: string, at: number): boolean {
    const arrivals = arrivalsBySystem.get(systemId) ?? [];
    arrivals.push(at);
    arrivalsBySystem.set(systemId, arrivals.length > 10_000 ? arrivals.slice(-5_000) : arrivals);
    if (forcedThrottles > 0) {
      forcedThrottles -= 1;
      return true;
    }
    return options.maxSubmitsPerSecond !== undefined && arrivalsInSecond(arrivals, at) > options.maxSubmitsPerSecond;
  }

  /**
   * A receipt goes to the session that submitted, or to another bound session of the same system id, as SMS centres
   * do, or waits for that system id's next bind; it carries the text and the receipted_message_id and message_state TLVs.
   */
  function sendReceipt(to: { systemId: string; preferred: Session }, receipt: { messageId: string; stat: ReceiptStat; text: string }, sourceAddr: string, destAddr: string): void {
    const target = [...bound].find((b) => b.session === to.preferred) ?? [...bound].find((b) => b.systemId === to.systemId);
    const deliverSm = {
      source_addr: destAddr, destination_addr: sourceAddr, esm_class: ESM_DELIVERY_RECEIPT, short_message: receipt.text,
      receipted_message_id: receipt.messageId, message_state: MESSAGE_STATE_OF[receipt.stat],
    };
    if (target) target.session.deliver_sm(deliverSm);
    else heldReceipts.set(to.systemId, [...(heldReceipts.get(to.systemId) ?? []), deliverSm]);
  }

  function deliverHeldReceipts(to: BoundSession): void {
    const held = heldReceipts.get(to.systemId) ?? [];
    heldReceipts.delete(to.systemId);
    for (const deliverSm of held) to.session.deliver_sm(deliverSm);
  }

  function onSubmit(session: Session, systemId: string, pdu: Pdu): void {
    const at = now();
    const to = String(pdu.destination_addr ?? '');
    const from = String(pdu.source_addr ?? '');
    const field = pdu.short_message as MessageField;
    const base = {
      at, systemId, from, to, dataCoding: Number(pdu.data_coding ?? 0), registeredDelivery: Number(pdu.registered_delivery ?? 0),
      text: typeof field?.message === 'string' ? field.message : '', concatenation: readConcatenation(field?.udh),
    };
    if (throttled(systemId, at)) {
      submits.push({ ...base, messageId: '', status: SMPP_STATUS.throttled });
      answer(session, pdu.response({ command_status: SMPP_STATUS.throttled }));
      return;
    }
    const tries = triesByRecipient.get(to) ?? 0;
    const verdict = answerSubmit(faults, to, tries);
    if (verdict.kind === 'refuse') {
      submits.push({ ...base, messageId: '', status: verdict.status });
      answer(session, pdu.response({ command_status: verdict.status }));
      return;
    }
    // Congestion that clears counts messages, not segments: only a message's last segment counts as a try.
    if (base.concatenation === undefined || base.concatenation.seq === base.concatenation.total) triesByRecipient.set(to, tries + 1);
    serial += 1;
    const messageId = `smsc${String(serial).padStart(8, '0')}`;
    submits.push({ ...base, messageId, status: SMPP_STATUS.ok });
    answer(session, pdu.response({ message_id: messageId }));
    if ((base.registeredDelivery & 0x03) === 0) return;
    const stamp = smppDate(new Date(at));
    const receipt = formatReceipt({
      messageId, stat: verdict.stat, err: verdict.err, submitted: 1, delivered: verdict.stat === 'DELIVRD' ? 1 : 0,
      submitDate: stamp, doneDate: stamp, text: base.text,
    });
    later((options.submitAnswerDelayMs ?? 0) + (options.receiptDelayMs ?? 5), () =>
      sendReceipt({ systemId, preferred: session }, { messageId, stat: verdict.stat, text: receipt }, from, to));
  }

  function onSession(session: Session): void {
    let current: BoundSession | undefined;
    session.on('error', () => undefined);
    session.on('close', () => {
      if (current) bound.delete(current);
      unanswered.delete(session);
      hung.delete(session);
    });
    const bind = (pdu: Pdu): void => {
      const systemId = String(pdu.system_id ?? '');
      const account = accounts.find((a) => a.systemId === systemId);
      const status = account === undefined ? SMPP_STATUS.invalidSystemId : account.password !== String(pdu.password ?? '') ? SMPP_STATUS.invalidPassword : SMPP_STATUS.ok;
      binds.push({ systemId, accepted: status === SMPP_STATUS.ok, at: now() });
      session.send(pdu.response({ command_status: status, system_id: 'smscsim' }));
      if (status !== SMPP_STATUS.ok) {
        session.close();
        return;
      }
      current = { session, systemId };
      bound.add(current);
      deliverHeldReceipts(current);
    };
    session.on('bind_transceiver', bind);
    session.on('bind_transmitter', bind);
    session.on('enquire_link', (pdu: Pdu) => {
      enquireLinks += 1;
      if (!hung.has(session)) session.send(pdu.response());
    });
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: Pdu) => {
      if (current === undefined) session.send(pdu.response({ command_status: SMPP_STATUS.invalidBindStatus }));
      else onSubmit(session, current.systemId, pdu);
    });
  }

  const server = smpp.createServer(onSession);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMSC simulator has no TCP address');

  return {
    host: options.host ?? '127.0.0.1',
    port: address.port,
    submits,
    binds,
    boundSessions: () => bound.size,
    peakUnanswered: () => peak,
    enquireLinks: () => enquireLinks,
    addAccount: (account) => void accounts.push(account),
    setFaults: (next) => {
      faults = next;
    },
    throttleNext: (count) => {
      forcedThrottles = count;
    },
    dropBinds: () => {
      for (const s of [...server.sessions]) s.destroy();
    },
    hangBinds: () => {
      for (const s of server.sessions) hung.add(s);
    },
    close: async () => {
      for (const timer of pendingTimers) clearTimeout(timer);
      for (const s of [...server.sessions]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const MESSAGE_STATE_OF = Object.fromEntries(Object.entries(MESSAGE_STATE_STATS).map(([state, stat]) => [stat, Number(state)])) as Record<ReceiptStat, number>;

/** SMPP's receipt date: YYMMDDhhmm. */
function smppDate(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}
