/** Runs the outbox queue's conformance cases on every engine through the shared implementation. */
import { describeOutboxQueueConformance } from '../queue.conformance.js';

describeOutboxQueueConformance();
