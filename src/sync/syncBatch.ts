/**
 * One installation's share of a claimed batch, start to finish:
 *
 *   settings → clients → org metadata (cached) → units (one per link) → record locks
 *   → read the changed sides (unless a poll carried them) → echo test → read the other sides and the
 *     candidates of unlinked records → plan → [re-read with history where a newer change must win]
 *   → link moves (conversion, merge: next round) → Salesforce writes → HubSpot writes (with app properties)
 *   → per unit, one transaction: links, shadows, conflicts, questions, audit, failures, dirty rows settled.
 *
 * A round ends with the units that must go again (their link moved, or they touched a record another unit
 * of the round already touched); a few rounds settle every row. Per-record outcomes never fail the batch;
 * an error that fails a whole call settles only the records it touched (see settlements.ts).
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { isBudgetExhausted, openGate, type CallGate } from '../connectors/gate';
import { HubSpotError } from '../connectors/hubspot/errors';
import { SalesforceCallError } from '../connectors/salesforce/record-errors';
import { CallTimeout } from '../connectors/timeout';
import { HubSpotObjects } from '../connectors/hubspot/objects';
import { listHubSpotOwners } from '../connectors/hubspot/owners';
import { describeFields, listSalesforceUsers } from '../connectors/salesforce/metadata';
import { SalesforceRecords } from '../connectors/salesforce/records';
import * as installations from '../db/installations';
import * as settingsTable from '../db/settings';
import { LIFECYCLE_STAGE_PROPERTY } from '../domain/lifecycleStages';
import { defaultSettings } from '../domain/settings/defaults';
import { parseSettings } from '../domain/settings/migrate';
import type { SalesforceObjectType } from '../domain/records';
import type { Settings } from '../domain/settings/schema';
import type { ClaimedItem } from '../queue/claim';
import { deferClaims } from '../queue/defer';
import type { QueueLogger } from '../queue/logger';
import { fail } from '../queue/settle';
import type { ClientSource, InstallationClients } from './clients';
import type { BatchContext, SettlePolicy } from './context';
import { hubspotPropertiesToRead, salesforceFieldsToRead, settingsForOrg } from './fields';
import { openRecordLocks, type RecordLocks } from './locks';
import type { OrgMetadataCache } from './orgMetadata';
import { ownKeys } from './planning';
import type { Settlement } from './recordOutcome';
import { runRound } from './round';
import { settlementForError } from './settlements';
import { SettledTracker, settleUnit, type BatchSummary } from './tracker';
import { buildUnits, type Unit, type WorkEntry } from './units';

export interface SyncDeps {
  readonly db: Knex;
  readonly clients: ClientSource;
  /** The call gate of an installation (rate limits, API budget). Default: no limits. */
  readonly gateFor?: (installationId: string) => CallGate;
  readonly metadata: OrgMetadataCache;
  readonly now: () => number;
  readonly logger: QueueLogger;
  readonly policy: SettlePolicy;
  readonly callTimeoutMs?: number;
  /** How long the rows of a paused installation, or one whose connection is unusable, wait to be looked at again. */
  readonly blockedRetryMs: number;
  /** Named in the log lines that say which records this worker holds. */
  readonly workerId?: string;
}

const MAX_ROUNDS = 4;

export async function loadSettings(db: Knex, installationId: string): Promise<Settings | null> {
  try {
    const stored = await settingsTable.current(db, installationId, (raw) => {
      const parsed = parseSettings(raw);
      if (!parsed.ok)
        throw new Error(parsed.error.map((problem) => `${problem.path} ${problem.message}`).join('; '));
      return parsed.value;
    });
    return stored?.document ?? defaultSettings();
  } catch {
    return null;
  }
}

export async function buildContext(
  deps: SyncDeps,
  installationId: string,
  settings: Settings,
  clients: InstallationClients,
): Promise<BatchContext> {
  const gate = deps.gateFor?.(installationId) ?? openGate;
  const options = { gate, ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}) };
  const needsOwners = settings.objects.contacts.fields.some(
    (mapping) => mapping.transform.kind === 'owner' && mapping.rule !== 'none',
  );
  const hubspot = new HubSpotObjects(clients.hubspot, 'contacts', options);
  // The portal's own stages matter only when the sync writes the stage to HubSpot.
  const needsStages = settings.objects.contacts.fields.some(
    (mapping) =>
      mapping.hubspotProperty === LIFECYCLE_STAGE_PROPERTY &&
      mapping.rule !== 'none' &&
      mapping.rule !== 'hubspot',
  );
  const readers = {
    lifecycleStages: () => hubspot.propertyOptions(LIFECYCLE_STAGE_PROPERTY),
    describe: (type: SalesforceObjectType) => describeFields(clients.salesforce, type, options),
    ownerDirectory: async () => ({
      hubspotOwners: [...(await listHubSpotOwners(clients.hubspot, options))],
      salesforceUsers: [...(await listSalesforceUsers(clients.salesforce, options))],
    }),
  };
  const metadata = await deps.metadata.get(installationId, readers, {
    owners: needsOwners,
    lifecycleStages: needsStages,
  });
  const effective = settingsForOrg(settings, metadata.describe);
  const installation = await installations.findById(deps.db, installationId);
  const nowMs = deps.now();
  return {
    db: deps.db,
    installationId,
    settings: effective,
    hubspot,
    salesforce: {
      Lead: new SalesforceRecords(clients.salesforce, 'Lead', options),
      Contact: new SalesforceRecords(clients.salesforce, 'Contact', options),
    },
    metadata,
    refreshSalesforceDescribe: async () => {
      deps.metadata.forgetDescribe(installationId);
      return (await deps.metadata.get(installationId, readers, { owners: false })).describe;
    },
    salesforceUserId: installation?.salesforce.userId ?? null,
    instanceUrl: clients.salesforce.instanceUrl,
    hubspotProperties: hubspotPropertiesToRead(effective),
    salesforceFields: {
      Lead: salesforceFieldsToRead(effective, 'Lead'),
      Contact: salesforceFieldsToRead(effective, 'Contact'),
    },
    now: deps.now,
    nowMs,
    correlationId: crypto.randomUUID(),
    logger: deps.logger,
    policy: deps.policy,
    workerId: deps.workerId ?? null,
  };
}

/** Settles rows that never became a unit (the whole batch stopped before them). */
async function settleRows(
  deps: SyncDeps,
  rows: readonly ClaimedItem[],
  settlement: Settlement,
  tracker: SettledTracker,
): Promise<void> {
  if (rows.length === 0) return;
  const nowMs = deps.now();
  if (settlement.kind === 'defer') {
    await deferClaims(deps.db, rows, settlement.dueAt, settlement.reason);
  } else if (settlement.kind === 'fail') {
    for (const row of rows) {
      await fail(deps.db, row, settlement.error, {
        now: nowMs,
        maxAttempts: deps.policy.maxAttempts,
        backoff: deps.policy.backoff,
        random: deps.policy.random(),
        logger: deps.logger,
      });
    }
  }
  tracker.count(settlement, rows.length);
  tracker.mark(rows);
}

async function lockUnits(
  context: BatchContext,
  units: readonly Unit[],
  locks: RecordLocks,
  tracker: SettledTracker,
): Promise<Unit[]> {
  const locked: Unit[] = [];
  for (const unit of units) {
    const keys = ownKeys(context.installationId, unit);
    if (await locks.tryLock(keys)) {
      context.logger.debug(
        {
          event: 'records_locked',
          worker: context.workerId,
          installationId: context.installationId,
          records: keys,
        },
        `holding ${keys.length} records`,
      );
      locked.push(unit);
      continue;
    }
    await settleUnit(
      context,
      unit,
      {
        kind: 'defer',
        dueAt: context.now() + context.policy.contendedRetryMs,
        reason: { code: 'record_busy', message: 'Another worker is syncing the other side of this record.' },
      },
      tracker,
    );
  }
  return locked;
}

export async function syncInstallationBatch(
  deps: SyncDeps,
  installationId: string,
  claims: readonly ClaimedItem[],
): Promise<BatchSummary> {
  const tracker = new SettledTracker();
  const blocked = (code: string, message: string): Settlement => ({
    kind: 'defer',
    dueAt: deps.now() + deps.blockedRetryMs,
    reason: { code, message },
  });
  const settings = await loadSettings(deps.db, installationId);
  if (!settings) {
    await settleRows(
      deps,
      claims,
      blocked('invalid_settings', 'The stored settings cannot be read.'),
      tracker,
    );
    return tracker.summary;
  }
  if (settings.paused) {
    await settleRows(deps, claims, blocked('paused', 'Sync is paused for this installation.'), tracker);
    return tracker.summary;
  }
  const clients = await deps.clients.clientsFor(installationId);
  if (!clients.ok) {
    await settleRows(deps, claims, blocked(clients.error.code, clients.error.message), tracker);
    return tracker.summary;
  }
  const locks = await openRecordLocks(deps.db);
  try {
    const context = await buildContext(deps, installationId, settings, clients.value);
    let entries: WorkEntry[] = claims.map((claim) => ({ items: [claim] }));
    for (let round = 1; round <= MAX_ROUNDS && entries.length > 0; round += 1) {
      const units = await lockUnits(context, await buildUnits(context, entries), locks, tracker);
      entries = await runRound(context, units, { round, locks, tracker });
    }
    const leftover = entries.flatMap((entry) => entry.items);
    await settleRows(
      deps,
      leftover,
      {
        kind: 'fail',
        error: {
          retryable: true,
          category: 'transient',
          code: 'sync_incomplete',
          message: 'The record kept changing links during its sync; it will be synced again shortly.',
        },
      },
      tracker,
    );
  } catch (error) {
    const unsettled = claims.filter((claim) => !tracker.ids.has(claim.id));
    const expected = isCallFailure(error);
    const message = error instanceof Error ? error.message : String(error);
    if (expected)
      deps.logger.warn({ installationId, rows: unsettled.length }, `sync batch stopped: ${message}`);
    else
      deps.logger.error(
        { installationId, rows: unsettled.length, error: message },
        'sync batch failed unexpectedly',
      );
    // An org that refuses a query (a field was deleted, say) may have changed: describe it afresh.
    if (error instanceof SalesforceCallError && !error.retryable) deps.metadata.forget(installationId);
    const settlement = settlementForError(error, deps.now(), { blockedRetryMs: deps.blockedRetryMs });
    await settleRows(deps, unsettled, settlement, tracker);
  } finally {
    deps.logger.debug(
      { event: 'records_released', worker: deps.workerId, installationId, records: locks.held() },
      `released ${locks.held().length} records`,
    );
    await locks.release();
  }
  return tracker.summary;
}

function isCallFailure(error: unknown): boolean {
  return (
    isBudgetExhausted(error) ||
    error instanceof HubSpotError ||
    error instanceof SalesforceCallError ||
    error instanceof CallTimeout
  );
}
