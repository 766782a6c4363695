/** Writes docs/errors.md from the catalog; run with `npm run docs:errors`. */
import { writeFileSync } from 'node:fs';
import { CATALOG } from '../src/catalog/catalog.js';
import { renderReference } from '../src/catalog/reference.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderReference(CATALOG));
