/** Runs the webhook ports' conformance cases on every engine through the shared implementation. */
import { describeWebhookConformance } from '../webhooks.conformance.js';

describeWebhookConformance();
