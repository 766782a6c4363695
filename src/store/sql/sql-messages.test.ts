/** Runs the message and idempotency conformance cases on every engine through the shared implementation. */
import { describeMessagesConformance } from '../messages.conformance.js';

describeMessagesConformance();
