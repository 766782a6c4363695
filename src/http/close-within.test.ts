import { connect } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { closeWithin } from './close-within.js';

describe('closeWithin', () => {
  it('ends a close that a client holding a request open would otherwise keep waiting', async () => {
    const app = Fastify();
    app.post('/hold', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    const socketClosed = new Promise<void>((done) => socket.on('close', () => done()));
    await new Promise<void>((done) => socket.once('connect', () => done()));
    // Headers promise a body that never comes: the request stays in flight.
    socket.write('POST /hold HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((done) => setTimeout(done, 50));

    let closed = false;
    const closing = closeWithin(app, 200).then(() => (closed = true));
    await new Promise((done) => setTimeout(done, 100));
    expect(closed).toBe(false);
    await closing;
    await socketClosed;
    expect(closed).toBe(true);
  });

  it('closes at once when nothing is in flight', async () => {
    const app = Fastify();
    await app.listen({ host: '127.0.0.1', port: 0 });
    let cut = false;
    app.server.closeAllConnections = () => void (cut = true);
    await closeWithin(app, 60_000);
    expect(cut).toBe(false);
  });
});
