/** SMPP command_status values an SMS centre answers a bind or submit with, sorted onto catalog entries. */
import type { GatewayCode } from '../entries/gateway.js';
import { gatewayError, type SwitchboardError } from '../switchboard-error.js';

/** The SMPP 3.4 names of the statuses we tell apart, for the upstream record. */
const NAMES: Readonly<Record<number, string>> = {
  0x01: 'ESME_RINVMSGLEN', 0x04: 'ESME_RINVBNDSTS', 0x05: 'ESME_RALYBND', 0x08: 'ESME_RSYSERR', 0x0a: 'ESME_RINVSRCADR',
  0x0b: 'ESME_RINVDSTADR', 0x0d: 'ESME_RBINDFAIL', 0x0e: 'ESME_RINVPASWD', 0x0f: 'ESME_RINVSYSID', 0x14: 'ESME_RMSGQFUL',
  0x45: 'ESME_RSUBMITFAIL', 0x48: 'ESME_RINVSRCTON', 0x49: 'ESME_RINVSRCNPI', 0x50: 'ESME_RINVDSTTON', 0x51: 'ESME_RINVDSTNPI',
  0x53: 'ESME_RINVSYSTYP', 0x58: 'ESME_RTHROTTLED', 0xfe: 'ESME_RDELIVERYFAILURE', 0xff: 'ESME_RUNKNOWNERR',
};

const CODES: Readonly<Record<number, GatewayCode>> = {
  0x14: 'smsc_throttled', 0x58: 'smsc_throttled',
  0x0b: 'invalid_phone_number', 0x50: 'invalid_phone_number', 0x51: 'invalid_phone_number',
  0x0a: 'invalid_sender', 0x48: 'invalid_sender', 0x49: 'invalid_sender',
  0x0d: 'smsc_bind_refused', 0x0e: 'smsc_bind_refused', 0x0f: 'smsc_bind_refused', 0x53: 'smsc_bind_refused',
  0x04: 'smsc_unavailable',
};

export function smppStatusName(status: number): string {
  return NAMES[status] ?? `0x${status.toString(16).padStart(8, '0')}`;
}

/** The error a non-zero command_status stands for; the status itself is kept as the upstream code. */
export function normalizeSmppStatus(status: number, command: string): SwitchboardError {
  const name = smppStatusName(status);
  return gatewayError(CODES[status] ?? 'smsc_submit_refused', {
    detail: `The SMS centre answered ${command} with ${name}.`,
    upstream: { code: status, message: name },
  });
}
