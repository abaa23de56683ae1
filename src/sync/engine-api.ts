/**
 * What the record card, the settings page and the operator dashboard ask of the sync engine. Plain
 * functions over the database (and, for a dry run, the two APIs); the HTTP layer puts them behind signed,
 * tenant-checked endpoints. Every function takes the installation id first: nothing here crosses tenants.
 *
 *   recordSyncStatus   the card: link, queue state, per-field table of a dry-run plan, conflicts, failures
 *   syncNow            "Sync now": the record jumps its installation's queue
 *   retryFailure       "Retry": a failure goes back to the queue (retryAllFailures: all of them)
 *   listConflicts / resolveConflict      the review queue; the next sync writes the chosen value
 *   listPendingMatches / resolvePendingMatch   a person picks among candidates (or create new, or skip)
 *   installationHealth counters for the settings page and the dashboard
 *
 * Anything that changes the queue wakes a sleeping worker in this process (notifyDirty). Every action a person
 * takes is written to the audit log with their HubSpot user, in the transaction that makes it.
 */
import type { Knex } from 'knex';
import type { CallGate } from '../connectors/gate';
import * as auditEntries from '../db/auditEntries';
import * as conflictsTable from '../db/conflicts';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import * as links from '../db/links';
import * as pendingMatches from '../db/pendingMatches';
import type { JsonValue, RecordRef } from '../db/recordRefs';
import { personActorId, personName, type HubSpotPerson } from '../domain/actors';
import type { FieldPlan, PlanOutcome } from '../domain/planner';
import { err, ok, type Result } from '../domain/result';
import { defaultBackoff } from '../queue/backoff';
import { silentLogger } from '../queue/logger';
import type { ClientSource } from './clients';
import { OrgMetadataCache } from './orgMetadata';
import { planUnit } from './planning';
import { readCandidates, readSides } from './reads';
import { buildContext, loadSettings } from './syncBatch';
import { buildUnits } from './units';
import { notifyDirty } from './wake';

export interface EngineDeps {
  readonly db: Knex;
  readonly now: () => number;
  /** Needed only for dry runs (they read both records). */
  readonly clients?: ClientSource;
  readonly gateFor?: (installationId: string) => CallGate;
  readonly metadata?: OrgMetadataCache;
}

export type EngineError =
  | { readonly code: 'not_found'; readonly message: string }
  | { readonly code: 'not_open'; readonly message: string }
  | { readonly code: 'invalid'; readonly message: string }
  | { readonly code: 'unavailable'; readonly message: string };

const notFound = (what: string): EngineError => ({ code: 'not_found', message: `No ${what} here.` });

async function findLink(db: Knex, installationId: string, record: RecordRef): Promise<links.Link | null> {
  const all = await links.listForRecord(db, installationId, record);
  return (
    all.find((link) => link.state === 'active') ??
    all.find((link) => link.state === 'tombstoned') ??
    all[0] ??
    null
  );
}

function linkRecords(link: links.Link): RecordRef[] {
  return [
    { side: 'hubspot', objectType: link.hubspotObjectType, recordId: link.hubspotId },
    { side: 'salesforce', objectType: link.salesforceObjectType, recordId: link.salesforceId },
  ];
}

export interface RecordSyncStatus {
  readonly record: RecordRef;
  readonly link: {
    readonly id: string;
    readonly state: links.Link['state'];
    readonly origin: links.Link['origin'];
    readonly hubspot: RecordRef;
    readonly salesforce: RecordRef;
    readonly lastSyncedAt: number | null;
    readonly tombstonedAt: number | null;
  } | null;
  /** The record's place in the queue, if it is waiting or being synced. */
  readonly queue: {
    readonly state: 'pending' | 'claimed';
    readonly attempts: number;
    readonly nextAttemptAt: number;
    readonly lastError: string | null;
  } | null;
  /** A dry run: what a sync now would do, field by field (null when not asked for or not possible). */
  readonly dryRun: {
    readonly outcome: PlanOutcome;
    readonly summary: string;
    readonly fields: readonly FieldPlan[];
  } | null;
  readonly dryRunError: string | null;
  readonly conflicts: readonly conflictsTable.Conflict[];
  readonly failures: readonly failures.Failure[];
  readonly pendingMatch: pendingMatches.PendingMatch | null;
}

/** The card's view of one record. With `dryRun`, both records are read (two or three API calls) and planned. */
export async function recordSyncStatus(
  deps: EngineDeps,
  installationId: string,
  record: RecordRef,
  options: { dryRun?: boolean } = {},
): Promise<RecordSyncStatus> {
  const { db } = deps;
  const link = await findLink(db, installationId, record);
  const records = link ? linkRecords(link) : [record];
  const queued = (
    await Promise.all(records.map((ref) => dirty.findByRecord(db, installationId, ref)))
  ).filter((item) => item !== null);
  const waiting = queued[0] ?? null;
  const unresolved = (
    await Promise.all(records.map((ref) => failures.findUnresolved(db, installationId, ref)))
  ).filter((failure) => failure !== null);
  let dryRun: RecordSyncStatus['dryRun'] = null;
  let dryRunError: string | null = null;
  if (options.dryRun) {
    const planned = await planDryRun(deps, installationId, record);
    if (planned.ok) dryRun = planned.value;
    else dryRunError = planned.error.message;
  }
  return {
    record,
    link: link && {
      id: link.id,
      state: link.state,
      origin: link.origin,
      hubspot: linkRecords(link)[0] as RecordRef,
      salesforce: linkRecords(link)[1] as RecordRef,
      lastSyncedAt: link.lastSyncedAt,
      tombstonedAt: link.tombstonedAt,
    },
    queue: waiting && {
      state: waiting.state,
      attempts: waiting.attempts,
      nextAttemptAt: waiting.nextAttemptAt,
      lastError: waiting.lastError,
    },
    dryRun,
    dryRunError,
    conflicts: link ? await conflictsTable.listOpen(db, installationId, { linkId: link.id }) : [],
    failures: unresolved,
    pendingMatch: link ? null : await pendingMatches.findOpen(db, installationId, record),
  };
}

async function planDryRun(
  deps: EngineDeps,
  installationId: string,
  record: RecordRef,
): Promise<Result<NonNullable<RecordSyncStatus['dryRun']>, EngineError>> {
  if (!deps.clients) return err({ code: 'unavailable', message: 'Dry runs are not available here.' });
  const settings = await loadSettings(deps.db, installationId);
  if (!settings) return err({ code: 'unavailable', message: 'The stored settings cannot be read.' });
  const clients = await deps.clients.clientsFor(installationId);
  if (!clients.ok) return err({ code: 'unavailable', message: clients.error.message });
  try {
    const context = await buildContext(
      {
        db: deps.db,
        clients: deps.clients,
        ...(deps.gateFor ? { gateFor: deps.gateFor } : {}),
        metadata: deps.metadata ?? new OrgMetadataCache({ now: deps.now }),
        now: deps.now,
        logger: silentLogger,
        policy: { maxAttempts: 1, backoff: defaultBackoff, random: Math.random, contendedRetryMs: 0 },
        blockedRetryMs: 0,
      },
      installationId,
      settings,
      clients.value,
    );
    // A unit for the record, as a sync of it would build (no dirty row is claimed or changed).
    const probe = { id: -1, record, payload: null, source: 'manual' } as unknown as Parameters<
      typeof buildUnits
    >[1][number]['items'][number];
    const [unit] = await buildUnits(context, [{ items: [probe] }]);
    if (!unit) return err(notFound('record'));
    await readSides(context, [
      { unit, side: 'hubspot' },
      { unit, side: 'salesforce' },
    ]);
    if (!unit.link) await readCandidates(context, [unit]);
    const plan = planUnit(context, unit);
    if (!plan) return err({ code: 'not_found', message: 'The record no longer exists.' });
    return ok({ outcome: plan.outcome, summary: plan.summary, fields: plan.fields });
  } catch (error) {
    return err({ code: 'unavailable', message: error instanceof Error ? error.message : String(error) });
  }
}

/** "Sync now": the record (and so its link) syncs ahead of its installation's backlog. */
export async function syncNow(
  deps: EngineDeps,
  installationId: string,
  record: RecordRef,
  person: HubSpotPerson,
): Promise<void> {
  const link = await findLink(deps.db, installationId, record);
  await deps.db.transaction(async (trx) => {
    const now = deps.now();
    await dirty.mark(trx, { installationId, record, source: 'manual', dueAt: 0 }, now);
    await auditEntries.append(trx, [
      auditEntries.personEntry({
        installationId,
        person,
        action: 'sync_now_requested',
        reason: 'sync_now',
        linkId: link?.id ?? null,
        record,
        occurredAt: now,
      }),
    ]);
  });
  notifyDirty();
}

/** "Retry": the failed record goes back to the queue; the sync resolves the failure or records it again. */
export async function retryFailure(
  deps: EngineDeps,
  installationId: string,
  failureId: string,
  person: HubSpotPerson,
  options: { all?: boolean } = {},
): Promise<Result<failures.Failure, EngineError>> {
  const result = await deps.db.transaction(async (trx) => {
    const now = deps.now();
    const failure = await failures.startRetry(trx, installationId, failureId, now);
    if (!failure) return null;
    await dirty.mark(trx, { installationId, record: failure.record, source: 'retry', dueAt: 0 }, now);
    await auditEntries.append(trx, [
      auditEntries.personEntry({
        installationId,
        person,
        action: 'retry_requested',
        reason: options.all ? 'retry_all' : 'retry_one',
        linkId: failure.linkId,
        record: failure.record,
        after: { failureId: failure.id, category: failure.category, code: failure.code },
        occurredAt: now,
      }),
    ]);
    return failure;
  });
  if (!result) return err({ code: 'not_open', message: 'This failure is not waiting for a retry.' });
  notifyDirty();
  return ok(result);
}

/** Retries every open failure of the installation; returns how many went back to the queue. */
export async function retryAllFailures(
  deps: EngineDeps,
  installationId: string,
  person: HubSpotPerson,
): Promise<number> {
  let retried = 0;
  for (;;) {
    const open = await failures.list(deps.db, installationId, { states: ['open'], limit: 500 });
    if (open.length === 0) return retried;
    for (const failure of open) {
      if ((await retryFailure(deps, installationId, failure.id, person, { all: true })).ok) retried += 1;
    }
  }
}

export function listConflicts(
  deps: EngineDeps,
  installationId: string,
  options: { linkId?: string; limit?: number } = {},
): Promise<conflictsTable.Conflict[]> {
  return conflictsTable.listOpen(deps.db, installationId, options);
}

export type ConflictChoice =
  | { readonly keep: 'hubspot' | 'salesforce' }
  | { readonly keep: 'value'; readonly value: string | number | boolean | readonly string[] | null };

/**
 * A person settles a conflict. The choice is stored on the conflict and the pair is queued at once; the sync
 * writes the chosen value to whichever side differs and records it as the last synced value.
 */
export async function resolveConflict(
  deps: EngineDeps,
  installationId: string,
  conflictId: string,
  choice: ConflictChoice,
  person: HubSpotPerson,
): Promise<Result<conflictsTable.Conflict, EngineError>> {
  const resolvedBy = personName(person);
  const result = await deps.db.transaction(
    async (trx): Promise<Result<conflictsTable.Conflict, EngineError>> => {
      const conflict = await conflictsTable.findById(trx, installationId, conflictId);
      if (!conflict) return err(notFound('conflict'));
      const value: JsonValue =
        choice.keep === 'value'
          ? (choice.value as JsonValue)
          : choice.keep === 'hubspot'
            ? conflict.hubspotValue
            : conflict.salesforceValue;
      const resolved = await conflictsTable.resolve(
        trx,
        installationId,
        conflictId,
        { resolution: choice.keep, resolvedBy, value },
        deps.now(),
      );
      if (!resolved) return err({ code: 'not_open', message: 'This conflict was already settled.' });
      await auditEntries.append(trx, [
        auditEntries.personEntry({
          installationId,
          person,
          action: 'conflict_value_chosen',
          reason: `keep_${choice.keep}`,
          linkId: conflict.linkId,
          fieldKey: conflict.fieldKey,
          after: value,
          occurredAt: deps.now(),
        }),
      ]);
      const link = await links.findById(trx, installationId, conflict.linkId);
      if (link) {
        await dirty.mark(
          trx,
          {
            installationId,
            record: { side: 'hubspot', objectType: link.hubspotObjectType, recordId: link.hubspotId },
            source: 'manual',
            dueAt: 0,
          },
          deps.now(),
        );
      }
      return ok(resolved);
    },
  );
  if (result.ok) notifyDirty();
  return result;
}

export function listPendingMatches(
  deps: EngineDeps,
  installationId: string,
  options: { limit?: number } = {},
): Promise<pendingMatches.PendingMatch[]> {
  return pendingMatches.listOpen(deps.db, installationId, options);
}

/**
 * A person answers a pending match: link to one of the listed candidates (the link is made now), create a
 * new record on the other side, or skip the record. The record is queued at once either way.
 */
export async function resolvePendingMatch(
  deps: EngineDeps,
  installationId: string,
  matchId: string,
  choice: pendingMatches.Choice,
  person: HubSpotPerson,
): Promise<Result<pendingMatches.PendingMatch, EngineError>> {
  const resolvedBy = personName(person);
  const result = await deps.db
    .transaction(async (trx): Promise<Result<pendingMatches.PendingMatch, EngineError>> => {
      const answered = await pendingMatches.resolve(
        trx,
        installationId,
        matchId,
        { choice, resolvedBy },
        deps.now(),
      );
      if (!answered.ok)
        return err({ code: answered.code === 'not_open' ? 'not_open' : 'invalid', message: answered.reason });
      const subject = answered.match.record;
      let linkId: string | null = null;
      if (choice.kind === 'link') {
        const [hubspot, salesforce] =
          subject.side === 'hubspot' ? [subject, choice.record] : [choice.record, subject];
        if (hubspot?.side !== 'hubspot' || salesforce?.side !== 'salesforce') {
          return err({ code: 'invalid', message: 'A link joins a HubSpot record and a Salesforce record.' });
        }
        const created = await links.create(
          trx,
          {
            installationId,
            hubspotObjectType: hubspot.objectType,
            hubspotId: hubspot.recordId,
            salesforceObjectType: salesforce.objectType,
            salesforceId: salesforce.recordId,
            origin: 'matched',
          },
          {
            now: deps.now(),
            actor: personActorId(person),
            reason: 'picked by a person',
            correlationId: null,
          },
        );
        if (!created.ok) {
          throw new EngineRefusal({
            code: 'invalid',
            message: 'One of these records is already linked to another record.',
          });
        }
        linkId = created.link.id;
      }
      await auditEntries.append(trx, [
        auditEntries.personEntry({
          installationId,
          person,
          action: 'match_answered',
          reason: choice.kind,
          linkId,
          record: subject,
          after: choice,
          occurredAt: deps.now(),
        }),
      ]);
      await dirty.mark(trx, { installationId, record: subject, source: 'manual', dueAt: 0 }, deps.now());
      return ok(answered.match);
    })
    .catch((error: unknown) => {
      if (error instanceof EngineRefusal) return err(error.refusal);
      throw error;
    });
  if (result.ok) notifyDirty();
  return result;
}

class EngineRefusal extends Error {
  constructor(readonly refusal: EngineError) {
    super(refusal.message);
  }
}

export interface InstallationHealth {
  readonly queue: dirty.QueueCounts;
  readonly failuresByCategory: Readonly<Record<string, number>>;
  readonly openConflicts: number;
  readonly pendingMatches: number;
  readonly activeLinks: number;
  /** When a record of this installation last synced (epoch ms), or null. */
  readonly lastSyncedAt: number | null;
}

export async function installationHealth(
  deps: EngineDeps,
  installationId: string,
): Promise<InstallationHealth> {
  const [queue, failuresByCategory, openConflicts, pending, summary] = await Promise.all([
    dirty.counts(deps.db, installationId, deps.now()),
    failures.countUnresolvedByCategory(deps.db, installationId),
    conflictsTable.countOpen(deps.db, installationId),
    pendingMatches.countOpen(deps.db, installationId),
    links.activeSummary(deps.db, installationId),
  ]);
  return {
    queue,
    failuresByCategory,
    openConflicts,
    pendingMatches: pending,
    activeLinks: summary.active,
    lastSyncedAt: summary.lastSyncedAt,
  };
}
