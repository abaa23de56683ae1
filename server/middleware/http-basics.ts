/** Headers every response carries, and one access-log line per request (credentials masked in the URL). */
import type { RequestHandler } from 'express';
import type { Logger } from '../../src/logger';
import { loggableUrl } from '../../src/app/logger';

/** A year: browsers that once reached the bridge over https refuse plain http to it from then on. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** `hsts` when the public origin is https (behind TLS termination too: the header is for the browser). */
export function securityHeaders(options: { hsts: boolean }): RequestHandler {
  return (_req, res, next) => {
    if (options.hsts) res.set('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_SECONDS}`);
    res.set({
      'X-Content-Type-Options': 'nosniff',
      // OAuth callback URLs carry codes; no page of ours may leak its URL to the next site.
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'",
      'Cache-Control': 'no-store',
    });
    next();
  };
}

export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    // This runs after the response, outside express's error handling: nothing here may throw.
    res.on('finish', () => {
      try {
        logger.info(
          {
            method: req.method,
            url: loggableUrl(req.originalUrl),
            status: res.statusCode,
            durationMs: Number((process.hrtime.bigint() - startedAt) / 1_000_000n),
          },
          'request',
        );
      } catch {
        // A log line is not worth the process.
      }
    });
    next();
  };
}
