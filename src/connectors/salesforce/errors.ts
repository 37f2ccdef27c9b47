import type { ErrorReaction, SyncErrorCategory, VendorError } from '../vendor-error.ts';

/**
 * Salesforce error codes → crmsync's reaction. Meanings from Salesforce's "Core Data Types Used in API Calls"
 * (StatusCode / ExceptionCode) and the REST error-code page:
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 * The reasoning per code is in shared/research/reliability-security.md §2.2.
 */
const table: Record<string, { category: SyncErrorCategory; reaction: ErrorReaction }> = {
  // Record data refused by the org's schema or validation.
  INVALID_EMAIL_ADDRESS: { category: 'property_value', reaction: { kind: 'record_error' } },
  STRING_TOO_LONG: { category: 'property_value', reaction: { kind: 'record_error' } },
  REQUIRED_FIELD_MISSING: { category: 'property_value', reaction: { kind: 'record_error' } },
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: { category: 'property_value', reaction: { kind: 'record_error' } },
  FIELD_INTEGRITY_EXCEPTION: { category: 'property_value', reaction: { kind: 'record_error' } },
  TOO_MANY_ENUM_VALUE: { category: 'property_value', reaction: { kind: 'record_error' } },
  INVALID_TYPE_ON_FIELD_IN_RECORD: { category: 'property_value', reaction: { kind: 'record_error' } },
  NUMBER_OUTSIDE_VALID_RANGE: { category: 'property_value', reaction: { kind: 'record_error' } },
  MALFORMED_ID: { category: 'property_value', reaction: { kind: 'record_error' } },
  JSON_PARSER_ERROR: { category: 'property_value', reaction: { kind: 'record_error' } },
  // Duplicate rules and unique fields.
  DUPLICATES_DETECTED: { category: 'duplicates', reaction: { kind: 'record_error' } },
  DUPLICATE_VALUE: { category: 'duplicates', reaction: { kind: 'record_error' } },
  DUPLICATE_EXTERNAL_ID: { category: 'duplicates', reaction: { kind: 'record_error' } },
  // The org's own automation said no: validation rules, triggers, flows, approvals.
  FIELD_CUSTOM_VALIDATION_EXCEPTION: { category: 'custom_code', reaction: { kind: 'record_error' } },
  CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY: { category: 'custom_code', reaction: { kind: 'record_error' } },
  CANNOT_EXECUTE_FLOW_TRIGGER: { category: 'custom_code', reaction: { kind: 'record_error' } },
  ENTITY_IS_LOCKED: { category: 'custom_code', reaction: { kind: 'record_error' } },
  // Row locks are usually temporary (the timeout case "is temporary").
  UNABLE_TO_LOCK_ROW: { category: 'custom_code', reaction: { kind: 'retry' } },
  // Access.
  INSUFFICIENT_ACCESS_OR_READONLY: { category: 'permissions', reaction: { kind: 'record_error' } },
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: { category: 'permissions', reaction: { kind: 'record_error' } },
  INVALID_FIELD_FOR_INSERT_UPDATE: { category: 'permissions', reaction: { kind: 'record_error' } },
  INVALID_FIELD: { category: 'permissions', reaction: { kind: 'record_error' } },
  INACTIVE_OWNER_OR_USER: { category: 'permissions', reaction: { kind: 'record_error' } },
  INVALID_TYPE: { category: 'permissions', reaction: { kind: 'suspend', reason: 'object_permission_missing' } },
  // A parent the record points at does not exist (yet).
  INVALID_CROSS_REFERENCE_KEY: { category: 'associations', reaction: { kind: 'record_error' } },
  // The record moved or went away: fix the link rather than retry.
  ENTITY_IS_DELETED: { category: 'associations', reaction: { kind: 'reconcile', why: 'deleted' } },
  CANNOT_UPDATE_CONVERTED_LEAD: { category: 'associations', reaction: { kind: 'reconcile', why: 'converted' } },
  NOT_FOUND: { category: 'associations', reaction: { kind: 'reconcile', why: 'not_found' } },
  // Not this record's error.
  ALL_OR_NONE_OPERATION_ROLLED_BACK: { category: 'connection', reaction: { kind: 'resubmit' } },
  PROCESSING_HALTED: { category: 'connection', reaction: { kind: 'resubmit' } },
  // Whole-integration conditions.
  INVALID_SESSION_ID: { category: 'connection', reaction: { kind: 'refresh_session' } },
  API_DISABLED_FOR_ORG: { category: 'connection', reaction: { kind: 'suspend', reason: 'api_access_disabled' } },
  API_CURRENTLY_DISABLED: { category: 'connection', reaction: { kind: 'suspend', reason: 'api_access_disabled' } },
  // Transient platform conditions.
  SERVER_UNAVAILABLE: { category: 'connection', reaction: { kind: 'retry' } },
  UNKNOWN_EXCEPTION: { category: 'connection', reaction: { kind: 'retry' } },
  INTERNAL_ERROR: { category: 'connection', reaction: { kind: 'retry' } },
  QUERY_TIMEOUT: { category: 'connection', reaction: { kind: 'retry' } },
  INVALID_QUERY_LOCATOR: { category: 'connection', reaction: { kind: 'retry' } },
  QUERY_LOCATOR_EXPIRED: { category: 'connection', reaction: { kind: 'retry' } },
  EXCEEDED_ID_LIMIT: { category: 'connection', reaction: { kind: 'retry' } },
  INSERT_UPDATE_DELETE_NOT_ALLOWED_DURING_MAINTENANCE: { category: 'connection', reaction: { kind: 'retry', afterMs: 60_000 } },
};

/** "ConcurrentRequests (Concurrent API Requests) Limit exceeded." is a burst, not the 24-hour total. */
function isConcurrencyLimit(message: string): boolean {
  return /concurrent/i.test(message);
}

/**
 * Classifies one Salesforce error: a per-record SaveResult error (`statusCode`) or a whole-request error
 * (`errorCode`, with the HTTP status when there was one).
 */
export function classifySalesforceError(input: { code: string; message: string; fields?: string[]; httpStatus?: number }): VendorError {
  const base = { system: 'salesforce' as const, code: input.code, message: input.message, fields: input.fields ?? [] };
  if (input.code === 'REQUEST_LIMIT_EXCEEDED') {
    return isConcurrencyLimit(input.message)
      ? { ...base, category: 'api_limit', reaction: { kind: 'retry', afterMs: 5_000 } }
      : { ...base, category: 'api_limit', reaction: { kind: 'suspend', reason: 'salesforce_api_limit_exceeded' } };
  }
  const known = table[input.code];
  if (known) return { ...base, ...known };
  if (input.httpStatus !== undefined && (input.httpStatus >= 500 || input.httpStatus === 429)) {
    return { ...base, category: 'connection', reaction: { kind: 'retry' } };
  }
  if (input.httpStatus === 401) return { ...base, category: 'connection', reaction: { kind: 'refresh_session' } };
  // Unknown per-record codes are surfaced, not retried in a loop: an admin can read the vendor's message.
  return { ...base, category: 'custom_code', reaction: { kind: 'record_error' } };
}

/** Socket-level failures (no HTTP answer at all) are always worth a retry. */
export function classifySalesforceTransportError(error: { code?: string; message: string }): VendorError {
  return {
    system: 'salesforce',
    code: error.code ?? 'CONNECTION_ERROR',
    message: error.message,
    fields: [],
    category: 'connection',
    reaction: { kind: 'retry' },
  };
}
