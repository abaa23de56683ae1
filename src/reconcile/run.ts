/**
 * One reconciliation run of one installation: every record of both systems compared with the links, page by
 * page, for what change detection missed. Per synced object type:
 *
 *   HubSpot, live (list, 100 per call; the linked ones' associations, one batch read per page and
 *   association) ── linked: values ≠ shadows → hubspot_changed
 *                                     └─ unlinked: its email (domain) kept for matching
 *   HubSpot, archived (list ?archived=true) ── linked → hubspot_deleted
 *   Salesforce, per object, live (query by Id, 2,000 per call; the linked Opportunities' contact roles, one
 *   query per page) ── linked: values ≠ shadows → salesforce_changed
 *                                                              └─ unlinked: its email (domain) kept
 *   Salesforce, recycle bin (queryAll IsDeleted = true) ── linked → salesforce_deleted (a merge loser: merged)
 *   then, once both walks are whole: active links whose record neither walk saw → hubspot_missing / salesforce_missing
 *   and unlinked HubSpot records whose email (domain) an unlinked Salesforce record has → unlinked_match
 *
 * A finding is a dirty mark (`source: reconcile`), handed over with the record read where there is one, so
 * the sync worker decides by the same rules as for any change, and an echo costs it no call. Nothing here
 * writes to either system or to links, shadows or the audit log. Every call passes the installation's gate;
 * a spent budget ends the run as `incomplete`, with what it found so far marked and counted.
 */
import type { Knex } from 'knex';
import type { ClientSource, InstallationClients } from '../auth/clients';
import { openGate, isBudgetExhausted, type CallGate } from '../connectors/gate';
import { HubSpotObjects } from '../connectors/hubspot/records';
import { SALESFORCE_POLL_PAGE_SIZE } from '../connectors/salesforce/changes';
import { SalesforceRecords } from '../connectors/salesforce/records';
import * as dirty from '../db/dirty';
import * as links from '../db/links';
import * as reports from '../db/reconcileReports';
import * as shadowsTable from '../db/shadows';
import { payloadOf } from '../changes/salesforcePoll';
import type { ShadowMap } from '../domain/planner';
import {
  changedSinceSync,
  emptyCounts,
  goneKind,
  hubspotIdentity,
  salesforceIdentity,
  unlinkedMatches,
  type ReconcileCounts,
} from '../domain/reconcile';
import type { HubspotObjectType, HubspotRecord, SalesforceRecord } from '../domain/records';
import { enabledHubspotObjects } from '../domain/settings/readLists';
import { CanonicalValueSchema, type CanonicalValue } from '../domain/transforms/canonical';
import type { Logger } from '../logger';
import { toDirtyPayload, type DirtyPayload } from '../queue/payload';
import { notifyDirty } from '../queue/wake';
import { settingsFor } from '../settings/installationSettings';
import { buildContext, type BatchContext } from '../sync/context';
import type { OrgMetadataCache } from '../sync/orgMetadata';
import { associationLinksFor, withAssociations, withContactRoles } from '../sync/reads';
import { domainLink } from '../sync/unit';

export interface ReconcileDeps {
  readonly db: Knex;
  readonly now: () => number;
  readonly logger: Logger;
  readonly clients: ClientSource;
  /** The installation's call gate (rate limits, API budget). Default: no limits. */
  readonly gateFor?: (installationId: string) => CallGate;
  readonly metadata: OrgMetadataCache;
  readonly callTimeoutMs?: number;
}

export interface ReconcileOptions {
  /** Checked between pages: a stopping process ends the run (as incomplete) after the page in hand. */
  shouldStop?: () => boolean;
  /** Salesforce records per query (at most 2,000); lower in tests. */
  salesforcePageSize?: number;
}

class Stopped extends Error {}

/** The run's tallies, saved to its report page by page. */
interface Tally {
  counts: ReconcileCounts;
  calls: { hubspot: number; salesforce: number };
}

function countingGate(gate: CallGate, tally: Tally): CallGate {
  return {
    acquire: async (provider, kind) => {
      await gate.acquire(provider, kind);
      tally.calls[provider] += 1;
    },
    ...(gate.observeSalesforceUsage
      ? { observeSalesforceUsage: (used, limit) => gate.observeSalesforceUsage?.(used, limit) }
      : {}),
  };
}

const SETTLE_POLICY = {
  maxAttempts: 8,
  backoff: { baseDelayMs: 1_000, maxDelayMs: 60_000 },
  random: Math.random,
  contendedRetryMs: 2_000,
};

/**
 * Runs a reconciliation under `report` (already `running`) and ends it: `completed`, `incomplete` (budget
 * spent, or stopping) or `failed`. Returns the report as it ended.
 */
export async function runReconciliation(
  deps: ReconcileDeps,
  report: reports.ReconcileReport,
  options: ReconcileOptions = {},
): Promise<reports.ReconcileReport> {
  const installationId = report.installationId;
  const tally: Tally = { counts: emptyCounts(), calls: { hubspot: 0, salesforce: 0 } };
  const logger = deps.logger;
  const finish = async (
    state: 'completed' | 'incomplete' | 'failed',
    message: string | null,
  ): Promise<reports.ReconcileReport> => {
    await reports.finish(
      deps.db,
      report.id,
      { state, counts: tally.counts, calls: tally.calls, message },
      deps.now(),
    );
    const ended = await reports.findById(deps.db, installationId, report.id);
    logger.info(
      { installationId, reportId: report.id, state, counts: tally.counts, calls: tally.calls },
      `reconciliation ${state}: ${describeCounts(tally.counts)}`,
    );
    if (!ended) throw new Error(`reconcile report ${report.id} vanished`);
    return ended;
  };
  try {
    const clients = await deps.clients.clientsFor(installationId);
    if (!clients.ok) return await finish('failed', clients.error.message);
    const settings = await settingsFor(deps.db, installationId);
    const gate = countingGate(deps.gateFor?.(installationId) ?? openGate, tally);
    for (const objectType of enabledHubspotObjects(settings)) {
      const context = await buildContext(
        {
          db: deps.db,
          clients: deps.clients,
          gateFor: () => gate,
          metadata: deps.metadata,
          now: deps.now,
          logger,
          policy: SETTLE_POLICY,
          blockedRetryMs: 60_000,
          ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}),
        },
        installationId,
        settings,
        clients.value,
        objectType,
      );
      const walker = new ObjectWalk(deps, context, tally, report.id, {
        gate,
        callTimeoutMs: deps.callTimeoutMs,
        salesforcePageSize: Math.min(options.salesforcePageSize ?? SALESFORCE_POLL_PAGE_SIZE, 2_000),
        shouldStop: options.shouldStop ?? (() => false),
      });
      await walker.run(clients.value);
    }
    return await finish('completed', null);
  } catch (error) {
    if (isBudgetExhausted(error)) {
      return finish(
        'incomplete',
        `The API budget ran out (${error.reason}); what was compared until then is counted and queued. ` +
          `The next run starts from the beginning after ${new Date(error.freesAtMs).toISOString()}.`,
      );
    }
    if (error instanceof Stopped) {
      return finish(
        'incomplete',
        'The process stopped during the run; the next run starts from the beginning.',
      );
    }
    logger.error({ installationId, err: error }, 'reconciliation failed');
    return finish('failed', error instanceof Error ? error.message : String(error));
  }
}

function describeCounts(counts: ReconcileCounts): string {
  const found = Object.entries(counts).filter(([, count]) => count > 0);
  return found.length === 0 ? 'nothing found' : found.map(([kind, count]) => `${count} ${kind}`).join(', ');
}

const id15 = (id: string) => id.slice(0, 15);

function shadowMapOf(linkShadows: Map<string, shadowsTable.Shadow> | undefined): ShadowMap {
  const map: Record<string, CanonicalValue> = {};
  for (const [fieldKey, shadow] of linkShadows ?? []) {
    const value = CanonicalValueSchema.safeParse(shadow.value);
    if (value.success) map[fieldKey] = value.data;
  }
  return map;
}

/** The walk of one HubSpot object type and its Salesforce objects. */
class ObjectWalk {
  private readonly objectType: HubspotObjectType;
  private readonly activeByHubspot = new Map<string, links.Link>();
  private readonly activeBySalesforce = new Map<string, links.Link>();
  private readonly anyLinkHubspot = new Set<string>();
  private readonly anyLinkSalesforce = new Set<string>();
  private readonly seenHubspot = new Set<string>();
  private readonly seenSalesforce = new Set<string>();
  private readonly deletedHubspot = new Set<string>();
  private readonly deletedSalesforce = new Set<string>();
  private readonly unlinkedHubspot = new Map<string, HubspotRecord[]>();
  private readonly unlinkedSalesforce = new Set<string>();

  constructor(
    private readonly deps: ReconcileDeps,
    private readonly context: BatchContext,
    private readonly tally: Tally,
    private readonly reportId: string,
    private readonly options: {
      gate: CallGate;
      callTimeoutMs: number | undefined;
      salesforcePageSize: number;
      shouldStop: () => boolean;
    },
  ) {
    this.objectType = context.objectType;
  }

  async run(clients: InstallationClients): Promise<void> {
    const connectorOptions = {
      gate: this.options.gate,
      ...(this.options.callTimeoutMs ? { callTimeoutMs: this.options.callTimeoutMs } : {}),
    };
    for (const link of await links.listForHubspotObjectType(
      this.deps.db,
      this.context.installationId,
      this.objectType,
    )) {
      this.anyLinkHubspot.add(link.hubspotId);
      this.anyLinkSalesforce.add(id15(link.salesforceId));
      if (link.state !== 'active') continue;
      this.activeByHubspot.set(link.hubspotId, link);
      this.activeBySalesforce.set(id15(link.salesforceId), link);
    }
    const hubspot = new HubSpotObjects(clients.hubspot, this.objectType, connectorOptions);
    await this.walkHubspot(hubspot, false);
    await this.walkHubspot(hubspot, true);
    for (const type of this.context.salesforceTypes) {
      const salesforce = new SalesforceRecords(clients.salesforce, type, connectorOptions);
      await this.walkSalesforce(salesforce, false);
      await this.walkSalesforce(salesforce, true);
    }
    await this.markGone();
    await this.markMatches();
  }

  private async walkHubspot(hubspot: HubSpotObjects, archived: boolean): Promise<void> {
    let after: string | null = null;
    do {
      if (this.options.shouldStop()) throw new Stopped();
      const page = await hubspot.listPage(this.context.hubspotProperties, after, { archived });
      const marks: dirty.MarkInput[] = [];
      if (archived) {
        for (const record of page.records) {
          if (!this.activeByHubspot.has(record.id)) continue;
          this.deletedHubspot.add(record.id);
          this.tally.counts.hubspot_deleted += 1;
          marks.push(this.markOf('hubspot', record.id, { hint: 'deleted' }));
        }
      } else {
        // The linked records' associations, read as the sync reads them: one call per page and association.
        const filled = await withAssociations(
          this.context,
          page.records.filter((record) => this.activeByHubspot.has(record.id)),
        );
        const records = page.records.map((record) => filled.get(record.id) ?? record);
        const linked = records.filter((record) => this.activeByHubspot.has(record.id));
        const shadows = await this.shadowsOf(linked.map((record) => this.activeByHubspot.get(record.id)!));
        const associationLinks = await associationLinksFor(this.context, linked, []);
        for (const record of records) {
          this.seenHubspot.add(record.id);
          const link = this.activeByHubspot.get(record.id);
          if (link) {
            const changed = changedSinceSync({
              settings: this.context.settings,
              link: domainLink(link),
              changed: { side: 'hubspot', record },
              shadows: shadowMapOf(shadows.get(link.id)),
              owners: this.context.metadata.owners,
              salesforceUserId: this.context.salesforceUserId,
              associationLinks,
            });
            if (changed) {
              this.tally.counts.hubspot_changed += 1;
              marks.push(this.markOf('hubspot', record.id, { record }));
            }
          } else if (!this.anyLinkHubspot.has(record.id)) {
            const identity = hubspotIdentity(this.context.settings, record);
            if (identity) {
              const same = this.unlinkedHubspot.get(identity) ?? [];
              same.push(record);
              this.unlinkedHubspot.set(identity, same);
            }
          }
        }
      }
      await this.handOver(marks);
      after = page.after;
    } while (after !== null);
  }

  private async walkSalesforce(salesforce: SalesforceRecords, deleted: boolean): Promise<void> {
    const fields = this.context.salesforceFields[salesforce.type];
    let afterId: string | null = null;
    for (;;) {
      if (this.options.shouldStop()) throw new Stopped();
      const page = await salesforce.readPageAfter(afterId, fields, this.options.salesforcePageSize, {
        deleted,
      });
      const marks: dirty.MarkInput[] = [];
      if (deleted) {
        for (const record of page.records) {
          if (!this.activeBySalesforce.has(id15(record.id))) continue;
          this.deletedSalesforce.add(id15(record.id));
          this.tally.counts.salesforce_deleted += 1;
          marks.push(this.markOf('salesforce', record.id, payloadOf(record, 'deletions'), record.type));
        }
      } else {
        await this.compareSalesforce(page.records, marks);
      }
      await this.handOver(marks);
      const last = page.records.at(-1);
      if (!page.more || !last) return;
      afterId = last.id;
    }
  }

  private async compareSalesforce(read: readonly SalesforceRecord[], marks: dirty.MarkInput[]) {
    // The linked Opportunities' contact roles, read as the sync reads them: one query per page.
    const filled = await withContactRoles(
      this.context,
      read.filter((record) => this.activeBySalesforce.has(id15(record.id))),
    );
    const records = read.map((record) => filled.get(record.id) ?? record);
    const linked = records.flatMap((record) => {
      const link = this.activeBySalesforce.get(id15(record.id));
      return link ? [link] : [];
    });
    const shadows = await this.shadowsOf(linked);
    const associationLinks = await associationLinksFor(
      this.context,
      [],
      records.filter((record) => this.activeBySalesforce.has(id15(record.id))),
    );
    for (const record of records) {
      this.seenSalesforce.add(id15(record.id));
      const link = this.activeBySalesforce.get(id15(record.id));
      if (link) {
        const changed = changedSinceSync({
          settings: this.context.settings,
          link: domainLink(link),
          changed: { side: 'salesforce', record },
          shadows: shadowMapOf(shadows.get(link.id)),
          owners: this.context.metadata.owners,
          salesforceUserId: this.context.salesforceUserId,
          associationLinks,
        });
        if (changed) {
          this.tally.counts.salesforce_changed += 1;
          marks.push(this.markOf('salesforce', record.id, { record }, record.type));
        }
      } else if (!this.anyLinkSalesforce.has(id15(record.id))) {
        const identity = salesforceIdentity(this.context.settings, this.objectType, record);
        if (identity) this.unlinkedSalesforce.add(identity);
      }
    }
  }

  /** Active links whose record neither walk of its side saw, live or deleted: gone without a trace. */
  private async markGone(): Promise<void> {
    const marks: dirty.MarkInput[] = [];
    for (const link of this.activeByHubspot.values()) {
      const hubspotKind = goneKind(
        'hubspot',
        this.seenHubspot.has(link.hubspotId),
        this.deletedHubspot.has(link.hubspotId),
      );
      if (hubspotKind === 'hubspot_missing') {
        this.tally.counts.hubspot_missing += 1;
        marks.push(this.markOf('hubspot', link.hubspotId, null));
      }
      const key = id15(link.salesforceId);
      const salesforceKind = goneKind(
        'salesforce',
        this.seenSalesforce.has(key),
        this.deletedSalesforce.has(key),
      );
      if (salesforceKind === 'salesforce_missing') {
        this.tally.counts.salesforce_missing += 1;
        marks.push(this.markOf('salesforce', link.salesforceId, null, link.salesforceObjectType));
      }
    }
    await this.handOver(marks);
  }

  private async markMatches(): Promise<void> {
    const ids = unlinkedMatches(
      new Map([...this.unlinkedHubspot].map(([identity, records]) => [identity, records.map((r) => r.id)])),
      this.unlinkedSalesforce,
    );
    const records = new Map([...this.unlinkedHubspot.values()].flat().map((record) => [record.id, record]));
    const marks = ids.map((id) => {
      const record = records.get(id);
      return this.markOf('hubspot', id, record ? { record } : null);
    });
    this.tally.counts.unlinked_match += marks.length;
    await this.handOver(marks);
  }

  private async shadowsOf(linked: readonly links.Link[]) {
    return shadowsTable.forLinks(
      this.deps.db,
      this.context.installationId,
      linked.map((link) => link.id),
    );
  }

  private markOf(
    side: 'hubspot' | 'salesforce',
    recordId: string,
    payload: DirtyPayload | null,
    salesforceType?: string,
  ): dirty.MarkInput {
    return {
      installationId: this.context.installationId,
      record:
        side === 'hubspot'
          ? { side, objectType: this.objectType, recordId }
          : { side, objectType: salesforceType as never, recordId },
      source: 'reconcile',
      payload: payload ? toDirtyPayload(payload) : null,
    };
  }

  /** Marks a page's findings and saves the tallies, so a run that ends early has queued what it found. */
  private async handOver(marks: dirty.MarkInput[]): Promise<void> {
    if (marks.length > 0) {
      await dirty.markMany(this.deps.db, marks, this.deps.now());
      notifyDirty();
    }
    await reports.progress(this.deps.db, this.reportId, this.tally.counts, this.tally.calls);
  }
}
