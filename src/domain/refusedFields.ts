/**
 * Which fields a Salesforce write request refused as a whole is about. Salesforce reads a collection's body
 * before it writes any record, and a body it cannot read is one 400 for the whole call: a column the object
 * does not have or the connected user cannot see (`INVALID_FIELD`, "No such column 'X' on sobject of type
 * Contact"), or a value it cannot turn into the field's type (`JSON_PARSER_ERROR`, which names the value
 * but not the field). Splitting the call cannot isolate such a refusal (every half that carries the field
 * fails the same way), so the sync leaves the fields found here out of the call and fails them once.
 *
 * Pure: the fields sent, what Salesforce said, and the object's describe (read afresh by the caller).
 */
import type { SalesforceFieldDescribe } from './settings/metadata';

/** Error codes with which Salesforce refuses a whole write request it could not read. */
export const REQUEST_LEVEL_CODES = ['INVALID_FIELD', 'JSON_PARSER_ERROR'] as const;
export type RequestLevelCode = (typeof REQUEST_LEVEL_CODES)[number];

export function isRequestLevelCode(code: string): code is RequestLevelCode {
  return (REQUEST_LEVEL_CODES as readonly string[]).includes(code);
}

export interface RefusedRequest {
  readonly code: RequestLevelCode;
  readonly message: string;
}

export type FieldValue = string | number | boolean | null;

const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent']);

/** Whether Salesforce can read `value` as a value of a field of this describe type. */
export function readableAs(type: string, value: FieldValue): boolean {
  if (value === null) return true;
  if (type === 'boolean') return typeof value === 'boolean';
  if (NUMBER_TYPES.has(type)) {
    if (typeof value === 'number') return Number.isFinite(value);
    return typeof value === 'string' && (value.trim() === '' || Number.isFinite(Number(value.trim())));
  }
  if (type === 'date') {
    if (typeof value !== 'string') return false;
    if (value === '') return true;
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return false;
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }
  if (type === 'datetime') {
    return typeof value === 'string' && (value === '' || Number.isFinite(Date.parse(value)));
  }
  return true;
}

/**
 * The fields (as sent) the refusal is about: the column Salesforce named, else the sent fields the fresh
 * describe does not list, else (a value it could not read) the fields whose values do not fit their type.
 * Empty when nothing sent explains the refusal.
 */
export function fieldsRefused(
  refusal: RefusedRequest,
  sent: readonly Readonly<Record<string, FieldValue>>[],
  describe: readonly SalesforceFieldDescribe[] | undefined,
): string[] {
  const names = [...new Set(sent.flatMap((fields) => Object.keys(fields)))];
  const named = /No such column '([^']+)'/i.exec(refusal.message)?.[1];
  if (named) {
    const match = names.find((name) => name.toLowerCase() === named.toLowerCase());
    if (match) return [match];
  }
  if (!describe) return [];
  const byName = new Map(describe.map((field) => [field.name.toLowerCase(), field]));
  const unknown = names.filter((name) => !byName.has(name.toLowerCase()));
  if (unknown.length > 0) return unknown;
  if (refusal.code !== 'JSON_PARSER_ERROR') return [];
  return names.filter((name) => {
    const field = byName.get(name.toLowerCase());
    return field !== undefined && sent.some((fields) => !readableAs(field.type, fields[name] ?? null));
  });
}

/**
 * Of the refused fields, the ones one record's values make the request unreadable with: every refused field
 * it carries for an unknown column; for a value Salesforce could not read, only the fields whose value in
 * this record does not fit (another record's good value for the same field still goes through).
 */
export function refusedInRecord(
  refusal: RefusedRequest,
  refused: readonly string[],
  fields: Readonly<Record<string, FieldValue>>,
  describe: readonly SalesforceFieldDescribe[] | undefined,
): string[] {
  const carried = Object.keys(fields).filter((name) =>
    refused.some((candidate) => candidate.toLowerCase() === name.toLowerCase()),
  );
  if (refusal.code !== 'JSON_PARSER_ERROR') return carried;
  return carried.filter((name) => {
    const field = describe?.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    return field === undefined || !readableAs(field.type, fields[name] ?? null);
  });
}
