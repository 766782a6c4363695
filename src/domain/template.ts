/** Templates as Switchboard records them from template sync: enough to check a send without asking Meta. */

export const TEMPLATE_STATUSES = ['approved', 'pending', 'rejected', 'paused', 'disabled'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** One component of a template definition, in Meta's own shape (`type: 'BODY'`, `text: 'Hi {{1}}'` …). */
export interface TemplateComponentDefinition {
  readonly type: string;
  readonly format?: string;
  readonly text?: string;
  readonly buttons?: readonly { readonly type: string; readonly url?: string; readonly text?: string }[];
}

export interface TemplateRecord {
  readonly wabaId: string;
  readonly name: string;
  readonly language: string;
  readonly status: TemplateStatus;
  readonly category: string;
  readonly components: readonly TemplateComponentDefinition[];
  readonly updatedAt: number;
}

/** Placeholders in a template text: positional {{1}} or named {{first_name}}, each counted once. */
export function placeholdersOf(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set([...text.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi)].map((m) => m[1]!))];
}
