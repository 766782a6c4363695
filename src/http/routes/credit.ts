/** GET /v1/credit: an account's own prepaid balance, expiry, prices and recent ledger movements. */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/store.js';
import { accountOf } from '../plugins/auth.js';
import { pageLimitField } from '../schemas/numbers.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';
import { ledgerEntryView, priceView } from '../views.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function creditRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;
  app.get<{ Querystring: { limit?: number } }>('/v1/credit', {
    schema: {
      tags: ['credit'], summary: 'Your prepaid balance (null = not on prepaid credit), its expiry, your prices and recent movements',
      querystring: { type: 'object', properties: { limit: pageLimitField(1000, 50) } },
      response: {
        200: {
          type: 'object',
          properties: {
            balance: { type: ['integer', 'null'] }, prepaid_expires_at: { type: ['string', 'null'] },
            prices: { type: 'array', items: { type: 'object', additionalProperties: true } },
            ledger: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
        ...errorResponses(AUTH_ERRORS),
      },
    },
  }, async function readCredit(request) {
    const account = accountOf(request);
    const [controls, prices, ledger] = await Promise.all([
      store.controls.getControls(account.id), store.controls.listPrices(account.id), store.credit.listLedger(account.id, request.query.limit ?? 50),
    ]);
    return {
      // As of this request (the account row may be a second old).
      balance: account.credit,
      prepaid_expires_at: iso(controls.prepaidExpiresAt),
      prices: prices.map(priceView),
      ledger: ledger.map(ledgerEntryView),
    };
  });
}
