/**
 * One error envelope for every JSON API, `{ error: { code, message, details } }`, and the fallbacks for
 * unknown routes and unexpected failures (HTML for the browser OAuth steps, JSON elsewhere).
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../../src/logger';
import { errorPage } from '../pages/oauth-pages';

export interface ErrorEnvelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): void {
  const body: ErrorEnvelope = { error: { code, message, details } };
  res.status(status).json(body);
}

const isBrowserPath = (path: string) => path.startsWith('/oauth/');

export const notFound: RequestHandler = (req, res) => {
  if (isBrowserPath(req.path)) {
    res
      .status(404)
      .type('html')
      .send(
        errorPage({
          title: 'Page not found',
          whatHappened: 'This address is not part of the Salesforce Bridge install flow.',
          whatToDo: 'Start the installation again from the link below.',
          retry: [{ label: 'Install the app', href: '/oauth/hubspot/install' }],
        }),
      );
    return;
  }
  sendError(res, 404, 'not_found', `No endpoint answers ${req.method} ${req.path}.`);
};

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** Body-parser failures are the client's (4xx, said plainly); anything else is a bug, logged and hidden. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const httpError = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
    const status = httpError.status ?? httpError.statusCode ?? 500;
    if (status < 500 && httpError.expose !== false) {
      const code =
        httpError.type === 'entity.too.large'
          ? 'body_too_large'
          : httpError.type === 'entity.parse.failed'
            ? 'invalid_json'
            : 'bad_request';
      sendError(res, status, code, httpError.message ?? 'The request could not be read.');
      return;
    }
    logger.error(
      {
        err:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
        method: req.method,
        path: req.path,
      },
      'unhandled error',
    );
    if (isBrowserPath(req.path)) {
      res
        .status(500)
        .type('html')
        .send(
          errorPage({
            title: 'Something went wrong',
            whatHappened:
              'The bridge hit an unexpected error and did not finish this step. Nothing was half-saved.',
            whatToDo: 'Try again in a minute. If it keeps happening, contact support.',
            retry: [{ label: 'Start again', href: '/oauth/hubspot/install' }],
          }),
        );
      return;
    }
    sendError(res, 500, 'internal_error', 'An unexpected error occurred; it has been logged.');
  };
}
