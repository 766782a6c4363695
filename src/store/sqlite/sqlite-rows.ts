/** Maps SQLite rows of messages to the domain's records (everything else: ../sql/rows.ts and ../sql/account-rows.ts). */
import type { MessageRecord, MessageType } from '../../domain/message.js';
import type { MessageState } from '../../domain/message-state.js';

export interface MessageRow {
  id: string; account_id: string; number_id: string; recipient: string; type: string; status: string; payload: string;
  status_times: string; wamid: string | null; error: string | null; created_at: number; updated_at: number;
}

export function toMessage(r: MessageRow): MessageRecord {
  return {
    id: r.id, accountId: r.account_id, numberId: r.number_id, to: r.recipient, type: r.type as MessageType,
    status: r.status as MessageState, payload: JSON.parse(r.payload) as Record<string, unknown>,
    statusTimes: JSON.parse(r.status_times) as MessageRecord['statusTimes'], wamid: r.wamid,
    error: r.error === null ? null : (JSON.parse(r.error) as MessageRecord['error']), createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
