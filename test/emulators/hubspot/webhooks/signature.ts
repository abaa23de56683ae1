/**
 * HubSpot's request signatures, computed exactly as HubSpot does for webhooks (v1 + v3) and for the
 * hubspot.fetch proxy (v2 + v3). v3: base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)), where
 * the uri has a fixed set of percent-escapes decoded, as HubSpot's verification guide prescribes.
 */
import crypto from 'node:crypto';

const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function canonicalUri(url: string): string {
  return url.replace(
    /%3A|%2F|%3F|%40|%21|%24|%27|%28|%29|%2A|%2C|%3B/gi,
    (match) => DECODED[match.toUpperCase()] ?? match,
  );
}

/** v1 (webhooks): hex SHA-256 of clientSecret + body. */
export function signatureV1(clientSecret: string, body: string): string {
  return crypto
    .createHash('sha256')
    .update(clientSecret + body, 'utf8')
    .digest('hex');
}

/** v2 (hubspot.fetch, legacy CRM cards): hex SHA-256 of clientSecret + method + uri + body. */
export function signatureV2(clientSecret: string, method: string, uri: string, body: string): string {
  return crypto
    .createHash('sha256')
    .update(clientSecret + method.toUpperCase() + uri + body, 'utf8')
    .digest('hex');
}

export function signatureV3(
  clientSecret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: string,
): string {
  return crypto
    .createHmac('sha256', clientSecret)
    .update(method.toUpperCase() + canonicalUri(uri) + body + timestamp, 'utf8')
    .digest('base64');
}
