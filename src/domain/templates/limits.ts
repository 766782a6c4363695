/** Meta's limits on template definitions (message-templates guidelines), in one place for the validator and its tests. */

export const TEMPLATE_LIMITS = {
  name: 512,
  bodyText: 1024,
  headerText: 60,
  footerText: 60,
  headerParams: 1,
  /**
   * Meta refuses bodies with "too many variable parameters relative to the message length" without publishing the
   * ratio; we ask for at least one fixed word per parameter plus one, which passes every template Meta's own
   * examples show and refuses bodies that are little more than their parameters.
   */
  wordsPerParam: 1,
} as const;

/**
 * Meta's time-to-live of a template's messages (`message_send_ttl_seconds`), by category: an undelivered message is
 * dropped when it runs out. Marketing's range applies to sends through the Marketing Messages API.
 */
export const TTL_SECONDS_BY_CATEGORY: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  AUTHENTICATION: { min: 30, max: 900 },
  UTILITY: { min: 30, max: 43_200 },
  MARKETING: { min: 43_200, max: 2_592_000 },
};

export const BUTTON_LIMITS = {
  total: 10,
  text: 25,
  byType: { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1, QUICK_REPLY: 10 } as Readonly<Record<string, number>>,
} as const;
