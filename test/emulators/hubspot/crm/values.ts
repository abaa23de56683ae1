/**
 * Property value validation and normalisation, per property type. HubSpot stores every value as a string;
 * what it accepts and how it stores it decides whether a sync can round-trip values without churn, so the
 * canonical forms here are deliberate: dates as `YYYY-MM-DD`, datetimes as ISO-8601, booleans lower-case,
 * emails trimmed (and lower-cased unless the portal is told to preserve case).
 */
import type { PropertyValidationIssue } from '../http/errors';
import type { PropertyDefinition } from './property-model';

export interface ValueContext {
  portalId: number;
  ownerIds: ReadonlySet<string>;
  emailCase: 'lowercase' | 'preserve';
}

export type ValueResult = { ok: true; value: string } | { ok: false; issue: PropertyValidationIssue };

const MAX_STRING_LENGTH = 65_536;
const DAY_MS = 86_400_000;
// HubSpot's own check is RFC 2822 plus a known TLD; a known-TLD list is out of scope, a 2+ letter TLD is required.
const EMAIL_PATTERN =
  /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const NUMBER_PATTERN = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function issue(
  definition: PropertyDefinition,
  context: ValueContext,
  error: string,
  message: string,
): ValueResult {
  return {
    ok: false,
    issue: {
      isValid: false,
      message,
      error,
      name: definition.name,
      localizedErrorMessage: message,
      portalId: context.portalId,
    },
  };
}

/** Coerces JSON scalars the way HubSpot does (numbers and booleans become strings; null clears). */
function asString(raw: unknown): string | null {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return null;
}

export function normalizeValue(
  definition: PropertyDefinition,
  raw: unknown,
  context: ValueContext,
): ValueResult {
  const text = asString(raw);
  if (text === null) {
    return issue(
      definition,
      context,
      'INVALID_PROPERTY_VALUE',
      `${JSON.stringify(raw)} is not a valid value`,
    );
  }
  if (text === '') return { ok: true, value: '' };
  if (text.length > MAX_STRING_LENGTH) {
    return issue(
      definition,
      context,
      'INVALID_LENGTH',
      `value is longer than ${MAX_STRING_LENGTH} characters`,
    );
  }
  switch (definition.type) {
    case 'string':
    case 'phone_number':
      return definition.name === 'email'
        ? normalizeEmail(definition, text, context)
        : { ok: true, value: text };
    case 'number':
      return NUMBER_PATTERN.test(text.trim())
        ? { ok: true, value: text.trim() }
        : issue(definition, context, 'INVALID_FLOAT', `${text} was not a valid number.`);
    case 'bool': {
      const lowered = text.trim().toLowerCase();
      return lowered === 'true' || lowered === 'false'
        ? { ok: true, value: lowered }
        : issue(definition, context, 'INVALID_BOOLEAN', `${text} was not a valid boolean.`);
    }
    case 'date':
      return normalizeDate(definition, text.trim(), context);
    case 'datetime':
      return normalizeDateTime(definition, text.trim(), context);
    case 'enumeration':
      return normalizeEnumeration(definition, text, context);
  }
}

function normalizeEmail(definition: PropertyDefinition, text: string, context: ValueContext): ValueResult {
  const trimmed = text.trim();
  if (!EMAIL_PATTERN.test(trimmed)) {
    return issue(definition, context, 'INVALID_EMAIL', `Email address ${trimmed} is invalid`);
  }
  return { ok: true, value: context.emailCase === 'lowercase' ? trimmed.toLowerCase() : trimmed };
}

function normalizeDate(definition: PropertyDefinition, text: string, context: ValueContext): ValueResult {
  let epochMs: number;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    epochMs = Date.parse(`${text}T00:00:00.000Z`);
  } else if (/^-?\d+$/.test(text)) {
    epochMs = Number(text);
  } else {
    return issue(definition, context, 'INVALID_DATE', `${text} is not a valid date`);
  }
  if (!Number.isFinite(epochMs))
    return issue(definition, context, 'INVALID_DATE', `${text} is not a valid date`);
  if (epochMs % DAY_MS !== 0) {
    const time = new Date(epochMs).toISOString().slice(11, 23);
    return issue(definition, context, 'INVALID_DATE', `${text} is at ${time} UTC, not midnight!`);
  }
  return { ok: true, value: new Date(epochMs).toISOString().slice(0, 10) };
}

function normalizeDateTime(definition: PropertyDefinition, text: string, context: ValueContext): ValueResult {
  const epochMs = /^-?\d+$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}/.test(text)
      ? Date.parse(text)
      : NaN;
  if (!Number.isFinite(epochMs)) {
    return issue(definition, context, 'INVALID_DATETIME', `${text} is not a valid datetime`);
  }
  return { ok: true, value: new Date(epochMs).toISOString() };
}

function normalizeEnumeration(
  definition: PropertyDefinition,
  text: string,
  context: ValueContext,
): ValueResult {
  if (definition.referencedObjectType === 'OWNER') {
    const trimmed = text.trim();
    return context.ownerIds.has(trimmed)
      ? { ok: true, value: trimmed }
      : issue(definition, context, 'INVALID_OWNER_ID', `${trimmed} is not a valid owner id`);
  }
  const allowed = definition.options.map((option) => option.value);
  const values = definition.fieldType === 'checkbox' ? text.split(';') : [text];
  const bad = values.filter((value) => !allowed.includes(value));
  if (bad.length > 0) {
    return issue(
      definition,
      context,
      'INVALID_OPTION',
      `${bad.join(';')} was not one of the allowed options: [${allowed.join(', ')}]`,
    );
  }
  return { ok: true, value: values.join(';') };
}

/** A filter value in the comparable form of the property (epoch ms for dates, numbers for numbers). */
export function comparableOf(definition: PropertyDefinition | undefined, value: string): number | string {
  if (!definition) return value.toLowerCase();
  switch (definition.type) {
    case 'number': {
      const parsed = Number(value);
      return Number.isFinite(parsed) ? parsed : value;
    }
    case 'date':
    case 'datetime': {
      if (/^-?\d+$/.test(value)) return Number(value);
      const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
      return Number.isFinite(parsed) ? parsed : value;
    }
    default:
      return value.toLowerCase();
  }
}
