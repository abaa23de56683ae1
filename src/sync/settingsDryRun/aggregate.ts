/**
 * The settings preview's summary, as a pure function: the plans of a sample of linked pairs, each made
 * with the edited settings, folded into what the settings page shows before an admin saves.
 *
 * A field counts as written when the planner both decided the write (its audit line: `field_written`, or
 * `conflict_resolved` for a person's pending answer) and put it into that side's write: a value the field's
 * transform cannot write fails instead and is counted with the failures, exactly as a sync would record it.
 * Values are shown as people read them in audit lines and conflicts: plain text, `(blank)` for no value,
 * list items joined with "; ", a value the mapping cannot represent as it stands.
 */
import type { AuditEntry, SyncPlan } from '../../domain/planner';
import type { HubspotObjectType, SalesforceObjectType } from '../../domain/records';
import type { Settings } from '../../domain/settings/schema';
import { fieldLabel } from '../../domain/settings/schema';
import { displayCanonical, type ObservedJson } from '../../domain/transforms/canonical';

/** Examples kept per field (updates, conflicts) and per failure code. */
export const MAX_EXAMPLES = 3;

export interface SampledPair {
  /** The HubSpot object of the pair: its fields are that object's mappings. */
  readonly objectType: HubspotObjectType;
  readonly linkId: string;
  readonly hubspotId: string;
  readonly salesforceId: string;
  readonly salesforceObjectType: SalesforceObjectType;
  /**
   * The plan made with the edited settings; null when a record of the pair is gone (deleted, merged away,
   * a converted Lead): a sync would change the link first, not write fields.
   */
  readonly plan: SyncPlan | null;
}

export type WriteDirection = 'to_hubspot' | 'to_salesforce';

export interface UpdateExample {
  readonly objectType: HubspotObjectType;
  readonly linkId: string;
  readonly hubspotId: string;
  readonly salesforceId: string;
  readonly salesforceObjectType: SalesforceObjectType;
  readonly direction: WriteDirection;
  /** The value on the side that would be written, now. */
  readonly from: string;
  /** The value it would get. */
  readonly to: string;
}

export interface FieldUpdates {
  readonly objectType: HubspotObjectType;
  readonly fieldKey: string;
  /** The field's label; a company's or a deal's field is named with its object ("Company · Industry"). */
  readonly label: string;
  /** Pairs whose HubSpot record would get this field written. */
  readonly toHubspot: number;
  /** Pairs whose Salesforce record would get this field written. */
  readonly toSalesforce: number;
  readonly examples: UpdateExample[];
}

export interface ConflictExample {
  readonly objectType: HubspotObjectType;
  readonly linkId: string;
  readonly hubspotId: string;
  readonly salesforceId: string;
  readonly fieldKey: string;
  readonly label: string;
  readonly hubspotValue: string;
  readonly salesforceValue: string;
}

export interface FailureExample {
  readonly objectType: HubspotObjectType;
  readonly linkId: string;
  readonly hubspotId: string;
  readonly salesforceId: string;
  /** null for a failure about the record rather than one field. */
  readonly fieldKey: string | null;
  readonly code: string;
  readonly message: string;
}

export interface SettingsDryRunReport {
  /** Linked pairs read and planned (or found gone), of every object. */
  readonly sampled: number;
  /** The most pairs this preview would sample of each object. */
  readonly sampleLimit: number;
  /** Active links of the installation, of the objects that sync under the edited settings. */
  readonly linkedTotal: number;
  /** Fields at least one pair would write, most writes first. */
  readonly updates: FieldUpdates[];
  readonly conflicts: {
    readonly count: number;
    readonly byField: Array<{
      objectType: HubspotObjectType;
      fieldKey: string;
      label: string;
      count: number;
    }>;
    /** Up to three per field. */
    readonly examples: ConflictExample[];
  };
  readonly failures: {
    readonly count: number;
    /** `message`: the first failure of that code, as an example of the sentence people get. */
    readonly byCode: Array<{ code: string; count: number; message: string }>;
    /** Up to three per code. */
    readonly examples: FailureExample[];
  };
  /** Planned pairs with no mapped field to write (they may still hold a conflict or a failure). */
  readonly unchanged: number;
  readonly records: {
    /** Pairs with a record gone on a side: not planned. */
    readonly missing: number;
    /** Planned pairs the edited scope leaves out: they would no longer sync (counted in `unchanged`). */
    readonly outOfScope: number;
  };
  /** API calls the preview spent reading records and org metadata. */
  readonly calls: { readonly hubspot: number; readonly salesforce: number };
  /** When the preview was made, epoch ms. */
  readonly generatedAt: number;
}

export interface SummaryContext {
  readonly settings: Settings;
  readonly sampleLimit: number;
  readonly linkedTotal: number;
  readonly calls: { readonly hubspot: number; readonly salesforce: number };
  readonly generatedAt: number;
}

/** How a person reads a value: its text, or the raw text of a value the mapping cannot represent. */
export function displayValue(value: ObservedJson | null): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'unrepresentable' in value) {
    return value.unrepresentable;
  }
  return displayCanonical(value as Exclude<ObservedJson, { unrepresentable: string }>);
}

function has(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The field writes a plan would send, one per field and side. */
function fieldWrites(plan: SyncPlan, hubspotProperties: ReadonlyMap<string, string>): AuditEntry[] {
  const seen = new Set<string>();
  return plan.audit.filter((entry) => {
    if (entry.action !== 'field_written' && entry.action !== 'conflict_resolved') return false;
    if (entry.fieldKey === null || entry.direction === 'none') return false;
    const id = `${entry.fieldKey}:${entry.direction}`;
    if (seen.has(id)) return false;
    seen.add(id);
    if (entry.direction === 'to_hubspot') {
      const property = hubspotProperties.get(entry.fieldKey);
      return (
        property !== undefined && plan.hubspotWrite !== null && has(plan.hubspotWrite.properties, property)
      );
    }
    const field = plan.fields.find((candidate) => candidate.key === entry.fieldKey)?.salesforceField;
    return (
      field !== undefined &&
      field !== null &&
      plan.salesforceWrite !== null &&
      has(plan.salesforceWrite.fields, field)
    );
  });
}

function byCountThenKey<T extends { count: number }>(key: (item: T) => string) {
  return (a: T, b: T) => b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

const OBJECT_NAMES: Record<HubspotObjectType, string | null> = {
  contacts: null,
  companies: 'Company',
  deals: 'Deal',
};

export function summarizeDryRun(
  pairs: readonly SampledPair[],
  context: SummaryContext,
): SettingsDryRunReport {
  const mappingsOf = (objectType: HubspotObjectType) => context.settings.objects[objectType].fields;
  const hubspotPropertiesOf = (objectType: HubspotObjectType) =>
    new Map(mappingsOf(objectType).map((mapping) => [mapping.key, mapping.hubspotProperty]));
  const labelOf = (objectType: HubspotObjectType, key: string) => {
    const mapping = mappingsOf(objectType).find((candidate) => candidate.key === key);
    const label = mapping ? fieldLabel(mapping) : key;
    const object = OBJECT_NAMES[objectType];
    return object ? `${object} · ${label}` : label;
  };
  const keyOf = (objectType: HubspotObjectType, fieldKey: string) => `${objectType}:${fieldKey}`;

  const updates = new Map<
    string,
    {
      objectType: HubspotObjectType;
      fieldKey: string;
      toHubspot: number;
      toSalesforce: number;
      examples: UpdateExample[];
    }
  >();
  const conflictsByField = new Map<
    string,
    { objectType: HubspotObjectType; fieldKey: string; label: string; count: number }
  >();
  const conflictExamples: ConflictExample[] = [];
  const failuresByCode = new Map<string, { count: number; message: string }>();
  const failureExamples: FailureExample[] = [];
  let conflictCount = 0;
  let failureCount = 0;
  let unchanged = 0;
  let missing = 0;
  let outOfScope = 0;
  const properties = new Map<HubspotObjectType, ReadonlyMap<string, string>>();

  for (const pair of pairs) {
    const { plan } = pair;
    if (!plan) {
      missing += 1;
      continue;
    }
    const { objectType } = pair;
    const ids = {
      objectType,
      linkId: pair.linkId,
      hubspotId: pair.hubspotId,
      salesforceId: pair.salesforceId,
    };
    if (plan.outcome === 'out_of_scope') outOfScope += 1;
    if (!properties.has(objectType)) properties.set(objectType, hubspotPropertiesOf(objectType));
    const writes = fieldWrites(plan, properties.get(objectType)!);
    if (writes.length === 0) unchanged += 1;
    for (const entry of writes) {
      const fieldKey = entry.fieldKey as string;
      const key = keyOf(objectType, fieldKey);
      const field = updates.get(key) ?? { objectType, fieldKey, toHubspot: 0, toSalesforce: 0, examples: [] };
      if (entry.direction === 'to_hubspot') field.toHubspot += 1;
      else field.toSalesforce += 1;
      if (field.examples.length < MAX_EXAMPLES) {
        field.examples.push({
          ...ids,
          salesforceObjectType: pair.salesforceObjectType,
          direction: entry.direction as WriteDirection,
          from: displayValue(entry.before),
          to: displayValue(entry.after),
        });
      }
      updates.set(key, field);
    }
    for (const conflict of plan.conflicts) {
      conflictCount += 1;
      const key = keyOf(objectType, conflict.key);
      const label = labelOf(objectType, conflict.key);
      const field = conflictsByField.get(key) ?? { objectType, fieldKey: conflict.key, label, count: 0 };
      field.count += 1;
      conflictsByField.set(key, field);
      if (field.count <= MAX_EXAMPLES) {
        conflictExamples.push({
          ...ids,
          fieldKey: conflict.key,
          label,
          hubspotValue: displayValue(conflict.hubspot),
          salesforceValue: displayValue(conflict.salesforce),
        });
      }
    }
    for (const failure of plan.failures) {
      failureCount += 1;
      const code = failuresByCode.get(failure.code) ?? { count: 0, message: failure.message };
      code.count += 1;
      failuresByCode.set(failure.code, code);
      if (code.count <= MAX_EXAMPLES) {
        failureExamples.push({
          ...ids,
          fieldKey: failure.fieldKey,
          code: failure.code,
          message: failure.message,
        });
      }
    }
  }

  return {
    sampled: pairs.length,
    sampleLimit: context.sampleLimit,
    linkedTotal: context.linkedTotal,
    updates: [...updates.values()]
      .map((field) => ({ ...field, label: labelOf(field.objectType, field.fieldKey) }))
      .map((field) => ({ field, count: field.toHubspot + field.toSalesforce }))
      .sort(byCountThenKey((item) => keyOf(item.field.objectType, item.field.fieldKey)))
      .map(({ field }) => field),
    conflicts: {
      count: conflictCount,
      byField: [...conflictsByField.values()].sort(
        byCountThenKey((item) => keyOf(item.objectType, item.fieldKey)),
      ),
      examples: conflictExamples,
    },
    failures: {
      count: failureCount,
      byCode: [...failuresByCode]
        .map(([code, entry]) => ({ code, count: entry.count, message: entry.message }))
        .sort(byCountThenKey((item) => item.code)),
      examples: failureExamples,
    },
    unchanged,
    records: { missing, outOfScope },
    calls: { ...context.calls },
    generatedAt: context.generatedAt,
  };
}
