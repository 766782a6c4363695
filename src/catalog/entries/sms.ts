/** Placeholder until the sms namespace is written. */
import { defineEntries } from '../entry.js';

export const SMS_ENTRIES = defineEntries('sms', []);
