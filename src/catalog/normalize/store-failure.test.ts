/** Which failures of the gateway's own database read as "not now" (store_unavailable), and which stay internal. */
import { describe, expect, it } from 'vitest';
import { normalizeStoreFailure } from '../normalize.js';

const coded = (code: string, message = 'failure') => Object.assign(new Error(message), { code });

describe('normalizeStoreFailure', () => {
  it.each([
    ['SQLite busy past busy_timeout', coded('SQLITE_BUSY', 'database is locked'), 'busy'],
    ['SQLite busy snapshot', coded('SQLITE_BUSY_SNAPSHOT'), 'busy'],
    ['SQLite write I/O error', coded('SQLITE_IOERR_WRITE', 'disk I/O error'), 'cannot reach'],
    ['SQLite file cannot be opened', coded('SQLITE_CANTOPEN'), 'cannot reach'],
    ['PostgreSQL statement timeout', coded('57014', 'canceling statement due to statement timeout'), 'ran past its timeout'],
    ['PostgreSQL lock timeout', coded('55P03'), 'busy'],
    ['PostgreSQL too many connections', coded('53300'), 'busy'],
    ['PostgreSQL shutting down', coded('57P01', 'terminating connection due to administrator command'), 'cannot reach'],
    ['PostgreSQL connection failure', coded('08006'), 'cannot reach'],
    ['refused connect, one failure per address', new AggregateError([coded('ECONNREFUSED')], ''), 'cannot reach'],
    ['connection lost mid-query', new Error('Connection terminated unexpectedly'), 'cannot reach'],
    ['no free pooled connection in time', new Error('timeout exceeded when trying to connect'), 'cannot reach'],
  ])('%s → store_unavailable', (_name, error, says) => {
    const mapped = normalizeStoreFailure(error);
    expect(mapped?.entry.code).toBe('store_unavailable');
    expect(mapped?.entry.httpStatus).toBe(503);
    expect(mapped?.retryAfterSeconds).toBeGreaterThan(0);
    expect(mapped?.detail).toContain(says);
    // The driver's words can name hosts and files: they stay in the cause, for the log.
    expect(mapped?.detail).not.toContain((error as Error).message || '\u0000');
  });

  it.each([
    ['a unique violation on SQLite', coded('SQLITE_CONSTRAINT_UNIQUE')],
    ['a unique violation on PostgreSQL', coded('23505')],
    ['a syntax error', coded('42601')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('%s stays an internal error', (_name, error) => {
    expect(normalizeStoreFailure(error)).toBeUndefined();
  });
});
