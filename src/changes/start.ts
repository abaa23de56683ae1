/**
 * Change detection's background part, for `npm start --role=worker|all`: the poll dispatcher ticking every
 * second, and housekeeping of the tables change detection fills (API usage windows, stored webhook events).
 * Webhooks arrive through the HTTP server (server/handlers/webhooks/).
 */
import os from 'node:os';
import type { ClientsBySide } from '../auth/clients';
import type { CallBudget } from '../connectors/gate';
import * as apiUsage from '../db/apiUsage';
import type { Db } from '../db/knex';
import * as webhookEvents from '../db/webhookEvents';
import type { Logger } from '../logger';
import { schedulePeriodic, type ScheduledJob } from '../queue/scheduler';
import { PollDispatcher, type PollDispatcherOptions } from './pollDispatcher';

/**
 * What change detection needs from the rest of the bridge: the database, a clock and a logger, our HubSpot
 * app id (to recognise our own writes), the API clients of an installation, and the budget every API call
 * passes. The composition root builds it (src/app/appContext.ts); tests build it around the emulators.
 */
export interface ChangeDetectionDeps {
  db: Db;
  logger: Logger;
  now: () => number;
  /** Our HubSpot app id: events our own writes caused carry it as their sourceId. */
  hubspotAppId: string;
  clients: ClientsBySide;
  /** Every API call of a poll passes the installation's gate. */
  budget: CallBudget;
  /** The poll run's correlation id: on its log lines and on the rows it marks (the dispatcher sets one). */
  correlationId?: string;
}

/** Usage windows are kept two days, for the health page. */
export const API_USAGE_RETENTION_MS = 2 * 86_400_000;
/** HubSpot retries a delivery for about a day; keeping events a week recognises any late redelivery. */
export const WEBHOOK_EVENT_RETENTION_MS = 7 * 86_400_000;

/** Deletes usage windows and processed webhook events past their retention; returns how many of each. */
export async function removeExpired(
  deps: Pick<ChangeDetectionDeps, 'db' | 'logger'>,
  now: number,
): Promise<{ usage: number; events: number }> {
  const usage = await apiUsage.prune(deps.db, now - API_USAGE_RETENTION_MS);
  const events = await webhookEvents.deleteProcessedBefore(deps.db, now - WEBHOOK_EVENT_RETENTION_MS);
  deps.logger.info(
    { usage, events },
    `retention removed ${usage} usage window(s) and ${events} webhook event(s)`,
  );
  return { usage, events };
}

export interface ChangeDetectionOptions extends Partial<PollDispatcherOptions> {
  /** When polls are checked for being due (node-cron, six fields: seconds). Default every second. */
  tickCron?: string;
}

export interface ChangeDetectionHandle {
  readonly dispatcher: PollDispatcher;
  stop(): Promise<void>;
}

export function startChangeDetection(
  deps: ChangeDetectionDeps,
  options: ChangeDetectionOptions = {},
): ChangeDetectionHandle {
  const holder = options.holder ?? `${os.hostname()}:${process.pid}`;
  const dispatcher = new PollDispatcher(deps, { ...options, holder });
  const lease = { db: deps.db, holder, leaseMs: 10 * 60_000 };
  const jobs: ScheduledJob[] = [
    schedulePeriodic(
      {
        name: 'change-detection:dispatch-polls',
        cron: options.tickCron ?? '* * * * * *',
        run: async () => {
          await dispatcher.dispatch();
        },
      },
      { logger: deps.logger, clock: deps.now },
    ),
    schedulePeriodic(
      {
        name: 'change-detection:retention',
        cron: '0 7 * * * *',
        run: async ({ startedAt }) => {
          const usage = await apiUsage.prune(deps.db, startedAt - API_USAGE_RETENTION_MS);
          const events = await webhookEvents.deleteProcessedBefore(
            deps.db,
            startedAt - WEBHOOK_EVENT_RETENTION_MS,
          );
          deps.logger.info(
            { usage, events },
            `retention removed ${usage} usage window(s) and ${events} webhook event(s)`,
          );
        },
      },
      { logger: deps.logger, clock: deps.now, lease },
    ),
  ];
  return {
    dispatcher,
    stop: async () => {
      await Promise.all(jobs.map((job) => job.stop()));
      await dispatcher.stop();
    },
  };
}
