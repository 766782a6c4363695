/** Graph's error body, as the Cloud-API-compatible surface answers errors (SDKs parse `error.code`). */
export const GRAPH_ERROR_SCHEMA = {
  $id: 'GraphError',
  type: 'object',
  description: 'Graph API error body; `error.code` is the catalog entry\u2019s graphCode, `error_data.details` the detail.',
  properties: {
    error: {
      type: 'object',
      additionalProperties: true,
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        code: { type: 'integer' },
        error_subcode: { type: 'integer' },
        error_data: { type: 'object', properties: { messaging_product: { type: 'string' }, details: { type: 'string' } } },
        error_user_title: { type: 'string' },
        error_user_msg: { type: 'string' },
        is_transient: { type: 'boolean' },
        fbtrace_id: { type: 'string' },
      },
    },
  },
} as const;
