import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { signHubSpotRequestV3, uriForSignature, verifyHubSpotSignatureV3 } from '../../src/server/hubspot-signature.ts';

const clientSecret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const now = Date.UTC(2026, 10, 29, 12, 0, 0);
const uri = 'https://crmsync.example.com/webhooks/hubspot';
const rawBody = '[{"eventId":1,"subscriptionType":"contact.creation","objectId":123,"occurredAt":1764417600000}]';

describe('HubSpot webhook signature v3', () => {
  it('agrees with the official SDK on what HubSpot signs', () => {
    // The SDK checks the timestamp against the real clock (it takes no "now"): signed just now, or the test expires
    // five minutes after the date it names.
    const sentAt = Date.now();
    const timestamp = String(sentAt);
    const signature = signHubSpotRequestV3({ clientSecret, method: 'POST', uri, rawBody, timestamp });
    expect(
      Signature.isValid({ signatureVersion: 'v3', signature, clientSecret, requestBody: rawBody, method: 'POST', url: uri, timestamp: sentAt }),
    ).toBe(true);
    expect(verifyHubSpotSignatureV3({ clientSecret, method: 'POST', uri, rawBody, signature, timestamp, now: sentAt })).toEqual({ valid: true });
  });

  it('refuses a forged body, a wrong secret, and missing headers', () => {
    const timestamp = String(now);
    const signature = signHubSpotRequestV3({ clientSecret, method: 'POST', uri, rawBody, timestamp });
    const forged = rawBody.replace('123', '124');
    expect(verifyHubSpotSignatureV3({ clientSecret, method: 'POST', uri, rawBody: forged, signature, timestamp, now })).toEqual({ valid: false, reason: 'bad_signature' });
    expect(verifyHubSpotSignatureV3({ clientSecret: 'other', method: 'POST', uri, rawBody, signature, timestamp, now }).valid).toBe(false);
    expect(verifyHubSpotSignatureV3({ clientSecret, method: 'POST', uri, rawBody, signature: undefined, timestamp, now })).toEqual({ valid: false, reason: 'missing_headers' });
  });

  it('refuses timestamps more than five minutes old or in the future', () => {
    for (const sentAt of [now - 5 * 60 * 1000 - 1, now + 5 * 60 * 1000 + 1]) {
      const timestamp = String(sentAt);
      const signature = signHubSpotRequestV3({ clientSecret, method: 'POST', uri, rawBody, timestamp });
      expect(verifyHubSpotSignatureV3({ clientSecret, method: 'POST', uri, rawBody, signature, timestamp, now })).toEqual({ valid: false, reason: 'stale_timestamp' });
    }
  });

  it('decodes the characters of HubSpot\'s table in the URI before signing, and only those', () => {
    expect(uriForSignature('https://x.example.com/hook?from=a%40b.com&t=%3A%2F%3F%21%24%27%28%29%2A%2C%3B')).toBe(
      "https://x.example.com/hook?from=a@b.com&t=:/?!$'()*,;",
    );
    expect(uriForSignature('https://x.example.com/hook?q=a%20b%26c')).toBe('https://x.example.com/hook?q=a%20b%26c');
  });
});
