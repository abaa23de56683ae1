/**
 * When a tombstone's grace period ends, the installation's delete policy applies to the other side's record
 * (src/domain/deletes.ts decides; this reads the facts and acts):
 *
 *   keep_flagged          the record stays, marked; the link stays tombstoned (no API call)
 *   archive_counterpart   the record is archived in HubSpot or deleted to Salesforce's recycle bin, unless it
 *                         has open deals (HubSpot) or open Opportunities (Salesforce): then it stays, marked
 *
 * Each decision is recorded once per tombstone (delete_expiries) with an audit line in the same transaction;
 * a record is archived before its decision is recorded, so a crash in between archives it again next time,
 * which is harmless. Nothing is decided for an installation while the mass-delete brake holds deletes, while
 * its sync is paused, nor while its connection cannot be used: the next run tries again.
 */
import type { ClientSource } from '../auth/clients';
import { HubSpotDeleteChecks } from '../connectors/hubspot/deleteChecks';
import { SalesforceDeleteChecks } from '../connectors/salesforce/deleteChecks';
import type { CallGate } from '../connectors/gate';
import * as auditEntries from '../db/auditEntries';
import * as deleteExpiries from '../db/deleteExpiries';
import * as deleteHolds from '../db/deleteHolds';
import * as installations from '../db/installations';
import * as links from '../db/links';
import type { Knex } from 'knex';
import { DAY_MS, decideExpiry, type ExpiryOutcome } from '../domain/deletes';
import type { HubspotObjectType, SalesforceObjectType, Side } from '../domain/records';
import type { Settings } from '../domain/settings/schema';
import type { Logger } from '../logger';
import { settingsOrNull } from '../settings/installationSettings';
import { BRIDGE_ACTOR } from './context';

export interface DeleteExpiryDeps {
  readonly db: Knex;
  readonly now: () => number;
  readonly logger: Logger;
  readonly clients: ClientSource;
  readonly gateFor?: (installationId: string) => CallGate;
}

export interface DeleteExpirySummary {
  readonly decided: Partial<Record<ExpiryOutcome, number>>;
  /** Installations skipped: the brake holds deletes, or the connection cannot be used now. */
  readonly skipped: number;
  readonly errors: number;
}

/** The most tombstones one installation's run judges; the rest wait for the next run. */
const PER_RUN = 200;

interface Checks {
  readonly hubspot: HubSpotDeleteChecks;
  readonly salesforce: SalesforceDeleteChecks;
}

/** The record on the side that was not deleted, and what the policy finds about it. */
async function counterpartFacts(
  checks: Checks,
  link: links.Link,
): Promise<{ side: Side; exists: boolean; openDeals: number }> {
  if (link.tombstonedSide === 'salesforce') {
    const type = link.hubspotObjectType as HubspotObjectType;
    const exists = await checks.hubspot.exists(type, link.hubspotId);
    return {
      side: 'hubspot',
      exists,
      openDeals: exists ? await checks.hubspot.openDeals(type, link.hubspotId) : 0,
    };
  }
  const type = link.salesforceObjectType as SalesforceObjectType;
  const exists = await checks.salesforce.exists(type, link.salesforceId);
  return {
    side: 'salesforce',
    exists,
    openDeals: exists ? await checks.salesforce.openOpportunities(type, link.salesforceId) : 0,
  };
}

async function record(
  deps: DeleteExpiryDeps,
  link: links.Link,
  decision: { outcome: ExpiryOutcome; reason: string },
  facts: { side: Side | null; openDeals: number },
): Promise<boolean> {
  const now = deps.now();
  return await deps.db.transaction(async (trx) => {
    const fresh = await deleteExpiries.record(trx, {
      installationId: link.installationId,
      linkId: link.id,
      tombstonedAt: link.tombstonedAt as number,
      outcome: decision.outcome,
      reason: decision.reason,
      decidedAt: now,
    });
    if (!fresh) return false;
    const counterpart =
      facts.side === 'hubspot'
        ? { side: 'hubspot' as const, objectType: link.hubspotObjectType, recordId: link.hubspotId }
        : facts.side === 'salesforce'
          ? {
              side: 'salesforce' as const,
              objectType: link.salesforceObjectType,
              recordId: link.salesforceId,
            }
          : null;
    await auditEntries.append(trx, [
      {
        installationId: link.installationId,
        linkId: link.id,
        record: counterpart,
        action: decision.outcome === 'archived' ? 'counterpart_archived' : 'delete_grace_ended',
        direction: 'none',
        reason: decision.outcome,
        after: { policy: decision.outcome, openDeals: facts.openDeals, message: decision.reason },
        actor: BRIDGE_ACTOR,
        occurredAt: now,
      },
    ]);
    return true;
  });
}

async function runInstallation(
  deps: DeleteExpiryDeps,
  installationId: string,
  settings: Settings,
  decided: Partial<Record<ExpiryOutcome, number>>,
): Promise<'done' | 'skipped' | number> {
  if ((await deleteHolds.countHeld(deps.db, installationId)) > 0) return 'skipped';
  const cutoff = deps.now() - settings.deletes.graceDays * DAY_MS;
  const due = (await deleteExpiries.listDue(deps.db, installationId, cutoff, PER_RUN)).map(links.fromRow);
  if (due.length === 0) return 'done';
  let checks: Checks | null = null;
  if (settings.deletes.policy === 'archive_counterpart') {
    const clients = await deps.clients.clientsFor(installationId);
    if (!clients.ok) return 'skipped';
    const options = deps.gateFor ? { gate: deps.gateFor(installationId) } : {};
    checks = {
      hubspot: new HubSpotDeleteChecks(clients.value.hubspot, options),
      salesforce: new SalesforceDeleteChecks(clients.value.salesforce, options),
    };
  }
  let errors = 0;
  for (const link of due) {
    try {
      const facts = checks ? await counterpartFacts(checks, link) : null;
      const decision = decideExpiry({
        policy: settings.deletes.policy,
        counterpartExists: facts?.exists ?? true,
        openDeals: facts?.openDeals ?? 0,
      });
      if (decision.outcome === 'archived' && checks && facts) {
        if (facts.side === 'hubspot') {
          await checks.hubspot.archive(link.hubspotObjectType as HubspotObjectType, link.hubspotId);
        } else {
          await checks.salesforce.destroy(
            link.salesforceObjectType as SalesforceObjectType,
            link.salesforceId,
          );
        }
      }
      if (
        await record(deps, link, decision, { side: facts?.side ?? null, openDeals: facts?.openDeals ?? 0 })
      ) {
        decided[decision.outcome] = (decided[decision.outcome] ?? 0) + 1;
      }
    } catch (error) {
      errors += 1;
      deps.logger.warn(
        { installationId, linkId: link.id, error: error instanceof Error ? error.message : String(error) },
        'the delete policy could not be applied to a link whose grace period ended; the next run tries again',
      );
    }
  }
  return errors;
}

/** One run over every installation: the tombstones whose grace period ended get the policy's decision. */
export async function runDeleteExpiry(deps: DeleteExpiryDeps): Promise<DeleteExpirySummary> {
  const decided: Partial<Record<ExpiryOutcome, number>> = {};
  let skipped = 0;
  let errors = 0;
  for (const installation of await installations.list(deps.db)) {
    // A paused installation, or one whose connection needs an admin, is left as it is until it runs again.
    if (installation.status !== 'active' || installation.syncPaused) continue;
    const settings = await settingsOrNull(deps.db, installation.id);
    if (!settings) continue;
    const result = await runInstallation(deps, installation.id, settings, decided);
    if (result === 'skipped') skipped += 1;
    else if (typeof result === 'number') errors += result;
  }
  return { decided, skipped, errors };
}
