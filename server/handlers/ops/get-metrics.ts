import type { RequestHandler } from 'express';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../../src/ops/scrape';
import type { AppDeps } from '../../deps';

/**
 * Prometheus text (behind the OPS_TOKEN bearer, which Prometheus's `authorization` setting sends): every
 * process's counts and the database's gauges, whichever server answers (docs/operations.md).
 */
export function getMetrics(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = await renderMetrics(deps.context);
    res.set('Cache-Control', 'no-store').type(METRICS_CONTENT_TYPE).send(body);
  };
}
