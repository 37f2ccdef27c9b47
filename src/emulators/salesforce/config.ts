import { z } from 'zod';

/**
 * What an admin can switch on in the emulated org (`POST /__emulator/config`). Each key stands for a Setup page
 * of a real org; a partial object changes only the keys it names.
 */

const duplicateRuleSchema = z
  .object({
    /** The object whose inserts and updates the rule checks. */
    object: z.enum(['Lead', 'Contact']),
    /** Objects searched for an existing record with the same email (the standard Lead rule also checks Contacts). */
    matchObjects: z.array(z.enum(['Lead', 'Contact'])).min(1).optional(),
    name: z.string().min(1).max(80).optional(),
    /** 'block' refuses the save; 'alert' refuses it unless the caller sends Sforce-Duplicate-Rule-Header allowSave=true. */
    action: z.enum(['block', 'alert']).optional(),
  })
  .strict();

const validationRuleSchema = z
  .object({
    object: z.string().min(1),
    field: z.string().min(1),
    /**
     * The error condition: 'required' fires when the field is blank; 'equals' when it equals `value`;
     * 'matches' when it is not blank and does not match the regular expression `value` (a REGEX() rule).
     */
    operator: z.enum(['required', 'equals', 'matches']),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    message: z.string().min(1).max(255),
    name: z.string().min(1).max(40).optional(),
  })
  .strict()
  .refine((rule) => rule.operator === 'required' || rule.value !== undefined, {
    message: "give a value for 'equals' and 'matches' rules",
    path: ['value'],
  });

export const orgConfigSchema = z
  .object({
    /** The org's rolling 24-hour API request allocation. */
    dailyApiLimit: z.number().int().positive(),
    /** State and Country/Territory Picklists (Setup → State and Country/Territory Picklists). */
    stateCountryPicklists: z.boolean(),
    duplicateRules: z.array(duplicateRuleSchema).max(20),
    validationRules: z.array(validationRuleSchema).max(100),
    /** When true only tokens the emulator issued are accepted; otherwise any non-empty token that was not revoked. */
    strictTokens: z.boolean(),
  })
  .strict();

export type OrgConfig = z.infer<typeof orgConfigSchema>;
export type DuplicateRule = z.infer<typeof duplicateRuleSchema>;
export type ValidationRule = z.infer<typeof validationRuleSchema>;

export const orgConfigPatchSchema = orgConfigSchema.partial().strict();

export function defaultOrgConfig(): OrgConfig {
  return { dailyApiLimit: 100_000, stateCountryPicklists: false, duplicateRules: [], validationRules: [], strictTokens: false };
}
