/** Bulk API 2.0 ingest jobs under `/services/data/vXX.X/jobs/ingest`. */

import { bulkJobError, jobInfo, processJob } from '../bulk/ingest';
import type { IngestJob, IngestOperation } from '../bulk/ingest';
import type { DelimiterName } from '../bulk/csv';
import { DELIMITERS, toCsv } from '../bulk/csv';
import { errors, SfError } from '../core/errors';
import type { RequestContext } from '../http/context';
import { jsonObjectBody, orgOf, sendEmpty, sendJson, sendText, writeContextOf } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { upsertKeyField } from '../data/dml';

const OPERATIONS: IngestOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];

function invalidJob(message: string): SfError {
  return new SfError(400, 'INVALIDJOB', `InvalidJob : ${message}`);
}

function jobOf(ctx: RequestContext): IngestJob {
  const job = ctx.state.ingestJobs.get(ctx.params.jobId ?? '');
  if (!job || job.orgId !== orgOf(ctx).id) throw errors.notFound();
  return job;
}

function create(ctx: RequestContext): void {
  const body = jsonObjectBody(ctx);
  const org = orgOf(ctx);
  const object = typeof body.object === 'string' ? org.object(body.object) : undefined;
  if (!object) throw invalidJob(`Unable to find object: ${String(body.object ?? '')}`);
  const operation = OPERATIONS.find((o) => o === body.operation);
  if (!operation) throw invalidJob(`Invalid operation: ${String(body.operation ?? '')}`);
  if ((body.contentType ?? 'CSV') !== 'CSV') throw invalidJob('Only CSV content is supported');
  const delimiter = (body.columnDelimiter ?? 'COMMA') as DelimiterName;
  if (!(delimiter in DELIMITERS))
    throw invalidJob(`Invalid column delimiter: ${String(body.columnDelimiter)}`);
  const lineEnding = body.lineEnding ?? 'LF';
  if (lineEnding !== 'LF' && lineEnding !== 'CRLF')
    throw invalidJob(`Invalid line ending: ${String(lineEnding)}`);
  let externalIdFieldName: string | null = null;
  if (operation === 'upsert') {
    const name = typeof body.externalIdFieldName === 'string' ? body.externalIdFieldName : '';
    const field = name ? upsertKeyField(object, name) : undefined;
    if (!field) {
      throw invalidJob(`External ID was blank or not an external id field for ${object.name}: ${name}`);
    }
    externalIdFieldName = field.name;
  }
  const write = writeContextOf(ctx);
  const job: IngestJob = {
    id: ctx.state.ids.next('750'),
    orgId: org.id,
    createdById: write.actorId,
    object: object.name,
    operation,
    externalIdFieldName,
    columnDelimiter: delimiter,
    lineEnding,
    apiVersion: Number(ctx.version),
    state: 'Open',
    createdDateMs: write.nowMs,
    systemModstampMs: write.nowMs,
    upload: null,
    columns: [],
    successful: [],
    failed: [],
    unprocessed: [],
    errorMessage: null,
    processingMs: 0,
  };
  ctx.state.ingestJobs.set(job.id, job);
  sendJson(ctx, 200, jobInfo(job, ctx.version));
}

function upload(ctx: RequestContext): void {
  const job = jobOf(ctx);
  if (job.state !== 'Open') throw bulkJobError(`Job ${job.id} is not open for uploads (state ${job.state})`);
  if (job.upload !== null) throw bulkJobError('Only one CSV upload is allowed per job');
  job.upload = ctx.body.toString('utf8');
  sendEmpty(ctx, 201);
}

function changeState(ctx: RequestContext): void {
  const job = jobOf(ctx);
  const { state } = jsonObjectBody(ctx);
  const write = writeContextOf(ctx);
  job.systemModstampMs = write.nowMs;
  if (state === 'Aborted' && (job.state === 'Open' || job.state === 'UploadComplete')) {
    job.state = 'Aborted';
    return sendJson(ctx, 200, jobInfo(job, ctx.version));
  }
  if (state !== 'UploadComplete' || job.state !== 'Open') {
    throw bulkJobError(`Cannot change the state of job ${job.id} from ${job.state} to ${String(state)}`);
  }
  const reply = jobInfo({ ...job, state: 'UploadComplete' }, ctx.version);
  if (job.upload === null) {
    job.state = 'Failed';
    job.errorMessage = 'InvalidBatch : No data was uploaded for this job';
  } else {
    // Processed at once: the first status check after UploadComplete finds the job done.
    write.actorId = job.createdById;
    processJob(job, orgOf(ctx), write);
  }
  sendJson(ctx, 200, reply);
}

function results(kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords') {
  return (ctx: RequestContext): void => {
    const job = jobOf(ctx);
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    const text =
      kind === 'successfulResults'
        ? toCsv(['sf__Id', 'sf__Created', ...job.columns], job.successful, eol)
        : kind === 'failedResults'
          ? toCsv(['sf__Id', 'sf__Error', ...job.columns], job.failed, eol)
          : toCsv(job.columns, job.unprocessed, eol);
    sendText(ctx, 200, 'text/csv', text);
  };
}

function remove(ctx: RequestContext): void {
  const job = jobOf(ctx);
  if (job.state === 'Open') throw bulkJobError(`Job ${job.id} is still open: close or abort it first`);
  ctx.state.ingestJobs.delete(job.id);
  sendEmpty(ctx, 204);
}

function list(ctx: RequestContext): void {
  const orgId = orgOf(ctx).id;
  const records = [...ctx.state.ingestJobs.values()]
    .filter((j) => j.orgId === orgId)
    .map((j) => jobInfo(j, ctx.version));
  sendJson(ctx, 200, { done: true, records, nextRecordsUrl: null });
}

export function bulkRoutes(): Route[] {
  const base = '/services/data/:version/jobs/ingest';
  return [
    route('POST', base, 'rest', create),
    route('GET', base, 'rest', list),
    route('GET', `${base}/:jobId`, 'rest', (ctx) => sendJson(ctx, 200, jobInfo(jobOf(ctx), ctx.version))),
    route('PATCH', `${base}/:jobId`, 'rest', changeState),
    route('DELETE', `${base}/:jobId`, 'rest', remove),
    route('PUT', `${base}/:jobId/batches`, 'rest', upload),
    route('GET', `${base}/:jobId/successfulResults`, 'rest', results('successfulResults')),
    route('GET', `${base}/:jobId/failedResults`, 'rest', results('failedResults')),
    route('GET', `${base}/:jobId/unprocessedrecords`, 'rest', results('unprocessedrecords')),
  ];
}
