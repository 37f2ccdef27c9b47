import { describe, expect, it } from 'vitest';
import { classifyHubSpotError, existingIdFromConflict } from '../../src/connectors/hubspot/errors.ts';

describe('classifyHubSpotError', () => {
  it('backs off per 429 policy: ten seconds for the burst window, longer for the daily cap', () => {
    expect(classifyHubSpotError({ httpStatus: 429, message: 'x', policyName: 'TEN_SECONDLY_ROLLING' }).reaction).toEqual({ kind: 'retry', afterMs: 10_000 });
    expect(classifyHubSpotError({ httpStatus: 429, message: 'x', policyName: 'DAILY' }).reaction).toEqual({ kind: 'retry', afterMs: 3_600_000 });
  });

  it.each([
    [{ httpStatus: 400, category: 'VALIDATION_ERROR' }, 'property_value', 'record_error'],
    [{ httpStatus: 409, category: 'CONFLICT' }, 'duplicates', 'record_error'],
    [{ httpStatus: 404, category: 'OBJECT_NOT_FOUND' }, 'associations', 'reconcile'],
    [{ httpStatus: 403, category: 'MISSING_SCOPES' }, 'permissions', 'record_error'],
    [{ httpStatus: 401, category: 'EXPIRED_AUTHENTICATION' }, 'connection', 'refresh_session'],
    [{ httpStatus: 502 }, 'connection', 'retry'],
    [{ httpStatus: 423 }, 'connection', 'retry'],
  ])('%o → %s / %s', (input, category, reaction) => {
    const error = classifyHubSpotError({ message: 'm', ...input });
    expect(error.category).toBe(category);
    expect(error.reaction.kind).toBe(reaction);
  });

  it('waits as long as a 477 migration says', () => {
    expect(classifyHubSpotError({ httpStatus: 477, message: 'Migration in progress', retryAfterSeconds: 30 }).reaction).toEqual({ kind: 'retry', afterMs: 30_000 });
  });

  it('reads the existing record id out of a 409 conflict', () => {
    expect(existingIdFromConflict('Contact already exists. Existing ID: 777')).toBe('777');
    expect(existingIdFromConflict('Something else')).toBeNull();
  });
});
