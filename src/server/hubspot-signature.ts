import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies HubSpot's v3 request signature (X-HubSpot-Signature-v3), as HubSpot documents it:
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 *   1. refuse a request whose X-HubSpot-Request-Timestamp is more than 5 minutes old;
 *   2. in the request URI, decode the URL-encoded characters of HubSpot's table (the `?` that starts the
 *      query string is left as it is);
 *   3. HMAC-SHA256 over method + URI + raw body + timestamp with the app's client secret, base64;
 *   4. compare with the header.
 * Written here rather than taken from the SDK's Signature.isValid because that one compares in non-constant
 * time, does not decode the URI, and accepts timestamps from the future (research: reliability-security.md §4.4).
 */

const MAX_SKEW_MS = 5 * 60 * 1000;

/** HubSpot's table of encoded characters to decode before signing. */
const decodedInSignedUri: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

export function uriForSignature(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => decodedInSignedUri[match.toUpperCase()] ?? match);
}

export function signHubSpotRequestV3(input: { clientSecret: string; method: string; uri: string; rawBody: string; timestamp: string }): string {
  const source = `${input.method.toUpperCase()}${uriForSignature(input.uri)}${input.rawBody}${input.timestamp}`;
  return createHmac('sha256', input.clientSecret).update(source, 'utf8').digest('base64');
}

export type SignatureVerdict = { valid: true } | { valid: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

export function verifyHubSpotSignatureV3(input: {
  clientSecret: string;
  method: string;
  /** The full public URL HubSpot called (scheme, host, path, query), from configuration: never from the Host header. */
  uri: string;
  /** The body exactly as received, before any JSON parsing. */
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  now: number;
}): SignatureVerdict {
  if (!input.signature || !input.timestamp) return { valid: false, reason: 'missing_headers' };
  const sentAt = Number(input.timestamp);
  // Both directions: a timestamp from the future is as suspicious as an old one.
  if (!Number.isFinite(sentAt) || Math.abs(input.now - sentAt) > MAX_SKEW_MS) return { valid: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(signHubSpotRequestV3({ ...input, timestamp: input.timestamp }), 'base64');
  const given = Buffer.from(input.signature, 'base64');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false, reason: 'bad_signature' };
  return { valid: true };
}
