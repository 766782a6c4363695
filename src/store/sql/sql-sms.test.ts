/** Runs the SMS store's conformance cases on every engine through the shared implementation. */
import { describeSmsConformance } from '../sms.conformance.js';

describeSmsConformance();
