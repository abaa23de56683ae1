/**
 * Free text, email addresses and web domains.
 *
 * Text is trimmed and line endings become "\n" (Salesforce text areas may hold "\r\n", HubSpot returns
 * "\n"); both systems drop surrounding whitespace on their own, so keeping it would make our own write
 * look like a change. Emails are also lowercased: they are case-insensitive in practice and are the
 * match key between the systems.
 */
import { ok } from '../result';
import type { CanonicalValue, FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';

function normalizeText(text: string): string | null {
  const normalized = text.replace(/\r\n?/g, '\n').trim();
  return normalized === '' ? null : normalized;
}

function textFromWire(wire: unknown, finish: (text: string) => string): TransformResult<CanonicalValue> {
  if (isBlankWire(wire)) return ok(null);
  if (typeof wire === 'string') {
    const text = normalizeText(wire);
    return ok(text === null ? null : finish(text));
  }
  if (typeof wire === 'number' || typeof wire === 'boolean') return ok(finish(String(wire)));
  return invalid(wire, 'is not text');
}

function textTransform(finish: (text: string) => string): FieldTransform {
  const fromWire = (wire: unknown) => textFromWire(wire, finish);
  return {
    fromHubspot: fromWire,
    fromSalesforce: fromWire,
    toHubspot(value) {
      if (value === null) return ok('');
      return typeof value === 'string' ? ok(value) : invalid(value, 'is not text');
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      return typeof value === 'string' ? ok(value) : invalid(value, 'is not text');
    },
  };
}

export function createTextTransform(options: { salesforceBlank?: string | undefined } = {}): FieldTransform {
  const plain = textTransform((text) => text);
  const placeholder = options.salesforceBlank ? normalizeText(options.salesforceBlank) : null;
  if (placeholder === null) return plain;
  return {
    ...plain,
    fromSalesforce(wire) {
      const value = plain.fromSalesforce(wire);
      return value.ok &&
        typeof value.value === 'string' &&
        value.value.toLowerCase() === placeholder.toLowerCase()
        ? ok(null)
        : value;
    },
    toSalesforce(value) {
      return value === null ? ok(placeholder) : plain.toSalesforce(value);
    },
  };
}

export function normalizeEmail(text: string): string | null {
  const normalized = normalizeText(text);
  return normalized === null ? null : normalized.toLowerCase();
}

export function createEmailTransform(): FieldTransform {
  return textTransform((text) => text.toLowerCase());
}

/**
 * A company's web domain, as both systems should compare it: lower case, without scheme, `www.`, port,
 * path, query or trailing dot (`https://www.Acme.com/about` and `acme.com` are one company). Null for
 * text that holds no domain.
 */
export function normalizeDomain(text: string): string | null {
  const trimmed = normalizeText(text);
  if (trimmed === null) return null;
  const host = trimmed
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .split(/[/?#]/, 1)[0]
    ?.replace(/:\d*$/, '')
    .replace(/\.$/, '')
    .replace(/^www\d*\./, '');
  return host && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/**
 * HubSpot's company domain ⇄ Salesforce's Website: compared and written as the bare domain. A value that
 * holds no domain is kept as text, so nothing an admin typed is lost or rewritten.
 */
export function createDomainTransform(): FieldTransform {
  return textTransform((text) => normalizeDomain(text) ?? text);
}
