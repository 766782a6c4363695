/** wamid-style ids for the Cloud-API-compatible surface: our message id, wrapped so SDKs see the shape they expect. */

export function toCompatWamid(messageId: string): string {
  return `wamid.${Buffer.from(messageId, 'utf8').toString('base64url')}`;
}

/** The message id inside a compatible wamid, or the input unchanged when it is not one. */
export function fromCompatWamid(id: string): string {
  if (!id.startsWith('wamid.')) return id;
  const inner = Buffer.from(id.slice(6), 'base64url').toString('utf8');
  return inner.startsWith('msg_') ? inner : id;
}
