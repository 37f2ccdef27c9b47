/**
 * The integration's settings (SPEC section 4): one typed document with every default, validated as a whole.
 *
 * Contract:
 * - `parseSettings(document)` accepts any JSON-ish value (a stored document, an API body) and returns either the
 *   full settings, defaults filled in, or every problem as `{ path, message }` with the dotted field path.
 *   Unknown keys are refused, so a misspelt setting never silently does nothing.
 * - `applySettingChange(settings, key, valueText)` applies one `crmsync settings set KEY VALUE` given as text,
 *   validates the whole result and returns it, or returns the problems and leaves the input untouched.
 * - `defaultSettings()` is what a fresh install runs with.
 * Pure: no I/O; storing the result (with its version guard) is the store's job.
 */
import { z } from 'zod';

const onDelete = z.enum(['delete', 'do_nothing']).default('do_nothing');

const contactsSettingsSchema = z.strictObject({
  onSalesforceUpsert: z.enum(['create_or_update_contact', 'do_nothing']).default('create_or_update_contact'),
  hubspotCreatesIn: z.enum(['contact', 'lead', 'auto']).default('lead'),
  onSalesforceDelete: z.enum(['delete_contact', 'do_nothing']).default('do_nothing'),
  onOpportunityStage: z.enum(['update_lifecycle_stage', 'do_nothing']).default('update_lifecycle_stage'),
  syncCompanyLifecycle: z.boolean().default(false),
  // HubSpot list ids are numeric strings (ILS ids); a blank id would mean "a list nobody can be in".
  inclusionListId: z.string().trim().min(1, 'a list id cannot be blank; use null for "every contact syncs"').nullable().default(null),
  salesforcePicklists: z.enum(['disabled', 'enabled', 'enabled_customized']).default('disabled'),
  stateCountryMode: z.enum(['match_salesforce_defaults', 'sync_as_is']).default('match_salesforce_defaults'),
});

const objectSyncSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  onSalesforceDelete: onDelete,
});

const timelineSettingsSchema = z.strictObject({
  formSubmissions: z.boolean().default(false),
  marketingEmails: z.boolean().default(false),
  salesEmails: z.boolean().default(false),
  meetings: z.boolean().default(false),
  calls: z.boolean().default(false),
  notes: z.boolean().default(false),
  tasks: z.boolean().default(false),
});

const fromSalesforceSettingsSchema = z.strictObject({
  tasks: z.boolean().default(false),
  emails: z.boolean().default(false),
  calls: z.boolean().default(false),
  meetings: z.boolean().default(false),
});

const customObjectSyncSchema = z.strictObject({
  // Salesforce custom objects end in __c; standard objects have their own descriptions in src/objects.
  salesforceObject: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'a Salesforce custom object API name ends in __c (e.g. Project__c)'),
  hubspotObjectType: z.string().trim().min(1, 'the HubSpot object type is required (e.g. p_projects or 2-123456)'),
  onSalesforceDelete: onDelete,
  associations: z.array(z.string().trim().min(1)).default([]),
});

export const settingsSchema = z.strictObject({
  // prefault: an absent section is parsed from {} so that its own defaults apply.
  contacts: contactsSettingsSchema.prefault({}),
  companies: objectSyncSettingsSchema.prefault({}),
  deals: objectSyncSettingsSchema.prefault({}),
  tickets: objectSyncSettingsSchema.prefault({}),
  activities: z
    .strictObject({
      timeline: timelineSettingsSchema.prefault({}),
      fromSalesforce: fromSalesforceSettingsSchema.prefault({}),
    })
    .prefault({}),
  customObjects: z
    .array(customObjectSyncSchema)
    .default([])
    .refine((list) => new Set(list.map((item) => item.salesforceObject)).size === list.length, 'each Salesforce custom object can be synced only once'),
  // Calls per rolling 24 hours; null = no allocation of our own (Salesforce's limit still applies).
  apiCallAllocation: z.number().int('a whole number of API calls').positive('must be at least 1').nullable().default(null),
});

export type Settings = z.output<typeof settingsSchema>;
export type ContactsSettings = Settings['contacts'];
export type ObjectSyncSettings = Settings['companies'];
export type CustomObjectSync = Settings['customObjects'][number];

/** One problem in a settings document: where (`contacts.hubspotCreatesIn`) and why. */
export interface SettingsIssue {
  path: string;
  message: string;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; issues: SettingsIssue[] };

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

export function parseSettings(document: unknown): SettingsResult {
  const parsed = settingsSchema.safeParse(document ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, issues: parsed.error.issues.flatMap(toSettingsIssues) };
}

function toSettingsIssues(issue: z.core.$ZodIssue): SettingsIssue[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const full = path ? `${path}.${key}` : key;
      return { path: full, message: unknownSettingMessage(full) };
    });
  }
  return [{ path: path || '(settings)', message: issue.message }];
}

/** Every dotted key `settings set` accepts: leaves, and the object-valued settings that take JSON as a whole. */
export function knownSettingKeys(): string[] {
  const keys: string[] = [];
  const walk = (schema: z.ZodType, prefix: string): void => {
    const inner = unwrap(schema);
    if (prefix) keys.push(prefix);
    if (inner instanceof z.ZodObject) {
      for (const [name, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) walk(child, prefix ? `${prefix}.${name}` : name);
    }
  };
  walk(settingsSchema, '');
  return keys;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else return current;
  }
}

function unknownSettingMessage(key: string): string {
  const known = knownSettingKeys();
  // Name the neighbours of the misspelt key first: "contacts.foo" lists the contacts settings.
  const section = key.includes('.') ? key.slice(0, key.lastIndexOf('.') + 1) : '';
  const siblings = section ? known.filter((candidate) => candidate.startsWith(section) && !candidate.slice(section.length).includes('.')) : [];
  const listed = siblings.length > 0 ? siblings : known.filter((candidate) => !candidate.includes('.'));
  return `unknown setting ${key}; known: ${listed.join(', ')}`;
}

/**
 * Reads a value typed on a command line. `true`/`false`/`null`, numbers and JSON arrays/objects/strings are
 * what they look like; anything else is the text itself. Returns the interpretations to try in order: "123"
 * is first the number 123, then the text "123" (a list id), so the schema at the key picks the sensible one.
 */
export function interpretSettingText(text: string): { candidates: unknown[]; jsonError?: string } {
  // Shells keep stray spaces ("auto "); no setting's value starts or ends with one.
  const trimmed = text.trim();
  if (trimmed === 'true') return { candidates: [true, trimmed] };
  if (trimmed === 'false') return { candidates: [false, trimmed] };
  if (trimmed === 'null') return { candidates: [null, trimmed] };
  if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return { candidates: [Number(trimmed), trimmed] };
  if (/^[[{"]/.test(trimmed)) {
    try {
      return { candidates: [JSON.parse(trimmed) as unknown] };
    } catch (error) {
      return { candidates: [], jsonError: `the value looks like JSON but does not parse: ${(error as Error).message}` };
    }
  }
  return { candidates: [trimmed] };
}

/**
 * Applies `crmsync settings set KEY VALUE`. The whole resulting document is validated, so a change that would
 * make another setting invalid is refused too; on any error `settings` is returned untouched.
 */
export function applySettingChange(settings: Settings, key: string, valueText: string): SettingsResult {
  const segments = key.split('.');
  if (!knownSettingKeys().includes(key)) return { ok: false, issues: [{ path: key, message: unknownSettingMessage(key) }] };
  const { candidates, jsonError } = interpretSettingText(valueText);
  if (jsonError) return { ok: false, issues: [{ path: key, message: jsonError }] };
  let firstFailure: SettingsResult | undefined;
  for (const value of candidates) {
    const result = parseSettings(withValueAt(settings, segments, value));
    if (result.ok) return result;
    firstFailure ??= result;
  }
  return firstFailure ?? { ok: false, issues: [{ path: key, message: 'no value given' }] };
}

function withValueAt(document: unknown, segments: readonly string[], value: unknown): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  const container = typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as Record<string, unknown>) : {};
  return { ...container, [head]: withValueAt(container[head], rest, value) };
}
