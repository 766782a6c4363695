/** The SMSC simulator's part of `switchboard simulate`: its flags and how they start it. */
import { InvalidArgumentError, type Command } from 'commander';
import { parseFault, type SmscFault } from '../simulator/smsc/smsc-rules.js';
import { startSmscSimulator, type SmscSimulator } from '../simulator/smsc/smsc-simulator.js';

export interface SmscFlags {
  smscPort?: number;
  smscAccount: string[];
  smscFault: string[];
  smscThrottle?: number;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function fault(spec: string): SmscFault {
  const parsed = parseFault(spec);
  if (parsed === undefined) throw new InvalidArgumentError(`--smsc-fault ${spec}: write <recipient regex>=absent|memory|congestion:<tries>|status:<n>|receipt:<STAT>:<reason>`);
  return parsed;
}

function account(spec: string): { systemId: string; password: string } {
  const at = spec.indexOf(':');
  if (at <= 0) throw new InvalidArgumentError(`--smsc-account ${spec}: write <system_id>:<password>`);
  return { systemId: spec.slice(0, at), password: spec.slice(at + 1) };
}

type IntegerFlag = (name: string, min: number, max: number) => (value: string) => number;

export function smscOptions(command: Command, integer: IntegerFlag): Command {
  return command
    .option('--smsc-port <port>', 'also run the SMSC simulator (SMPP 3.4) on this port (0 = any free port)', integer('--smsc-port', 0, 65_535))
    .option('--smsc-account <id:password>', 'an SMPP account the SMSC simulator accepts (repeatable; default switchboard:secret)', collect, [])
    .option('--smsc-fault <regex=kind>', 'SMSC fault by recipient: absent, memory, congestion:<tries>, status:<n>, receipt:<STAT>:<reason> (repeatable)', collect, [])
    .option('--smsc-throttle <n>', 'answer ESME_RTHROTTLED above n submits per second per account', integer('--smsc-throttle', 1, 100_000));
}

/** Starts the SMSC simulator when --smsc-port was given; prints where it listens and whom it accepts. */
export async function startSmscFromFlags(flags: SmscFlags, host: string): Promise<SmscSimulator | undefined> {
  if (flags.smscPort === undefined) return undefined;
  const accounts = (flags.smscAccount.length > 0 ? flags.smscAccount : ['switchboard:secret']).map(account);
  const sim = await startSmscSimulator({
    host, port: flags.smscPort, accounts, faults: flags.smscFault.map(fault),
    ...(flags.smscThrottle === undefined ? {} : { maxSubmitsPerSecond: flags.smscThrottle }),
  });
  console.log(`SMSC simulator listening on smpp://${sim.host}:${sim.port} (system ids: ${accounts.map((a) => a.systemId).join(', ')})`);
  return sim;
}
