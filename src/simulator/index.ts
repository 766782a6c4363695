/** The simulator's public face: the options, the running handle and the admin surface other modules code against. */
export type {
  SimulatorOptions,
  RunningSimulator,
  SimulatorAdmin,
  BusinessInput,
  PhoneNumberInput,
  TemplateInput,
  ContactInput,
  InboundInput,
  FaultInput,
  OutageInput,
  RecordedRequest,
  ScenarioFile,
  TemplateStatus,
} from './types.js';
export type { Clock } from './clock.js';
export { ManualClock, systemClock } from './clock.js';
export { TEMPLATE_STATUSES, MESSAGE_TYPES } from './types.js';
export { startSimulator } from './server.js';
