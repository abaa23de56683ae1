/**
 * "Preview changes" on the settings page: what a sync would write if the edited settings were saved now,
 * over a sample of the installation's linked pairs. Nothing is written anywhere: no API write, and no
 * database write besides the API-usage accounting every call records.
 *
 *   check the document as a save would → sample each synced object's active links (most recently synced
 *   first; up to the sample size per object: contacts, companies, deals), then per object:
 *   → context for the edited settings (org metadata, the properties and fields they need)
 *   → units with their stored shadows, open conflicts and pending resolutions (the batch's own stages)
 *   → read both sides in batch calls (HubSpot 100 per call, Salesforce IN lists packed per object)
 *   → plan every pair; re-read HubSpot with property history where a newer change decides, as a sync does
 *   → summarize (aggregate.ts)
 *
 * Every call passes the installation's gate (its API budget); a spent budget refuses the preview with the
 * time it frees up rather than waiting.
 */
import type { Knex } from 'knex';
import { isBudgetExhausted, openGate, type CallGate, type Provider } from '../../connectors/gate';
import type { Link } from '../../db/links';
import type { SyncPlan } from '../../domain/planner';
import { err, ok, type Result } from '../../domain/result';
import type { LiveMetadataReader } from '../../settings/liveMetadata';
import type { ClaimedItem } from '../../queue/claim';
import type { ClientSource } from '../../auth/clients';
import type { BatchContext } from '../context';
import { OrgMetadataCache } from '../orgMetadata';
import { buildContext, previewSyncDeps } from '../context';
import { readChanged, readRest } from '../stages/load';
import { associationLinksOf, needsHistory, planUnit } from '../stages/plan';
import { readHubspotHistory } from '../reads';
import { storedUnits, type Unit } from '../unit';
import { summarizeDryRun, type SampledPair, type SettingsDryRunReport } from './aggregate';
import { countActiveLinks, DEFAULT_SAMPLE_SIZE, MAX_SAMPLE_SIZE, sampleLinks } from './sample';
import { enabledHubspotObjects } from '../../domain/settings/readLists';
import { checkSettingsDocument, type InvalidSettings } from './validate';

export interface SettingsDryRunDeps {
  readonly db: Knex;
  readonly now: () => number;
  readonly clients?: ClientSource;
  readonly gateFor?: (installationId: string) => CallGate;
  /** The engine's org metadata cache (describe, owners), shared with the card's dry run. */
  readonly metadata?: OrgMetadataCache;
  /** The settings page's live metadata, shared with reading and saving settings. */
  readonly liveMetadata: Pick<LiveMetadataReader, 'read'>;
}

export type SettingsDryRunRefusal =
  | InvalidSettings
  | { readonly code: 'unavailable'; readonly message: string }
  | { readonly code: 'budget_exhausted'; readonly message: string; readonly resumesAt: number };

export interface SettingsDryRunInput {
  /** The edited settings document, as the settings page would save it. */
  readonly document: Record<string, unknown>;
  /** Pairs to sample: default 200, at most 500. */
  readonly sampleSize?: number;
}

type CallCounts = Record<Provider, number>;

/** The installation's gate, counting the calls it lets through. */
function countingGate(inner: CallGate, counts: CallCounts): CallGate {
  return {
    acquire: async (provider, kind) => {
      await inner.acquire(provider, kind);
      counts[provider] += 1;
    },
    observeSalesforceUsage: (used, limit) => inner.observeSalesforceUsage?.(used, limit),
  };
}

async function settledGate(gate: CallGate): Promise<void> {
  const settled = (gate as { settled?: () => Promise<void> }).settled;
  if (settled) await settled.call(gate);
}

/** A unit is built from queue items; the preview claims none, so it hands in one that exists only here. */
function previewItem(link: Link, index: number, nowMs: number): ClaimedItem {
  return {
    id: -(index + 1),
    installationId: link.installationId,
    record: { side: 'hubspot', objectType: link.hubspotObjectType, recordId: link.hubspotId },
    state: 'claimed',
    generation: 0,
    payload: null,
    source: 'manual',
    attempts: 0,
    nextAttemptAt: nowMs,
    claimedBy: 'settings-preview',
    claimToken: 'settings-preview',
    claimedUntil: nowMs,
    lastErrorCode: null,
    lastError: null,
    firstMarkedAt: nowMs,
    lastMarkedAt: nowMs,
  };
}

/** A record of the pair is gone, or the sync would move the link before writing any field. */
function pairIsGone(unit: Unit, plan: SyncPlan): boolean {
  const { hubspot, salesforce } = unit;
  return (
    !hubspot ||
    hubspot.archived ||
    !salesforce ||
    salesforce.isDeleted ||
    salesforce.conversion !== null ||
    plan.linkChanges.length > 0
  );
}

/** Plans every unit as a sync would, re-reading with property history where "which change is newer" decides. */
async function planAll(context: BatchContext, units: readonly Unit[]): Promise<Map<string, SyncPlan | null>> {
  const plans = new Map<string, SyncPlan | null>();
  const associationLinks = await associationLinksOf(context, units);
  for (const unit of units) plans.set(unit.key, planUnit(context, unit, associationLinks));
  const needing = units.filter((unit) => {
    const plan = plans.get(unit.key);
    return plan && needsHistory(unit, plan);
  });
  if (needing.length > 0) {
    const histories = await readHubspotHistory(context, needing);
    for (const unit of needing) {
      const hubspot = histories.get(unit.key);
      const read = hubspot ? { ...unit, hubspot, hubspotWithHistory: true } : unit;
      plans.set(unit.key, planUnit(context, read, associationLinks) ?? plans.get(unit.key) ?? null);
    }
  }
  return plans;
}

export async function dryRunSettings(
  deps: SettingsDryRunDeps,
  installationId: string,
  input: SettingsDryRunInput,
): Promise<Result<SettingsDryRunReport, SettingsDryRunRefusal>> {
  const checked = await checkSettingsDocument(deps.liveMetadata, installationId, input.document);
  if (!checked.ok) return checked;
  // Pausing only holds writes back; the preview shows what they would be.
  const settings = { ...checked.value.settings, paused: false };
  const sampleLimit = Math.min(Math.max(1, input.sampleSize ?? DEFAULT_SAMPLE_SIZE), MAX_SAMPLE_SIZE);
  // Up to the sample size of each object that syncs under the edited settings.
  const objects = enabledHubspotObjects(settings);
  const samples = await Promise.all(
    objects.map(async (objectType) => ({
      objectType,
      links: await sampleLinks(deps.db, installationId, sampleLimit, objectType),
      total: await countActiveLinks(deps.db, installationId, objectType),
    })),
  );
  const linkedTotal = samples.reduce((sum, sample) => sum + sample.total, 0);
  const calls: CallCounts = { hubspot: 0, salesforce: 0 };
  const summarize = (pairs: readonly SampledPair[]) =>
    summarizeDryRun(pairs, { settings, sampleLimit, linkedTotal, calls, generatedAt: deps.now() });
  if (samples.every((sample) => sample.links.length === 0)) return ok(summarize([]));

  if (!deps.clients) return err({ code: 'unavailable', message: 'Previews are not available here.' });
  const clients = await deps.clients.clientsFor(installationId);
  if (!clients.ok) return err({ code: 'unavailable', message: clients.error.message });
  const gate = deps.gateFor?.(installationId) ?? openGate;
  const counted = countingGate(gate, calls);
  const metadata = deps.metadata ?? new OrgMetadataCache({ now: deps.now });
  try {
    const pairs: SampledPair[] = [];
    for (const { objectType, links: sample } of samples) {
      if (sample.length === 0) continue;
      const context = await buildContext(
        previewSyncDeps({
          db: deps.db,
          clients: deps.clients,
          gateFor: () => counted,
          metadata,
          now: deps.now,
        }),
        installationId,
        settings,
        clients.value,
        objectType,
      );
      const entries = sample.map((link, index) => ({
        items: [previewItem(link, index, context.nowMs)],
        linkId: link.id,
      }));
      // Both sides of every sampled pair, as a round after the first reads them (no echo test).
      const changed = await readChanged(context, await storedUnits(context, entries), 2);
      const units = await readRest(context, changed.reading);
      const plans = await planAll(context, units);
      for (const unit of units) {
        const link = unit.link;
        if (!link) continue;
        const plan = plans.get(unit.key) ?? null;
        pairs.push({
          objectType,
          linkId: link.id,
          hubspotId: link.hubspotId,
          salesforceId: link.salesforceId,
          salesforceObjectType: link.salesforceObjectType,
          plan: plan && !pairIsGone(unit, plan) ? plan : null,
        });
      }
    }
    return ok(summarize(pairs));
  } catch (error) {
    if (isBudgetExhausted(error)) {
      return err({ code: 'budget_exhausted', message: error.reason, resumesAt: error.freesAtMs });
    }
    return err({ code: 'unavailable', message: error instanceof Error ? error.message : String(error) });
  } finally {
    await settledGate(gate);
  }
}
