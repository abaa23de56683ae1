/**
 * Record writes: validate a property map against the portal's definitions, then apply it, keeping history,
 * last-modified dates, unique indexes and the search index current and emitting change events.
 *
 * Validation and application are separate steps so that a batch can validate every input before it writes any
 * (HubSpot's batches are all-or-nothing unless each input carries an objectWriteTraceId).
 */
import { isoOf } from '../clock';
import { errors, type HubSpotApiError, type PropertyValidationIssue } from '../http/errors';
import type { CrmRecord, ObjectTable, Portal, PropertyVersion, SearchSnapshot } from '../state/portal';
import { CALCULATED_SOURCE, historySourceOf, type Actor, type HistorySource } from './actor';
import { DEFAULT_PIPELINE_ID, isClosedStage, pipelineOf } from './pipelines';
import { OBJECT_TYPES, type ObjectType } from './object-types';
import { normalizeValue } from './values';

export interface BehaviourSettings {
  /** HubSpot lower-cases contact emails; `preserve` keeps what the writer sent. */
  emailCase: 'lowercase' | 'preserve';
  /** The two bodies HubSpot is seen to send for a duplicate contact email (both 409, both with "Existing ID"). */
  duplicateEmailError: 'CONFLICT' | 'OBJECT_ALREADY_EXISTS';
  /** How a duplicate value in a hasUniqueValue property is refused (HubSpot's exact answer is unconfirmed). */
  uniqueValueError: 'VALIDATION_ERROR' | 'CONFLICT';
  /** An integration moving a lifecycle stage backward without clearing it first: refused (or allowed). */
  lifecycleStageBackward: 'refuse' | 'allow';
  /** Where a merged contact lists the ids merged into it (both by default). */
  contactMergedIdsProperties: ReadonlyArray<'hs_calculated_merged_vids' | 'hs_merged_object_ids'>;
}

export interface WriteContext {
  portal: Portal;
  nowMs: number;
  actor: Actor;
  behaviour: BehaviourSettings;
  indexingDelayMs: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: HubSpotApiError };

/** Unique values claimed by earlier inputs of the same batch: property → value → id ('' for a new record). */
export type Reservations = Map<string, Map<string, string>>;

export function uniqueKey(property: string, value: string): string {
  return property === 'email' ? value.toLowerCase() : value;
}

/** Validates and normalises `input` for a write to `record` (null: a new record). */
export function prepareWrite(
  context: WriteContext,
  objectType: ObjectType,
  record: CrmRecord | null,
  input: Record<string, unknown>,
  reservations?: Reservations,
): Result<Map<string, string>> {
  const table = context.portal.tables[objectType];
  const issues: PropertyValidationIssue[] = [];
  const values = new Map<string, string>();
  const valueContext = {
    portalId: context.portal.id,
    ownerIds: context.portal.liveOwnerIds(),
    emailCase: context.behaviour.emailCase,
  };
  for (const [name, raw] of Object.entries(input)) {
    const definition = table.liveProperty(name);
    if (!definition) {
      const message = `Property "${name}" does not exist`;
      issues.push(propertyIssue(context, name, 'PROPERTY_DOESNT_EXIST', message));
      continue;
    }
    if (definition.readOnlyValue) {
      const message = `"${name}" is a read only property; its value cannot be set.`;
      issues.push(propertyIssue(context, name, 'READ_ONLY_VALUE', message));
      continue;
    }
    const result = normalizeValue(definition, raw, valueContext);
    if (result.ok) values.set(name, result.value);
    else issues.push(result.issue);
  }
  const backward = backwardLifecycleMove(context, objectType, record, values);
  if (backward) issues.push(backward);
  if (objectType === 'deals' && issues.length === 0) {
    const stage = stageOutsidePipeline(context, record, values);
    if (stage) issues.push(stage);
  }
  if (issues.length > 0) return { ok: false, error: errors.invalidProperties(issues) };

  const email = objectType === 'contacts' ? values.get('email') : undefined;
  if (email && context.portal.emailBlocklist.has(email.toLowerCase())) {
    const message = `Email address ${email} was permanently deleted (GDPR) and cannot be used again`;
    return {
      ok: false,
      error: errors.invalidProperties([propertyIssue(context, 'email', 'INVALID_EMAIL', message)]),
    };
  }

  for (const property of table.uniquePropertyNames()) {
    const value = values.get(property);
    if (!value) continue;
    const key = uniqueKey(property, value);
    const holder = table.unique.get(property)?.get(key) ?? reservations?.get(property)?.get(key);
    if (holder !== undefined && holder !== record?.id) {
      return { ok: false, error: uniqueViolation(context, objectType, property, value, holder) };
    }
    if (reservations) {
      let claimed = reservations.get(property);
      if (!claimed) reservations.set(property, (claimed = new Map()));
      claimed.set(key, record?.id ?? '');
    }
  }
  return { ok: true, value: values };
}

/**
 * Lifecycle stages only move forward through an API: from a later stage to an earlier one (in the portal's
 * own stage order) the value must be cleared first. People in HubSpot's UI may move it either way.
 */
function backwardLifecycleMove(
  context: WriteContext,
  objectType: ObjectType,
  record: CrmRecord | null,
  values: Map<string, string>,
): PropertyValidationIssue | null {
  if (context.behaviour.lifecycleStageBackward !== 'refuse' || context.actor.kind !== 'integration') {
    return null;
  }
  if (objectType !== 'contacts' && objectType !== 'companies') return null;
  const next = values.get('lifecyclestage');
  const current = record?.values.get('lifecyclestage');
  if (!next || !current || next === current) return null;
  const stages = [...(context.portal.tables[objectType].liveProperty('lifecyclestage')?.options ?? [])].sort(
    (a, b) => a.displayOrder - b.displayOrder,
  );
  const rank = (value: string) => stages.findIndex((stage) => stage.value === value);
  if (rank(next) < 0 || rank(current) < 0 || rank(next) > rank(current)) return null;
  const message = `The lifecycle stage cannot be set backward from ${current} to ${next}; clear it first, then set ${next}`;
  return propertyIssue(context, 'lifecyclestage', 'INVALID_LIFECYCLE_STAGE_TRANSITION', message);
}

/**
 * A deal's stage must be one of its pipeline's stages. A new deal with no pipeline goes to the default one
 * (HubSpot assumes it); moving a deal to another pipeline takes a stage of that pipeline with it.
 */
function stageOutsidePipeline(
  context: WriteContext,
  record: CrmRecord | null,
  values: Map<string, string>,
): PropertyValidationIssue | null {
  if (record === null && !values.get('pipeline')) values.set('pipeline', DEFAULT_PIPELINE_ID);
  const pipelineId = values.get('pipeline') || record?.values.get('pipeline') || DEFAULT_PIPELINE_ID;
  const stageId = values.get('dealstage') ?? record?.values.get('dealstage') ?? '';
  if (stageId === '' || (!values.has('dealstage') && !values.has('pipeline'))) return null;
  const pipeline = pipelineOf(context.portal.dealPipelines, pipelineId);
  if (!pipeline) {
    const message = `${pipelineId} is not a valid pipeline ID`;
    return propertyIssue(context, 'pipeline', 'INVALID_OPTION', message);
  }
  if (pipeline.stages.some((stage) => stage.id === stageId)) return null;
  const message = `${stageId} is not a valid deal stage for pipeline ${pipeline.id}; its stages are [${pipeline.stages.map((stage) => stage.id).join(', ')}]`;
  return propertyIssue(context, 'dealstage', 'INVALID_OPTION', message);
}

function propertyIssue(
  context: WriteContext,
  name: string,
  error: string,
  message: string,
): PropertyValidationIssue {
  return {
    isValid: false,
    message,
    error,
    name,
    localizedErrorMessage: message,
    portalId: context.portal.id,
  };
}

function uniqueViolation(
  context: WriteContext,
  objectType: ObjectType,
  property: string,
  value: string,
  existingId: string,
): HubSpotApiError {
  const existing = existingId === '' ? 'another input of this batch' : existingId;
  if (property === 'email') {
    if (context.behaviour.duplicateEmailError === 'OBJECT_ALREADY_EXISTS') {
      return errors.alreadyExists(`Contact already exists. Existing ID: ${existing}`, {
        error: 'CONTACT_EXISTS',
        errors: [
          { message: `A contact with email ${value} already exists. Existing ID: ${existing}`, in: 'email' },
        ],
        identityProfile: { vid: Number(existingId) },
      });
    }
    return errors.conflict(`Contact already exists. Existing ID: ${existing}`);
  }
  const message = `A ${OBJECT_TYPES[objectType].singular} with the value "${value}" for the unique property "${property}" already exists. Existing ID: ${existing}`;
  if (context.behaviour.uniqueValueError === 'CONFLICT') return errors.conflict(message);
  return errors.invalidProperties([propertyIssue(context, property, 'DUPLICATE_UNIQUE_VALUE', message)]);
}

function pushVersion(
  record: CrmRecord,
  name: string,
  value: string,
  nowMs: number,
  source: HistorySource,
): void {
  const version: PropertyVersion = { value, timestampMs: nowMs, ...source };
  const versions = record.history.get(name);
  if (versions) versions.unshift(version);
  else record.history.set(name, [version]);
  if (value === '') record.values.delete(name);
  else record.values.set(name, value);
}

/** Creates a record from prepared values. `createdate` in the values backdates it (imports, seeds). */
export function applyCreate(
  context: WriteContext,
  objectType: ObjectType,
  values: Map<string, string>,
): CrmRecord {
  const { portal, nowMs, actor } = context;
  const table = portal.tables[objectType];
  const id = portal.allocateObjectId();
  const source = historySourceOf(actor);
  const createdate = values.get('createdate');
  const createdAtMs = createdate ? Date.parse(createdate) : nowMs;
  const record: CrmRecord = {
    id,
    objectType,
    createdAtMs,
    updatedAtMs: nowMs,
    archived: false,
    archivedAtMs: null,
    values: new Map(),
    history: new Map(),
    searchVersions: null,
  };
  pushVersion(record, 'hs_object_id', id, createdAtMs, CALCULATED_SOURCE);
  if (!createdate) pushVersion(record, 'createdate', isoOf(createdAtMs), createdAtMs, source);
  const setNames: string[] = [];
  for (const [name, value] of values) {
    if (value === '') continue;
    pushVersion(record, name, value, nowMs, source);
    if (name !== 'createdate') setNames.push(name);
  }
  keepDealClosed(context, record, nowMs);
  pushVersion(record, OBJECT_TYPES[objectType].lastModifiedProperty, isoOf(nowMs), nowMs, CALCULATED_SOURCE);
  table.insert(record);
  indexUnique(table, record);
  recordSearchVersion(context, record, false);
  portal.emit({ kind: 'creation', objectType, objectId: id, occurredAtMs: nowMs, actor });
  for (const name of setNames) {
    portal.emit({
      kind: 'propertyChange',
      objectType,
      objectId: id,
      occurredAtMs: nowMs,
      actor,
      propertyName: name,
      propertyValue: record.values.get(name) ?? '',
    });
  }
  return record;
}

/** Applies prepared values; unchanged values leave no history and do not touch the last-modified date. */
export function applyUpdate(
  context: WriteContext,
  objectType: ObjectType,
  record: CrmRecord,
  values: Map<string, string>,
): string[] {
  const { portal, nowMs, actor } = context;
  const table = portal.tables[objectType];
  const source = historySourceOf(actor);
  const changed: string[] = [];
  const hadSnapshot = record.searchVersions !== null || context.indexingDelayMs > 0;
  const before = hadSnapshot ? snapshotOf(record) : null;
  unindexUnique(table, record);
  for (const [name, value] of values) {
    if ((record.values.get(name) ?? '') === value) continue;
    pushVersion(record, name, value, nowMs, source);
    changed.push(name);
  }
  indexUnique(table, record);
  if (changed.length === 0) return changed;
  if (changed.includes('createdate'))
    record.createdAtMs = Date.parse(record.values.get('createdate') ?? '') || record.createdAtMs;
  keepDealClosed(context, record, nowMs);
  touch(record, objectType, nowMs);
  recordSearchVersion(context, record, true, before);
  for (const name of changed) {
    portal.emit({
      kind: 'propertyChange',
      objectType,
      objectId: record.id,
      occurredAtMs: nowMs,
      actor,
      propertyName: name,
      propertyValue: record.values.get(name) ?? '',
    });
  }
  return changed;
}

/**
 * One of HubSpot's own processes (analytics, scoring, a workflow's bookkeeping) updates a record: the values it
 * sets are HubSpot's own (`CALCULATED` in history), and the last-modified date moves even when none of them
 * changes anything a client wrote. No webhook: nothing a client subscribes to changed.
 */
export function applySystemUpdate(
  context: WriteContext,
  objectType: ObjectType,
  record: CrmRecord,
  values: ReadonlyMap<string, string>,
): void {
  const before = snapshotOf(record);
  for (const [name, value] of values) {
    if ((record.values.get(name) ?? '') !== value) {
      pushVersion(record, name, value, context.nowMs, CALCULATED_SOURCE);
    }
  }
  touch(record, objectType, context.nowMs);
  recordSearchVersion(context, record, true, before);
}

/** A deal's `hs_is_closed`, as HubSpot keeps it: true while its stage is a closed one. */
function keepDealClosed(context: WriteContext, record: CrmRecord, nowMs: number): void {
  if (record.objectType !== 'deals') return;
  const stage = record.values.get('dealstage') ?? '';
  const closed = isClosedStage(context.portal.dealPipelines, stage) ? 'true' : 'false';
  if (record.values.get('hs_is_closed') !== closed) {
    pushVersion(record, 'hs_is_closed', closed, nowMs, CALCULATED_SOURCE);
  }
}

export function touch(record: CrmRecord, objectType: ObjectType, nowMs: number): void {
  record.updatedAtMs = nowMs;
  pushVersion(record, OBJECT_TYPES[objectType].lastModifiedProperty, isoOf(nowMs), nowMs, CALCULATED_SOURCE);
}

/** Archives (soft-deletes) a live record; archiving an archived record is a no-op, as in HubSpot. */
export function applyArchive(context: WriteContext, objectType: ObjectType, record: CrmRecord): void {
  if (record.archived) return;
  const table = context.portal.tables[objectType];
  const before = snapshotOf(record);
  unindexUnique(table, record);
  record.archived = true;
  record.archivedAtMs = context.nowMs;
  recordSearchVersion(context, record, true, before);
  context.portal.emit({
    kind: 'deletion',
    objectType,
    objectId: record.id,
    occurredAtMs: context.nowMs,
    actor: context.actor,
  });
}

/** Restores an archived record under its original id (the recycle bin in HubSpot's UI). */
export function applyRestore(
  context: WriteContext,
  objectType: ObjectType,
  record: CrmRecord,
): Result<CrmRecord> {
  if (!record.archived) return { ok: false, error: errors.validation(`Object ${record.id} is not archived`) };
  const table = context.portal.tables[objectType];
  for (const property of table.uniquePropertyNames()) {
    const value = record.values.get(property);
    const holder = value ? table.unique.get(property)?.get(uniqueKey(property, value)) : undefined;
    if (value && holder !== undefined)
      return { ok: false, error: uniqueViolation(context, objectType, property, value, holder) };
  }
  const before = snapshotOf(record);
  record.archived = false;
  record.archivedAtMs = null;
  indexUnique(table, record);
  touch(record, objectType, context.nowMs);
  recordSearchVersion(context, record, true, before);
  context.portal.emit({
    kind: 'restore',
    objectType,
    objectId: record.id,
    occurredAtMs: context.nowMs,
    actor: context.actor,
  });
  return { ok: true, value: record };
}

/** The values a record holds in a unique property; a contact's additional emails count as its emails too. */
function uniqueValuesOf(table: ObjectTable, record: CrmRecord, property: string): string[] {
  const value = record.values.get(property);
  const values = value ? [value] : [];
  if (table.objectType === 'contacts' && property === 'email') {
    values.push(...(record.values.get('hs_additional_emails') ?? '').split(';').filter(Boolean));
  }
  return values;
}

export function indexUnique(table: ObjectTable, record: CrmRecord): void {
  if (record.archived) return;
  for (const property of table.uniquePropertyNames()) {
    let index = table.unique.get(property);
    if (!index) table.unique.set(property, (index = new Map()));
    for (const value of uniqueValuesOf(table, record, property))
      index.set(uniqueKey(property, value), record.id);
  }
}

export function unindexUnique(table: ObjectTable, record: CrmRecord): void {
  for (const property of table.uniquePropertyNames()) {
    const index = table.unique.get(property);
    for (const value of uniqueValuesOf(table, record, property)) {
      const key = uniqueKey(property, value);
      if (index?.get(key) === record.id) index.delete(key);
    }
  }
}

export function snapshotOf(record: CrmRecord): SearchSnapshot {
  return {
    values: new Map(record.values),
    archived: record.archived,
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
  };
}

/**
 * With an indexing delay, search sees a write only `indexingDelayMs` after it happened. `before` is the state
 * search saw until now (absent for a brand-new record, which search does not see at all until indexed).
 */
export function recordSearchVersion(
  context: WriteContext,
  record: CrmRecord,
  existed: boolean,
  before?: SearchSnapshot | null,
): void {
  if (context.indexingDelayMs <= 0) {
    record.searchVersions = null;
    return;
  }
  if (record.searchVersions === null) {
    record.searchVersions = existed && before ? [{ visibleFromMs: 0, snapshot: before }] : [];
  }
  record.searchVersions.push({
    visibleFromMs: context.nowMs + context.indexingDelayMs,
    snapshot: snapshotOf(record),
  });
}

/** What search sees of the record now, or null when it is not (yet) in the index. */
export function searchViewOf(record: CrmRecord, nowMs: number): SearchSnapshot | null {
  const live = (): SearchSnapshot => ({
    values: record.values,
    archived: record.archived,
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
  });
  const versions = record.searchVersions;
  if (versions === null) return live();
  let visibleIndex = -1;
  for (let index = versions.length - 1; index >= 0; index -= 1) {
    if ((versions[index]?.visibleFromMs ?? Infinity) <= nowMs) {
      visibleIndex = index;
      break;
    }
  }
  if (visibleIndex < 0) return null;
  if (visibleIndex === versions.length - 1) {
    // The newest write is indexed: search reads the live record again.
    record.searchVersions = null;
    return live();
  }
  versions.splice(0, visibleIndex);
  return versions[0]?.snapshot ?? null;
}
