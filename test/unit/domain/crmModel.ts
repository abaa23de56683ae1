/**
 * A tiny in-memory model of one linked pair of records in the two CRMs: people edit either side, the
 * planner's writes are applied the way each system stores them (HubSpot turns a date written as
 * milliseconds into YYYY-MM-DD, Salesforce answers date-times as …+0000), shadows are recorded for the
 * writes that went through, and the next plan sees the echo.
 */
import { planSync } from '../../../src/domain/planner';
import type { ConflictResolution, PlanContext, ShadowMap, SyncPlan } from '../../../src/domain/planner';
import type { HubspotRecord, Link, SalesforceRecord, Side } from '../../../src/domain/records';
import type { Settings } from '../../../src/domain/settings/schema';
import type { CanonicalValue, SalesforceWireValue } from '../../../src/domain/transforms/canonical';
import { owners } from './factories';

export type StoredFormat = 'date' | 'datetime';

export interface ModelOptions {
  /** How HubSpot hands back what was written to these properties. */
  readonly hubspotFormats?: Readonly<Record<string, StoredFormat>>;
  /** Salesforce fields that are date-times (read back as `…+0000`). */
  readonly salesforceDateTimes?: readonly string[];
}

export class TwoCrms {
  hubspot: HubspotRecord;
  salesforce: SalesforceRecord;
  shadows: Record<string, CanonicalValue>;
  openConflicts = new Set<string>();
  nowMs: number;
  writes = { hubspot: 0, salesforce: 0 };

  constructor(
    readonly link: Link,
    hubspot: HubspotRecord,
    salesforce: SalesforceRecord,
    readonly options: ModelOptions = {},
    shadows: ShadowMap = {},
  ) {
    this.hubspot = structuredClone(hubspot);
    this.salesforce = structuredClone(salesforce);
    this.shadows = { ...shadows };
    this.nowMs = Math.max(hubspot.updatedAtMs, salesforce.lastModifiedAtMs);
  }

  advance(ms: number): number {
    this.nowMs += ms;
    return this.nowMs;
  }

  private storeHubspot(property: string, value: string | null, atMs: number): void {
    let stored: string | null = value === '' ? null : value;
    const format = this.options.hubspotFormats?.[property];
    if (stored !== null && /^-?\d+$/.test(stored) && format) {
      const iso = new Date(Number(stored)).toISOString();
      stored = format === 'date' ? iso.slice(0, 10) : iso;
    }
    this.hubspot.properties[property] = stored;
    this.hubspot.propertyTimestampsMs[property] = atMs;
    this.hubspot.updatedAtMs = atMs;
  }

  private storeSalesforce(field: string, value: SalesforceWireValue, atMs: number): void {
    let stored: unknown = typeof value === 'string' ? value.trim() : value;
    if (typeof stored === 'string' && this.options.salesforceDateTimes?.includes(field)) {
      stored = new Date(Date.parse(stored)).toISOString().replace('Z', '+0000');
    }
    this.salesforce.fields[field] = stored === '' ? null : stored;
    this.salesforce.lastModifiedAtMs = atMs;
    this.salesforce.systemModstampMs = atMs;
  }

  /** A person edits HubSpot. */
  editHubspot(property: string, value: string | null, afterMs = 1_000): void {
    this.storeHubspot(property, value, this.advance(afterMs));
  }

  /** A person edits Salesforce. */
  editSalesforce(field: string, value: SalesforceWireValue, afterMs = 1_000): void {
    this.storeSalesforce(field, value, this.advance(afterMs));
  }

  plan(
    settings: Settings,
    options: { resolutions?: Record<string, ConflictResolution>; context?: Partial<PlanContext> } = {},
  ): SyncPlan {
    const context: PlanContext = { settings, nowMs: this.nowMs, owners, ...options.context };
    return planSync(
      {
        kind: 'linked',
        link: this.link,
        shadows: this.shadows,
        hubspot: this.hubspot,
        salesforce: this.salesforce,
        openConflictKeys: [...this.openConflicts],
        ...(options.resolutions ? { resolutions: options.resolutions } : {}),
      },
      context,
    );
  }

  /** Carries out a plan; `failing` makes that side's write fail, as a rejected batch item would. */
  apply(plan: SyncPlan, failing: Side | null = null): void {
    const atMs = this.advance(500);
    const succeeded = new Set<Side>();
    if (plan.hubspotWrite?.kind === 'update' && failing !== 'hubspot') {
      for (const [property, value] of Object.entries(plan.hubspotWrite.properties))
        this.storeHubspot(property, value, atMs);
      this.writes.hubspot += 1;
      succeeded.add('hubspot');
    }
    if (plan.salesforceWrite?.kind === 'update' && failing !== 'salesforce') {
      for (const [field, value] of Object.entries(plan.salesforceWrite.fields))
        this.storeSalesforce(field, value, atMs);
      this.writes.salesforce += 1;
      succeeded.add('salesforce');
    }
    for (const update of plan.shadowUpdates) {
      if (update.requiresWrites.every((side) => succeeded.has(side))) this.shadows[update.key] = update.value;
    }
    for (const conflict of plan.conflicts) this.openConflicts.add(conflict.key);
    for (const closed of plan.closeConflicts) this.openConflicts.delete(closed.key);
  }

  /** Plan, apply, and plan again on the echo of what was written. */
  sync(settings: Settings): { plan: SyncPlan; echo: SyncPlan } {
    const plan = this.plan(settings);
    this.apply(plan);
    return { plan, echo: this.plan(settings) };
  }
}
