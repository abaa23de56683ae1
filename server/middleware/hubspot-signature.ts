/**
 * HubSpot request signature v3, checked on the raw body: used for the settings page's requests (through
 * hubspot.fetch) and for webhooks.
 *
 *   signature = base64(HMAC-SHA256(client secret, method + full URL + raw body + timestamp))
 *
 * The URL is the public one HubSpot called (PUBLIC_BASE_URL + the path and query), with the few
 * percent-encoded characters HubSpot decodes before signing decoded too. Requests older (or newer) than five
 * minutes are refused, and the comparison takes constant time.
 */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import * as seenSignatures from '../../src/db/seenSignatures';
import type { Queryable } from '../../src/db/support';
import { sendError } from './errors';

export const SIGNATURE_MAX_AGE_MS = 5 * 60_000;

const decodedSequences: Record<string, string> = {
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

export function signatureUri(url: string): string {
  return url.replace(
    /%3A|%2F|%3F|%40|%21|%24|%27|%28|%29|%2A|%2C|%3B/gi,
    (match) => decodedSequences[match.toUpperCase()] ?? match,
  );
}

export function computeSignatureV3(input: {
  clientSecret: string;
  method: string;
  url: string;
  rawBody: string;
  timestamp: string;
}): string {
  return crypto
    .createHmac('sha256', input.clientSecret)
    .update(
      `${input.method.toUpperCase()}${signatureUri(input.url)}${input.rawBody}${input.timestamp}`,
      'utf8',
    )
    .digest('base64');
}

export type SignatureCheck =
  { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'mismatch' };

export function verifySignatureV3(input: {
  clientSecret: string;
  method: string;
  url: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now: number;
}): SignatureCheck {
  if (!input.timestamp || !input.signature) return { ok: false, reason: 'missing_headers' };
  const sentAt = Number(input.timestamp);
  if (!/^\d+$/.test(input.timestamp) || Math.abs(input.now - sentAt) > SIGNATURE_MAX_AGE_MS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const expected = Buffer.from(computeSignatureV3({ ...input, timestamp: input.timestamp }), 'utf8');
  const actual = Buffer.from(input.signature, 'utf8');
  const matches = expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
  return matches ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export interface SignedRequest {
  rawBody: string;
}

/**
 * Refuses any request whose v3 signature does not verify. The route must read the body with `express.raw`
 * so the exact bytes HubSpot signed are available; `res.locals.signed.rawBody` holds them afterwards.
 */
export function requireHubSpotSignature(options: {
  clientSecret: string;
  publicBaseUrl: string;
  now: () => number;
}): RequestHandler {
  return (req, res, next) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const check = verifySignatureV3({
      clientSecret: options.clientSecret,
      method: req.method,
      url: `${options.publicBaseUrl}${req.originalUrl}`,
      rawBody,
      timestamp: req.get('x-hubspot-request-timestamp'),
      signature: req.get('x-hubspot-signature-v3'),
      now: options.now(),
    });
    if (!check.ok) {
      const messages = {
        missing_headers:
          'The request is not signed by HubSpot (X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required).',
        stale_timestamp: 'The request signature is more than five minutes old or from the future.',
        mismatch: 'The request signature does not match.',
      };
      sendError(res, 401, 'invalid_signature', messages[check.reason], { reason: check.reason });
      return;
    }
    res.locals.signed = { rawBody } satisfies SignedRequest;
    next();
  };
}

/** How often one process forgets signatures that can no longer be replayed (they would be stale). */
const FORGET_EVERY_MS = 60_000;

export function signatureHash(signature: string): string {
  return crypto.createHash('sha256').update(signature, 'utf8').digest('hex');
}

/**
 * After `requireHubSpotSignature`, on writes: a signed request is answered once. HubSpot signs every request
 * anew (the timestamp is part of what is signed), so the same signature again within its five minutes is
 * someone replaying a captured request (a pause, a sync-now, a retry); it is refused with 409. Signatures are
 * remembered in the database, so a replay to another process is refused too. Reads (GET, HEAD) change nothing
 * and are not remembered.
 */
export function refuseReplayedSignatures(options: { db: Queryable; now: () => number }): RequestHandler {
  let forgottenAt = 0;
  return async (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const signature = req.get('x-hubspot-signature-v3') ?? '';
    const timestamp = Number(req.get('x-hubspot-request-timestamp'));
    const now = options.now();
    if (now - forgottenAt > FORGET_EVERY_MS) {
      forgottenAt = now;
      await seenSignatures.deleteExpired(options.db, now);
    }
    const hash = signatureHash(signature);
    const first = await seenSignatures.remember(options.db, {
      signatureHash: hash,
      // Accepted up to five minutes after its timestamp; refused as stale from then on.
      expiresAt: timestamp + SIGNATURE_MAX_AGE_MS,
    });
    if (!first) {
      sendError(
        res,
        409,
        'replayed_request',
        'This signed request was already received. HubSpot signs every request anew, so it is not answered twice.',
      );
      return;
    }
    // A request we failed on (5xx) may be retried as it was: HubSpot's proxy retries once after a 5xx.
    res.on('finish', () => {
      if (res.statusCode >= 500) void seenSignatures.forget(options.db, hash).catch(() => undefined);
    });
    next();
  };
}

const SignedQuery = z
  .object({
    portalId: z.string().regex(/^\d+$/),
    userId: z.string().regex(/^\d+$/).optional(),
    userEmail: z.string().optional(),
    appId: z.string().regex(/^\d+$/).optional(),
  })
  .loose();

export interface SignedPortal {
  portalId: string;
  userId: string | null;
  userEmail: string | null;
}

/**
 * After `requireHubSpotSignature`: the portal comes from the signed `portalId` query parameter HubSpot's
 * proxy appends, never from anything else the browser controls. A request signed for another app is refused.
 */
export function requireSignedPortal(options: { appId: string }): RequestHandler {
  return (req, res, next) => {
    const query = SignedQuery.safeParse(req.query);
    if (!query.success) {
      sendError(
        res,
        400,
        'missing_portal',
        'The signed request does not name its HubSpot portal (portalId).',
      );
      return;
    }
    if (query.data.appId && query.data.appId !== options.appId) {
      sendError(res, 403, 'wrong_app', 'The request was signed for another HubSpot app.');
      return;
    }
    res.locals.portal = {
      portalId: query.data.portalId,
      userId: query.data.userId ?? null,
      userEmail: query.data.userEmail ?? null,
    } satisfies SignedPortal;
    next();
  };
}
