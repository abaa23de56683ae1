import type { Response } from 'express';

/**
 * The dashboard's pages post forms to themselves and run no script. Their URLs hold nothing secret, so they
 * may name themselves to their own origin: browsers then send the Origin the form checks (under
 * `no-referrer` they send `Origin: null`).
 */
export function setOpsPageHeaders(res: Response): void {
  res.set('Referrer-Policy', 'same-origin');
  res.set(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  );
}
