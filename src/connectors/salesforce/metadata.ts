/**
 * What the sync needs to know about an org besides its records: which fields each object has (describe:
 * required on create, external ids, what exists at all) and its users (for the owner transform). Both are
 * read rarely and cached by the caller; each read is one call through the gate.
 */
import type { Connection, QueryResult } from 'jsforce';
import { z } from 'zod';
import type { SalesforceObjectType } from '../../domain/records';
import { SalesforceFieldDescribeSchema, type SalesforceFieldDescribe } from '../../domain/settings/metadata';
import { openGate, type CallGate } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { salesforceCallError } from './errors';

export interface SalesforceMetadataOptions {
  gate?: CallGate;
  callTimeoutMs?: number;
}

async function call<T>(
  connection: Connection,
  options: SalesforceMetadataOptions,
  action: string,
  run: () => Promise<T>,
): Promise<T> {
  const gate = options.gate ?? openGate;
  await gate.acquire('salesforce', 'read');
  try {
    return await withTimeout(run, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, action);
  } catch (error) {
    throw salesforceCallError(error, action);
  } finally {
    const usage = connection.limitInfo?.apiUsage;
    if (usage) gate.observeSalesforceUsage?.(usage.used, usage.limit);
  }
}

const DescribeSchema = z
  .object({
    fields: z.array(SalesforceFieldDescribeSchema),
    recordTypeInfos: z
      .array(
        z
          .object({ recordTypeId: z.string(), developerName: z.string(), master: z.boolean().default(false) })
          .loose(),
      )
      .default([]),
  })
  .loose();

export interface RecordTypeRef {
  readonly id: string;
  readonly developerName: string;
}

export interface ObjectDescribe {
  readonly fields: SalesforceFieldDescribe[];
  /** The record types an admin defined (Master, which every object has, left out). */
  readonly recordTypes: RecordTypeRef[];
}

/** One object's fields and record types, as describe reports them. */
export async function describeObject(
  connection: Connection,
  type: SalesforceObjectType,
  options: SalesforceMetadataOptions = {},
): Promise<ObjectDescribe> {
  const describe = DescribeSchema.parse(
    await call(connection, options, `describing ${type}`, () => connection.sobject(type).describe()),
  );
  return {
    fields: describe.fields,
    recordTypes: describe.recordTypeInfos
      .filter((info) => !info.master)
      .map((info) => ({ id: info.recordTypeId, developerName: info.developerName })),
  };
}

/** The fields of one object, as describe reports them. */
export async function describeFields(
  connection: Connection,
  type: SalesforceObjectType,
  options: SalesforceMetadataOptions = {},
): Promise<SalesforceFieldDescribe[]> {
  return (await describeObject(connection, type, options)).fields;
}

export interface SalesforceUser {
  readonly id: string;
  readonly email: string;
  readonly isActive: boolean;
}

const UserRow = z.object({ Id: z.string(), Email: z.string().nullish(), IsActive: z.boolean() }).loose();

/** Every user of the org (active or not: an inactive owner must be reported, not mistaken for nobody). */
export async function listSalesforceUsers(
  connection: Connection,
  options: SalesforceMetadataOptions = {},
): Promise<SalesforceUser[]> {
  const users: SalesforceUser[] = [];
  let page: QueryResult<Record<string, unknown>> = await call(
    connection,
    options,
    'listing Salesforce users',
    async () => await connection.query<Record<string, unknown>>('SELECT Id, Email, IsActive FROM User'),
  );
  for (;;) {
    for (const row of page.records) {
      const user = UserRow.parse(row);
      users.push({ id: user.Id, email: user.Email ?? '', isActive: user.IsActive });
    }
    const next = page.nextRecordsUrl;
    if (page.done || !next) break;
    page = await call(
      connection,
      options,
      'listing Salesforce users',
      async () => await connection.queryMore<Record<string, unknown>>(next),
    );
  }
  return users;
}
