/** Runs the credit ledger's conformance cases on every engine through the shared implementation. */
import { describeCreditConformance } from '../credit.conformance.js';

describeCreditConformance();
