/** Placeholder until the meta namespace is written. */
import { defineEntries } from '../entry.js';

export const META_ENTRIES = defineEntries('meta', []);
