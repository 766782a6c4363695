/** What a use case refused with: the catalog code and the field, or a failed assertion when it did not refuse. */
import { isSwitchboardError } from '../../src/catalog/switchboard-error.js';

export async function refusalOf(pending: Promise<unknown>): Promise<{ code: string | number; field: string | undefined }> {
  try {
    await pending;
  } catch (error) {
    if (!isSwitchboardError(error)) throw error;
    return { code: error.entry.code, field: error.field };
  }
  throw new Error('expected a refusal, got a result');
}
