import { describe, expect, it } from 'vitest';
import { gatewayEntry } from './catalog.js';
import { problemType, toGraphError, toProblem } from './problem.js';
import { SwitchboardError, gatewayError } from './switchboard-error.js';

describe('toProblem', () => {
  it('renders an RFC 9457 body with the catalog fields', () => {
    const problem = toProblem(gatewayError('missing_required_field', { detail: '`to` is required', field: '/to' }), 'req-1');
    expect(problem).toEqual({
      type: '/v1/errors/gateway/missing_required_field',
      title: 'Missing required field',
      status: 400,
      detail: '`to` is required',
      instance: 'req-1',
      code: 'missing_required_field',
      namespace: 'gateway',
      retryable: false,
      action: gatewayEntry('missing_required_field').action,
      field: '/to',
    });
  });

  it('says when to retry: the occurrence wins over the entry hint', () => {
    expect(toProblem(gatewayError('rate_limited')).retry_after).toBe(60);
    expect(toProblem(gatewayError('rate_limited', { retryAfterSeconds: 7 }))).toMatchObject({ retryable: true, retry_after: 7 });
  });

  it('falls back to the meaning when the occurrence has no detail, and keeps what the upstream said, in snake_case', () => {
    const upstream = { httpStatus: 503, fbtraceId: 'AbC', payload: '<html>503</html>' };
    const problem = toProblem(gatewayError('upstream_unavailable', { upstream }));
    expect(problem.detail).toBe(gatewayEntry('upstream_unavailable').meaning);
    expect(problem.upstream).toEqual({ http_status: 503, fbtrace_id: 'AbC', payload: '<html>503</html>' });
    expect(problem.status).toBe(502);
  });

  it('links each type to the entry on the gateway itself', () => {
    expect(problemType('meta', 131047)).toBe('/v1/errors/meta/131047');
  });
});

describe('toGraphError', () => {
  it('answers a gateway error with its Cloud API equivalent code so SDKs can branch on it', () => {
    const body = toGraphError(new SwitchboardError(gatewayEntry('outside_service_window'), { detail: 'window closed' }), 'trace-1');
    expect(body.error).toMatchObject({
      code: 131047,
      message: '(#131047) Outside service window',
      type: 'OAuthException',
      error_data: { messaging_product: 'whatsapp', details: 'window closed' },
      is_transient: false,
      fbtrace_id: 'trace-1',
    });
  });

  it('answers auth failures with Graph auth codes', () => {
    expect(toGraphError(gatewayError('invalid_api_key'), 't').error.code).toBe(190);
    expect(toGraphError(gatewayError('missing_api_key'), 't').error.code).toBe(0);
  });
});
