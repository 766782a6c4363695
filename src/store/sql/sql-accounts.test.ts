/** Runs the account port's conformance cases on every engine through the shared implementation. */
import { describeAccountStoreConformance } from '../account-store.conformance.js';

describeAccountStoreConformance();
