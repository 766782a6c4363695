/** The `pricing` Meta reported on a message's statuses, as GET /v1/messages/{id} shows it. */
export const PRICING_VIEW_SCHEMA = {
  type: ['object', 'null'],
  description: 'What Meta said about charging for the message (from its statuses); null until a status carried it. A free type refunds a prepaid reservation.',
  properties: {
    billable: { type: 'boolean' },
    pricing_model: { type: ['string', 'null'], description: 'PMP (per message) or CBP (per conversation, before July 2025)' },
    category: { type: ['string', 'null'], description: 'marketing, utility, authentication, service …' },
    type: { type: ['string', 'null'], description: 'regular, free_customer_service or free_entry_point' },
  },
} as const;
