/**
 * Bulk API 2.0 ingest jobs: a job is opened, receives one CSV upload, and when marked
 * UploadComplete its rows are processed one by one with the same rules as the REST API. Results
 * are kept per row for the successfulResults / failedResults / unprocessedrecords files.
 *
 *   Open ──upload──▶ Open ──UploadComplete──▶ JobComplete | Failed
 *     └────────────── Aborted ◀──────────────┘ (before processing)
 */

import { SfError } from '../core/errors';
import { normalizeId } from '../core/ids';
import type { Org } from '../core/org';
import { formatDateTime } from '../core/time';
import type { WriteContext } from '../data/dml';
import {
  AmbiguousMatch,
  createRecord,
  deleteRecord,
  fieldOf,
  updateRecord,
  upsertKeyField,
  upsertRecord,
} from '../data/dml';
import type { ObjectDef } from '../schema/types';
import type { DelimiterName } from './csv';
import { DELIMITERS, parseCsv } from './csv';

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface IngestJob {
  id: string;
  orgId: string;
  createdById: string;
  object: string;
  operation: IngestOperation;
  externalIdFieldName: string | null;
  columnDelimiter: DelimiterName;
  lineEnding: 'LF' | 'CRLF';
  apiVersion: number;
  state: JobState;
  createdDateMs: number;
  systemModstampMs: number;
  upload: string | null;
  columns: string[];
  successful: Record<string, string>[];
  failed: Record<string, string>[];
  unprocessed: Record<string, string>[];
  errorMessage: string | null;
  processingMs: number;
}

/** The job as the API describes it (create, status and list calls). */
export function jobInfo(job: IngestJob, version: string): Record<string, unknown> {
  const done = job.state === 'JobComplete' || job.state === 'Failed';
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: formatDateTime(job.createdDateMs),
    systemModstamp: formatDateTime(job.systemModstampMs),
    state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
    jobType: 'V2Ingest',
    contentUrl: `services/data/v${version}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    ...(done
      ? {
          numberRecordsProcessed: job.successful.length + job.failed.length,
          numberRecordsFailed: job.failed.length,
          retries: 0,
          totalProcessingTime: job.processingMs,
          apiActiveProcessingTime: job.processingMs,
          apexProcessingTime: 0,
        }
      : {}),
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

export function bulkJobError(message: string): SfError {
  return new SfError(400, 'INVALIDJOBSTATE', message);
}

/** `REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --` */
function bulkError(error: SfError): string {
  return `${error.errorCode}:${error.message}:${(error.fields ?? []).join(',')} --`;
}

/** Turns a CSV row into a request body: `#N/A` clears a field, empty cells are left out. */
function bodyOf(columns: string[], cells: string[], skip: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  columns.forEach((column, k) => {
    const raw = cells[k] ?? '';
    if (raw === '' || skip.includes(column.toLowerCase())) return;
    const value = raw === '#N/A' ? null : raw;
    const dot = column.indexOf('.');
    if (dot > 0) body[column.slice(0, dot)] = { [column.slice(dot + 1)]: value };
    else body[column] = value;
  });
  return body;
}

function checkColumns(object: ObjectDef, columns: string[]): string | null {
  for (const column of columns) {
    const [head, tail] = column.split('.', 2);
    if (tail !== undefined) {
      const lookup = object.fields.find((f) => f.relationshipName?.toLowerCase() === head?.toLowerCase());
      if (!lookup) return `InvalidBatch : Field name not found : ${column}`;
    } else if (!fieldOf(object, column)) return `InvalidBatch : Field name not found : ${column}`;
  }
  return null;
}

/** Processes an uploaded job to JobComplete (or Failed when the file itself is unusable). */
export function processJob(job: IngestJob, org: Org, write: WriteContext): void {
  const started = Date.now();
  const object = org.object(job.object) as ObjectDef;
  let rows: string[][];
  try {
    rows = parseCsv(job.upload ?? '', DELIMITERS[job.columnDelimiter]);
  } catch (error) {
    job.state = 'Failed';
    job.errorMessage = `InvalidBatch : ${(error as Error).message}`;
    return;
  }
  const [header, ...data] = rows;
  const columns = header ?? [];
  job.columns = columns;
  const problem = columns.length === 0 ? 'InvalidBatch : No header row' : checkColumns(object, columns);
  if (problem) {
    job.state = 'Failed';
    job.errorMessage = problem;
    job.unprocessed = data.map((cells) => Object.fromEntries(columns.map((c, k) => [c, cells[k] ?? ''])));
    return;
  }
  const idColumn = columns.findIndex((c) => c.toLowerCase() === 'id');
  const extField = job.externalIdFieldName ? upsertKeyField(object, job.externalIdFieldName) : undefined;
  for (const cells of data) {
    const original = Object.fromEntries(columns.map((c, k) => [c, cells[k] ?? '']));
    const rawId = idColumn >= 0 ? (cells[idColumn] ?? '') : '';
    try {
      const outcome = org.atomic(() => runRow(job, write, object, columns, cells, rawId, extField?.name));
      job.successful.push({ sf__Id: outcome.id, sf__Created: String(outcome.created), ...original });
    } catch (error) {
      if (!(error instanceof SfError)) throw error;
      job.failed.push({ sf__Id: normalizeId(rawId) ?? '', sf__Error: bulkError(error), ...original });
    }
  }
  job.state = 'JobComplete';
  job.processingMs = Math.max(1, Date.now() - started);
}

function runRow(
  job: IngestJob,
  write: WriteContext,
  object: ObjectDef,
  columns: string[],
  cells: string[],
  rawId: string,
  extFieldName: string | undefined,
): { id: string; created: boolean } {
  const requireId = (): string => {
    if (rawId === '') throw new SfError(400, 'MISSING_ARGUMENT', 'Id not specified', ['Id']);
    const id = normalizeId(rawId);
    if (!id || id.slice(0, 3) !== object.keyPrefix) {
      throw new SfError(400, 'MALFORMED_ID', `${object.label} ID: id value of incorrect type: ${rawId}`, [
        'Id',
      ]);
    }
    return id;
  };
  switch (job.operation) {
    case 'insert':
      return { id: createRecord(write, object, bodyOf(columns, cells, ['id'])), created: true };
    case 'update': {
      const id = requireId();
      updateRecord(write, object, id, bodyOf(columns, cells, ['id']));
      return { id, created: false };
    }
    case 'upsert': {
      const field = upsertKeyField(object, extFieldName ?? 'Id');
      if (!field) throw new SfError(400, 'INVALIDJOB', 'External ID was blank', []);
      const k = columns.findIndex((c) => c.toLowerCase() === field.name.toLowerCase());
      const value = k >= 0 ? (cells[k] ?? '') : '';
      if (value === '')
        throw new SfError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
      // jsforce writes an empty Id column for record arrays; it is not part of the record.
      const body = bodyOf(columns, cells, ['id', field.name.toLowerCase()]);
      try {
        return upsertRecord(write, object, field, value, body);
      } catch (error) {
        if (error instanceof AmbiguousMatch) {
          throw new SfError(
            400,
            'DUPLICATE_EXTERNAL_ID',
            `${field.name}: more than one record found for external id field: [${error.ids.join(', ')}]`,
            [field.name],
          );
        }
        throw error;
      }
    }
    case 'delete':
    case 'hardDelete': {
      const id = requireId();
      deleteRecord(write, id);
      if (job.operation === 'hardDelete') write.org.erase(id);
      return { id, created: false };
    }
  }
}
