/** Runs the inbound port's conformance cases on every engine through the shared implementation. */
import { describeInboundConformance } from '../inbound.conformance.js';

describeInboundConformance();
