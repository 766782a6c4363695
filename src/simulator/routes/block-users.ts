/**
 * `POST|DELETE|GET /{version}/{phone-number-id}/block_users`: Meta's Block Users API. Users are named by phone or
 * business-scoped user id; results are per user, and a call where some failed answers 400 with 139100 beside the lists.
 */
import type { FastifyInstance } from 'fastify';
import { graphAnswer, statusError } from '../graph-error.js';
import { callerNumber, graphFailure, isRefusal, type GraphResult } from '../graph-result.js';
import { phoneOfUserId } from '../identity.js';
import { checkCallSize, decideBlock } from '../rules/block-users.js';
import { reject } from '../rules/outcome.js';
import { isSameNumber } from '../../domain/preflight/self-recipient.js';
import type { SimCore } from '../sim-core.js';
import { pairKey, type PhoneNumber } from '../state.js';
import { answer, callerOf } from './graph-scope.js';

interface UserResult { input: string; wa_id?: string; errors?: unknown[] }

function readUsers(body: unknown): string[] | undefined {
  const users = (body as { block_users?: unknown } | null)?.block_users;
  if (!Array.isArray(users)) return undefined;
  const inputs = users.map((u) => (u as { user?: unknown } | null)?.user);
  return inputs.every((u): u is string => typeof u === 'string' && u !== '') ? inputs : undefined;
}

function phoneOf(core: SimCore, input: string): string | undefined {
  if (/^[A-Za-z]{2}\./.test(input)) return phoneOfUserId(core, input);
  const digits = input.replace(/\D/g, '');
  return digits.length >= 6 ? digits : undefined;
}

function changeList(core: SimCore, number: PhoneNumber, users: string[], block: boolean): GraphResult {
  const list = core.state.blocks.get(number.phoneNumberId) ?? new Set<string>();
  core.state.blocks.set(number.phoneNumberId, list);
  const done: UserResult[] = [];
  const failed: UserResult[] = [];
  for (const input of users) {
    const waId = phoneOf(core, input);
    const self = waId !== undefined && isSameNumber(number.displayPhoneNumber, waId) ? waId : '';
    const lastInboundAt = waId === undefined ? undefined : core.state.lastInbound.get(pairKey(number.phoneNumberId, waId));
    const decision = block ? decideBlock({ waId, lastInboundAt }, self, list.size, core.clock.now()) : waId === undefined ? reject(131047, 'Not a WhatsApp user.') : undefined;
    if (decision?.kind === 'reject') {
      failed.push({ input, ...(waId === undefined ? {} : { wa_id: waId }), errors: [statusError(decision)] });
      continue;
    }
    if (block) list.add(waId as string);
    else list.delete(waId as string);
    done.push({ input, wa_id: waId as string });
  }
  const lists = { [block ? 'added_users' : 'removed_users']: done, ...(failed.length > 0 ? { failed_users: failed } : {}) };
  const body = { messaging_product: 'whatsapp', block_users: lists };
  if (failed.length === 0) return { status: 200, body };
  const error = graphAnswer(reject(139100, `Failed to ${block ? 'block' : 'unblock'} some users, see the block_users response list for details`), core.traceId());
  return { status: 400, body: { ...body, ...(error.body as object) }, code: 139100 };
}

export function registerBlockUserRoutes(app: FastifyInstance, core: SimCore): void {
  for (const method of ['POST', 'DELETE'] as const) {
    app.route({
      method,
      url: '/:phoneNumberId/block_users',
      handler: async function changeBlocks(request, reply) {
        const { phoneNumberId } = request.params as { phoneNumberId: string };
        const number = callerNumber(core, callerOf(request), phoneNumberId);
        if (isRefusal(number)) return answer(request, reply, number);
        const body = request.body as { messaging_product?: unknown } | null;
        if (body?.messaging_product !== 'whatsapp') return answer(request, reply, graphFailure(core, reject(100, 'The parameter messaging_product is required and must be "whatsapp".')));
        const users = readUsers(body);
        if (!users) return answer(request, reply, graphFailure(core, reject(100, 'The parameter block_users is required: a list of { "user": phone or user id }.')));
        const size = checkCallSize(users.length);
        if (size.kind === 'reject') return answer(request, reply, graphFailure(core, size));
        return answer(request, reply, changeList(core, number, users, method === 'POST'));
      },
    });
  }
  app.get('/:phoneNumberId/block_users', async function listBlocks(request, reply) {
    const { phoneNumberId } = request.params as { phoneNumberId: string };
    const number = callerNumber(core, callerOf(request), phoneNumberId);
    if (isRefusal(number)) return answer(request, reply, number);
    const blocked = [...(core.state.blocks.get(number.phoneNumberId) ?? [])].sort();
    return answer(request, reply, { status: 200, body: { data: blocked.map((waId) => ({ messaging_product: 'whatsapp', wa_id: waId })) } });
  });
}
