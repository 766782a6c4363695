/** Runs the contact ports' conformance cases on every engine through the shared implementations. */
import { describeContactsConformance } from '../contacts.conformance.js';

describeContactsConformance();
