import { describe, expect, it } from 'vitest';
import { classifySalesforceError } from '../../src/connectors/salesforce/errors.ts';

describe('classifySalesforceError', () => {
  it.each([
    ['INVALID_EMAIL_ADDRESS', 'property_value', 'record_error'],
    ['DUPLICATES_DETECTED', 'duplicates', 'record_error'],
    ['FIELD_CUSTOM_VALIDATION_EXCEPTION', 'custom_code', 'record_error'],
    ['UNABLE_TO_LOCK_ROW', 'custom_code', 'retry'],
    ['INSUFFICIENT_ACCESS_OR_READONLY', 'permissions', 'record_error'],
    ['INVALID_CROSS_REFERENCE_KEY', 'associations', 'record_error'],
    ['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'connection', 'resubmit'],
    ['CANNOT_UPDATE_CONVERTED_LEAD', 'associations', 'reconcile'],
    ['INVALID_SESSION_ID', 'connection', 'refresh_session'],
  ])('%s → %s / %s', (code, category, reaction) => {
    const error = classifySalesforceError({ code, message: 'm' });
    expect(error.category).toBe(category);
    expect(error.reaction.kind).toBe(reaction);
  });

  it('suspends on the 24-hour total limit but only backs off on the concurrency limit', () => {
    expect(classifySalesforceError({ code: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }).reaction).toEqual({
      kind: 'suspend',
      reason: 'salesforce_api_limit_exceeded',
    });
    expect(
      classifySalesforceError({ code: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.' }).reaction.kind,
    ).toBe('retry');
  });

  it('retries unknown 5xx answers and surfaces unknown record codes without retrying', () => {
    expect(classifySalesforceError({ code: 'SOMETHING_NEW', message: 'x', httpStatus: 503 }).reaction.kind).toBe('retry');
    const surfaced = classifySalesforceError({ code: 'SOMETHING_NEW', message: 'vendor says', fields: ['Email'] });
    expect(surfaced).toMatchObject({ category: 'custom_code', reaction: { kind: 'record_error' }, message: 'vendor says', fields: ['Email'] });
  });
});
