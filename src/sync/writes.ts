/**
 * Carrying out a batch's writes in batch calls: Salesforce first (collection upserts on the HubSpot id for
 * creates, plain creates when the org has no external-id field, updates; one call per object per 200
 * records), then HubSpot (upserts on the Salesforce id for creates, updates; one call per 100), so that a
 * record just created in Salesforce has its id written into the HubSpot contact in the same HubSpot call
 * as everything else, together with the app properties.
 *
 * Outcomes are per unit and per side: written, refused (a SyncFailure for that record), or not attempted
 * because the whole call failed (the error, for the caller to retry the record). A create without an
 * upsert key is recorded as a link the moment Salesforce answers (`onCreatedWithoutKey`), so a crash
 * later in the batch cannot make the retry create it twice.
 */
import type { HubSpotWriteOutcome } from '../connectors/hubspot/objects';
import type { FieldValues, SalesforceWriteOutcome } from '../connectors/salesforce/records';
import type { SyncFailure } from '../domain/failures';
import type { SyncPlan } from '../domain/planner';
import type { HubspotRecord, Side } from '../domain/records';
import type { BatchContext } from './context';
import { contactSalesforceTypes, type ContactSalesforceType } from './fields';
import type { Unit } from './units';

export type WriteOutcome =
  | {
      readonly ok: true;
      readonly id: string;
      readonly created: boolean;
      /** HubSpot answers with the record as written (every property the sync reads). */
      readonly record?: HubspotRecord;
    }
  | { readonly ok: false; readonly failure: SyncFailure }
  | { readonly ok: false; readonly callError: unknown };

/** One unit's writes, as planned plus what the bridge adds (app properties, delete flags). */
export interface UnitWrites {
  readonly unit: Unit;
  readonly plan: SyncPlan;
  salesforce:
    | { kind: 'update'; type: ContactSalesforceType; id: string; fields: FieldValues }
    | {
        kind: 'create';
        type: ContactSalesforceType;
        fields: FieldValues;
        upsertField: string | null;
        key: string;
      }
    | null;
  /** Filled in after the Salesforce phase (it may need the id of a record created there). */
  hubspot:
    | { kind: 'update'; id: string; properties: Record<string, string> }
    | { kind: 'create'; properties: Record<string, string>; upsertProperty: string; key: string }
    | null;
  readonly outcomes: Partial<Record<Side, WriteOutcome>>;
}

export function plannedSalesforceWrite(plan: SyncPlan): UnitWrites['salesforce'] {
  const write = plan.salesforceWrite;
  if (!write) return null;
  const type = write.type as ContactSalesforceType;
  if (write.kind === 'update') return { kind: 'update', type, id: write.id, fields: { ...write.fields } };
  return {
    kind: 'create',
    type,
    fields: { ...write.fields },
    upsertField: write.upsertBy?.field ?? null,
    key: write.upsertBy?.value ?? '',
  };
}

function record(writes: UnitWrites, side: Side, outcome: SalesforceWriteOutcome | HubSpotWriteOutcome) {
  if (!outcome.ok) {
    writes.outcomes[side] = { ok: false, failure: outcome.failure };
    return;
  }
  const written = 'record' in outcome ? { record: outcome.record } : {};
  writes.outcomes[side] = { ok: true, id: outcome.id, created: outcome.created, ...written };
}

async function attempt<T>(
  batch: readonly UnitWrites[],
  side: Side,
  run: () => Promise<T[]>,
  apply: (writes: UnitWrites, outcome: T) => void,
): Promise<void> {
  if (batch.length === 0) return;
  try {
    const outcomes = await run();
    batch.forEach((writes, index) => {
      const outcome = outcomes[index];
      if (outcome !== undefined) apply(writes, outcome);
    });
  } catch (error) {
    for (const writes of batch) writes.outcomes[side] = { ok: false, callError: error };
  }
}

export async function writeSalesforce(
  context: BatchContext,
  all: readonly UnitWrites[],
  onCreatedWithoutKey: (writes: UnitWrites, id: string) => Promise<void>,
): Promise<void> {
  for (const type of contactSalesforceTypes) {
    const records = context.salesforce[type];
    const ofType = all.filter((writes) => writes.salesforce?.type === type);
    const creates = ofType.filter((writes) => writes.salesforce?.kind === 'create');
    const byUpsertField = new Map<string, UnitWrites[]>();
    for (const writes of creates) {
      const write = writes.salesforce;
      if (write?.kind !== 'create' || !write.upsertField) continue;
      byUpsertField.set(write.upsertField, [...(byUpsertField.get(write.upsertField) ?? []), writes]);
    }
    for (const [field, batch] of byUpsertField) {
      await attempt(
        batch,
        'salesforce',
        () =>
          records.upsert(
            field,
            batch.map((writes) => {
              const write = writes.salesforce as Extract<UnitWrites['salesforce'], { kind: 'create' }>;
              return { externalId: write.key, fields: write.fields };
            }),
          ),
        (writes, outcome) => record(writes, 'salesforce', outcome),
      );
    }
    const plain = creates.filter(
      (writes) => writes.salesforce?.kind === 'create' && !writes.salesforce.upsertField,
    );
    await attempt(
      plain,
      'salesforce',
      () =>
        records.create(
          plain.map((writes) => ({ fields: (writes.salesforce as { fields: FieldValues }).fields })),
        ),
      (writes, outcome) => record(writes, 'salesforce', outcome),
    );
    for (const writes of plain) {
      const outcome = writes.outcomes.salesforce;
      if (outcome?.ok) await onCreatedWithoutKey(writes, outcome.id);
    }
    const updates = ofType.filter((writes) => writes.salesforce?.kind === 'update');
    await attempt(
      updates,
      'salesforce',
      () =>
        records.update(
          updates.map((writes) => {
            const write = writes.salesforce as Extract<UnitWrites['salesforce'], { kind: 'update' }>;
            return { id: write.id, fields: write.fields };
          }),
        ),
      (writes, outcome) => record(writes, 'salesforce', outcome),
    );
  }
}

export async function writeHubspot(context: BatchContext, all: readonly UnitWrites[]): Promise<void> {
  const creates = all.filter((writes) => writes.hubspot?.kind === 'create');
  const byProperty = new Map<string, UnitWrites[]>();
  for (const writes of creates) {
    const write = writes.hubspot as Extract<UnitWrites['hubspot'], { kind: 'create' }>;
    byProperty.set(write.upsertProperty, [...(byProperty.get(write.upsertProperty) ?? []), writes]);
  }
  for (const [property, batch] of byProperty) {
    await attempt(
      batch,
      'hubspot',
      () =>
        context.hubspot.upsert(
          property,
          batch.map((writes) => {
            const write = writes.hubspot as Extract<UnitWrites['hubspot'], { kind: 'create' }>;
            return { idValue: write.key, properties: write.properties };
          }),
          context.hubspotProperties,
        ),
      (writes, outcome) => record(writes, 'hubspot', outcome),
    );
  }
  const updates = all.filter((writes) => writes.hubspot?.kind === 'update');
  await attempt(
    updates,
    'hubspot',
    () =>
      context.hubspot.update(
        updates.map((writes) => {
          const write = writes.hubspot as Extract<UnitWrites['hubspot'], { kind: 'update' }>;
          return { id: write.id, properties: write.properties };
        }),
        context.hubspotProperties,
      ),
    (writes, outcome) => record(writes, 'hubspot', outcome),
  );
}
