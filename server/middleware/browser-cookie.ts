/**
 * The browser binding for OAuth flows: a random, HttpOnly cookie set when a flow starts. Each OAuth state
 * stores a hash of it, so a callback is only accepted in the browser that started the flow.
 */
import crypto from 'node:crypto';
import type { Request, Response } from 'express';

export const BROWSER_COOKIE = 'bridge_browser';
const COOKIE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function readBrowserId(req: Request): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === BROWSER_COOKIE) {
      const value = rest.join('=');
      return COOKIE_PATTERN.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** The browser's id, set as a cookie first if it has none. */
export function ensureBrowserId(req: Request, res: Response, secure: boolean): string {
  const existing = readBrowserId(req);
  if (existing) return existing;
  const browserId = crypto.randomBytes(32).toString('base64url');
  res.cookie(BROWSER_COOKIE, browserId, {
    httpOnly: true,
    // Lax: the cookie must come back on the top-level redirect from HubSpot or Salesforce to our callback.
    sameSite: 'lax',
    secure,
    path: '/oauth',
    maxAge: 24 * 60 * 60_000,
  });
  return browserId;
}
