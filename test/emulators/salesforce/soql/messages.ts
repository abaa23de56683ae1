/**
 * SOQL errors in Salesforce's layout: the query line, a caret under the problem, the position,
 * then the reason.
 */

import { errors, SfError } from '../core/errors';

function located(soql: string, offset: number, detail: string): string {
  const before = soql.slice(0, offset);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', offset);
  const line = soql.slice(lineStart, lineEnd < 0 ? soql.length : lineEnd);
  const column = offset - lineStart + 1;
  return `${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${detail}`;
}

export function malformedAt(soql: string, offset: number, detail: string): SfError {
  return errors.malformedQuery(located(soql, offset, detail));
}

export function noSuchColumn(soql: string, offset: number, column: string, entity: string): SfError {
  return errors.invalidField(
    located(
      soql,
      offset,
      `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to ` +
        `append the '__c' after the custom field name. Please reference your WSDL or the describe call for the ` +
        `appropriate names.`,
    ),
  );
}

export function badRelationship(soql: string, offset: number, name: string): SfError {
  return errors.invalidField(
    located(
      soql,
      offset,
      `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom ` +
        `relationship, be sure to append the '__r' after the custom relationship name. Please reference your ` +
        `WSDL or the describe call for the appropriate names.`,
    ),
  );
}

export function unsupportedType(soql: string, offset: number, name: string): SfError {
  return errors.invalidType(
    located(
      soql,
      offset,
      `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append ` +
        `the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

export function invalidFilter(soql: string, offset: number, detail: string): SfError {
  return errors.invalidField(located(soql, offset, detail));
}

export function invalidIdFilter(soql: string, offset: number, value: string): SfError {
  return new SfError(
    400,
    'INVALID_QUERY_FILTER_OPERATOR',
    located(soql, offset, `invalid ID field: ${value}`),
  );
}
