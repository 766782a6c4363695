/** Runs the template port's conformance cases on every engine through the shared implementation. */
import { describeTemplatesConformance } from '../templates.conformance.js';

describeTemplatesConformance();
