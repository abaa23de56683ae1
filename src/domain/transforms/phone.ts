/**
 * Phone numbers become E.164 (`+14155552671`, with ` ext. 12` when there is an extension) so the same number
 * typed two ways is one value. A number libphonenumber cannot make sense of stays as the trimmed text the
 * person typed: we never invent digits, and the text still syncs.
 *
 * Numbers without a country code are read in the installation's default country.
 */
import type { CountryCode } from 'libphonenumber-js';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { ok } from '../result';
import type { CanonicalValue, FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';

export function isPhoneCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

function e164(text: string, defaultCountry: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.ext ? `${parsed.number} ext. ${parsed.ext}` : parsed.number;
}

export function normalizePhone(text: string, defaultCountry: CountryCode): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const formatted = e164(trimmed, defaultCountry);
  // Some inputs (a national trunk 0 after a country code) format to a number that itself formats
  // differently; such a number is kept as typed, so that normalizing twice never changes it again.
  if (formatted === null || e164(formatted, defaultCountry) !== formatted) return trimmed;
  return formatted;
}

export function createPhoneTransform(defaultCountry: CountryCode): FieldTransform {
  const fromWire = (wire: unknown): TransformResult<CanonicalValue> => {
    if (isBlankWire(wire)) return ok(null);
    if (typeof wire === 'string') return ok(normalizePhone(wire, defaultCountry));
    if (typeof wire === 'number') return ok(normalizePhone(String(wire), defaultCountry));
    return invalid(wire, 'is not a phone number');
  };
  return {
    fromHubspot: fromWire,
    fromSalesforce: fromWire,
    toHubspot(value) {
      if (value === null) return ok('');
      return typeof value === 'string' ? ok(value) : invalid(value, 'is not a phone number');
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      return typeof value === 'string' ? ok(value) : invalid(value, 'is not a phone number');
    },
  };
}
