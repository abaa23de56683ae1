/**
 * Turning a JSON value from a request into the stored value of one field, with the checks and the
 * error codes Salesforce applies: type, length, e-mail syntax, restricted picklists, multi-select
 * lists, number ranges, ids.
 */

import { errors, SfError } from '../core/errors';
import { normalizeId } from '../core/ids';
import { parseDate, parseDateTime } from '../core/time';
import type { FieldDef, Value } from '../schema/types';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function deserializeError(type: string, value: unknown): SfError {
  return errors.jsonParser(
    `Cannot deserialize instance of ${type} from VALUE_STRING value ${String(value)} or request may be missing a required field`,
  );
}

function asText(field: FieldDef, raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw === '' ? null : raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw deserializeError(field.type === 'multipicklist' ? 'string' : 'String', JSON.stringify(raw));
}

function checkLength(field: FieldDef, text: string): void {
  if (field.length > 0 && text.length > field.length) {
    throw errors.stringTooLong(field.label, field.name, text, field.length);
  }
}

function picklistValue(field: FieldDef, text: string): string {
  if (!field.restrictedPicklist) return text;
  const match = field.picklistValues.find((v) => v.active && v.value.toLowerCase() === text.toLowerCase());
  if (!match) throw errors.badPicklist(field.label, field.name, text);
  return match.value;
}

/**
 * Multi-select values travel as one `;`-joined string. Salesforce drops blanks and repeats and
 * keeps the values in the order the picklist defines them.
 */
function multiPicklistValue(field: FieldDef, text: string): string | null {
  const chosen = [...new Set(text.split(';').map((v) => v.trim()).filter((v) => v !== ''))].map((v) =>
    picklistValue(field, v),
  );
  if (chosen.length === 0) return null;
  const order = field.picklistValues.map((v) => v.value);
  const rank = (v: string): number => (order.indexOf(v) < 0 ? order.length : order.indexOf(v));
  return [...new Set(chosen)].sort((a, b) => rank(a) - rank(b)).join(';');
}

function numberValue(field: FieldDef, raw: unknown): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
  if (typeof raw === 'boolean' || !Number.isFinite(n)) throw deserializeError('double', raw);
  const scale = field.type === 'int' ? 0 : field.scale;
  const rounded = Number(n.toFixed(scale));
  const integerDigits = Math.trunc(Math.abs(rounded)).toString().length;
  if (field.precision > 0 && integerDigits > field.precision - scale) {
    throw new SfError(
      400,
      'NUMBER_OUTSIDE_VALID_RANGE',
      `${field.label}: value outside of valid range on numeric field: ${String(raw)}`,
      [field.name],
    );
  }
  return rounded;
}

function booleanValue(raw: unknown): boolean {
  if (raw === null || raw === undefined) return false;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw deserializeError('boolean', raw);
}

/**
 * The stored value for a field, or an SfError. References are only checked for shape here; whether
 * the target exists is the record layer's business.
 */
export function coerceValue(field: FieldDef, raw: unknown): Value {
  switch (field.type) {
    case 'boolean':
      return booleanValue(raw);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return numberValue(field, raw);
    case 'date': {
      const text = asText(field, raw);
      if (text === null) return null;
      const date = parseDate(text);
      if (date === null) throw deserializeError('date', `${text} or value ${text} is not a valid date`);
      return date;
    }
    case 'datetime': {
      const text = asText(field, raw);
      if (text === null) return null;
      const ms = parseDateTime(text);
      if (ms === null) throw deserializeError('datetime', text);
      // Salesforce keeps datetimes to the second.
      return Math.floor(ms / 1000) * 1000;
    }
    case 'reference': {
      const text = asText(field, raw);
      if (text === null) return null;
      const id = normalizeId(text);
      if (id === null) throw errors.malformedId(`${field.label}: id value of incorrect type: ${text}`, [field.name]);
      return id;
    }
    case 'picklist': {
      const text = asText(field, raw);
      if (text === null) return null;
      checkLength(field, text);
      return picklistValue(field, text);
    }
    case 'multipicklist': {
      const text = asText(field, raw);
      if (text === null) return null;
      const value = multiPicklistValue(field, text);
      if (value !== null) checkLength(field, value);
      return value;
    }
    case 'email': {
      const text = asText(field, raw);
      if (text === null) return null;
      checkLength(field, text);
      if (!EMAIL.test(text)) throw errors.invalidEmail(field.label, field.name, text);
      return text;
    }
    case 'string':
    case 'textarea':
    case 'phone':
    case 'url': {
      const text = asText(field, raw);
      if (text !== null) checkLength(field, text);
      return text;
    }
    case 'id':
    case 'address':
      throw errors.invalidFieldForInsertUpdate([field.name], true);
  }
}
