/**
 * Salesforce API errors as the REST API reports them: an HTTP status and a JSON array of
 * `{ message, errorCode, fields }`. sObject Collections report the same errors per record with
 * `statusCode` instead of `errorCode` (see toCollectionError).
 */

export interface SfErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

export class SfError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = errorCode;
  }

  toBody(): SfErrorBody {
    return this.fields === undefined
      ? { message: this.message, errorCode: this.errorCode }
      : { message: this.message, errorCode: this.errorCode, fields: this.fields };
  }
}

export function toCollectionError(error: SfError): { statusCode: string; message: string; fields: string[] } {
  return { statusCode: error.errorCode, message: error.message, fields: error.fields ?? [] };
}

export const errors = {
  invalidSession: (message = 'Session expired or invalid') => new SfError(401, 'INVALID_SESSION_ID', message),
  notFound: (message = 'The requested resource does not exist') => new SfError(404, 'NOT_FOUND', message),
  entityIsDeleted: (fields: string[] = []) =>
    new SfError(404, 'ENTITY_IS_DELETED', 'entity is deleted', fields),
  requestLimitExceeded: () => new SfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  malformedId: (message: string, fields: string[] = []) => new SfError(400, 'MALFORMED_ID', message, fields),
  requiredMissing: (fields: string[]) =>
    new SfError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields),
  invalidField: (message: string, fields: string[] = []) =>
    new SfError(400, 'INVALID_FIELD', message, fields),
  invalidFieldForInsertUpdate: (fields: string[], creating: boolean) =>
    new SfError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to ${creating ? 'create' : 'update'} fields: ${fields.join(', ')}. Please check the security ` +
        'settings of this field and verify that it is read/write for your profile or permission set.',
      fields,
    ),
  duplicateValue: (field: string, existingId: string) =>
    new SfError(
      400,
      'DUPLICATE_VALUE',
      `duplicate value found: ${field} duplicates value on record with id: ${existingId.slice(0, 15)}`,
      [],
    ),
  convertedLead: () =>
    new SfError(400, 'CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead', []),
  badPicklist: (label: string, field: string, value: string) =>
    new SfError(
      400,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${label}: bad value for restricted picklist field: ${value}`,
      [field],
    ),
  stringTooLong: (label: string, field: string, value: string, max: number) =>
    new SfError(
      400,
      'STRING_TOO_LONG',
      `${label}: data value too large: ${value.length > 80 ? `${value.slice(0, 80)}...` : value} (max length=${max})`,
      [field],
    ),
  invalidEmail: (label: string, field: string, value: string) =>
    new SfError(400, 'INVALID_EMAIL_ADDRESS', `${label}: invalid email address: ${value}`, [field]),
  crossReference: (fields: string[]) =>
    new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', fields),
  jsonParser: (message: string) => new SfError(400, 'JSON_PARSER_ERROR', message),
  malformedQuery: (message: string) => new SfError(400, 'MALFORMED_QUERY', message),
  invalidType: (message: string) => new SfError(400, 'INVALID_TYPE', message),
  lockRow: (id: string | undefined) =>
    new SfError(
      400,
      'UNABLE_TO_LOCK_ROW',
      `unable to obtain exclusive access to this record or 1 records: ${id ?? '001000000000000AAA'}`,
      [],
    ),
  validationRule: (message: string, fields: string[]) =>
    new SfError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message, fields),
  duplicatesDetected: () => new SfError(400, 'DUPLICATES_DETECTED', 'Use one of these records?', []),
  rolledBack: () =>
    new SfError(
      400,
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'Record rolled back because not all records were valid and the request was using AllOrNone header',
      [],
    ),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new SfError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`,
    ),
};
