/** Runs the media port's conformance cases on every engine through the shared implementation. */
import { describeMediaConformance } from '../media.conformance.js';

describeMediaConformance();
