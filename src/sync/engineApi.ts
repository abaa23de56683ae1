/**
 * What the record card, the settings page and the operator dashboard ask of the sync engine. Plain
 * functions over the database (and, for a dry run, the two APIs); the HTTP layer puts them behind signed,
 * tenant-checked endpoints. Every function takes the installation id first: nothing here crosses tenants.
 *
 *   recordSyncStatus   the card (recordStatus.ts): summary, link, queue, conflicts, failures, a dry run
 *   syncNow            "Sync now": the record jumps its installation's queue
 *   retryFailure       "Retry": a failure goes back to the queue (retryAllFailures: all of them)
 *   listConflicts / resolveConflict      the review queue; the next sync writes the chosen value
 *   listPendingMatches / resolvePendingMatch   a person picks among candidates (or create new, or skip)
 *   installationHealth counters for the settings page and the dashboard
 *
 * Anything that changes the queue wakes a sleeping worker in this process (notifyDirty). Every action a person
 * takes is written to the audit log with their HubSpot user, in the transaction that makes it.
 */
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import type { CallGate } from '../connectors/gate';
import * as auditEntries from '../db/auditEntries';
import * as conflictsTable from '../db/conflicts';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import * as links from '../db/links';
import * as pendingMatches from '../db/pendingMatches';
import type { JsonValue, RecordRef } from '../db/recordRefs';
import { personActorId, personName, type HubSpotPerson, type Requester } from '../domain/actors';
import { err, ok, type Result } from '../domain/result';
import type { ClientSource } from '../auth/clients';
import type { OrgMetadataCache } from './orgMetadata';
import { notifyDirty } from '../queue/wake';

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

export { recordSyncStatus, type RecordSyncStatus } from './recordStatus';

/** "Sync now": the record (and so its link) syncs ahead of its installation's backlog. */
export async function syncNow(
  deps: EngineDeps,
  installationId: string,
  record: RecordRef,
  person: HubSpotPerson,
): Promise<void> {
  const link = await findLink(deps.db, installationId, record);
  // The request's id, on its audit line and its queue row: the sync it causes names it in its log lines.
  const correlationId = crypto.randomUUID();
  await deps.db.transaction(async (trx) => {
    const now = deps.now();
    await dirty.mark(trx, { installationId, record, source: 'manual', dueAt: 0, correlationId }, now);
    await auditEntries.append(trx, [
      auditEntries.personEntry({
        installationId,
        person,
        action: 'sync_now_requested',
        reason: 'sync_now',
        linkId: link?.id ?? null,
        record,
        correlationId,
        occurredAt: now,
      }),
    ]);
  });
  notifyDirty();
}

/**
 * "Retry": the failed record goes back to the queue; the sync resolves the failure or records it again. Asked
 * by a person from the card or the settings page, or by the operator from the dashboard.
 */
export async function retryFailure(
  deps: EngineDeps,
  installationId: string,
  failureId: string,
  person: Requester,
  options: { all?: boolean } = {},
): Promise<Result<failures.Failure, EngineError>> {
  const result = await deps.db.transaction(async (trx) => {
    const now = deps.now();
    const failure = await failures.startRetry(trx, installationId, failureId, now);
    if (!failure) return null;
    const correlationId = crypto.randomUUID();
    await dirty.mark(
      trx,
      { installationId, record: failure.record, source: 'retry', dueAt: 0, correlationId },
      now,
    );
    await auditEntries.append(trx, [
      auditEntries.personEntry({
        installationId,
        person,
        action: 'retry_requested',
        reason: options.all ? 'retry_all' : 'retry_one',
        linkId: failure.linkId,
        record: failure.record,
        after: { failureId: failure.id, category: failure.category, code: failure.code },
        correlationId,
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
  person: Requester,
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
      // Only one of the two values: a typed value would let anyone who sees the card write anything to a
      // field the other system may own.
      if (
        choice.keep === 'value' &&
        !isDeepStrictEqual(choice.value, conflict.hubspotValue) &&
        !isDeepStrictEqual(choice.value, conflict.salesforceValue)
      ) {
        return err({
          code: 'invalid',
          message: "A conflict is settled with one of its two values: keep HubSpot's or Salesforce's.",
        });
      }
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

/** The window of the health's success rate. */
export const HEALTH_WINDOW_MS = 24 * 60 * 60_000;

export interface InstallationHealth {
  readonly queue: dirty.QueueCounts;
  readonly failuresByCategory: Readonly<Record<string, number>>;
  readonly openConflicts: number;
  readonly pendingMatches: number;
  readonly activeLinks: number;
  /** When a record of this installation last synced (epoch ms), or null. */
  readonly lastSyncedAt: number | null;
  /**
   * The last day: records that synced, records whose latest attempt failed (and still fail), and the share
   * of the two that synced (null when nothing was attempted).
   */
  readonly recent: {
    readonly windowMs: number;
    readonly synced: number;
    readonly failed: number;
    readonly successRate: number | null;
  };
}

export async function installationHealth(
  deps: EngineDeps,
  installationId: string,
): Promise<InstallationHealth> {
  const since = deps.now() - HEALTH_WINDOW_MS;
  const [queue, failuresByCategory, openConflicts, pending, summary, synced, failed] = await Promise.all([
    dirty.counts(deps.db, installationId, deps.now()),
    failures.countUnresolvedByCategory(deps.db, installationId),
    conflictsTable.countOpen(deps.db, installationId),
    pendingMatches.countOpen(deps.db, installationId),
    links.activeSummary(deps.db, installationId),
    links.countSyncedSince(deps.db, installationId, since),
    failures.countUnresolvedSince(deps.db, installationId, since),
  ]);
  return {
    queue,
    failuresByCategory,
    openConflicts,
    pendingMatches: pending,
    activeLinks: summary.active,
    lastSyncedAt: summary.lastSyncedAt,
    recent: {
      windowMs: HEALTH_WINDOW_MS,
      synced,
      failed,
      successRate: synced + failed === 0 ? null : synced / (synced + failed),
    },
  };
}
