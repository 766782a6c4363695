/** Phone-number endpoints: list a business's numbers, and register / deregister one with its two-step PIN. */
import type { FastifyInstance } from 'fastify';
import { checkOwnership } from '../rules/auth.js';
import { reject } from '../rules/outcome.js';
import { checkRegistration, checkRegistrationCalls } from '../rules/registration.js';
import { effectiveMps } from '../rules/throughput.js';
import { callerNumber, isRefusal, graphFailure, unknownObject, type GraphResult } from '../graph-result.js';
import type { SimCore } from '../sim-core.js';
import type { PhoneNumber } from '../state.js';
import { answer, callerOf, countManagementCall } from './graph-scope.js';

export function describeNumber(number: PhoneNumber): Record<string, unknown> {
  return {
    verified_name: `Simulated ${number.displayPhoneNumber}`,
    code_verification_status: number.needsReverification ? 'NOT_VERIFIED' : 'VERIFIED',
    display_phone_number: number.displayPhoneNumber,
    status: number.registered ? 'LINKED' : 'PENDING',
    quality_rating: number.spamFlagged ? 'RED' : 'GREEN',
    platform_type: number.registered ? 'CLOUD_API' : 'NOT_APPLICABLE',
    throughput: { level: effectiveMps(number) >= 1_000 ? 'HIGH' : 'STANDARD' },
    is_official_business_account: false,
    id: number.phoneNumberId,
  };
}

function register(core: SimCore, number: PhoneNumber, body: unknown): GraphResult {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.messaging_product !== 'whatsapp') return graphFailure(core, reject(100, 'The parameter messaging_product is required and must be "whatsapp".'));
  if (typeof b.pin !== 'string') return graphFailure(core, reject(131008, 'The parameter pin is required.'));
  if (!/^\d{6}$/.test(b.pin)) return graphFailure(core, reject(131009, 'Parameter value is not valid: pin must be 6 digits.'));
  const now = core.clock.now();
  const outcome = checkRegistration(
    {
      ...(number.pin === undefined ? {} : { expectedPin: number.pin }),
      ...(number.needsReverification === undefined ? {} : { needsReverification: number.needsReverification }),
      ...(number.deletedAt === undefined ? {} : { deletedAt: number.deletedAt }),
      failedPinAt: number.failedPinAt,
      callsAt: number.registrationCallsAt,
    },
    b.pin,
    now,
  );
  number.registrationCallsAt.push(now);
  if (outcome.kind === 'reject') {
    if (outcome.code === 133005) number.failedPinAt.push(now);
    return graphFailure(core, outcome);
  }
  number.registered = true;
  number.pin ??= b.pin;
  return { status: 200, body: { success: true } };
}

export function registerPhoneNumberRoutes(app: FastifyInstance, core: SimCore): void {
  app.get('/:wabaId/phone_numbers', async function listNumbers(request, reply) {
    const { wabaId } = request.params as { wabaId: string };
    if (!core.state.businesses.has(wabaId)) return answer(request, reply, unknownObject(core, wabaId, 'get'));
    const owned = checkOwnership(callerOf(request), wabaId, wabaId);
    if (owned.kind === 'reject') return answer(request, reply, graphFailure(core, owned));
    const limited = countManagementCall(core, wabaId);
    if (limited) return answer(request, reply, limited);
    const data = [...core.state.numbers.values()].filter((n) => n.wabaId === wabaId).map(describeNumber);
    return answer(request, reply, { status: 200, body: { data, paging: { cursors: { before: 'QVFI', after: 'QVFI' } } } });
  });

  app.post('/:phoneNumberId/register', async function registerNumber(request, reply) {
    const { phoneNumberId } = request.params as { phoneNumberId: string };
    const number = callerNumber(core, callerOf(request), phoneNumberId);
    if (isRefusal(number)) return answer(request, reply, number);
    return answer(request, reply, register(core, number, request.body));
  });

  app.post('/:phoneNumberId/deregister', async function deregisterNumber(request, reply) {
    const { phoneNumberId } = request.params as { phoneNumberId: string };
    const number = callerNumber(core, callerOf(request), phoneNumberId);
    if (isRefusal(number)) return answer(request, reply, number);
    const now = core.clock.now();
    const calls = checkRegistrationCalls(number.registrationCallsAt, now);
    number.registrationCallsAt.push(now);
    if (calls.kind === 'reject') return answer(request, reply, graphFailure(core, calls));
    number.registered = false;
    return answer(request, reply, { status: 200, body: { success: true } });
  });
}
