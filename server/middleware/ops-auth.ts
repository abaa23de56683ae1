/** Operator endpoints: a bearer token (OPS_TOKEN), compared in constant time. */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from './errors';

export function requireOpsToken(opsToken: string): RequestHandler {
  const expected = crypto.createHash('sha256').update(opsToken).digest();
  return (req, res, next) => {
    const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    // Hashing both sides gives equal lengths, so timingSafeEqual never leaks the token's length.
    const matches =
      presented !== undefined &&
      crypto.timingSafeEqual(expected, crypto.createHash('sha256').update(presented).digest());
    if (!matches) {
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized', 'Operator endpoints need the OPS_TOKEN as a Bearer token.');
      return;
    }
    next();
  };
}
