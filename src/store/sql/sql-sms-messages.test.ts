/** Runs the SMS messages conformance cases (SMS jobs, receipts, failover) on every engine. */
import { describeSmsMessagesConformance } from '../sms-messages.conformance.js';

describeSmsMessagesConformance();
