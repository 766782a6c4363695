/** Placeholder until the onprem namespace is written. */
import { defineEntries } from '../entry.js';

export const ONPREM_ENTRIES = defineEntries('onprem', []);
