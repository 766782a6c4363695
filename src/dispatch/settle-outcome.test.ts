import { describe, expect, it } from 'vitest';
import { findEntry, gatewayEntry } from '../catalog/catalog.js';
import { SwitchboardError, gatewayError } from '../catalog/switchboard-error.js';
import { isOutage } from './settle-outcome.js';

const meta = (code: number, httpStatus?: number) => new SwitchboardError(findEntry('meta', code)!, httpStatus === undefined ? {} : { upstream: { httpStatus } });

describe('isOutage', () => {
  it.each([
    ['a timeout', gatewayError('upstream_timeout'), true],
    ['a refused connection', gatewayError('upstream_connection_failed'), true],
    ['an HTML 503 page', gatewayError('upstream_unavailable'), true],
    ['Meta 131000', meta(131000), true],
    ['Meta 2', meta(2), true],
    ['an unknown code answered with 500', new SwitchboardError(gatewayEntry('upstream_rejected'), { upstream: { httpStatus: 500 } }), true],
    ['a throttling answer (130429, HTTP 400)', meta(130429, 400), false],
    ['a template error (132000)', meta(132000, 400), false],
    ['an expired token (190)', meta(190, 401), false],
  ])('%s → %s', (_, error, outage) => {
    expect(isOutage(error)).toBe(outage);
  });
});
