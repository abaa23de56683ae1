/**
 * The retention of personal values, in the worker role: hourly, under the `privacy:retention` lease (one
 * process runs it), every installation's audit values older than `privacy.auditValueRetentionDays` and the
 * payloads of webhook events received more than `privacy.webhookPayloadRetentionDays` ago are removed
 * (src/db/personalData.ts). The audit lines and the events' keys stay: the history and redelivery checks
 * need no values.
 */
import os from 'node:os';
import * as installations from '../db/installations';
import type { Db } from '../db/knex';
import { pruneExpired } from '../db/personalData';
import type { Logger } from '../logger';
import { schedulePeriodic, type ScheduledJob } from '../queue/scheduler';
import { settingsOrNull } from '../settings/installationSettings';

const DAY_MS = 86_400_000;
/** Settings of installations that never saved any: the shipped defaults. */
const DEFAULT_RETENTION = { auditValueRetentionDays: 365, webhookPayloadRetentionDays: 7 };

export interface RetentionDeps {
  db: Db;
  now: () => number;
  logger: Logger;
}

/** One pass over every installation; returns what was removed in all. */
export async function pruneRetention(
  deps: RetentionDeps,
): Promise<{ auditValues: number; webhookPayloads: number }> {
  const now = deps.now();
  const total = { auditValues: 0, webhookPayloads: 0 };
  for (const installation of await installations.list(deps.db)) {
    const privacy = (await settingsOrNull(deps.db, installation.id))?.privacy ?? DEFAULT_RETENTION;
    const removed = await pruneExpired(deps.db, installation.id, {
      auditValuesBefore: now - privacy.auditValueRetentionDays * DAY_MS,
      webhookPayloadsBefore: now - privacy.webhookPayloadRetentionDays * DAY_MS,
    });
    total.auditValues += removed.auditValues;
    total.webhookPayloads += removed.webhookPayloads;
  }
  deps.logger.info(
    total,
    `retention removed the values of ${total.auditValues} audit line(s) and ${total.webhookPayloads} webhook payload(s)`,
  );
  return total;
}

export function startRetention(deps: RetentionDeps, options: { holder?: string } = {}): ScheduledJob {
  return schedulePeriodic(
    {
      name: 'privacy:retention',
      cron: '0 17 * * * *',
      run: async () => {
        await pruneRetention(deps);
      },
    },
    {
      logger: deps.logger,
      clock: deps.now,
      lease: {
        db: deps.db,
        holder: options.holder ?? `${os.hostname()}:${process.pid}`,
        leaseMs: 10 * 60_000,
        intervalMs: 30 * 60_000,
      },
    },
  );
}
