/** Runs the health port's conformance cases on every engine through the shared implementation. */
import { describeHealthConformance } from '../health.conformance.js';

describeHealthConformance();
