/** Runs delivery control's conformance cases (cancel, expiry, lanes, scheduled jobs) on every engine. */
import { describeDeliveryConformance } from '../delivery.conformance.js';

describeDeliveryConformance();
