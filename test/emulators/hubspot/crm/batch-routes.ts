/**
 * CRM v3 batch routes: read, create, update, upsert, archive (≤ 100 inputs each).
 *
 * All-or-nothing, except a batch create whose every input carries an objectWriteTraceId ("multi-status"
 * mode, documented for the create endpoints only): then each input succeeds or fails on its own and the
 * answer is 207 with per-input errors. Inputs that name records which do not exist are per-input errors
 * (207) in every mode, as in HubSpot.
 *
 * Write results are what HubSpot promises, no more: in no particular order (knob `batchResultOrder`), each
 * with its input's objectWriteTraceId when one was sent, holding the properties written plus HubSpot's own
 * (knob `writeResponseProperties`).
 */
import { z } from 'zod';
import { isoOf } from '../clock';
import { errors, type HubSpotApiError } from '../http/errors';
import { queryBool } from '../http/request';
import type { RequestContext, Router } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import type { CrmRecord, Portal } from '../state/portal';
import { associate, CreateAssociationsSchema } from './association-ops';
import { associationType } from './associations';
import { assertIdProperty, findRecord } from './lookup';
import { OBJECT_TYPES, type ObjectType } from './object-types';
import { PropertiesSchema } from './object-routes';
import {
  applyArchive,
  applyCreate,
  applyUpdate,
  prepareWrite,
  type Reservations,
  type WriteContext,
} from './records';
import { appWriteContext, objectScopes, objectTypeOf, parseInput, portalOf } from './route-helpers';
import { recordToWire } from './serialize';

const MAX_INPUTS = 100;
const MAX_INPUTS_WITH_HISTORY = 50;

const id = z.union([z.string(), z.number()]).transform(String);
const ReadSchema = z.object({
  inputs: z.array(z.object({ id })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const CreateSchema = z.object({
  inputs: z.array(
    z.object({
      properties: PropertiesSchema,
      associations: CreateAssociationsSchema.optional(),
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});
const UpdateSchema = z.object({
  inputs: z.array(
    z.object({
      id,
      idProperty: z.string().optional(),
      properties: PropertiesSchema,
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});
const UpsertSchema = z.object({
  inputs: z.array(
    z.object({
      id,
      idProperty: z.string(),
      properties: PropertiesSchema,
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});
const ArchiveSchema = z.object({ inputs: z.array(z.object({ id })) });

interface StandardError {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, unknown>;
  errors: unknown[];
  links: Record<string, string>;
}

function checkSize(count: number, max = MAX_INPUTS): void {
  if (count > max) throw errors.validation(`Batch input size ${count} exceeds the maximum of ${max} inputs`);
  if (count === 0) throw errors.validation('Batch input must contain at least one input');
}

function itemError(error: HubSpotApiError, context: Record<string, unknown>): StandardError {
  return {
    status: 'error',
    category: error.category,
    message: error.message,
    context,
    errors: [],
    links: {},
  };
}

function batchBody(
  results: unknown[],
  failures: StandardError[],
  startedAtMs: number,
  completedAtMs: number,
) {
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results,
    startedAt: isoOf(startedAtMs),
    completedAt: isoOf(completedAtMs),
  };
  if (failures.length > 0) {
    body.numErrors = failures.length;
    body.errors = failures;
  }
  return body;
}

function notFoundError(objectType: ObjectType, ids: string[], verb: 'get' | 'update'): StandardError {
  const upper = OBJECT_TYPES[objectType].upper;
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not ${verb} some ${upper} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids },
    errors: [],
    links: {},
  };
}

function multiStatus(inputs: Array<{ objectWriteTraceId?: string | undefined }>): boolean {
  return inputs.every(
    (input) => typeof input.objectWriteTraceId === 'string' && input.objectWriteTraceId.length > 0,
  );
}

function withTrace(wire: Record<string, unknown>, trace: string | undefined): Record<string, unknown> {
  return trace ? { ...wire, objectWriteTraceId: trace } : wire;
}

/** A write's result: the properties the input wrote, plus HubSpot's own (or every value, by the knob). */
function writeResult(
  state: EmulatorState,
  portal: Portal,
  record: CrmRecord,
  written: Record<string, unknown>,
): Record<string, unknown> {
  if (state.settings.behaviour.writeResponseProperties === 'all') {
    return recordToWire(portal, record, { properties: 'all' });
  }
  return recordToWire(portal, record, { properties: Object.keys(written) });
}

function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** HubSpot does not answer a batch in input order: neither does the emulator, unless told to. */
function inAnswerOrder<T extends Record<string, unknown>>(state: EmulatorState, results: T[]): T[] {
  if (state.settings.behaviour.batchResultOrder === 'input' || results.length < 2) return results;
  const salt = String(state.nowMs());
  const shuffled = [...results].sort(
    (a, b) => fnv(`${salt}:${String(a.id)}`) - fnv(`${salt}:${String(b.id)}`),
  );
  // A permutation that happens to keep input order would hide the difference: turn it round.
  return shuffled.every((result, index) => result === results[index]) ? shuffled.reverse() : shuffled;
}

function read(state: EmulatorState, ctx: RequestContext) {
  const portal = portalOf(ctx);
  const type = objectTypeOf(ctx);
  const input = parseInput(ReadSchema, ctx.body);
  const withHistory = (input.propertiesWithHistory ?? []).length > 0;
  checkSize(input.inputs.length, withHistory ? MAX_INPUTS_WITH_HISTORY : MAX_INPUTS);
  const table = portal.tables[type];
  assertIdProperty(table, input.idProperty);
  const startedAtMs = state.nowMs();
  const archived = queryBool(ctx.query, 'archived');
  const seen = new Set<string>();
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const { id: requested } of input.inputs) {
    const record = findRecord(table, requested, { idProperty: input.idProperty, archived });
    if (!record) {
      missing.push(requested);
      continue;
    }
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    results.push(
      recordToWire(portal, record, {
        properties: input.properties ?? [],
        ...(withHistory ? { propertiesWithHistory: input.propertiesWithHistory } : {}),
      }),
    );
  }
  const failures = missing.length > 0 ? [notFoundError(type, missing, 'get')] : [];
  return {
    status: failures.length > 0 ? 207 : 200,
    body: batchBody(results, failures, startedAtMs, state.nowMs()),
  };
}

type Planned<T> = { index: number; trace: string | undefined } & (
  { ok: true; value: T } | { ok: false; error: HubSpotApiError }
);

/** Runs the per-input plans; in all-or-nothing mode the first failure fails the request before anything is written. */
function settle<T>(
  plans: Planned<T>[],
  multi: boolean,
): { ok: Array<Planned<T> & { ok: true }>; failures: StandardError[] } {
  if (!multi) {
    const failed = plans.find((plan) => !plan.ok);
    if (failed && !failed.ok) throw failed.error;
  }
  const failures: StandardError[] = [];
  const ok: Array<Planned<T> & { ok: true }> = [];
  for (const plan of plans) {
    if (plan.ok) ok.push(plan);
    else failures.push(itemError(plan.error, { objectWriteTraceId: [plan.trace ?? ''] }));
  }
  return { ok, failures };
}

function checkCreateAssociations(
  context: WriteContext,
  type: ObjectType,
  associations: z.output<typeof CreateAssociationsSchema>,
): HubSpotApiError | null {
  for (const association of associations) {
    for (const spec of association.types) {
      const info = associationType(spec.associationTypeId);
      if (!info || info.from !== type) {
        return errors.validation(
          `One or more associations are invalid: ${spec.associationTypeId} is not an association type from ${type}`,
        );
      }
      const target = context.portal.tables[info.to].records.get(association.to.id);
      if (!target || target.archived)
        return errors.validation(
          `One or more associations are invalid: no ${info.to} with id ${association.to.id}`,
        );
    }
  }
  return null;
}

function create(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const input = parseInput(CreateSchema, ctx.body);
  checkSize(input.inputs.length);
  const context = appWriteContext(state, ctx);
  const startedAtMs = context.nowMs;
  const reservations: Reservations = new Map();
  const plans: Planned<Map<string, string>>[] = input.inputs.map((item, index) => {
    const trace = item.objectWriteTraceId;
    const problem = checkCreateAssociations(context, type, item.associations ?? []);
    if (problem) return { index, trace, ok: false, error: problem };
    return { index, trace, ...prepareWrite(context, type, null, item.properties, reservations) };
  });
  const { ok, failures } = settle(plans, multiStatus(input.inputs));
  const results = ok.map((plan) => {
    const item = input.inputs[plan.index];
    const record = applyCreate(context, type, plan.value);
    for (const association of item?.associations ?? []) {
      for (const spec of association.types) {
        const info = associationType(spec.associationTypeId);
        if (info) associate(context, type, record.id, info.to, association.to.id, [spec.associationTypeId]);
      }
    }
    return withTrace(writeResult(state, context.portal, record, item?.properties ?? {}), plan.trace);
  });
  return {
    status: failures.length > 0 ? 207 : 201,
    body: batchBody(inAnswerOrder(state, results), failures, startedAtMs, state.nowMs()),
  };
}

function rejectDuplicates(ids: string[]): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const value of ids) {
    if (seen.has(value)) duplicates.add(value);
    seen.add(value);
  }
  if (duplicates.size > 0)
    throw errors.validation(`Duplicate IDs found in batch input: [${[...duplicates].join(', ')}]`);
}

function update(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const input = parseInput(UpdateSchema, ctx.body);
  checkSize(input.inputs.length);
  const context = appWriteContext(state, ctx);
  const table = context.portal.tables[type];
  for (const item of input.inputs) assertIdProperty(table, item.idProperty);
  const startedAtMs = context.nowMs;
  const found = input.inputs.map((item) => findRecord(table, item.id, { idProperty: item.idProperty }));
  rejectDuplicates(found.filter((record): record is CrmRecord => record !== null).map((record) => record.id));
  const missing = input.inputs.filter((_, index) => !found[index]).map((item) => item.id);
  const reservations: Reservations = new Map();
  const plans: Planned<{ record: CrmRecord; values: Map<string, string> }>[] = [];
  input.inputs.forEach((item, index) => {
    const record = found[index];
    if (!record) return;
    const prepared = prepareWrite(context, type, record, item.properties, reservations);
    plans.push(
      prepared.ok
        ? { index, trace: item.objectWriteTraceId, ok: true, value: { record, values: prepared.value } }
        : { index, trace: item.objectWriteTraceId, ok: false, error: prepared.error },
    );
  });
  // Multi-status is a batch create feature; an update refuses the whole batch for one bad input.
  const { ok, failures } = settle(plans, false);
  const results = ok.map((plan) => {
    applyUpdate(context, type, plan.value.record, plan.value.values);
    const written = input.inputs[plan.index]?.properties ?? {};
    return withTrace(writeResult(state, context.portal, plan.value.record, written), plan.trace);
  });
  if (missing.length > 0) failures.unshift(notFoundError(type, missing, 'update'));
  return {
    status: failures.length > 0 ? 207 : 200,
    body: batchBody(inAnswerOrder(state, results), failures, startedAtMs, state.nowMs()),
  };
}

function upsert(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const input = parseInput(UpsertSchema, ctx.body);
  checkSize(input.inputs.length);
  const context = appWriteContext(state, ctx);
  const table = context.portal.tables[type];
  for (const item of input.inputs) {
    if (item.idProperty === 'hs_object_id')
      throw errors.validation('upsert needs a unique-value idProperty, not hs_object_id');
    assertIdProperty(table, item.idProperty);
  }
  rejectDuplicates(
    input.inputs.map(
      (item) => `${item.idProperty}:${item.idProperty === 'email' ? item.id.toLowerCase() : item.id}`,
    ),
  );
  const startedAtMs = context.nowMs;
  const reservations: Reservations = new Map();
  const plans = input.inputs.map(
    (item, index): Planned<{ record: CrmRecord | null; values: Map<string, string> }> => {
      const record = findRecord(table, item.id, { idProperty: item.idProperty });
      const properties = record ? item.properties : { ...item.properties, [item.idProperty]: item.id };
      const prepared = prepareWrite(context, type, record, properties, reservations);
      return prepared.ok
        ? { index, trace: item.objectWriteTraceId, ok: true, value: { record, values: prepared.value } }
        : { index, trace: item.objectWriteTraceId, ok: false, error: prepared.error };
    },
  );
  // Multi-status is a batch create feature; an upsert refuses the whole batch for one bad input.
  const { ok, failures } = settle(plans, false);
  const results = ok.map((plan) => {
    const existing = plan.value.record;
    const record = existing ?? applyCreate(context, type, plan.value.values);
    if (existing) applyUpdate(context, type, existing, plan.value.values);
    const item = input.inputs[plan.index];
    const written = item ? { ...item.properties, [item.idProperty]: item.id } : {};
    return withTrace(
      { ...writeResult(state, context.portal, record, written), new: existing === null },
      plan.trace,
    );
  });
  return {
    status: failures.length > 0 ? 207 : 200,
    body: batchBody(inAnswerOrder(state, results), failures, startedAtMs, state.nowMs()),
  };
}

function archive(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const input = parseInput(ArchiveSchema, ctx.body);
  checkSize(input.inputs.length);
  const context = appWriteContext(state, ctx);
  const table = context.portal.tables[type];
  for (const item of input.inputs) {
    const record = findRecord(table, item.id);
    if (record) applyArchive(context, type, record);
  }
  return { status: 204 };
}

export function registerBatchRoutes(router: Router, state: EmulatorState): void {
  const base = '/crm/v3/objects/:objectType/batch';
  const read_ = objectScopes('read');
  const write = objectScopes('write');
  router.add({
    method: 'POST',
    pattern: `${base}/read`,
    kind: 'api',
    body: 'json',
    scopes: read_,
    handler: (ctx) => read(state, ctx),
  });
  router.add({
    method: 'POST',
    pattern: `${base}/create`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => create(state, ctx),
  });
  router.add({
    method: 'POST',
    pattern: `${base}/update`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => update(state, ctx),
  });
  router.add({
    method: 'POST',
    pattern: `${base}/upsert`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => upsert(state, ctx),
  });
  router.add({
    method: 'POST',
    pattern: `${base}/archive`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => archive(state, ctx),
  });
}
