/**
 * What Salesforce said about one record's write, as a SyncFailure the card and settings page can show.
 *
 * Per-record errors come two ways: in a collection write's results (`statusCode`/`errorCode`, with the
 * fields they are about), or as the whole error of a one-record write that Salesforce refused as a call.
 */
import { z } from 'zod';
import { makeFailure, type SyncFailure } from '../../domain/failures';
import type { SalesforceObjectType } from '../../domain/records';
import { categoryOfSalesforceCode, type SalesforceCallError } from './errors';

const SaveError = z
  .object({
    statusCode: z.string().optional(),
    errorCode: z.string().optional(),
    message: z.string().optional(),
    fields: z.array(z.string()).optional(),
  })
  .loose();

/** The failure of one record in a collection write. */
export function salesforceRecordFailure(
  type: SalesforceObjectType,
  errors: unknown,
  fields: Readonly<Record<string, unknown>>,
): SyncFailure {
  const parsed = z.array(SaveError).safeParse(errors);
  const first = parsed.success ? parsed.data[0] : undefined;
  const code = first?.statusCode ?? first?.errorCode ?? 'UNKNOWN_ERROR';
  const errorFields = first?.fields ?? [];
  const fieldName = errorFields[0];
  const value = fieldName !== undefined && fields[fieldName] !== undefined ? fields[fieldName] : undefined;
  return makeFailure(
    categoryOfSalesforceCode(code),
    code,
    {
      side: 'salesforce',
      object: type,
      ...(fieldName ? { field: fieldName } : {}),
      ...(errorFields.length > 0 ? { fields: errorFields } : {}),
      ...(value !== undefined && value !== null ? { value: String(value) } : {}),
      ...(first?.message ? { detail: first.message } : {}),
    },
    { details: { errors: parsed.success ? parsed.data : errors } },
  );
}

/** The failure of a one-record write Salesforce refused as a whole call. */
export function salesforceWriteFailure(type: SalesforceObjectType, error: SalesforceCallError): SyncFailure {
  return makeFailure(
    error.category,
    error.code,
    { side: 'salesforce', object: type, detail: error.message },
    { details: { errorCode: error.code } },
  );
}
