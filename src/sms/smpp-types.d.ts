/** The part of the `smpp` package (which ships no types) that the SMS channel and the SMSC simulator use. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A PDU as the package decodes it: its header plus the command's fields by their SMPP names. */
  export interface Pdu {
    readonly command: string;
    readonly command_status: number;
    readonly sequence_number: number;
    readonly [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Readonly<Record<string, unknown>>): Pdu;
  }

  export type PduCallback = (pdu: Pdu) => void;

  export interface Session extends EventEmitter {
    readonly socket: Socket;
    send(pdu: Pdu, onResponse?: PduCallback): boolean;
    bind_transceiver(options: Readonly<Record<string, unknown>>, onResponse: PduCallback): boolean;
    submit_sm(options: Readonly<Record<string, unknown>>, onResponse: PduCallback): boolean;
    deliver_sm(options: Readonly<Record<string, unknown>>, onResponse?: PduCallback): boolean;
    enquire_link(options: Readonly<Record<string, unknown>>, onResponse: PduCallback): boolean;
    unbind(options: Readonly<Record<string, unknown>>, onResponse?: PduCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  }

  export interface Server extends NetServer {
    readonly sessions: Session[];
  }

  export function connect(options: { readonly host: string; readonly port: number }, onConnect?: () => void): Session;
  export function createServer(onSession: (session: Session) => void): Server;

  const smpp: { connect: typeof connect; createServer: typeof createServer };
  export default smpp;
}
