/** Runs the controls port's conformance cases on every engine through the shared implementation. */
import { describeControlsConformance } from '../controls.conformance.js';

describeControlsConformance();
