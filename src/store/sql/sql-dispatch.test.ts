/** Runs the dispatch model's conformance cases on every engine through the shared implementation. */
import { describeDispatchConformance } from '../dispatch.conformance.js';

describeDispatchConformance();
