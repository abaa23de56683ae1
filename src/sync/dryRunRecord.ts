/**
 * What a sync now of one record would do, field by field, without doing it: the card's dry run. Builds the
 * unit a sync of the record would build, reads both records (two or three API calls) and plans; no dirty row
 * is claimed or changed and nothing is written. Association fields are named: one batch read per system and
 * associated object, only when an association holds a value.
 */
import * as links from '../db/links';
import type { RecordRef } from '../db/recordRefs';
import { openGate } from '../connectors/gate';
import type { PlanOutcome } from '../domain/planner';
import type { HubspotRecord, SalesforceRecord } from '../domain/records';
import type { FieldMapping } from '../domain/settings/schema';
import { conditionHolds } from '../domain/conditions';
import { err, ok, type Result } from '../domain/result';
import { hubspotObjectOf } from '../settings/fields';
import { settingsOrNull } from '../settings/installationSettings';
import type { EngineDeps, EngineError } from './engineApi';
import { OrgMetadataCache } from './orgMetadata';
import { withAssociationNames, type NamedFieldPlan } from './associationNames';
import { buildContext, previewSyncDeps } from './context';
import { readChanged, readRest } from './stages/load';
import { associationLinksOf, planUnit } from './stages/plan';
import { storedUnits } from './unit';

const notSyncedHere: EngineError = {
  code: 'not_open',
  message:
    'A dry run covers a linked record, or a HubSpot record inside the sync scope; this one is neither.',
};

export interface DryRunPlan {
  readonly outcome: PlanOutcome;
  readonly summary: string;
  /** Association fields carry the associated records' names (`hubspotDisplay`, `salesforceDisplay`). */
  readonly fields: readonly NamedFieldPlan[];
}

/** Transforms whose compared value can read differently from what a side holds: a value map's group. */
const MAPPED_VALUE_KINDS = new Set(['picklist', 'multiselect', 'stages']);

function heldText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}

/**
 * A value map compares a group by its first value (`OIL_ENERGY` for a company whose HubSpot industry is
 * `UTILITIES`, when both map to Salesforce's "Energy"): the card shows each side's value as that side holds
 * it, so nobody reads a value their record does not have. Whether the two agree is still decided on the
 * compared values.
 */
function withValuesAsHeld(
  mappings: readonly FieldMapping[],
  unit: { readonly hubspot: HubspotRecord | null; readonly salesforce: SalesforceRecord | null },
  fields: readonly NamedFieldPlan[],
): NamedFieldPlan[] {
  return fields.map((field) => {
    const mapping = mappings.find((candidate) => candidate.key === field.key);
    if (!mapping || !MAPPED_VALUE_KINDS.has(mapping.transform.kind)) return field;
    const hubspot = heldText(unit.hubspot?.properties[mapping.hubspotProperty]);
    const salesforce = field.salesforceField
      ? heldText(unit.salesforce?.fields[field.salesforceField])
      : null;
    return {
      ...field,
      ...(hubspot !== null && field.hubspotDisplay === undefined ? { hubspotDisplay: hubspot } : {}),
      ...(salesforce !== null && field.salesforceDisplay === undefined
        ? { salesforceDisplay: salesforce }
        : {}),
    };
  });
}

export async function planDryRun(
  deps: EngineDeps,
  installationId: string,
  record: RecordRef,
): Promise<Result<DryRunPlan, EngineError>> {
  if (!deps.clients) return err({ code: 'unavailable', message: 'Dry runs are not available here.' });
  // A Salesforce record nobody linked is refused before anything is read or described.
  const known = await links.listForRecord(deps.db, installationId, record);
  if (
    record.side !== 'hubspot' &&
    !known.some((link) => link.state === 'active' || link.state === 'tombstoned')
  ) {
    return err(notSyncedHere);
  }
  const settings = await settingsOrNull(deps.db, installationId);
  if (!settings) return err({ code: 'unavailable', message: 'The stored settings cannot be read.' });
  const objectType = record.side === 'hubspot' ? record.objectType : hubspotObjectOf(record.objectType);
  const clients = await deps.clients.clientsFor(installationId);
  if (!clients.ok) return err({ code: 'unavailable', message: clients.error.message });
  try {
    const context = await buildContext(
      previewSyncDeps({
        db: deps.db,
        clients: deps.clients,
        ...(deps.gateFor ? { gateFor: deps.gateFor } : {}),
        metadata: deps.metadata ?? new OrgMetadataCache({ now: deps.now }),
        now: deps.now,
      }),
      installationId,
      settings,
      clients.value,
      objectType,
    );
    // A unit for the record, as a sync of it would build (no dirty row is claimed or changed).
    const probe = { id: -1, record, payload: null, source: 'manual' } as unknown as Parameters<
      typeof storedUnits
    >[1][number]['items'][number];
    const [stored] = await storedUnits(context, [{ items: [probe] }]);
    if (!stored) return err({ code: 'not_found', message: 'No record here.' });
    // Only records the sync may touch are read: a linked pair, or a HubSpot record inside the sync's scope
    // (whose dry run looks for its Salesforce match). Anyone with the portal's card could otherwise read any
    // Salesforce record's mapped values by its id.
    const linked =
      stored.link !== null && (stored.link.state === 'active' || stored.link.state === 'tombstoned');
    if (!linked && (record.side !== 'hubspot' || stored.link !== null)) return err(notSyncedHere);
    // Both sides of a linked pair (as a round after the first reads them), or the HubSpot record alone.
    const changed = await readChanged(context, [stored], 2);
    const hubspot = changed.reading[0]?.sides.hubspot ?? null;
    if (!linked) {
      const scope = settings.objects[objectType].scope;
      if (!hubspot || (scope && !conditionHolds(scope, hubspot.properties))) return err(notSyncedHere);
    }
    const [unit] = await readRest(context, changed.reading);
    if (!unit) return err({ code: 'not_found', message: 'No record here.' });
    const plan = planUnit(context, unit, await associationLinksOf(context, [unit]));
    if (!plan) return err({ code: 'not_found', message: 'The record no longer exists.' });
    const gate = deps.gateFor?.(installationId) ?? openGate;
    const named = await withAssociationNames(context, clients.value, gate, plan.fields);
    const fields = withValuesAsHeld(context.settings.objects[objectType].fields, unit, named);
    return ok({ outcome: plan.outcome, summary: plan.summary, fields });
  } catch (error) {
    return err({ code: 'unavailable', message: error instanceof Error ? error.message : String(error) });
  }
}
