/**
 * One installation's share of a claimed batch, start to finish. Read it top to bottom:
 *
 *   settings and connections (or every row waits) → per object type (companies, contacts, deals): context
 *   (clients, org metadata, settings as the org allows) → rounds, each: units from the database → hold their records → read the changed sides → echo test
 *     → read the rest (other sides, candidates) → plan → write (Salesforce, then HubSpot) → record
 *
 * Every stage returns what it made, and the units it ended early as verdicts, which are concluded (their
 * rows settled) before the next stage runs. A round ends with the units that must go again (their link
 * moved, a record was just created, a write's answer came late, two units touched one record); a few rounds
 * settle every row. Per-record outcomes never fail the batch; an error that fails a whole call settles only
 * the rows not settled yet (src/domain/settlement.ts).
 */
import crypto from 'node:crypto';
import { callFailureOf } from '../connectors/callFailure';
import * as installations from '../db/installations';
import type { Settlement } from '../domain/settlement';
import { settlementForCallFailure } from '../domain/settlement';
import type { HubspotObjectType } from '../domain/records';
import { withLogFields } from '../logger';
import type { ClaimedItem } from '../queue/claim';
import { settleClaims } from '../queue/settle';
import { hubspotObjectOf } from '../settings/fields';
import { settingsOrNull } from '../settings/installationSettings';
import { buildContext, type BatchContext, type SyncDeps } from './context';
import { openRecordLocks, type RecordLocks } from './locks';
import {
  addSummaries,
  conclude,
  countOf,
  EMPTY_SUMMARY,
  type BatchSummary,
  type Concluded,
} from './stages/conclude';
import { brakeDeletes } from './deleteBrake';
import { hold, readChanged, readRest } from './stages/load';
import { plan } from './stages/plan';
import { record } from './stages/record';
import { write } from './stages/write';
import { storedUnits, type WorkEntry } from './unit';

export type { BatchSummary } from './stages/conclude';
export type { SyncDeps } from './context';

const MAX_ROUNDS = 4;

/** Trigger ids a batch's log lines name at most (the rest are counted). */
export const MAX_TRIGGERS_LOGGED = 20;

/**
 * The correlation ids of what marked the batch's rows (webhook deliveries, poll runs, requests), each once,
 * oldest row first; beyond `MAX_TRIGGERS_LOGGED` only their number, so a batch of single webhooks keeps its
 * lines short.
 */
export function triggersOf(claims: readonly ClaimedItem[]): { triggers: string[]; moreTriggers?: number } {
  const ids = [...new Set(claims.flatMap((claim) => (claim.correlationId ? [claim.correlationId] : [])))];
  if (ids.length <= MAX_TRIGGERS_LOGGED) return { triggers: ids };
  return { triggers: ids.slice(0, MAX_TRIGGERS_LOGGED), moreTriggers: ids.length - MAX_TRIGGERS_LOGGED };
}

/** The order a batch syncs its object types in. */
const SYNC_ORDER: readonly HubspotObjectType[] = ['companies', 'contacts', 'deals'];

/** The HubSpot object a claimed row is about (a Salesforce row: the object its record syncs with). */
function objectTypeOfClaim(claim: ClaimedItem): HubspotObjectType {
  return claim.record.side === 'hubspot' ? claim.record.objectType : hubspotObjectOf(claim.record.objectType);
}

/** The rows a batch settled so far, and its counts. */
interface Ledger {
  readonly settled: ReadonlySet<number>;
  readonly summary: BatchSummary;
}

function entered(ledger: Ledger, part: Pick<Concluded, 'settled' | 'summary'>): Ledger {
  return {
    settled: new Set([...ledger.settled, ...part.settled.map((item) => item.id)]),
    summary: addSummaries(ledger.summary, part.summary),
  };
}

/** One round: each stage a call, each stage's verdicts concluded before the next. */
async function round(
  context: BatchContext,
  work: readonly WorkEntry[],
  roundNumber: number,
  locks: RecordLocks,
  onConcluded: (part: Concluded) => void,
): Promise<WorkEntry[]> {
  const next: WorkEntry[] = [];
  const conclude_ = async (part: Concluded) => {
    onConcluded(part);
    next.push(...part.next);
  };
  const units = await storedUnits(context, work);
  const held = await hold(context, units, locks);
  await conclude_(await conclude(context, held.ended));
  const changed = await readChanged(context, held.held, roundNumber);
  await conclude_(await conclude(context, changed.ended));
  const loaded = await readRest(context, changed.reading);
  const planned = await plan(context, loaded);
  await conclude_(await conclude(context, planned.ended));
  const braked = await brakeDeletes(context, planned.planned);
  await conclude_(await conclude(context, braked.ended));
  const written = await write(context, braked.planned, locks);
  await conclude_(await conclude(context, written.ended));
  await conclude_(await record(context, written.written));
  return next;
}

/** Settles rows that never became a unit (the batch could not start, or stopped before them). */
async function settleRows(
  deps: SyncDeps,
  rows: readonly ClaimedItem[],
  settlement: Settlement,
): Promise<Pick<Concluded, 'settled' | 'summary'>> {
  if (rows.length === 0) return { settled: [], summary: EMPTY_SUMMARY };
  await settleClaims(deps.db, rows, settlement, {
    now: deps.now(),
    maxAttempts: deps.policy.maxAttempts,
    backoff: deps.policy.backoff,
    random: deps.policy.random,
    logger: deps.logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  return { settled: rows, summary: countOf(settlement, rows.length) };
}

export async function syncInstallationBatch(
  workerDeps: SyncDeps,
  installationId: string,
  claims: readonly ClaimedItem[],
): Promise<BatchSummary> {
  // One id for the batch: every line it logs, and its audit lines and link events, carry it. Its lines also
  // name the triggers it serves, so a webhook delivery or a poll run leads to the syncs it caused.
  const correlationId = crypto.randomUUID();
  const deps: SyncDeps = {
    ...workerDeps,
    correlationId,
    logger: withLogFields(workerDeps.logger, { correlationId, installationId, ...triggersOf(claims) }),
  };
  const startedAt = deps.now();
  const blocked = (code: string, message: string): Settlement => ({
    kind: 'defer',
    dueAt: deps.now() + deps.blockedRetryMs,
    reason: { code, message },
  });
  const settings = await settingsOrNull(deps.db, installationId);
  if (!settings) {
    return (
      await settleRows(deps, claims, blocked('invalid_settings', 'The stored settings cannot be read.'))
    ).summary;
  }
  // Rows claimed just before an admin paused the installation wait with the rest.
  const installation = await installations.findById(deps.db, installationId);
  if (installation?.state.pausedByAdmin) {
    return (await settleRows(deps, claims, blocked('paused', 'Sync is paused for this installation.')))
      .summary;
  }
  const clients = await deps.clients.clientsFor(installationId);
  if (!clients.ok) {
    return (await settleRows(deps, claims, blocked(clients.error.code, clients.error.message))).summary;
  }

  let ledger: Ledger = { settled: new Set(), summary: EMPTY_SUMMARY };
  const locks = await openRecordLocks(deps.db);
  try {
    const leftover: ClaimedItem[] = [];
    // Companies before contacts before deals: a record's parent is linked before the record needs it.
    for (const objectType of SYNC_ORDER) {
      const ofType = claims.filter((claim) => objectTypeOfClaim(claim) === objectType);
      if (ofType.length === 0) continue;
      const context = await buildContext(deps, installationId, settings, clients.value, objectType);
      let work: WorkEntry[] = ofType.map((claim) => ({ items: [claim] }));
      for (let roundNumber = 1; roundNumber <= MAX_ROUNDS && work.length > 0; roundNumber += 1) {
        work = await round(context, work, roundNumber, locks, (part) => {
          ledger = entered(ledger, part);
        });
      }
      leftover.push(...work.flatMap((entry) => entry.items));
    }
    ledger = entered(
      ledger,
      await settleRows(deps, leftover, {
        kind: 'fail',
        error: {
          retryable: true,
          category: 'transient',
          code: 'sync_incomplete',
          message: 'The record kept changing links during its sync; it will be synced again shortly.',
        },
      }),
    );
  } catch (error) {
    const unsettled = claims.filter((claim) => !ledger.settled.has(claim.id));
    const failure = callFailureOf(error);
    // A failed call is logged by its code: its message, kept on the rows, may quote a record's values.
    if (failure.category !== 'unknown' || failure.code !== 'unexpected_error')
      deps.logger.warn(
        { rows: unsettled.length, side: failure.side, code: failure.code, category: failure.category },
        `sync batch stopped: ${failure.side ?? 'a'} call failed (${failure.code})`,
      );
    else deps.logger.error({ rows: unsettled.length, err: error }, 'sync batch failed unexpectedly');
    // An org that refuses a query (a field was deleted, say) may have changed: describe it afresh.
    if (failure.side === 'salesforce' && !failure.retryable) deps.metadata.forget(installationId);
    const settlement = settlementForCallFailure(failure, deps.now(), {
      blockedRetryMs: deps.blockedRetryMs,
    });
    ledger = entered(ledger, await settleRows(deps, unsettled, settlement));
  } finally {
    deps.logger.debug(
      {
        event: 'records_released',
        worker: deps.workerId,
        installationId,
        records: locks.held(),
      },
      `released ${locks.held().length} records`,
    );
    await locks.release();
  }
  const { synced, echoes, deferred, failed } = ledger.summary;
  deps.logger.info(
    { rows: claims.length, synced, echoes, deferred, failed, durationMs: deps.now() - startedAt },
    `sync batch done: ${synced} synced, ${echoes} echoes, ${deferred} deferred, ${failed} failed`,
  );
  return ledger.summary;
}
