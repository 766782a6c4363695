/** The in-process admin surface (`SimulatorAdmin`); `/_sim` routes and scenario files call these same methods. */
import { createHash } from 'node:crypto';
import { makeFault, makeOutage } from './faults.js';
import { metaEntry, statusError } from './graph-error.js';
import { applyHealthTrigger, createHealthAdmin } from './health-admin.js';
import { buildInboundMessage, DEFAULT_INBOUND_MIME } from './inbound.js';
import { reject } from './rules/outcome.js';
import { changeUserPhone, setMarketingPreference, webhookContact, withSender } from './identity.js';
import type { SimCore } from './sim-core.js';
import { pairKey } from './state.js';
import { TEMPLATE_STATUSES, type InboundInput, type ScenarioFile, type SimulatorAdmin, type TemplateStatus } from './types.js';

export function createAdmin(core: SimCore): SimulatorAdmin {
  const { state } = core;
  const admin: SimulatorAdmin = {
    createBusiness(input = {}) {
      const business = state.createBusiness(input);
      return { wabaId: business.wabaId, accessToken: business.accessToken };
    },
    updateBusiness: (wabaId, patch) => state.updateBusiness(wabaId, patch),
    createPhoneNumber(input) {
      const number = state.createPhoneNumber(input);
      return { phoneNumberId: number.phoneNumberId, displayPhoneNumber: number.displayPhoneNumber };
    },
    updatePhoneNumber: (id, patch) => state.updatePhoneNumber(id, patch),
    createTemplate: (input) => ({ id: state.createTemplate(input).id }),
    setTemplateStatus(input) {
      setTemplateStatus(core, input.wabaId, input.name, input.language, input.status, input.reason);
    },
    setContact: (input) => void state.setContact(input),
    setWebhook(input) {
      core.webhooks.configure(input);
    },
    verifyWebhook: () => core.webhooks.verify(),
    setMediaLink(input) {
      state.links.set(input.url, { reachable: input.reachable ?? true, ...(input.mimeType === undefined ? {} : { mimeType: input.mimeType }) });
    },
    webhookDeliveries: () => [...core.webhooks.log],
    sendInbound: async (input) => sendInbound(core, input),
    changeUserPhone: (input) => changeUserPhone(core, input),
    setMarketingPreference: (input) => setMarketingPreference(core, input),
    readMarks: () => [...state.readMarks],
    blockedUsers: (phoneNumberId) => [...(state.blocks.get(phoneNumberId) ?? [])].sort(),
    addFault(input) {
      // Faults are catalog codes: refuse one the catalog does not know now, not on the first matching send.
      if (input.error !== undefined) metaEntry(input.error);
      const fault = makeFault(input, input.id ?? core.nextFaultId());
      core.faults = [...core.faults.filter((f) => f.id !== fault.id), fault];
      return { id: fault.id };
    },
    removeFault(id) {
      core.faults = core.faults.filter((f) => f.id !== id);
    },
    clearFaults() {
      core.faults = [];
    },
    startOutage(input = {}) {
      core.outage = makeOutage(input, core.clock.now());
    },
    endOutage() {
      core.outage = undefined;
    },
    requests: () => core.requests(),
    clearRequests: () => core.clearRequests(),
    flushWebhooks: () => core.webhooks.idle(),
    loadScenario: (scenario) => loadScenario(admin, scenario),
    health: createHealthAdmin(core, (wabaId, name, language) => setTemplateStatus(core, wabaId, name, language, 'PAUSED', 'LOW_QUALITY')),
  };
  return admin;
}

function setTemplateStatus(
  core: SimCore,
  wabaId: string,
  name: string,
  language: string | undefined,
  status: TemplateStatus,
  reason: string | undefined,
): void {
  if (!TEMPLATE_STATUSES.includes(status)) throw new Error(`unknown template status ${status}`);
  const templates = core.state.findTemplates(wabaId, name, language);
  if (templates.length === 0) throw new Error(`no template ${name}${language ? ` (${language})` : ''} in business ${wabaId}`);
  for (const template of templates) {
    template.status = status;
    core.webhooks.enqueue(
      {
        kind: 'template',
        wabaId,
        update: {
          event: status,
          message_template_id: Number(template.id),
          message_template_name: template.name,
          message_template_language: template.language,
          reason: reason ?? (status === 'REJECTED' ? 'INCORRECT_CATEGORY' : 'NONE'),
        },
      },
      0,
    );
  }
}

async function sendInbound(core: SimCore, input: InboundInput): Promise<{ messageId: string }> {
  const number = core.state.requireNumber(input.phoneNumberId);
  const waId = input.from.replace(/\D/g, '');
  if (waId === '') throw new Error('inbound.from must be a phone number');
  const wamid = core.state.newWamid();
  let mediaId: string | undefined;
  let mediaSha256: string | undefined;
  const downloadable = input.media?.downloadable ?? true;
  if (input.media && downloadable) {
    const data = Buffer.from(`simulated ${input.media.type} from ${waId}`);
    mediaId = core.state.newMediaId();
    mediaSha256 = createHash('sha256').update(data).digest('base64');
    core.state.media.set(mediaId, {
      id: mediaId,
      phoneNumberId: number.phoneNumberId,
      mimeType: input.media.mimeType ?? DEFAULT_INBOUND_MIME[input.media.type],
      sha256: mediaSha256,
      data,
      ...(input.media.filename === undefined ? {} : { fileName: input.media.filename }),
    });
  }
  const mediaError =
    input.media && !downloadable ? statusError(reject(131052, 'Media download error: the media sent by the user could not be downloaded.')) : undefined;
  const message = buildInboundMessage(input, {
    wamid,
    timestamp: core.timestamp(),
    ...(mediaId === undefined ? {} : { mediaId }),
    ...(mediaSha256 === undefined ? {} : { mediaSha256 }),
    ...(mediaError === undefined ? {} : { mediaError }),
  });
  // Every message from the user opens (or refreshes) the 24 h window, whatever its type.
  core.state.lastInbound.set(pairKey(number.phoneNumberId, waId), core.clock.now());
  core.state.inboundIds.set(wamid, number.phoneNumberId);
  const name = input.name ?? core.state.contacts.get(waId)?.name ?? `Customer ${waId.slice(-4)}`;
  // A number that blocked the user hears nothing from them.
  if (core.state.blocks.get(number.phoneNumberId)?.has(waId)) return { messageId: wamid };
  const contact = webhookContact(core, waId, name);
  core.webhooks.enqueue({ kind: 'message', number: core.numberRef(number), contact, message: withSender(core, waId, message) }, 0);
  return { messageId: wamid };
}

/** Applies a scenario in dependency order: businesses, numbers, templates, contacts, links, faults, webhook, health triggers, then inbound messages. */
export function loadScenario(admin: SimulatorAdmin, scenario: ScenarioFile): void {
  for (const b of scenario.businesses ?? []) admin.createBusiness(b);
  for (const n of scenario.phoneNumbers ?? []) admin.createPhoneNumber(n);
  for (const t of scenario.templates ?? []) admin.createTemplate(t);
  for (const c of scenario.contacts ?? []) admin.setContact(c);
  for (const l of scenario.links ?? []) admin.setMediaLink(l);
  for (const f of scenario.faults ?? []) admin.addFault(f);
  if (scenario.webhook) admin.setWebhook(scenario.webhook);
  for (const trigger of scenario.health ?? []) applyHealthTrigger(admin.health, trigger);
  for (const m of scenario.inbound ?? []) void admin.sendInbound(m);
}
