/**
 * The canonical value: one normalized form per field, whichever system it came from.
 *
 * Change detection compares canonical values, never wire values, so "A@X.com " in HubSpot and "a@x.com" in
 * Salesforce are the same email, and the echo of our own write compares equal to the shadow.
 * Blank is always `null` (never "", [] or whitespace), so "cleared" means one thing on both sides.
 */
import { z } from 'zod';
import type { Result } from '../result';

export type CanonicalValue = string | number | boolean | readonly string[] | null;

/** Shadows and conflicts store canonical values as JSON; this is how they are read back. */
export const CanonicalValueSchema: z.ZodType<CanonicalValue> = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()).readonly(),
  z.null(),
]);

/** What Salesforce's REST API accepts in a JSON body. */
export type SalesforceWireValue = string | number | boolean | null;

export const transformFailureCodes = [
  'no_mapping',
  'invalid_value',
  'owner_not_found',
  'owner_inactive',
  'association_unlinked',
] as const;
export type TransformFailureCode = (typeof transformFailureCodes)[number];

export interface TransformFailure {
  readonly code: TransformFailureCode;
  /** The offending value as text, for messages. */
  readonly raw: string;
  /** Why, in words an admin understands (no field name: the caller adds it). */
  readonly reason: string;
}

export type TransformResult<T> = Result<T, TransformFailure>;

/**
 * One transform per mapped field. `from*` normalizes a wire value into the canonical value; `to*` turns a
 * canonical value into what that system accepts. For every canonical value `v` that `to*` accepts,
 * `from*(to*(v))` is `v` again: that is what makes the echo of a write find nothing to do.
 */
export interface FieldTransform {
  fromHubspot(wire: string | null): TransformResult<CanonicalValue>;
  fromSalesforce(wire: unknown): TransformResult<CanonicalValue>;
  toHubspot(value: CanonicalValue): TransformResult<string>;
  toSalesforce(value: CanonicalValue): TransformResult<SalesforceWireValue>;
}

/** A side's current value as the planner sees it: normalized, or a value the mapping cannot represent. */
export type Observed =
  | { readonly kind: 'value'; readonly value: CanonicalValue }
  | { readonly kind: 'unrepresentable'; readonly failure: TransformFailure };

export function observed(result: TransformResult<CanonicalValue>): Observed {
  return result.ok
    ? { kind: 'value', value: result.value }
    : { kind: 'unrepresentable', failure: result.error };
}

export function canonicalEquals(a: CanonicalValue, b: CanonicalValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => item === b[index]);
  }
  return a === b;
}

export function isBlank(value: Observed): boolean {
  return value.kind === 'value' && value.value === null;
}

/** An unrepresentable value never equals anything: it cannot be what we last synced. */
export function observedEquals(a: Observed, b: Observed): boolean {
  return a.kind === 'value' && b.kind === 'value' && canonicalEquals(a.value, b.value);
}

export function observedEqualsCanonical(a: Observed, b: CanonicalValue): boolean {
  return a.kind === 'value' && canonicalEquals(a.value, b);
}

/** How a value reads in an audit line or a conflict: plain text, lists joined with "; ". */
export function displayCanonical(value: CanonicalValue): string {
  if (value === null) return '(blank)';
  if (Array.isArray(value)) return value.join('; ');
  return String(value);
}

export function displayObserved(value: Observed): string {
  return value.kind === 'value' ? displayCanonical(value.value) : value.failure.raw;
}

/** A JSON-safe form of an observed value for audit rows and conflicts. */
export type ObservedJson =
  CanonicalValue | { readonly unrepresentable: string; readonly code: TransformFailureCode };

export function observedToJson(value: Observed): ObservedJson {
  return value.kind === 'value'
    ? value.value
    : { unrepresentable: value.failure.raw, code: value.failure.code };
}

/**
 * How a stored value (a conflict's side, a shadow) reads on the card: the canonical value as text, or the
 * raw text of a value the mapping could not represent. A value that was never stored reads as null.
 */
export function displayStored(value: unknown): string | null {
  if (value === undefined) return null;
  const canonical = CanonicalValueSchema.safeParse(value);
  if (canonical.success) return displayCanonical(canonical.data);
  if (typeof value === 'object' && value !== null && 'unrepresentable' in value) {
    return String((value as { unrepresentable: unknown }).unrepresentable);
  }
  return JSON.stringify(value);
}

export function rawText(wire: unknown): string {
  if (wire === null || wire === undefined) return '';
  if (typeof wire === 'string') return wire;
  if (typeof wire === 'number' || typeof wire === 'boolean') return String(wire);
  return JSON.stringify(wire);
}

export function invalid(wire: unknown, reason: string): TransformResult<never> {
  return { ok: false, error: { code: 'invalid_value', raw: rawText(wire), reason } };
}

/** HubSpot and Salesforce both mean "no value" by null; HubSpot also by "" (how a value is cleared). */
export function isBlankWire(wire: unknown): wire is null | undefined | '' {
  return wire === null || wire === undefined || (typeof wire === 'string' && wire.trim() === '');
}
